// Personal QR codes: every managed person's code on /qr, one code full screen on /qr/:id.
// Codes are kept in localStorage (and the app shell by the service worker), so the page
// opens and shows the last code without a network.
import { useEffect, useState } from 'preact/hooks';
import { ApiError, getToken } from '../api';
import { declarationsApi, type PersonalQr } from '../api-declarations';
import { useI18n, type MessageKey } from '../i18n';
import { linkClick, navigate } from '../router';
import { ConfirmButton, Layout, errorText } from '../components/ui';
import { cacheQr, cachedQrs, registerServiceWorker, storeKeys } from '../lib/personalQr';
import { formatDateTime } from '../lib/dates';

function QrCard({ qr, big }: { qr: PersonalQr; big?: boolean }) {
  const { t } = useI18n();
  return (
    <figure class={`qr-card qr-${qr.colour}${big ? ' qr-big' : ''}`} data-testid={`qr-${qr.person_id}`}
      data-colour={qr.colour} data-payload={qr.payload}>
      <figcaption>
        <strong class="qr-name">{qr.full_name}</strong>
        <span class="qr-colour" data-testid="qr-colour">{t(`colour_${qr.colour}` as MessageKey)}</span>
        {qr.reason && <span class="qr-reason">{t(`reason_${qr.reason}` as MessageKey)}</span>}
      </figcaption>
      {qr.svg
        ? <div class="qr-image" role="img" aria-label={qr.payload} dangerouslySetInnerHTML={{ __html: qr.svg }} />
        : <code class="qr-text">{qr.payload}</code>}
      <p class="qr-expiry">{t('qrValidUntil', { at: formatDateTime(qr.expires_at) })}</p>
      <textarea class="qr-payload" readOnly rows={2} data-testid="qr-payload" value={qr.payload}
        aria-label={t('payloadLabel')} />
    </figure>
  );
}

async function loadOne(id: string): Promise<PersonalQr> {
  const qr = await declarationsApi.qr(id);
  cacheQr(qr);
  return qr;
}

function useKeysCached() {
  useEffect(() => {
    registerServiceWorker();
    declarationsApi.keys().then((k) => storeKeys(k.keys), () => { /* offline: keep what we have */ });
  }, []);
}

/** /qr: all codes. */
export function MyQrs() {
  const { t } = useI18n();
  const [qrs, setQrs] = useState<PersonalQr[] | null>(null);
  const [offline, setOffline] = useState(false);
  const [error, setError] = useState<unknown>(null);
  useKeysCached();
  useEffect(() => {
    if (!getToken()) { navigate('/login', true); return; }
    (async () => {
      try {
        const { people } = await declarationsApi.people();
        const declared = people.filter((p) => p.last_declared_at);
        setQrs(await Promise.all(declared.map((p) => loadOne(String(p.id)))));
      } catch (e) {
        if (e instanceof ApiError && e.code === 'network') {
          setOffline(true);
          setQrs(Object.values(cachedQrs()));
        } else if (e instanceof ApiError && e.status === 401) {
          navigate('/login', true);
        } else {
          setError(e);
        }
      }
    })();
  }, []);
  return (
    <Layout signedIn>
      <div class="stack">
        <section class="card">
          <h1>{t('myQrTitle')}</h1>
          <p class="muted">{t('myQrIntro')}</p>
          {offline && <p class="form-error" role="status">{t('qrOffline')}</p>}
          {error ? <p class="form-error" role="alert">{errorText(error, t)}</p> : null}
          {qrs && qrs.length === 0 && (
            <p>{t('noQrYet')} <a href="/declare" onClick={linkClick}>{t('declareNow')}</a></p>
          )}
        </section>
        <div class="qr-grid" data-testid="qr-list">
          {qrs?.map((q) => (
            <a href={`/qr/${q.person_id}`} onClick={linkClick} class="qr-link"><QrCard qr={q} /></a>
          ))}
        </div>
      </div>
    </Layout>
  );
}

/** /qr/:id: one code, as large as the screen allows. */
export function MyQr({ personId }: { personId: string }) {
  const { t } = useI18n();
  const [qr, setQr] = useState<PersonalQr | null>(null);
  const [offline, setOffline] = useState(false);
  const [error, setError] = useState<unknown>(null);
  const [note, setNote] = useState<MessageKey | null>(
    new URLSearchParams(location.search).has('declared') ? 'declared' : null);
  useKeysCached();
  useEffect(() => {
    if (!getToken()) { navigate('/login', true); return; }
    const cached = cachedQrs()[personId];
    if (cached) setQr(cached);
    loadOne(personId).then(setQr, (e) => {
      if (e instanceof ApiError && e.code === 'network') setOffline(true);
      else if (e instanceof ApiError && e.status === 401) navigate('/login', true);
      else setError(e);
    });
  }, [personId]);

  async function revoke() {
    try {
      await declarationsApi.revokeQr(personId);
      setQr(await loadOne(personId));
      setNote('revoked');
    } catch (e) {
      setError(e);
    }
  }
  function fullscreen() {
    document.querySelector('.qr-big')?.requestFullscreen?.().catch(() => { /* not allowed: stays on the page */ });
  }

  return (
    <Layout signedIn>
      <div class="stack qr-page">
        {note && <p class="success" role="status" data-testid="qr-note">{t(note)}</p>}
        {offline && <p class="form-error" role="status">{t('qrOffline')}</p>}
        {error ? <p class="form-error" role="alert">{errorText(error, t)}</p> : null}
        {!qr && !error && <p class="muted">{t('loading')}</p>}
        {qr && <QrCard qr={qr} big />}
        {qr && (
          <div class="button-row">
            <button type="button" class="btn-small" onClick={fullscreen}>{t('fullscreen')}</button>
            <a class="btn-small" href={`/declare/${personId}`} onClick={linkClick}>{t('declareNow')}</a>
            <a class="btn-small" href="/qr" onClick={linkClick}>{t('myQrTitle')}</a>
            <ConfirmButton testid="revoke-qr" class="btn-small danger" danger label={t('revokeQr')}
              confirmLabel={t('revokeConfirmYes')} onConfirm={revoke}
              message={<><strong>{t('revokeConfirmTitle', { name: qr.full_name })}</strong> {t('revokeConfirmText')}</>} />
          </div>
        )}
      </div>
    </Layout>
  );
}
