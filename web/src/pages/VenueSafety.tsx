// /venues/{id}/safety: a venue's COVID-safety self-assessment. Its manager answers the checklist
// and sees the score and risk class at once (the server's rule), and when to assess again; staff
// and officials of the area read it. /venue-safety: an official's area's venues by class, and
// those overdue or never assessed.
import { useEffect, useState } from 'preact/hooks';
import { getToken } from '../api';
import { useI18n, type MessageKey } from '../i18n';
import { linkClick, navigate } from '../router';
import { FormError, Layout, errorText } from '../components/ui';
import { formatDateTime } from '../lib/dates';
import { venuesApi, type Venue } from '../venuesApi';
import { RISK_CLASSES, safetyApi, type AreaSafety as Area, type Safety, type VenueAssessment } from '../safetyApi';

export function VenueSafety({ venueId }: { venueId: string }) {
  const { t, lang } = useI18n();
  const [venue, setVenue] = useState<Venue | null>(null);
  const [data, setData] = useState<VenueAssessment | null>(null);
  const [answers, setAnswers] = useState<Record<string, boolean>>({});
  const [error, setError] = useState('');
  const [busy, setBusy] = useState(false);

  useEffect(() => {
    if (!getToken()) { navigate('/login', true); return; }
    Promise.all([venuesApi.get(venueId), safetyApi.assessment(venueId)]).then(([v, a]) => {
      setVenue(v);
      setData(a);
      setAnswers(a.current?.answers ?? Object.fromEntries(a.checklist.map((i) => [i.key, false])));
    }, (e) => setError(errorText(e, t)));
  }, [venueId]);

  async function submit(e: Event) {
    e.preventDefault();
    if (!data) return;
    setBusy(true);
    setError('');
    try {
      const current = await safetyApi.assess(venueId, answers);
      setData({ ...data, current });
    } catch (err) {
      setError(errorText(err, t));
    } finally {
      setBusy(false);
    }
  }

  if (!venue || !data) {
    return <Layout signedIn>{error ? <p class="form-error" role="alert">{error}</p> : <p class="muted">{t('loading')}</p>}</Layout>;
  }
  const manager = venue.role === 'manager';
  return (
    <Layout signedIn>
      <div class="stack">
        <section class="card">
          <h1>{t('safetyTitle')}</h1>
          <p class="muted">{venue.name} · {venue.address_line}</p>
          <p class="muted">{t('safetyIntro', { days: data.valid_days })}</p>
        </section>
        <section class="card" data-testid="safety-current">
          <h2 class="h-sub">{t('safetyCurrent')}</h2>
          <SafetyLine safety={data.current} />
        </section>
        <form class="card" onSubmit={submit} noValidate data-testid="safety-form">
          <ul class="plain-list">
            {data.checklist.map((item) => (
              <li>
                <label class="check-row">
                  <input type="checkbox" checked={!!answers[item.key]} disabled={!manager} data-testid={`safety-${item.key}`}
                    onChange={(e) => setAnswers({ ...answers, [item.key]: (e.currentTarget as HTMLInputElement).checked })} />
                  <span>{lang === 'vi' ? item.text_vi : item.text_en}
                    {item.critical && <span class="muted small"> ({t('safetyCritical')})</span>}</span>
                </label>
              </li>
            ))}
          </ul>
          <FormError message={error} />
          {manager ? <button type="submit" class="btn-primary" disabled={busy} data-testid="safety-submit">{t('safetySubmit')}</button>
            : <p class="muted">{t('safetyReadOnly')}</p>}
        </form>
        <p class="switch-link"><a href={`/venues/${venue.id}`} onClick={linkClick}>{t('back')}</a></p>
      </div>
    </Layout>
  );
}

function SafetyLine({ safety }: { safety: Safety | null }) {
  const { t } = useI18n();
  if (!safety) return <p class="muted" data-testid="safety-class">{t('safetyNone')}</p>;
  return (
    <div>
      <p class={`badge risk-${safety.overdue ? 'overdue' : safety.risk_class}`} data-testid="safety-class">
        {t(`risk_${safety.risk_class}` as MessageKey)} · {t('safetyScore', { score: safety.score })}
      </p>
      <p class="muted small">{t('safetyAssessedAt', { at: formatDateTime(safety.assessed_at) })}</p>
      {safety.overdue ? <p class="form-error" data-testid="safety-overdue">{t('safetyOverdue')}</p>
        : <p class="muted small">{t('safetyDueAt', { at: formatDateTime(safety.due_at) })}</p>}
    </div>
  );
}

const FILTERS = ['', ...RISK_CLASSES, 'overdue'] as const;

export function AreaSafety() {
  const { t } = useI18n();
  const [filter, setFilter] = useState<(typeof FILTERS)[number]>('');
  const [data, setData] = useState<Area | null>(null);
  const [error, setError] = useState('');

  useEffect(() => {
    if (!getToken()) { navigate('/staff-login', true); return; }
    const f = filter === 'overdue' ? { overdue: true } : { class: filter || undefined };
    safetyApi.area(f).then(setData, (e) => setError(errorText(e, t)));
  }, [filter]);

  const label = (f: (typeof FILTERS)[number]) =>
    f === '' ? t('safetyFilterAll') : f === 'overdue' ? t('safetyFilterOverdue') : t(`risk_${f}` as MessageKey);
  return (
    <Layout signedIn>
      <div class="stack">
        <section class="card">
          <h1>{t('safetyAreaTitle')}</h1>
          <p class="muted">{t('safetyAreaIntro')}</p>
          {data && (
            <dl class="facts" data-testid="safety-counts">
              {RISK_CLASSES.map((c) => <><dt>{t(`risk_${c}` as MessageKey)}</dt><dd data-testid={`count-${c}`}>{data.counts[c]}</dd></>)}
              <dt>{t('safetyCount_overdue')}</dt><dd data-testid="count-overdue">{data.counts.overdue}</dd>
              <dt>{t('safetyCount_not_assessed')}</dt><dd data-testid="count-not_assessed">{data.counts.not_assessed}</dd>
            </dl>
          )}
          <label class="field">
            <span>{t('feedbackShow')}</span>
            <select value={filter} data-testid="safety-filter"
              onChange={(e) => setFilter((e.currentTarget as HTMLSelectElement).value as (typeof FILTERS)[number])}>
              {FILTERS.map((f) => <option value={f}>{label(f)}</option>)}
            </select>
          </label>
          <FormError message={error} />
        </section>
        {data && data.venues.length === 0 && <p class="muted">{t('safetyNoVenues')}</p>}
        <ul class="plain-list stack" data-testid="safety-venues">
          {data?.venues.map((v) => (
            <li class="card">
              <a href={`/venues/${v.venue_id}/safety`} onClick={linkClick}><strong>{v.name}</strong></a>
              <p class="muted small">{v.street}, {v.ward_name}</p>
              <SafetyLine safety={v.safety} />
            </li>
          ))}
        </ul>
      </div>
    </Layout>
  );
}
