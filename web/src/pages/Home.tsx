// Home after GET /api/v1/me, one view per role. Not signed in → /login.
import { useEffect, useState } from 'preact/hooks';
import { ApiError, api, getToken, setToken, type Me } from '../api';
import { useI18n, type MessageKey } from '../i18n';
import { linkClick, navigate } from '../router';
import { Layout, errorText } from '../components/ui';
import { AreasBrowser } from '../components/AreasBrowser';
import { AdminHome, jurisdictionText } from './Admin';
import { StaffVenues } from './Venues';

export function Home() {
  const { t } = useI18n();
  const [me, setMe] = useState<Me | null>(null);
  const [error, setError] = useState<unknown>(null);
  const [attempt, setAttempt] = useState(0);

  useEffect(() => {
    if (!getToken()) {
      navigate('/login', true);
      return;
    }
    let live = true;
    setError(null);
    api.me().then(
      (m) => {
        if (!live) return;
        // A one-time password is changed before anything else (the server allows nothing else).
        if (m.must_change_password) navigate('/password', true);
        else setMe(m);
      },
      (e) => {
        if (!live) return;
        if (e instanceof ApiError && e.status === 401) {
          setToken(null);
          navigate('/login', true);
        } else {
          setError(e);
        }
      },
    );
    return () => { live = false; };
  }, [attempt]);

  if (error) {
    return (
      <Layout signedIn>
        <div class="card form-error" role="alert">
          {errorText(error, t)}{' '}
          <button type="button" class="btn-link" onClick={() => setAttempt((a) => a + 1)}>
            {t('retry')}
          </button>
        </div>
      </Layout>
    );
  }
  if (!me) {
    return (
      <Layout signedIn>
        <p class="muted">{t('loading')}</p>
      </Layout>
    );
  }
  return (
    <Layout signedIn>
      <div class="stack" data-testid={`home-${me.role}`}>
        {me.role === 'citizen' ? <CitizenHome me={me} /> : <StaffHome me={me} />}
      </div>
    </Layout>
  );
}

function CitizenHome({ me }: { me: Me }) {
  const { t } = useI18n();
  return (
    <>
      <section class="card">
        <h1>
          {t('hello')}, <span data-testid="me-phone">{me.phone}</span>
        </h1>
        <p class="muted">{t('citizenIntro')}</p>
      </section>
      <ul class="tiles">
        <li class="tile"><a href="/visits" onClick={linkClick} data-testid="tile-featCheckin">{t('featCheckin')}</a></li>
        <li class="tile"><a href="/venues" onClick={linkClick} data-testid="tile-featVenues">{t('featVenues')}</a></li>
      </ul>
      <ul class="tiles">
        <li class="tile"><a href="/declare" onClick={linkClick} data-testid="tile-featDeclaration">{t('featDeclaration')}</a></li>
        <li class="tile"><a href="/qr" onClick={linkClick} data-testid="tile-featMyQr">{t('featMyQr')}</a></li>
        <li class="tile"><a href="/people" onClick={linkClick} data-testid="tile-peopleTitle">{t('peopleTitle')}</a></li>
      </ul>
      <ul class="tiles">
        <li class="tile"><a href="/inbox" onClick={linkClick} data-testid="tile-featInbox">{t('featInbox')}</a></li>
        <li class="tile"><a href="/feedback" onClick={linkClick} data-testid="tile-featFeedback">{t('featFeedback')}</a></li>
      </ul>
    </>
  );
}

function StaffHome({ me }: { me: Me }) {
  const { t } = useI18n();
  const provinceCode = me.jurisdiction?.level === 'province' ? me.jurisdiction.code : null;
  return (
    <>
      <section class="card">
        <h1>
          {t('hello')}, <span data-testid="me-username">{me.username ?? me.phone}</span>
        </h1>
        <dl class="facts">
          <dt>{t('roleLabel')}</dt>
          <dd data-testid="me-role">{t(`role_${me.role}` as MessageKey)}</dd>
          <dt>{t('jurisdiction')}</dt>
          <dd data-testid="me-jurisdiction">{jurisdictionText(me.jurisdiction, t)}</dd>
        </dl>
      </section>
      {new URLSearchParams(location.search).has('password') && (
        <p class="success" role="status" data-testid="password-changed">{t('passwordChanged')}</p>
      )}
      {me.role === 'venue_staff' && <StaffVenues />}
      {me.role === 'admin' && <AdminHome me={me} />}
      {me.role === 'official' && (
        <ul class="tiles">
          <li class="tile"><a href="/cases" onClick={linkClick} data-testid="tile-featCases">{t('featCases')}</a></li>
          <li class="tile"><a href="/clusters" onClick={linkClick} data-testid="tile-featClusters">{t('featClusters')}</a></li>
          <li class="tile"><a href="/broadcasts" onClick={linkClick} data-testid="tile-composeTitle">{t('composeTitle')}</a></li>
          <li class="tile"><a href="/dashboard" onClick={linkClick} data-testid="tile-featDashboard">{t('featDashboard')}</a></li>
          <li class="tile"><a href="/map" onClick={linkClick} data-testid="tile-featLevels">{t('featLevels')}</a></li>
          <li class="tile"><a href="/feedback" onClick={linkClick} data-testid="tile-featFeedback">{t('featFeedback')}</a></li>
        </ul>
      )}
      {me.role === 'official' && <AreasBrowser highlight={provinceCode} />}
    </>
  );
}
