// /visits: where I (and the people I manage) checked in over the last 28 days; check out of
// a visit still open; scan a venue's poster with the camera (/visits?camera=1 opens it at once,
// from the home page), or type its code when the camera cannot read it.
import { useEffect, useState } from 'preact/hooks';
import { ApiError, getToken, setToken } from '../api';
import { useI18n } from '../i18n';
import { navigate } from '../router';
import { Field, FormError, Layout, errorText } from '../components/ui';
import { QrCamera } from '../components/QrCamera';
import { shortTime, venuesApi, type MyVisit } from '../venuesApi';

export function MyVisits() {
  const { t } = useI18n();
  const [visits, setVisits] = useState<MyVisit[] | null>(null);
  const [error, setError] = useState('');
  const [code, setCode] = useState('');
  const [reload, setReload] = useState(0);
  const [camera, setCamera] = useState(() => new URLSearchParams(location.search).has('camera'));
  const [scanError, setScanError] = useState('');

  useEffect(() => {
    if (!getToken()) { navigate('/login', true); return; }
    let live = true;
    venuesApi.myVisits().then((r) => live && setVisits(r.visits), (e) => {
      if (!live) return;
      if (e instanceof ApiError && e.status === 401) { setToken(null); navigate('/login', true); return; }
      setError(errorText(e, t));
    });
    return () => { live = false; };
  }, [reload]);

  async function checkOut(v: MyVisit) {
    setError('');
    try {
      await venuesApi.checkOut({ visit_id: v.id });
    } catch (e) {
      setError(errorText(e, t));
    }
    setReload((n) => n + 1);
  }

  // A venue poster (or kiosk screen) encodes its check-in page's address: /v/{code}[?kiosk…].
  function scanned(text: string) {
    let url: URL | null = null;
    try { url = new URL(text, location.origin); } catch { /* not an address */ }
    if (url && /^\/v\/[^/]+$/.test(url.pathname)) navigate(url.pathname + url.search);
    else setScanError(t('scanVenueNotPoster'));
  }

  function openCode(e: Event) {
    e.preventDefault();
    const c = code.trim().toLowerCase().replace(/^.*\/v\//, '');
    if (c) navigate(`/v/${encodeURIComponent(c)}`);
  }

  return (
    <Layout signedIn>
      <div class="stack">
        <section class="card">
          <h1>{t('myVisits')}</h1>
          <p class="muted">{t('scanPosterHint')}</p>
          {camera && <QrCamera onText={scanned} />}
          {scanError && <p class="field-error" role="alert" data-testid="scan-venue-error">{scanError}</p>}
          <button type="button" class="btn-ghost" data-testid="venue-camera" onClick={() => setCamera((c) => !c)}>
            {camera ? t('scanVenueStop') : t('scanVenueStart')}
          </button>
          <form onSubmit={openCode} class="inline-form" data-testid="venue-code-form">
            <Field name="venue-code" label={t('venueCodeLabel')} value={code} autoComplete="off"
              onInput={(e) => setCode((e.currentTarget as HTMLInputElement).value)} />
            <button type="submit" class="btn-ghost">{t('open')}</button>
          </form>
        </section>
        <FormError message={error} />
        {visits === null ? <p class="muted">{t('loading')}</p> : visits.length === 0 ? (
          <p class="muted" data-testid="no-visits">{t('noVisits')}</p>
        ) : (
          <ul class="visit-list" data-testid="my-visits">
            {visits.map((v) => (
              <li class="card" data-testid={`visit-${v.id}`}>
                <strong>{v.venue_name}</strong>
                <span class="muted"> · {v.person_name || t('yourself')}</span>
                <div>
                  {shortTime(v.t_in, true)} → {v.t_out ? shortTime(v.t_out) : v.open ? t('stillThere') : `~${shortTime(v.assumed_out)}`}
                </div>
                {!v.t_out && v.open && (
                  <button type="button" class="btn-ghost" data-testid={`checkout-${v.id}`} onClick={() => checkOut(v)}>
                    {t('checkOut')}
                  </button>
                )}
              </li>
            ))}
          </ul>
        )}
      </div>
    </Layout>
  );
}
