// /access-log: who looked at my data — every official read or change of the personal data of
// the people in my account (the official's role and area, the reason, the time), newest first,
// and a CSV download of it.
import { useState } from 'preact/hooks';
import { download, request } from '../api';
import { useI18n, type MessageKey } from '../i18n';
import { FormError, Layout, errorText } from '../components/ui';
import { formatDateTime } from '../lib/dates';
import { useSignedIn } from './People';

export interface AccessEntry {
  id: number;
  at: string;
  person_id: number;
  person_name: string;
  action: string;
  role: string;
  area: string | null;
  reason: string | null;
  /** An outside agency's data request: its name (the reason is then its purpose). */
  agency?: string | null;
}
interface AccessPage { entries: AccessEntry[]; next_before: number | null }

const page = (before: number | null) =>
  request<AccessPage>('GET', `/me/access-log?limit=50${before ? `&before=${before}` : ''}`);

export function AccessLog() {
  const { t } = useI18n();
  const { data, error, setData } = useSignedIn(() => page(null));
  const [moreError, setMoreError] = useState<unknown>(null);

  async function more() {
    if (!data?.next_before) return;
    try {
      const next = await page(data.next_before);
      setData({ entries: [...data.entries, ...next.entries], next_before: next.next_before });
    } catch (e) {
      setMoreError(e);
    }
  }
  // An unknown key comes back as itself (i18n.ts translator): then the generic texts.
  const role = (r: string) => {
    const key = `accessRole_${r}` as MessageKey;
    return t(key) === key ? r : t(key);
  };
  const action = (a: string) => {
    const key = `accessAction_${a.replace(/\./g, '_')}` as MessageKey;
    return t(key) === key ? t('accessAction_other', { action: a }) : t(key);
  };

  return (
    <Layout signedIn>
      <section class="card">
        <h1>{t('featAccessLog')}</h1>
        <p class="muted">{t('accessIntro')}</p>
        {error ? <p class="form-error" role="alert">{errorText(error, t)}</p> : null}
        {!data && !error && <p class="muted">{t('loading')}</p>}
        {data && data.entries.length === 0 && <p class="muted" data-testid="access-empty">{t('accessEmpty')}</p>}
        <ul class="plain-list" data-testid="access-log">
          {data?.entries.map((e) => (
            <li data-testid={`access-${e.id}`}>
              <strong>{action(e.action)}</strong>
              <br />
              <span>{t('accessWho', { role: role(e.role), area: e.area === 'national' ? t('accessAreaNational') : e.area ?? '' })}</span>
              <br />
              <span class="muted small">{formatDateTime(e.at)} · {t('accessAbout', { name: e.person_name })}</span>
              <br />
              <span class="small">
                {e.agency ? t('accessAgency', { agency: e.agency, purpose: e.reason ?? '' })
                  : e.reason ? t('accessReason', { reason: e.reason }) : t('accessNoReason')}
              </span>
            </li>
          ))}
        </ul>
        <FormError message={moreError ? errorText(moreError, t) : undefined} />
        <div class="button-row">
          {data?.next_before && <button type="button" class="btn-ghost" onClick={more}>{t('accessMore')}</button>}
          {data && data.entries.length > 0 && (
            <button type="button" class="btn-ghost" data-testid="access-download"
              onClick={() => download('/me/access-log?format=csv', 'who-looked-at-my-data.csv').catch(setMoreError)}>
              {t('accessDownload')}
            </button>
          )}
        </div>
      </section>
    </Layout>
  );
}
