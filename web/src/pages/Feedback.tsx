// /feedback: a citizen sends a report (about a venue by its code, or a place) and follows their
// reports with every change and note; a health official sees the reports of their area, moves
// them on (new → in progress → closed) with notes that reach the sender, and records reports
// taken by the hotline. The page asks the server who is signed in and shows that side.
import { useEffect, useState } from 'preact/hooks';
import { ApiError, api, getToken, setToken, type Area, type Me } from '../api';
import { useI18n, type MessageKey } from '../i18n';
import { linkClick, navigate } from '../router';
import { ConfirmButton, Field, FormError, Layout, errorText, fieldErrors, type FieldErrors } from '../components/ui';
import { vnTime } from '../casesApi';
import {
  FEEDBACK_KINDS, feedbackApi, type FeedbackKind, type FeedbackReport, type FeedbackStatus, type NewFeedback,
} from '../feedbackApi';

type FormField = 'kind' | 'text' | 'venue_code' | 'province_code' | 'ward_code' | 'caller_phone' | 'phone';

export function Feedback() {
  const { t } = useI18n();
  const [me, setMe] = useState<Me | null>(null);
  const [error, setError] = useState('');
  useEffect(() => {
    if (!getToken()) { navigate('/login', true); return; }
    api.me().then(setMe, (e) => {
      if (e instanceof ApiError && e.status === 401) { setToken(null); navigate('/login', true); return; }
      setError(errorText(e, t));
    });
  }, []);
  return (
    <Layout signedIn>
      <div class="stack">
        <FormError message={error} />
        {me?.role === 'citizen' && <CitizenFeedback />}
        {me?.role === 'official' && <FeedbackDesk me={me} />}
        {me && me.role !== 'citizen' && me.role !== 'official' && (
          <section class="card" data-testid="officials-only"><p>{t('feedbackOfficialsOnly')}</p></section>
        )}
        <p class="switch-link"><a href="/" onClick={linkClick}>{t('back')}</a></p>
      </div>
    </Layout>
  );
}

/** Kind, text, and where: a venue code or a province and ward (both optional for a citizen). */
function ReportFields(props: {
  value: NewFeedback;
  onChange: (v: NewFeedback) => void;
  errors: FieldErrors<FormField>;
  fixedProvince?: string | null;
}) {
  const { t } = useI18n();
  const { value, onChange, errors } = props;
  const [provinces, setProvinces] = useState<Area[]>([]);
  const [wards, setWards] = useState<Area[]>([]);
  const province = props.fixedProvince ?? value.province_code ?? '';
  useEffect(() => { api.provinces().then(setProvinces, () => {}); }, []);
  useEffect(() => {
    setWards([]);
    if (province) api.wards(province).then(setWards, () => {});
  }, [province]);
  const set = (patch: Partial<NewFeedback>) => onChange({ ...value, ...patch });
  return (
    <>
      <div class="field">
        <label for="kind">{t('feedbackKind')}</label>
        <select id="kind" name="kind" value={value.kind} data-testid="feedback-kind"
          onChange={(e) => set({ kind: (e.currentTarget as HTMLSelectElement).value as FeedbackKind })}>
          {FEEDBACK_KINDS.map((k) => <option value={k}>{t(`fbkind_${k}` as MessageKey)}</option>)}
        </select>
      </div>
      <div class={`field${errors.text ? ' has-error' : ''}`}>
        <label for="text">{t('feedbackText')}</label>
        <textarea id="text" name="text" rows={4} maxLength={2000} value={value.text} data-testid="feedback-text"
          onInput={(e) => set({ text: (e.currentTarget as HTMLTextAreaElement).value })} />
        {errors.text && <p class="field-error" data-testid="error-text" role="alert">{errors.text}</p>}
      </div>
      <Field name="venue_code" label={t('feedbackVenueCode')} value={value.venue_code ?? ''} error={errors.venue_code}
        autoComplete="off" onInput={(e) => set({ venue_code: (e.currentTarget as HTMLInputElement).value.trim() })} />
      {!value.venue_code && (
        <fieldset class="stack">
          <legend class="field-label">{t('feedbackWhere')}</legend>
          {!props.fixedProvince && (
            <div class={`field${errors.province_code ? ' has-error' : ''}`}>
              <label for="province_code">{t('feedbackProvince')}</label>
              <select id="province_code" value={province} data-testid="feedback-province"
                onChange={(e) => set({ province_code: (e.currentTarget as HTMLSelectElement).value, ward_code: '' })}>
                <option value="">{t('feedbackChoose')}</option>
                {provinces.map((p) => <option value={p.code}>{p.name}</option>)}
              </select>
              {errors.province_code && <p class="field-error" data-testid="error-province_code" role="alert">{errors.province_code}</p>}
            </div>
          )}
          {province && (
            <div class={`field${errors.ward_code ? ' has-error' : ''}`}>
              <label for="ward_code">{t('feedbackWard')}</label>
              <select id="ward_code" value={value.ward_code ?? ''} data-testid="feedback-ward"
                onChange={(e) => set({ ward_code: (e.currentTarget as HTMLSelectElement).value })}>
                <option value="">{t('feedbackChoose')}</option>
                {wards.map((w) => <option value={w.code}>{w.name}</option>)}
              </select>
              {errors.ward_code && <p class="field-error" data-testid="error-ward_code" role="alert">{errors.ward_code}</p>}
            </div>
          )}
        </fieldset>
      )}
    </>
  );
}

/** The body to send: empty optional fields left out. */
function cleaned(v: NewFeedback, fixedProvince?: string | null): NewFeedback {
  const out: NewFeedback = { kind: v.kind, text: v.text };
  if (v.venue_code) out.venue_code = v.venue_code;
  else {
    const province = fixedProvince ?? v.province_code;
    if (province) out.province_code = province;
    if (v.ward_code) out.ward_code = v.ward_code;
  }
  return out;
}

const FIELDS: FormField[] = ['kind', 'text', 'venue_code', 'province_code', 'ward_code'];

function CitizenFeedback() {
  const { t } = useI18n();
  const venue = new URLSearchParams(location.search).get('venue') ?? '';
  const [form, setForm] = useState<NewFeedback>({ kind: venue ? 'venue_not_scanning' : 'other', text: '', venue_code: venue });
  const [errors, setErrors] = useState<FieldErrors<FormField>>({});
  const [sent, setSent] = useState<FeedbackReport | null>(null);
  const [mine, setMine] = useState<FeedbackReport[] | null>(null);
  const [busy, setBusy] = useState(false);
  const refresh = () => feedbackApi.mine().then((r) => setMine(r.reports), (e) => setErrors({ form: errorText(e, t) }));
  useEffect(() => { refresh(); }, []);

  async function send() {
    setErrors({});
    if (!form.text.trim()) { setErrors({ text: t('err_required') }); return; }
    setBusy(true);
    try {
      const r = await feedbackApi.send(cleaned(form));
      setSent(r);
      setForm({ kind: 'other', text: '', venue_code: '' });
      refresh();
    } catch (e) {
      setErrors(fieldErrors(e, t, [...FIELDS, 'phone']));
    } finally {
      setBusy(false);
    }
  }

  return (
    <>
      <form class="card stack" noValidate data-testid="feedback-form" onSubmit={(e) => { e.preventDefault(); void send(); }}>
        <h1>{t('feedbackTitle')}</h1>
        <p class="muted small">{t('feedbackIntro')}</p>
        <FormError message={errors.form ?? errors.phone} />
        {sent && <p class="success" role="status" data-testid="feedback-sent">{t('feedbackSent', { number: sent.tracking_number })}</p>}
        <ReportFields value={form} onChange={setForm} errors={errors} />
        <button type="submit" class="btn-primary" disabled={busy} data-testid="feedback-send">{t('feedbackSend')}</button>
      </form>
      <section class="card">
        <h2>{t('feedbackMine')}</h2>
        {mine && mine.length === 0 && <p class="muted">{t('feedbackNone')}</p>}
        <ul class="plain-list" data-testid="my-feedback">
          {(mine ?? []).map((r) => (
            <li class="card" style="margin-bottom: 0.5rem" data-testid={`feedback-${r.tracking_number}`}>
              <ReportHead report={r} />
              <History report={r} />
            </li>
          ))}
        </ul>
      </section>
    </>
  );
}

function ReportHead({ report: r }: { report: FeedbackReport }) {
  const { t } = useI18n();
  return (
    <>
      <p style="margin: 0">
        <strong>{r.tracking_number}</strong>{' '}
        <span class={`badge status-${r.status}`} data-testid="feedback-status">{t(`fbstatus_${r.status}` as MessageKey)}</span>
      </p>
      <p class="small muted" style="margin: 0.25rem 0">
        {t(`fbkind_${r.kind}` as MessageKey)} · {r.venue_name ? `${r.venue_name}, ` : ''}{r.area_name} · {vnTime(r.created_at)}
        {r.channel === 'hotline' && <> · {t('feedbackByHotline')}</>}
        {r.sender_phone && <> · {t('feedbackSender', { phone: r.sender_phone })}</>}
      </p>
      <p style="margin: 0.25rem 0; white-space: pre-wrap">{r.text}</p>
    </>
  );
}

function History({ report }: { report: FeedbackReport }) {
  const { t } = useI18n();
  if (!report.events.length) return null;
  return (
    <details open={report.events.length > 1}>
      <summary class="small">{t('feedbackHistory')}</summary>
      <ol class="plain-list small" data-testid="feedback-history">
        {report.events.map((e) => (
          <li>
            {vnTime(e.at)} — {t(`fbstatus_${e.status}` as MessageKey)}{e.note ? `: ${e.note}` : ''}
          </li>
        ))}
      </ol>
    </details>
  );
}

const STATUSES: (FeedbackStatus | 'open' | '')[] = ['open', 'new', 'in_progress', 'closed', ''];

function FeedbackDesk({ me }: { me: Me }) {
  const { t } = useI18n();
  const [status, setStatus] = useState<FeedbackStatus | 'open' | ''>('open');
  const [number, setNumber] = useState('');
  const [reports, setReports] = useState<FeedbackReport[] | null>(null);
  const [error, setError] = useState('');
  const refresh = () => feedbackApi.list(number ? '' : status, number.trim().toUpperCase())
    .then((r) => setReports(r.reports), (e) => setError(errorText(e, t)));
  useEffect(() => {
    refresh();
    const timer = setInterval(refresh, 5000);  // new reports arrive while the desk is open
    return () => clearInterval(timer);
  }, [status, number]);
  return (
    <>
      <section class="card stack">
        <h1>{t('feedbackDesk')}</h1>
        <p class="muted small">{t('feedbackDeskIntro')}</p>
        <FormError message={error} />
        <div class="field">
          <label for="feedback-filter">{t('feedbackShow')}</label>
          <select id="feedback-filter" value={status} data-testid="feedback-filter"
            onChange={(e) => { setNumber(''); setStatus((e.currentTarget as HTMLSelectElement).value as FeedbackStatus | 'open' | ''); }}>
            {STATUSES.map((s) => <option value={s}>{t(`fbstatus_${s || 'all'}` as MessageKey)}</option>)}
          </select>
        </div>
        <Field name="tracking_number" label={t('feedbackFind')} value={number} autoComplete="off"
          onInput={(e) => setNumber((e.currentTarget as HTMLInputElement).value)} />
        {reports && reports.length === 0 && <p class="muted">{t('feedbackNone')}</p>}
        <ul class="plain-list" data-testid="feedback-desk">
          {(reports ?? []).map((r) => <DeskReport key={r.id} report={r} onChanged={refresh} />)}
        </ul>
      </section>
      <HotlineForm me={me} onRecorded={refresh} />
    </>
  );
}

function DeskReport(props: { report: FeedbackReport; onChanged: () => void }) {
  const { t } = useI18n();
  const [report, setReport] = useState(props.report);
  const [note, setNote] = useState('');
  const [error, setError] = useState('');
  const [busy, setBusy] = useState(false);
  useEffect(() => {
    feedbackApi.get(props.report.id).then(setReport, () => {});
  }, [props.report.id, props.report.updated_at]);

  async function move(to: FeedbackStatus) {
    setError('');
    setBusy(true);
    try {
      setReport(await feedbackApi.move(report.id, to, note.trim()));
      setNote('');
      props.onChanged();
    } catch (e) {
      setError(errorText(e, t));
    } finally {
      setBusy(false);
    }
  }

  const open = report.status !== 'closed';
  return (
    <li class="card stack" style="margin-bottom: 0.5rem" data-testid={`desk-${report.tracking_number}`}>
      <div>
        <ReportHead report={report} />
        <History report={report} />
      </div>
      {open && (
        <>
          <div class="field">
            <label for={`note-${report.id}`}>{t('feedbackNote')}</label>
            <textarea id={`note-${report.id}`} rows={2} maxLength={500} value={note} data-testid="feedback-note"
              onInput={(e) => setNote((e.currentTarget as HTMLTextAreaElement).value)} />
          </div>
          <FormError message={error} />
          <div class="button-row">
            {report.status === 'new' && (
              <button type="button" class="btn-small primary" disabled={busy} data-testid="feedback-start"
                onClick={() => void move('in_progress')}>{t('feedbackStart')}</button>
            )}
            {report.status === 'in_progress' && (
              <button type="button" class="btn-small" disabled={busy || !note.trim()} data-testid="feedback-add-note"
                onClick={() => void move('in_progress')}>{t('feedbackAddNote')}</button>
            )}
            <ConfirmButton testid="feedback-close" class="btn-small" disabled={busy} label={t('feedbackClose')}
              message={t('feedbackCloseConfirm', { number: report.tracking_number })} confirmLabel={t('feedbackClose')}
              onConfirm={() => void move('closed')} />
          </div>
        </>
      )}
    </li>
  );
}

function HotlineForm(props: { me: Me; onRecorded: () => void }) {
  const { t } = useI18n();
  const j = props.me.jurisdiction;
  // A province or ward official files in their own province; a national one picks it.
  const fixedProvince = j?.level === 'province' ? j.code : null;
  const [phone, setPhone] = useState('');
  const [form, setForm] = useState<NewFeedback>({ kind: 'other', text: '', ward_code: j?.level === 'ward' ? j.code ?? '' : '' });
  const [errors, setErrors] = useState<FieldErrors<FormField>>({});
  const [recorded, setRecorded] = useState<FeedbackReport | null>(null);
  const [busy, setBusy] = useState(false);

  async function record() {
    setErrors({});
    setBusy(true);
    try {
      const body = j?.level === 'ward' ? { kind: form.kind, text: form.text, ...(form.venue_code ? { venue_code: form.venue_code } : {}) }
        : cleaned(form, fixedProvince);
      const r = await feedbackApi.hotline({ ...body, caller_phone: phone });
      setRecorded(r);
      setPhone('');
      setForm({ ...form, text: '', venue_code: '' });
      props.onRecorded();
    } catch (e) {
      setErrors(fieldErrors(e, t, FIELDS.concat('caller_phone')));
    } finally {
      setBusy(false);
    }
  }

  return (
    <form class="card stack" noValidate data-testid="hotline-form" onSubmit={(e) => { e.preventDefault(); void record(); }}>
      <h2>{t('feedbackHotline')}</h2>
      <FormError message={errors.form} />
      {recorded && <p class="success" role="status" data-testid="hotline-recorded">{t('feedbackRecorded', { number: recorded.tracking_number })}</p>}
      <Field name="caller_phone" label={t('feedbackCallerPhone')} type="tel" inputMode="tel" value={phone} error={errors.caller_phone}
        onInput={(e) => setPhone((e.currentTarget as HTMLInputElement).value)} />
      {j?.level === 'ward' ? (
        <ReportFieldsWardOnly value={form} onChange={setForm} errors={errors} />
      ) : (
        <ReportFields value={form} onChange={setForm} errors={errors} fixedProvince={fixedProvince} />
      )}
      <button type="submit" class="btn-primary" disabled={busy} data-testid="hotline-record">{t('feedbackRecord')}</button>
    </form>
  );
}

/** A ward official's hotline form: the report is in their ward (or at a venue by its code). */
function ReportFieldsWardOnly(props: { value: NewFeedback; onChange: (v: NewFeedback) => void; errors: FieldErrors<FormField> }) {
  const { t } = useI18n();
  const { value, onChange, errors } = props;
  const set = (patch: Partial<NewFeedback>) => onChange({ ...value, ...patch });
  return (
    <>
      <div class="field">
        <label for="hotline-kind">{t('feedbackKind')}</label>
        <select id="hotline-kind" value={value.kind}
          onChange={(e) => set({ kind: (e.currentTarget as HTMLSelectElement).value as FeedbackKind })}>
          {FEEDBACK_KINDS.map((k) => <option value={k}>{t(`fbkind_${k}` as MessageKey)}</option>)}
        </select>
      </div>
      <div class={`field${errors.text ? ' has-error' : ''}`}>
        <label for="hotline-text">{t('feedbackText')}</label>
        <textarea id="hotline-text" rows={3} maxLength={2000} value={value.text}
          onInput={(e) => set({ text: (e.currentTarget as HTMLTextAreaElement).value })} />
        {errors.text && <p class="field-error" role="alert">{errors.text}</p>}
      </div>
      <Field name="hotline_venue_code" label={t('feedbackVenueCode')} value={value.venue_code ?? ''} error={errors.venue_code}
        autoComplete="off" onInput={(e) => set({ venue_code: (e.currentTarget as HTMLInputElement).value.trim() })} />
    </>
  );
}
