// "My people": the account holder and the dependants they declare for; add and edit them.
import { useEffect, useState } from 'preact/hooks';
import { ApiError, getToken, setToken } from '../api';
import { declarationsApi, type Person, type PersonDetails } from '../api-declarations';
import { useI18n, type MessageKey } from '../i18n';
import { linkClick, navigate } from '../router';
import { Layout, errorText } from '../components/ui';
import { PersonForm, detailsOf, emptyDetails } from '../components/PersonForm';
import { PersonIdentifiers } from '../components/PersonIdentifiers';
import { formatDateTime } from '../lib/dates';

/** Loads data for a signed-in page; a missing or expired session goes to /login. */
export function useSignedIn<T>(load: () => Promise<T>, deps: unknown[] = []) {
  const [data, setData] = useState<T | null>(null);
  const [error, setError] = useState<unknown>(null);
  useEffect(() => {
    if (!getToken()) { navigate('/login', true); return; }
    let live = true;
    setError(null);
    load().then((d) => live && setData(d), (e) => {
      if (!live) return;
      if (e instanceof ApiError && e.status === 401) { setToken(null); navigate('/login', true); } else setError(e);
    });
    return () => { live = false; };
  }, deps);
  return { data, error, setData };
}

export function StatusDot({ colour }: { colour: string }) {
  return <span class={`dot dot-${colour}`} aria-hidden="true" />;
}

export function People() {
  const { t } = useI18n();
  const { data, error } = useSignedIn(() => declarationsApi.people());
  return (
    <Layout signedIn>
      <div class="stack">
        <section class="card">
          <h1>{t('peopleTitle')}</h1>
          <p class="muted">{t('peopleIntro')}</p>
          {error ? <p class="form-error" role="alert">{errorText(error, t)}</p> : null}
          {!data && !error && <p class="muted">{t('loading')}</p>}
          <ul class="person-list" data-testid="people-list">
            {data?.people.map((p) => (
              <li data-testid={`person-${p.id}`}>
                <div class="person-head">
                  <StatusDot colour={p.last_declared_at ? p.status.colour : 'none'} />
                  <strong>{p.full_name || t('yourself')}</strong>
                  {p.is_self && <span class="badge">{t('yourself')}</span>}
                </div>
                <p class="muted small">
                  {!p.complete ? t('profileIncomplete')
                    : p.last_declared_at ? t('lastDeclared', { at: formatDateTime(p.last_declared_at) })
                    : t('neverDeclared')}
                </p>
                <div class="button-row">
                  {p.complete
                    ? <a class="btn-small primary" href={`/declare/${p.id}`} onClick={linkClick}>{t('declareNow')}</a>
                    : <a class="btn-small primary" href={`/people/${p.id}`} onClick={linkClick}>{t('completeProfile')}</a>}
                  {p.last_declared_at && <a class="btn-small" href={`/qr/${p.id}`} onClick={linkClick}>{t('showQr')}</a>}
                  {p.complete && <a class="btn-small" href={`/people/${p.id}`} onClick={linkClick}>{t('editPerson')}</a>}
                  {p.last_declared_at &&
                    <a class="btn-small" href={`/people/${p.id}/history`} onClick={linkClick}>{t('history')}</a>}
                </div>
              </li>
            ))}
          </ul>
          <a class="btn-primary btn-link-block" href="/people/new" onClick={linkClick} data-testid="add-person">
            {t('addPerson')}
          </a>
        </section>
      </div>
    </Layout>
  );
}

export function EditPerson({ personId }: { personId: string | null }) {
  const { t } = useI18n();
  const isNew = personId === null;
  const { data, error } = useSignedIn<Person | null>(
    () => (isNew ? Promise.resolve(null) : declarationsApi.person(personId!)), [personId]);
  async function save(d: PersonDetails) {
    const saved = isNew ? await declarationsApi.addPerson(d) : await declarationsApi.editPerson(personId!, d);
    navigate(saved.last_declared_at ? '/people' : `/declare/${saved.id}`);
  }
  const title: MessageKey = isNew ? 'addPerson' : 'editPerson';
  return (
    <Layout signedIn>
      <div class="stack">
      <section class="card narrow">
        <p><a href="/people" onClick={linkClick}>← {t('peopleTitle')}</a></p>
        <h1>{t(title)}</h1>
        {error ? <p class="form-error" role="alert">{errorText(error, t)}</p> : null}
        {isNew && <PersonForm initial={emptyDetails} isSelf={false} onSave={save} />}
        {!isNew && data && <PersonForm initial={detailsOf(data)} isSelf={data.is_self} onSave={save} />}
      </section>
      {!isNew && data && <PersonIdentifiers personId={personId!} />}
      </div>
    </Layout>
  );
}
