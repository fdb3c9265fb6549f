// /dashboard and /dashboard/{area}: an official's figures for their jurisdiction or a part of
// it, read again every few seconds so the numbers and charts move as check-ins arrive; the
// epidemic curve, the parts of the area to drill into, the venues to inspect, and exports.
import { useEffect, useState } from 'preact/hooks';
import { getToken } from '../api';
import { useI18n, type MessageKey } from '../i18n';
import { linkClick, navigate } from '../router';
import { FormError, Layout, errorText } from '../components/ui';
import { Chart } from '../components/Chart';
import { dashboardApi, downloadCsv, type Dashboard as Board, type EpiCurve, type FigureName, type IdleVenue } from '../dashboardApi';
import { vnToday, vnTime } from '../casesApi';

const LIVE_MS = 3000;
const DAYS = 14;
const CARDS: FigureName[] = ['checkins', 'declarations', 'cases', 'f1_found', 'f1_notified', 'notifications_sent',
  'venues_active', 'venues_idle'];

function Cards({ board }: { board: Board }) {
  const { t } = useI18n();
  return (
    <ul class="figure-cards">
      {CARDS.map((f) => (
        <li class="figure-card" data-testid={`fig-${f}`}>
          <span class="figure-value" data-testid={`fig-${f}-today`}>{board.series[f][board.series[f].length - 1] ?? 0}</span>
          <span class="figure-label">{t(`fig_${f}` as MessageKey)}</span>
          {f !== 'venues_idle' && <span class="muted small">{t('dashDays', { n: DAYS })}: {board.totals[f]}</span>}
        </li>
      ))}
    </ul>
  );
}

function Curve({ area }: { area: string | null }) {
  const { t } = useI18n();
  const [by, setBy] = useState<'onset' | 'test'>('onset');
  const [curve, setCurve] = useState<EpiCurve | null>(null);
  useEffect(() => { dashboardApi.curve(area, by, 28).then(setCurve, () => setCurve(null)); }, [area, by]);
  return (
    <section class="card">
      <h2>{t('dashCurve')}</h2>
      <div class="lang-switch curve-switch" role="group">
        {(['onset', 'test'] as const).map((b) => (
          <button type="button" class={by === b ? 'active' : ''} aria-pressed={by === b} onClick={() => setBy(b)}>
            {t(b === 'onset' ? 'dashCurveOnset' : 'dashCurveTest')}
          </button>
        ))}
      </div>
      {curve && <Chart days={curve.days} bars series={[{ label: t('fig_cases'), values: curve.cases, colour: '#c62828' }]} testid="curve-chart" />}
      {curve && by === 'onset' && curve.without_date > 0 && <p class="muted small">{t('dashCurveNoDate', { n: curve.without_date })}</p>}
    </section>
  );
}

function Exports({ area }: { area: string }) {
  const { t } = useI18n();
  const [from, setFrom] = useState(vnToday());
  const [reason, setReason] = useState('');
  const [error, setError] = useState('');
  const file = area === '*' ? 'vn' : area;
  const run = (p: Promise<void>) => p.then(() => setError(''), (e) => setError(errorText(e, t)));
  return (
    <section class="card">
      <h2>{t('dashExport')}</h2>
      <FormError message={error} />
      <p><button type="button" class="btn-link" data-testid="export-figures"
        onClick={() => run(downloadCsv(`/dashboard.csv?area=${encodeURIComponent(area)}&days=${DAYS}`, `dashboard-${file}.csv`))}>
        {t('dashExportFigures')}</button></p>
      <div class="inline-form">
        <div class="field"><label for="ll-from">{t('dashLineListFrom')}</label>
          <input id="ll-from" type="date" value={from} onInput={(e) => setFrom((e.target as HTMLInputElement).value)} /></div>
        <div class="field"><label for="ll-reason">{t('viewReasonLabel')}</label>
          <input id="ll-reason" value={reason} placeholder={t('viewReasonPlaceholder')} onInput={(e) => setReason((e.target as HTMLInputElement).value)} /></div>
        <button type="button" class="btn-primary" onClick={() => run(downloadCsv(
          `/linelist.csv?area=${encodeURIComponent(area)}&from=${from}&reason=${encodeURIComponent(reason)}`, `line-list-${file}.csv`))}>
          {t('dashExportLineList')}</button>
      </div>
      <p><button type="button" class="btn-link" onClick={() => run(downloadCsv('/linelist/dictionary.csv', 'line-list-dictionary.csv'))}>
        {t('dashExportDictionary')}</button></p>
    </section>
  );
}

export function Dashboard({ area }: { area: string | null }) {
  const { t } = useI18n();
  const [board, setBoard] = useState<Board | null>(null);
  const [idle, setIdle] = useState<IdleVenue[] | null>(null);
  const [error, setError] = useState('');

  useEffect(() => {
    if (!getToken()) { navigate('/staff-login', true); return; }
    let live = true;
    const load = () => dashboardApi.get(area, DAYS).then(
      (b) => { if (live) { setBoard(b); setError(''); } },
      (e) => live && setError(errorText(e, t)));
    void load();
    dashboardApi.idle(area).then((r) => live && setIdle(r.venues), () => live && setIdle(null));
    const timer = window.setInterval(load, LIVE_MS);
    return () => { live = false; window.clearInterval(timer); };
  }, [area]);

  return (
    <Layout signedIn>
      <div class="stack">
        <section class="card">
          <h1 data-testid="dash-title">{board ? t('dashTitle', { name: board.area.name }) : t('featDashboard')}</h1>
          <FormError message={error} />
          {board && <p class="muted small" data-testid="dash-live"><span class="dot" /> {t('dashLive', { time: vnTime(board.at) })}</p>}
          {board && <Cards board={board} />}
        </section>
        {board && (
          <section class="card">
            <h2>{t('dashActivity')}</h2>
            <Chart days={board.days} testid="activity-chart" series={[
              { label: t('fig_checkins'), values: board.series.checkins, colour: '#0b6e4f' },
              { label: t('fig_declarations'), values: board.series.declarations, colour: '#1565c0' }]} />
            <h2>{t('dashCasesChart')}</h2>
            <Chart days={board.days} series={[
              { label: t('fig_cases'), values: board.series.cases, colour: '#c62828' },
              { label: t('fig_f1_found'), values: board.series.f1_found, colour: '#ef6c00' }]} />
          </section>
        )}
        <Curve area={area} />
        {board && board.children.length > 0 && (
          <section class="card">
            <h2>{t('dashParts')}</h2>
            <table class="log-table" data-testid="dash-parts">
              <thead><tr><th /><th>{t('fig_checkins')}</th><th>{t('fig_declarations')}</th><th>{t('fig_cases')}</th></tr></thead>
              <tbody>
                {board.children.filter((c) => c.figures.checkins || c.figures.declarations || c.figures.cases || c.figures.venues_registered)
                  .map((c) => (
                    <tr>
                      <td><a href={`/dashboard/${c.code}`} onClick={linkClick}>{c.name}</a></td>
                      <td>{c.figures.checkins}</td><td>{c.figures.declarations}</td><td>{c.figures.cases}</td>
                    </tr>
                  ))}
              </tbody>
            </table>
          </section>
        )}
        <section class="card">
          <h2>{t('dashIdle')}</h2>
          {idle && idle.length === 0 && <p class="muted">{t('dashIdleNone')}</p>}
          <ul class="plain-list" data-testid="idle-venues">
            {(idle ?? []).map((v) => (
              <li><strong>{v.name}</strong> <span class="muted small">{v.street}, {v.area_name} · {v.last_checkin_day ? t('dashIdleLast', { day: v.last_checkin_day }) : t('dashIdleNever')}</span></li>
            ))}
          </ul>
        </section>
        {board && <Exports area={board.area.code} />}
        <p class="switch-link"><a href="/" onClick={linkClick}>{t('back')}</a></p>
      </div>
    </Layout>
  );
}
