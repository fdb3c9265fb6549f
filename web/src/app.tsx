import { useEffect, useMemo, useState } from 'preact/hooks';
import { I18nContext, storeLang, storedLang, translator, useI18n, type Lang } from './i18n';
import { linkClick, navigate, usePath } from './router';
import { Layout } from './components/ui';
import { lazyPage } from './lazy';
import { PASSWORD_CHANGE_EVENT } from './api';

// Every page is its own chunk, fetched when its route is first shown (see lazy.tsx).
const Login = lazyPage(() => import('./pages/Login').then((m) => m.Login));
const StaffLogin = lazyPage(() => import('./pages/StaffLogin').then((m) => m.StaffLogin));
const ChangePassword = lazyPage(() => import('./pages/ChangePassword').then((m) => m.ChangePassword));
const Home = lazyPage(() => import('./pages/Home').then((m) => m.Home));
const CheckIn = lazyPage(() => import('./pages/CheckIn').then((m) => m.CheckIn));
const MyVisits = lazyPage(() => import('./pages/MyVisits').then((m) => m.MyVisits));
const AccessLog = lazyPage(() => import('./pages/AccessLog').then((m) => m.AccessLog));
const DataRequests = lazyPage(() => import('./pages/DataRequests').then((m) => m.DataRequests));
const Venues = lazyPage(() => import('./pages/Venues').then((m) => m.Venues));
const VenueDetail = lazyPage(() => import('./pages/VenueDetail').then((m) => m.VenueDetail));
const GuestLog = lazyPage(() => import('./pages/GuestLog').then((m) => m.GuestLog));
const Scanner = lazyPage(() => import('./pages/Scanner').then((m) => m.Scanner));
const Kiosk = lazyPage(() => import('./pages/Kiosk').then((m) => m.Kiosk));
const EditPerson = lazyPage(() => import('./pages/People').then((m) => m.EditPerson));
const People = lazyPage(() => import('./pages/People').then((m) => m.People));
const Declare = lazyPage(() => import('./pages/Declare').then((m) => m.Declare));
const DeclarePick = lazyPage(() => import('./pages/Declare').then((m) => m.DeclarePick));
const MyQr = lazyPage(() => import('./pages/MyQr').then((m) => m.MyQr));
const MyQrs = lazyPage(() => import('./pages/MyQr').then((m) => m.MyQrs));
const History = lazyPage(() => import('./pages/History').then((m) => m.History));
const Verify = lazyPage(() => import('./pages/Verify').then((m) => m.Verify));
const Cases = lazyPage(() => import('./pages/Cases').then((m) => m.Cases));
const CaseDetail = lazyPage(() => import('./pages/CaseDetail').then((m) => m.CaseDetail));
const Clusters = lazyPage(() => import('./pages/Clusters').then((m) => m.Clusters));
const Inbox = lazyPage(() => import('./pages/Inbox').then((m) => m.Inbox));
const Compose = lazyPage(() => import('./pages/Compose').then((m) => m.Compose));
const Duplicates = lazyPage(() => import('./pages/Duplicates').then((m) => m.Duplicates));
const TestingRounds = lazyPage(() => import('./pages/Testing').then((m) => m.TestingRounds));
const RoundPage = lazyPage(() => import('./pages/Testing').then((m) => m.RoundPage));
const LabResults = lazyPage(() => import('./pages/Testing').then((m) => m.LabResults));
const MyTests = lazyPage(() => import('./pages/Testing').then((m) => m.MyTests));
const LevelsMap = lazyPage(() => import('./pages/LevelsMap').then((m) => m.LevelsMap));
const Dashboard = lazyPage(() => import('./pages/Dashboard').then((m) => m.Dashboard));
const Feedback = lazyPage(() => import('./pages/Feedback').then((m) => m.Feedback));
const MyMonitoring = lazyPage(() => import('./pages/MyMonitoring').then((m) => m.MyMonitoring));
const MonitoringBoard = lazyPage(() => import('./pages/MonitoringBoard').then((m) => m.MonitoringBoard));
const Campaigns = lazyPage(() => import('./pages/Vaccination').then((m) => m.Campaigns));
const CampaignPage = lazyPage(() => import('./pages/Vaccination').then((m) => m.CampaignPage));
const InvitationPage = lazyPage(() => import('./pages/Vaccination').then((m) => m.InvitationPage));
const SiteDeskPick = lazyPage(() => import('./pages/Vaccination').then((m) => m.SiteDeskPick));
const SiteDesk = lazyPage(() => import('./pages/Vaccination').then((m) => m.SiteDesk));
const HealthBook = lazyPage(() => import('./pages/Vaccination').then((m) => m.HealthBook));
const VenueSafety = lazyPage(() => import('./pages/VenueSafety').then((m) => m.VenueSafety));
const AreaSafety = lazyPage(() => import('./pages/VenueSafety').then((m) => m.AreaSafety));
const Locations = lazyPage(() => import('./pages/Locations').then((m) => m.Locations));
const Organisations = lazyPage(() => import('./pages/Organisations').then((m) => m.Organisations));
const OrganisationPage = lazyPage(() => import('./pages/Organisations').then((m) => m.OrganisationPage));

export function App() {
  const [lang, setLangState] = useState<Lang>(storedLang);
  const path = usePath();
  const i18n = useMemo(() => ({
    lang,
    t: translator(lang),
    setLang: (l: Lang) => {
      storeLang(l);
      setLangState(l);
    },
  }), [lang]);

  useEffect(() => {
    document.documentElement.lang = lang;
  }, [lang]);

  useEffect(() => {
    window.scrollTo(0, 0);
  }, [path]);

  // The server refused a session that must change its one-time password first: go and do it.
  useEffect(() => {
    const toPasswordForm = () => navigate('/password');
    window.addEventListener(PASSWORD_CHANGE_EVENT, toPasswordForm);
    return () => window.removeEventListener(PASSWORD_CHANGE_EVENT, toPasswordForm);
  }, []);

  const route = path.replace(/\/+$/, '') || '/';
  let page;
  if (route === '/') page = <Home />;
  else if (route === '/login') page = <Login />;
  else if (route === '/staff-login') page = <StaffLogin />;
  else if (route === '/password') page = <ChangePassword />;
  else if (route === '/inbox') page = <Inbox />;
  else if (route === '/broadcasts') page = <Compose />;
  else if (route === '/feedback') page = <Feedback />;
  else if (route === '/monitoring') page = <MyMonitoring />;
  else if (route === '/monitoring/board') page = <MonitoringBoard />;
  else if (route === '/organisations') page = <Organisations />;
  else if (/^\/organisations\/\d+$/.test(route)) page = <OrganisationPage id={route.slice(15)} />;
  else page = venueRoute(route) ?? declarationRoute(route) ?? caseRoute(route) ?? testingRoute(route) ?? levelsRoute(route) ?? vaccinationRoute(route) ?? <NotFound />;
  return <I18nContext.Provider value={i18n}>{page}</I18nContext.Provider>;
}

function NotFound() {
  const { t } = useI18n();
  return (
    <Layout>
      <section class="card narrow">
        <h1>{t('notFound')}</h1>
        <a href="/" onClick={linkClick}>{t('goHome')}</a>
      </section>
    </Layout>
  );
}

/** The venue and check-in pages (issue 3), or null for another path. */
function venueRoute(route: string) {
  let m;
  if ((m = /^\/v\/([^/]+)$/.exec(route))) return <CheckIn code={decodeURIComponent(m[1])} />;
  if (route === '/visits') return <MyVisits />;
  if (route === '/venues') return <Venues />;
  if ((m = /^\/venues\/(\d+)$/.exec(route))) return <VenueDetail venueId={m[1]} />;
  if ((m = /^\/venues\/(\d+)\/log$/.exec(route))) return <GuestLog venueId={m[1]} />;
  if ((m = /^\/scan\/(\d+)$/.exec(route))) return <Scanner venueId={m[1]} />;
  if ((m = /^\/kiosk\/(\d+)$/.exec(route))) return <Kiosk venueId={m[1]} />;
  return null;
}

/** People, declarations, personal QR and the public verifier (issue 4), or null. */
function declarationRoute(route: string) {
  let m;
  if (route === '/people') return <People />;
  if (route === '/people/new') return <EditPerson personId={null} />;
  if ((m = /^\/people\/(\d+)$/.exec(route))) return <EditPerson personId={m[1]} />;
  if ((m = /^\/people\/(\d+)\/history$/.exec(route))) return <History personId={m[1]} />;
  if (route === '/declare') return <DeclarePick />;
  if ((m = /^\/declare\/(\d+)$/.exec(route))) return <Declare personId={m[1]} />;
  if (route === '/qr') return <MyQrs />;
  if ((m = /^\/qr\/(\d+)$/.exec(route))) return <MyQr personId={m[1]} />;
  if (route === '/verify') return <Verify />;
  if (route === '/access-log') return <AccessLog />;
  if (route === '/data-requests') return <DataRequests />;
  return null;
}

/** Cases, contact tracing and clusters for officials (issue 5), or null. */
function caseRoute(route: string) {
  let m;
  if (route === '/cases') return <Cases />;
  if ((m = /^\/cases\/(\d+)$/.exec(route))) return <CaseDetail caseId={m[1]} />;
  if (route === '/clusters') return <Clusters />;
  if (route === '/duplicates') return <Duplicates />;
  return null;
}

/** Mass testing rounds, sampling, lab results (officials) and a citizen's tests (issue 17). */
function testingRoute(route: string) {
  let m;
  if (route === '/testing') return <TestingRounds />;
  if (route === '/testing/results') return <LabResults />;
  if ((m = /^\/testing\/(\d+)$/.exec(route))) return <RoundPage roundId={m[1]} />;
  if (route === '/tests') return <MyTests />;
  return null;
}

/** The public map of area risk levels, dashboards, venue safety, locations of interest (issue 16). */
function levelsRoute(route: string) {
  let m;
  if (route === '/map') return <LevelsMap province={null} />;
  if ((m = /^\/map\/(\d{2})$/.exec(route))) return <LevelsMap province={m[1]} />;
  if (route === '/dashboard') return <Dashboard area={null} />;
  if ((m = /^\/venues\/(\d+)\/safety$/.exec(route))) return <VenueSafety venueId={m[1]} />;
  if (route === '/venue-safety') return <AreaSafety />;
  if (route === '/locations') return <Locations />;
  if ((m = /^\/dashboard\/(\*|\d{2}|\d{5})$/.exec(route))) return <Dashboard area={m[1]} />;
  return null;
}

/** Vaccination campaigns, invitations, the site desk and the health book (issue 15), or null. */
function vaccinationRoute(route: string) {
  let m;
  if (route === '/vaccination') return <Campaigns />;
  if ((m = /^\/vaccination\/(\d+)$/.exec(route))) return <CampaignPage campaignId={m[1]} />;
  if (route === '/vaccination/site') return <SiteDeskPick />;
  if ((m = /^\/vaccination\/site\/(\d+)$/.exec(route))) return <SiteDesk venueId={m[1]} />;
  if ((m = /^\/invitation\/([^/]+)$/.exec(route))) return <InvitationPage token={decodeURIComponent(m[1])} />;
  if (route === '/health-book') return <HealthBook />;
  return null;
}
