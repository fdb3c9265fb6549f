// /data-requests: outside agencies' requests for declaration data (data_requests/ on the
// server). An official files one — the agency, the purpose the citizens will read, the fields
// asked for (only those are exported), the area, the days and an expiry; another official of
// the area approves it; the requester downloads the export until it expires.
import { useEffect, useState } from 'preact/hooks';
import { api, download, getToken, request } from '../api';
import { useI18n, type MessageKey } from '../i18n';
import { navigate } from '../router';
import { ConfirmButton, Field, FormError, Layout, errorText } from '../components/ui';
import { formatDate, formatDateTime } from '../lib/dates';

interface DataRequest {
  id: number;
  agency: string;
  purpose: string;
  fields: string[];
  area: string;
  from: string;
  to: string;
  expires_at: string;
  requested_by: number;
  approved_at: string | null;
  downloads: number;
  state: 'pending' | 'approved' | 'expired';
}

const kFields = ['declared_on', 'kind', 'birth_year', 'sex', 'province_code', 'ward_code', 'symptoms', 'exposures',
  'vaccine_doses', 'travel_provinces', 'travel_countries', 'full_name', 'id_number', 'birth_date', 'phone', 'street'];
const kIdentifying = new Set(['full_name', 'id_number', 'birth_date', 'phone', 'street']);

const day = (offset: number) => new Date(Date.now() + 7 * 3600e3 + offset * 86400e3).toISOString().slice(0, 10);

export function DataRequests() {
  const { t } = useI18n();
  const [me, setMe] = useState<number | null>(null);
  const [list, setList] = useState<DataRequest[] | null>(null);
  const [agency, setAgency] = useState('');
  const [purpose, setPurpose] = useState('');
  const [fields, setFields] = useState<string[]>(['birth_year', 'sex', 'symptoms']);
  const [area, setArea] = useState('');
  const [from, setFrom] = useState(day(-7));
  const [to, setTo] = useState(day(0));
  const [expires, setExpires] = useState(day(30));
  const [error, setError] = useState('');
  const [note, setNote] = useState('');

  async function load() {
    try {
      setList((await request<{ requests: DataRequest[] }>('GET', '/data-requests')).requests);
    } catch (e) {
      setError(errorText(e, t));
    }
  }
  useEffect(() => {
    if (!getToken()) { navigate('/staff-login', true); return; }
    api.me().then((m) => {
      setMe(Number(m.id));
      setArea(m.jurisdiction?.code ?? '*');
    }, () => undefined);
    load();
  }, []);

  async function file(e: Event) {
    e.preventDefault();
    setError('');
    setNote('');
    try {
      const r = await request<DataRequest>('POST', '/data-requests',
        { agency, purpose, fields, area, from, to, expires_on: expires });
      setNote(t('dataReqFiled', { id: r.id }));
      await load();
    } catch (err) {
      setError(errorText(err, t));
    }
  }

  async function approve(id: number) {
    setError('');
    try {
      await request('POST', `/data-requests/${id}/approve`);
      setNote(t('dataReqApproved', { id }));
      await load();
    } catch (err) {
      setError(errorText(err, t));
    }
  }

  const toggle = (f: string) => setFields((all) => (all.includes(f) ? all.filter((x) => x !== f) : [...all, f]));
  const fieldName = (f: string) => t(`dataReqField_${f}` as MessageKey);

  return (
    <Layout signedIn>
      <section class="card">
        <h1>{t('featDataRequests')}</h1>
        <p class="muted">{t('dataReqIntro')}</p>
        <form onSubmit={file} data-testid="data-request-form">
          <Field name="agency" label={t('dataReqAgency')} value={agency} maxLength={200} required
            onInput={(e) => setAgency((e.target as HTMLInputElement).value)} />
          <Field name="purpose" label={t('dataReqPurpose')} value={purpose} maxLength={1000} required
            hint={t('dataReqPurposeHint')} onInput={(e) => setPurpose((e.target as HTMLInputElement).value)} />
          <fieldset class="field">
            <legend>{t('dataReqFields')}</legend>
            {kFields.map((f) => (
              <label class="check" key={f}>
                <input type="checkbox" checked={fields.includes(f)} data-testid={`field-${f}`} onChange={() => toggle(f)} />
                {' '}{fieldName(f)}{kIdentifying.has(f) ? ` (${t('dataReqIdentifying')})` : ''}
              </label>
            ))}
          </fieldset>
          <Field name="area" label={t('dataReqArea')} value={area} maxLength={20}
            onInput={(e) => setArea((e.target as HTMLInputElement).value)} />
          <Field name="from" type="date" label={t('dataReqFrom')} value={from}
            onInput={(e) => setFrom((e.target as HTMLInputElement).value)} />
          <Field name="to" type="date" label={t('dataReqTo')} value={to}
            onInput={(e) => setTo((e.target as HTMLInputElement).value)} />
          <Field name="expires_on" type="date" label={t('dataReqExpires')} value={expires}
            onInput={(e) => setExpires((e.target as HTMLInputElement).value)} />
          <FormError message={error} />
          {note && <p class="note" role="status" data-testid="data-request-note">{note}</p>}
          <button type="submit" class="primary" data-testid="data-request-file">{t('dataReqFile')}</button>
        </form>
      </section>
      <section class="card">
        <h2>{t('dataReqList')}</h2>
        {list && list.length === 0 && <p class="muted">{t('dataReqNone')}</p>}
        <ul class="plain-list" data-testid="data-requests">
          {list?.map((r) => (
            <li key={r.id} data-testid={`data-request-${r.id}`}>
              <strong>{r.agency}</strong> · {t(`dataReqState_${r.state}` as MessageKey)}
              <br />
              <span>{r.purpose}</span>
              <br />
              <span class="muted small">
                {t('dataReqSummary', { area: r.area, from: formatDate(r.from), to: formatDate(r.to), expires: formatDateTime(r.expires_at) })}
              </span>
              <br />
              <span class="small">{r.fields.map(fieldName).join(', ')}</span>
              <div class="button-row">
                {r.state === 'pending' && r.requested_by !== me && (
                  <ConfirmButton testid={`approve-${r.id}`} label={t('dataReqApprove')}
                    message={t('dataReqApproveConfirm', { agency: r.agency })} confirmLabel={t('dataReqApprove')}
                    onConfirm={() => approve(r.id)} />
                )}
                {r.state === 'approved' && r.requested_by === me && (
                  <button type="button" class="btn-ghost" data-testid={`download-${r.id}`}
                    onClick={() => download(`/data-requests/${r.id}/export.csv`, `data-request-${r.id}.csv`)
                      .catch((e) => setError(errorText(e, t)))}>
                    {t('dataReqDownload')}
                  </button>
                )}
              </div>
            </li>
          ))}
        </ul>
      </section>
    </Layout>
  );
}
