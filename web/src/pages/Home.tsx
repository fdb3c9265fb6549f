// Home after GET /api/v1/me, one view per role. Not signed in → /login.
import { useEffect, useState } from 'preact/hooks';
import { ApiError, api, getToken, setToken, type Me } from '../api';
import { useI18n, type MessageKey } from '../i18n';
import { linkClick, navigate } from '../router';
import { Layout, errorText } from '../components/ui';
import { AreasBrowser } from '../components/AreasBrowser';
import { AdminHome, jurisdictionText } from './Admin';
import { StaffVenues } from './Venues';
import { declarationsApi, type Person } from '../api-declarations';
import { notifyApi } from '../notifyApi';
import { formatDate } from '../lib/dates';

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

/** A declaration counts as current for the server's default policy (7 days, health_status.h). */
const DECLARATION_VALID_MS = 7 * 86400e3;

/** The citizen's home: whom to greet, what to do today, each person's colour and QR at one tap. */
function CitizenHome({ me }: { me: Me }) {
  const { t } = useI18n();
  const [people, setPeople] = useState<Person[] | null>(null);
  const [unread, setUnread] = useState<number | null>(null);
  const [error, setError] = useState<unknown>(null);

  useEffect(() => {
    let live = true;
    declarationsApi.people().then((r) => live && setPeople(r.people), (e) => live && setError(e));
    notifyApi.inbox().then((r) => live && setUnread(r.unread), () => live && setUnread(null));
    return () => { live = false; };
  }, []);

  const self = people?.find((p) => p.is_self);
  const name = self?.full_name || me.phone;
  const due = (people ?? []).filter((p) => !p.last_declared_at
    || Date.now() - new Date(p.last_declared_at).getTime() > DECLARATION_VALID_MS);
  return (
    <>
      <section class="card">
        <h1 data-testid="greeting">{t('hello')}, {name}</h1>
        {name !== me.phone && <p class="muted" data-testid="me-phone">{me.phone}</p>}
        {name === me.phone && <span hidden data-testid="me-phone">{me.phone}</span>}
      </section>
      {error ? <p class="form-error" role="alert">{errorText(error, t)}</p> : null}
      {people && (
        <section class="card" data-testid="home-tasks">
          <h2>{t('homeTasks')}</h2>
          {due.length === 0 && !unread ? <p class="muted" data-testid="no-tasks">{t('homeNoTasks')}</p> : (
            <ul class="task-list">
              {due.map((p) => (
                <li><a class="task" href={`/declare/${p.id}`} onClick={linkClick} data-testid={`task-declare-${p.id}`}>
                  {p.last_declared_at
                    ? t('taskDeclareAgain', { name: p.full_name, date: formatDate(p.last_declared_at) })
                    : t('taskDeclare', { name: p.full_name || t('yourself') })}
                </a></li>
              ))}
              {!!unread && (
                <li><a class="task" href="/inbox" onClick={linkClick} data-testid="task-inbox">{t('taskUnread', { n: unread })}</a></li>
              )}
            </ul>
          )}
        </section>
      )}
      {people && people.length > 0 && (
        <section class="card">
          <h2>{t('homeFamily')}</h2>
          <ul class="person-tiles" data-testid="home-people">
            {people.map((p) => <PersonTile person={p} />)}
          </ul>
          <a href="/people" onClick={linkClick} data-testid="tile-peopleTitle">{t('homeManagePeople')}</a>
        </section>
      )}
      <ul class="tiles">
        <Tile href="/visits?camera=1" id="tile-scanVenue" title={t('homeScanVenue')} hint={t('homeScanVenueHint')} />
        <Tile href="/inbox" id="tile-featInbox" title={t('featInbox')}
          hint={unread ? t('homeInboxHint', { n: unread }) : t('homeInboxNone')} count={unread || undefined} />
        <Tile href="/declare" id="tile-featDeclaration" title={t('featDeclaration')} hint={t('homeDeclareHint')} />
        <Tile href="/qr" id="tile-featMyQr" title={t('featMyQr')} />
        <Tile href="/visits" id="tile-featCheckin" title={t('homeVisits')} />
        <Tile href="/venues" id="tile-featVenues" title={t('homeMyVenues')} />
      </ul>
    </>
  );
}

/** One managed person: colour in words and their QR (or the declaration form) at one tap. */
function PersonTile({ person: p }: { person: Person }) {
  const { t } = useI18n();
  const declared = !!p.last_declared_at;
  const href = declared ? `/qr/${p.id}` : `/declare/${p.id}`;
  return (
    <li>
      <a class={`person-tile qr-${declared ? p.status.colour : 'none'}`} href={href} onClick={linkClick}
        data-testid={`home-person-${p.id}`} data-colour={declared ? p.status.colour : 'none'}>
        <span class={`dot dot-${declared ? p.status.colour : 'none'}`} aria-hidden="true" />
        <span class="person-tile-text">
          <strong>{p.full_name || t('yourself')}</strong>
          <span class="qr-colour">{declared ? t(`colour_${p.status.colour}` as MessageKey) : t('homeNotDeclared')}</span>
        </span>
        <span class="person-tile-action">{declared ? t('homeShowQr') : t('homeDeclareNow')} ›</span>
      </a>
    </li>
  );
}

/** A home tile: the whole tile is the link. */
function Tile({ href, id, title, hint, count }: { href: string; id: string; title: string; hint?: string; count?: number }) {
  return (
    <li>
      <a class="tile" href={href} onClick={linkClick} data-testid={id}>
        <span class="tile-title">{title}</span>
        {count !== undefined && <span class="tile-count" data-testid={`${id}-count`}>{count}</span>}
        {hint && <span class="tile-hint">{hint}</span>}
      </a>
    </li>
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
        </ul>
      )}
      {me.role === 'official' && <AreasBrowser highlight={provinceCode} />}
    </>
  );
}
