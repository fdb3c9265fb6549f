// Home after GET /api/v1/me, one view per role. Not signed in → /login.
import { useEffect, useState } from 'preact/hooks';
import { ApiError, api, getToken, setToken, type Me } from '../api';
import { useI18n, type MessageKey } from '../i18n';
import { linkClick, navigate } from '../router';
import { Field, Layout, errorText } from '../components/ui';
import { AreasBrowser } from '../components/AreasBrowser';
import { AdminHome, jurisdictionText } from './Admin';
import { StaffVenues } from './Venues';
import { declarationsApi, type Person } from '../api-declarations';
import { notifyApi } from '../notifyApi';
import { formatDate } from '../lib/dates';
import { matches } from '../lib/text';
import { casesApi } from '../casesApi';
import { venuesApi, type Venue } from '../venuesApi';

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
  const name = self?.full_name;
  const due = (people ?? []).filter((p) => !p.last_declared_at
    || Date.now() - new Date(p.last_declared_at).getTime() > DECLARATION_VALID_MS);
  return (
    <>
      <section class="card">
        <h1 data-testid="greeting">{name ? `${t('hello')}, ${name}` : t('hello')}</h1>
        <p class="muted" data-testid="me-phone">{me.phone}</p>
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
        <Tile href="/tests" id="tile-featMyTests" title={t('featMyTests')} />
        <Tile href="/health-book" id="tile-featHealthBook" title={t('featHealthBook')} />
        <Tile href="/monitoring" id="tile-featMonitoring" title={t('featMonitoring')} />
        <Tile href="/visits" id="tile-featCheckin" title={t('homeVisits')} />
        <Tile href="/venues" id="tile-featVenues" title={t('homeMyVenues')} />
        <Tile href="/organisations" id="tile-featOrganisations" title={t('featOrganisations')} hint={t('orgHint')} />
        <Tile href="/feedback" id="tile-featFeedback" title={t('featFeedback')} />
        <Tile href="/access-log" id="tile-featAccessLog" title={t('featAccessLog')} />
        <Tile href="/locations" id="tile-featLocations" title={t('featLocations')} />
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
  return (
    <>
      <section class="card">
        <h1>
          {t('hello')}, <span data-testid="me-username">{me.username ?? me.phone}</span>
        </h1>
        <dl class="facts">
          <dt>{t('roleLabel')}</dt>
          <dd data-testid="me-role">{t(`role_${me.role}` as MessageKey)}</dd>
          {/* Venue staff act for their venues, not for an area. */}
          {me.role !== 'venue_staff' && <dt>{t('jurisdiction')}</dt>}
          {me.role !== 'venue_staff' && <dd data-testid="me-jurisdiction">{jurisdictionText(me.jurisdiction, t)}</dd>}
        </dl>
      </section>
      {new URLSearchParams(location.search).has('password') && (
        <p class="success" role="status" data-testid="password-changed">{t('passwordChanged')}</p>
      )}
      {me.role === 'venue_staff' && (
        <ul class="tiles"><Tile href="/vaccination/site" id="tile-featSiteDesk" title={t('featSiteDesk')} /></ul>
      )}
      {me.role === 'venue_staff' && <StaffVenues />}
      {me.role === 'venue_staff' && (
        <ul class="tiles"><Tile href="/organisations" id="tile-featOrganisations" title={t('featOrganisations')} hint={t('orgHint')} /></ul>
      )}
      {me.role === 'admin' && <AdminHome me={me} />}
      {me.role === 'official' && <OfficialHome me={me} />}
    </>
  );
}

/** An official's home: the area's figures at a glance, the work links, the area's venues. */
function OfficialHome({ me }: { me: Me }) {
  const { t } = useI18n();
  const provinceCode = me.jurisdiction?.level === 'province' ? me.jurisdiction.code : null;
  return (
    <>
      <AreaFigures me={me} />
      <ul class="tiles">
        <Tile href="/cases" id="tile-featCases" title={t('featCases')} />
        <Tile href="/clusters" id="tile-featClusters" title={t('featClusters')} />
        <Tile href="/broadcasts" id="tile-composeTitle" title={t('composeTitle')} />
        <Tile href="/testing" id="tile-featTesting" title={t('featTesting')} />
        <Tile href="/vaccination" id="tile-featCampaigns" title={t('featCampaigns')} />
        <Tile href="/dashboard" id="tile-featDashboard" title={t('featDashboard')} />
        <Tile href="/map" id="tile-featLevels" title={t('featLevels')} />
        <Tile href="/venue-safety" id="tile-featSafety" title={t('featSafety')} />
        <Tile href="/locations" id="tile-featLocations" title={t('featLocations')} />
        <Tile href="/feedback" id="tile-featFeedback" title={t('featFeedback')} />
        <Tile href="/monitoring/board" id="tile-featBoard" title={t('featBoard')} />
        <Tile href="/data-requests" id="tile-featDataRequests" title={t('featDataRequests')} />
      </ul>
      <AreaVenues />
      {/* A ward official's area is one ward: the country's provinces are not theirs to browse; a
          province official starts at the province's wards. */}
      {me.jurisdiction?.level !== 'ward' && <AreasBrowser highlight={provinceCode} start={provinceCode} />}
    </>
  );
}

interface Figures {
  active: number;
  activeMore: boolean;
  today: number;
  f1: number;
  broadcasts: number;
}

/** Figures from the lists the official may read (no figures route yet: the dashboards issue). */
function AreaFigures({ me }: { me: Me }) {
  const { t } = useI18n();
  const [figures, setFigures] = useState<Figures | null>(null);
  const [error, setError] = useState<unknown>(null);
  useEffect(() => {
    let live = true;
    Promise.all([casesApi.list('active', 200), notifyApi.broadcasts()]).then(([c, b]) => {
      if (!live) return;
      const today = formatDate(new Date().toISOString());
      setFigures({
        active: c.cases.length,
        activeMore: c.next_before !== null,
        today: c.cases.filter((k) => formatDate(k.created_at) === today).length,
        f1: c.cases.reduce((n, k) => n + (k.f1_count ?? 0), 0),
        broadcasts: b.broadcasts.filter((x) => x.status === 'sent').length,
      });
    }, (e) => live && setError(e));
    return () => { live = false; };
  }, []);
  if (error) return <p class="form-error" role="alert">{errorText(error, t)}</p>;
  const more = (n: number, isMore: boolean) => (isMore ? t('figMore', { n }) : String(n));
  return (
    <section class="card" aria-busy={!figures}>
      <h2 data-testid="area-name">{me.jurisdiction?.name ?? t('jurNational')}</h2>
      <ul class="figures" data-testid="area-figures">
        <Figure id="fig-active" label={t('figActiveCases')} value={figures && more(figures.active, figures.activeMore)} href="/cases" />
        <Figure id="fig-today" label={t('figCasesToday')} value={figures && String(figures.today)} href="/cases" />
        <Figure id="fig-f1" label={t('figF1')} value={figures && more(figures.f1, figures.activeMore)} href="/cases" />
        <Figure id="fig-broadcasts" label={t('figBroadcasts')} value={figures && String(figures.broadcasts)} href="/broadcasts" />
      </ul>
    </section>
  );
}

function Figure({ id, label, value, href }: { id: string; label: string; value: string | null; href: string }) {
  return (
    <li>
      <a class="figure" href={href} onClick={linkClick} data-testid={id}>
        <span class="figure-value">{value ?? '…'}</span>
        <span class="figure-label">{label}</span>
      </a>
    </li>
  );
}

/** The venues registered in the official's area, searchable by name or address. */
function AreaVenues() {
  const { t } = useI18n();
  const [venues, setVenues] = useState<Venue[] | null>(null);
  const [more, setMore] = useState(false);
  const [query, setQuery] = useState('');
  const [error, setError] = useState<unknown>(null);
  function load(before?: number) {
    venuesApi.list(before).then((r) => {
      setVenues((v) => [...(before ? v ?? [] : []), ...r.venues]);
      setMore(r.venues.length === 100);
    }, setError);
  }
  useEffect(() => load(), []);
  const shown = (venues ?? []).filter((v) => matches(`${v.name} ${v.address_line}`, query));
  return (
    <section class="card" data-testid="area-venues">
      <div class="section-head">
        <h2>{t('areaVenues')}</h2>
        {venues && <span class="badge">{t('areaVenuesCount', { n: venues.length + (more ? '+' : '') })}</span>}
      </div>
      {error ? <p class="form-error" role="alert">{errorText(error, t)}</p> : null}
      {venues === null ? <p class="muted">{t('loading')}</p> : venues.length === 0 ? (
        <p class="muted" data-testid="area-venues-none">{t('areaVenuesNone')}</p>
      ) : (
        <>
          <Field name="venue-filter" type="search" label={t('areaVenuesSearch')} value={query} autoComplete="off"
            onInput={(e) => setQuery((e.currentTarget as HTMLInputElement).value)} />
          {shown.length === 0 ? <p class="muted">{t('noMatch')}</p> : (
            <ul class="area-list" data-testid="area-venue-list">
              {shown.map((v) => (
                <li><a class="area-venue" href={`/venues/${v.id}`} onClick={linkClick} data-testid={`area-venue-${v.id}`}>
                  <span class="area-name">{v.name}</span>
                  <span class="muted">{v.address_line}</span>
                </a></li>
              ))}
            </ul>
          )}
          {more && (
            <button type="button" class="btn-ghost" onClick={() => load(venues[venues.length - 1].id)}>{t('loadMore')}</button>
          )}
        </>
      )}
    </section>
  );
}
