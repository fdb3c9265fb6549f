// The documents and phone numbers a person in the citizen's account is known by, and a form to
// add one: a card scanned at a door then finds this person instead of recording a new one.
// A number already on another record is not moved here: the server holds it for an official's
// review (202 pending_review), and the page says so.
import { useEffect, useState } from 'preact/hooks';
import { myIdentifiersApi, type Identifier } from '../identityApi';
import { useI18n, type MessageKey } from '../i18n';
import { formatDate } from '../lib/dates';
import { Field, FormError, errorText, fieldErrors, type FieldErrors } from './ui';

const KINDS = ['cccd', 'cmnd', 'passport', 'bhxh', 'phone'] as const;
type Kind = (typeof KINDS)[number];
const FIELDS = ['kind', 'number', 'country'] as const;

export function PersonIdentifiers({ personId }: { personId: string }) {
  const { t } = useI18n();
  const [list, setList] = useState<Identifier[] | null>(null);
  const [loadError, setLoadError] = useState<unknown>(null);
  const [kind, setKind] = useState<Kind>('cccd');
  const [number, setNumber] = useState('');
  const [country, setCountry] = useState('');
  const [errors, setErrors] = useState<FieldErrors<(typeof FIELDS)[number]>>({});
  const [notice, setNotice] = useState<MessageKey | null>(null);
  const [busy, setBusy] = useState(false);

  const load = () => myIdentifiersApi.list(personId).then((r) => setList(r.identifiers), setLoadError);
  useEffect(() => { void load(); }, [personId]);

  async function add(e: Event) {
    e.preventDefault();
    setBusy(true); setErrors({}); setNotice(null);
    try {
      const r = await myIdentifiersApi.add(personId, { kind, number, ...(kind === 'passport' && country ? { country } : {}) });
      setNotice('status' in r ? 'idsPending' : 'idsAdded');
      setNumber(''); setCountry('');
      await load();
    } catch (err) {
      setErrors(fieldErrors(err, t, FIELDS));
    } finally {
      setBusy(false);
    }
  }

  return (
    <section class="card narrow" data-testid="person-identifiers">
      <h2>{t('idsTitle')}</h2>
      <p class="muted small">{t('idsIntro')}</p>
      {loadError ? <p class="form-error" role="alert">{errorText(loadError, t)}</p> : null}
      {list && list.length === 0 && <p class="muted">{t('idsEmpty')}</p>}
      <ul class="plain-list">
        {list?.map((i) => (
          <li data-testid={`identifier-${i.kind}`}>
            <strong>{t(`idsKind_${i.kind}` as MessageKey)}</strong>: {i.number}{i.country ? ` (${i.country})` : ''}
            <br />
            <span class="muted small">
              {t('idsSeen', { first: formatDate(i.first_seen_at), last: formatDate(i.last_seen_at) })}
            </span>
          </li>
        ))}
      </ul>
      <form onSubmit={add} noValidate data-testid="identifier-form">
        <FormError message={errors.form} />
        <div class="field">
          <label for="identifier-kind">{t('idsKind')}</label>
          <select id="identifier-kind" name="identifier-kind" value={kind}
            onChange={(e) => setKind((e.target as HTMLSelectElement).value as Kind)}>
            {KINDS.map((k) => <option value={k}>{t(`idsKind_${k}` as MessageKey)}</option>)}
          </select>
        </div>
        <Field name="identifier-number" label={t('idsNumber')} value={number} error={errors.number}
          inputMode={kind === 'passport' ? 'text' : 'numeric'}
          onInput={(e) => setNumber((e.target as HTMLInputElement).value)} />
        {kind === 'passport' && (
          <Field name="identifier-country" label={t('idsCountry')} value={country} error={errors.country}
            maxLength={2} onInput={(e) => setCountry((e.target as HTMLInputElement).value.toUpperCase())} />
        )}
        {notice && <p class="success" role="status" data-testid="identifier-notice">{t(notice)}</p>}
        <button type="submit" class="btn-primary" disabled={busy || !number.trim()}>{t('idsAdd')}</button>
      </form>
    </section>
  );
}
