// /monitoring: for each person the account manages who is under monitoring, the kind of order,
// the days left, today's report slots ("today's report due") and the form, and recent reports.
// A report that trips a red flag says at once what to do.
import { useEffect, useState } from 'preact/hooks';
import { getToken } from '../api';
import { newClientId } from '../lib/clientId';
import { useI18n, type MessageKey, type Translate } from '../i18n';
import { linkClick, navigate } from '../router';
import { Field, FormError, Layout, errorText, fieldErrors, type FieldErrors } from '../components/ui';
import { REPORT_SYMPTOMS, monitoringApi, type MyMonitoring as Mine, type NewReport, type Report } from '../monitoringApi';

const FIELDS = ['temperature', 'spo2', 'breathing_rate', 'pulse', 'symptoms', 'note', 'person_id'] as const;
type F = (typeof FIELDS)[number];

export function flagText(flags: string[], t: Translate): string {
  return flags.map((f) => t((f.startsWith('spo2') || f.startsWith('breathing') || f.startsWith('pulse') ||
    f.startsWith('temperature') ? `flag_${f}` : `sym_${f}`) as MessageKey)).join(', ');
}

export function MyMonitoring() {
  const { t } = useI18n();
  const [people, setPeople] = useState<Mine[] | null>(null);
  const [error, setError] = useState('');
  async function load() {
    try {
      setPeople((await monitoringApi.mine()).people);
    } catch (e) {
      setError(errorText(e, t));
    }
  }
  useEffect(() => {
    if (!getToken()) { navigate('/login', true); return; }
    void load();
  }, []);
  return (
    <Layout signedIn>
      <div class="stack">
        <h1>{t('monTitle')}</h1>
        <FormError message={error} />
        {people && people.length === 0 && <p class="muted" data-testid="mon-none">{t('monNone')}</p>}
        {people?.map((m) => <PersonCard key={m.person.id} m={m} onSent={() => void load()} />)}
        <p class="switch-link"><a href="/" onClick={linkClick}>{t('back')}</a></p>
      </div>
    </Layout>
  );
}

function PersonCard(props: { m: Mine; onSent: () => void }) {
  const { t } = useI18n();
  const { m } = props;
  const open = m.order?.status === 'open' || (!m.order && (m.area_orders.length > 0 || m.organisation_check));
  const due = open && m.today.some((s) => !s.done);
  return (
    <section class="card" data-testid={`mon-person-${m.person.id}`}>
      <h2 class="h-sub">{m.person.full_name}</h2>
      {m.order && <p><strong>{t(`monKind_${m.order.kind}` as MessageKey)}</strong>{' · '}
        {m.order.status === 'open' ? t('monDaysLeft', { n: m.order.days_left }) : t('monClosed')}</p>}
      {!m.order && m.area_orders.length > 0 && <p>{t('monAreaInvited')}</p>}
      {!m.order && !m.area_orders.length && m.organisation_check && <p>{t('orgAskedReport')}</p>}
      {open && (
        <ul class="slots" data-testid="mon-today">
          {m.today.map((s) => (
            <li data-testid={`mon-slot-${s.slot}`} class={s.done ? 'success' : ''}>
              {m.today.length > 1 ? t(`monSlot_${s.slot}` as MessageKey) : t('monSlotDaily')}: {s.done ? t('monSlotDone') : t('monSlotOpen')}
            </li>
          ))}
        </ul>
      )}
      {due && <h3 data-testid="mon-due">{t('monDue')}</h3>}
      {open && !due && <p class="success" data-testid="mon-all-done">{t('monAllDone')}</p>}
      {due && <ReportForm personId={m.person.id} onSent={props.onSent} />}
      <History reports={m.history} />
    </section>
  );
}

function numberOrUndefined(text: string): number | undefined {
  const s = text.trim().replace(',', '.');
  return s ? Number(s) : undefined;
}

function ReportForm(props: { personId: number; onSent: () => void }) {
  const { t } = useI18n();
  const [values, setValues] = useState({ temperature: '', spo2: '', breathing_rate: '', pulse: '', note: '' });
  const [symptoms, setSymptoms] = useState<string[]>([]);
  const [errors, setErrors] = useState<FieldErrors<F>>({});
  const [advice, setAdvice] = useState('');
  const [busy, setBusy] = useState(false);
  const [clientId] = useState(newClientId);
  const set = (k: keyof typeof values) => (e: Event) => setValues({ ...values, [k]: (e.currentTarget as HTMLInputElement).value });

  async function submit(e: Event) {
    e.preventDefault();
    setErrors({});
    setAdvice('');
    const body: NewReport = { person_id: props.personId, symptoms, client_id: clientId };
    const numbers = { temperature: values.temperature, spo2: values.spo2, breathing_rate: values.breathing_rate, pulse: values.pulse };
    for (const [k, v] of Object.entries(numbers)) {
      const n = numberOrUndefined(v);
      if (n !== undefined && Number.isNaN(n)) { setErrors({ [k]: t('err_impossible_reading') }); return; }
      if (n !== undefined) (body as unknown as Record<string, number>)[k] = n;
    }
    if (values.note.trim()) body.note = values.note.trim();
    setBusy(true);
    try {
      const r = await monitoringApi.report(body);
      if (r.red_flags.length > 0) setAdvice(t('monRedFlag', { flags: flagText(r.red_flags, t) }));
      else props.onSent();
    } catch (err) {
      setErrors(fieldErrors<F>(err, t, FIELDS));
    } finally {
      setBusy(false);
    }
  }

  if (advice) {
    return (
      <div>
        <p class="form-error" role="alert" data-testid="mon-red-flag">{advice}</p>
        <button type="button" class="btn-small" onClick={props.onSent}>{t('monSent')}</button>
      </div>
    );
  }
  return (
    <form onSubmit={submit} noValidate data-testid="mon-form">
      <Field name="mon-temperature" label={t('monTemperature')} inputMode="decimal" value={values.temperature}
        error={errors.temperature} onInput={set('temperature')} />
      <Field name="mon-spo2" label={t('monSpo2')} inputMode="numeric" value={values.spo2} error={errors.spo2}
        onInput={set('spo2')} />
      <Field name="mon-breathing" label={t('monBreathing')} inputMode="numeric" value={values.breathing_rate}
        error={errors.breathing_rate} onInput={set('breathing_rate')} />
      <Field name="mon-pulse" label={t('monPulse')} inputMode="numeric" value={values.pulse} error={errors.pulse}
        onInput={set('pulse')} />
      <fieldset class="checks">
        <legend>{t('monSymptoms')}</legend>
        {REPORT_SYMPTOMS.map((s) => (
          <label class="check-row">
            <input type="checkbox" data-testid={`mon-sym-${s}`} checked={symptoms.includes(s)}
              onChange={(e) => {
                const on = (e.currentTarget as HTMLInputElement).checked;
                setSymptoms(on ? [...symptoms, s] : symptoms.filter((x) => x !== s));
              }} />
            {t(`sym_${s}` as MessageKey)}
          </label>
        ))}
        {errors.symptoms && <p class="field-error">{errors.symptoms}</p>}
      </fieldset>
      <Field name="mon-note" label={t('monNote')} value={values.note} error={errors.note} onInput={set('note')} />
      <FormError message={errors.form ?? errors.person_id} />
      <button type="submit" class="btn-primary" disabled={busy} data-testid="mon-send">{t('monSend')}</button>
    </form>
  );
}

function History(props: { reports: Report[] }) {
  const { t, lang } = useI18n();
  const reports = [...props.reports].reverse();
  return (
    <details>
      <summary>{t('monHistory')}</summary>
      {reports.length === 0 && <p class="muted">{t('monNoHistory')}</p>}
      {reports.length > 0 && (
        <table class="log-table" data-testid="mon-history">
          <thead><tr><th></th><th>°C</th><th>SpO2</th><th>{t('monBreathing').split(' ')[0]}</th><th>{t('monPulse').split(' ')[0]}</th></tr></thead>
          <tbody>
            {reports.map((r) => (
              <tr class={r.red_flags.length ? 'red-row' : ''}>
                <td>{new Date(r.measured_at).toLocaleString(lang === 'vi' ? 'vi-VN' : 'en-GB', { day: '2-digit', month: '2-digit', hour: '2-digit', minute: '2-digit', timeZone: 'Asia/Ho_Chi_Minh' })}</td>
                <td>{r.temperature ?? '–'}</td><td>{r.spo2 ?? '–'}</td><td>{r.breathing_rate ?? '–'}</td><td>{r.pulse ?? '–'}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </details>
  );
}
