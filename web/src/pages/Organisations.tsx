// /organisations: the organisations I manage (a company, school or agency) with today's coverage,
// and the form to register one. /organisations/:id: its daily check and hour, the roster import
// with a report of every refused row, today's coverage, the missing list and its CSV export
// (done or not, never anyone's answers). AreaOrganisations: an official's line per organisation.
import { useEffect, useState } from 'preact/hooks';
import { ApiError, getToken, setToken } from '../api';
import { errorKey, useI18n, type MessageKey, type Translate } from '../i18n';
import { linkClick, navigate } from '../router';
import { AddressPicker } from '../components/AddressPicker';
import { Field, FormError, Layout, errorText, fieldErrors, type FieldErrors } from '../components/ui';
import { download } from '../venuesApi';
import {
  CHECK_KINDS, ORG_KINDS, organisationsApi, type CheckKind, type Coverage, type Figures, type OrgKind,
  type Organisation, type RosterReport,
} from '../organisationsApi';

const num = (n: number, lang: string) => n.toLocaleString(lang === 'vi' ? 'vi-VN' : 'en-GB');

function figuresText(f: Figures, t: Translate, lang: string) {
  return t('orgCoverage', { done: num(f.done, lang), members: num(f.members, lang), percent: f.percent });
}

function useSignedIn() {
  useEffect(() => { if (!getToken()) navigate('/login', true); }, []);
}

function onLoadError(e: unknown, setError: (s: string) => void, t: Translate) {
  if (e instanceof ApiError && e.status === 401) { setToken(null); navigate('/login', true); return; }
  setError(errorText(e, t));
}

export function Organisations() {
  const { t, lang } = useI18n();
  const [orgs, setOrgs] = useState<Organisation[] | null>(null);
  const [error, setError] = useState('');
  useSignedIn();
  useEffect(() => {
    if (getToken()) organisationsApi.list().then((r) => setOrgs(r.organisations), (e) => onLoadError(e, setError, t));
  }, []);
  return (
    <Layout signedIn>
      <div class="stack">
        <section class="card">
          <h1>{t('featOrganisations')}</h1>
          <FormError message={error} />
          {orgs === null ? <p class="muted">{t('loading')}</p> : orgs.length === 0 ? (
            <p class="muted" data-testid="no-organisations">{t('orgNone')}</p>
          ) : (
            <ul class="venue-list" data-testid="organisation-list">
              {orgs.map((o) => (
                <li data-testid={`organisation-${o.id}`}>
                  <a href={`/organisations/${o.id}`} onClick={linkClick}><strong>{o.name}</strong></a>
                  {o.today && <div class="muted">{figuresText(o.today, t, lang)}</div>}
                </li>
              ))}
            </ul>
          )}
        </section>
        <RegisterOrganisation onCreated={(o) => navigate(`/organisations/${o.id}`)} />
        <p class="switch-link"><a href="/" onClick={linkClick}>{t('goHome')}</a></p>
      </div>
    </Layout>
  );
}

type Fields = 'name' | 'kind' | 'province_code' | 'ward_code' | 'street';

function RegisterOrganisation(props: { onCreated: (o: Organisation) => void }) {
  const { t } = useI18n();
  const [f, setF] = useState({ name: '', kind: 'company' as OrgKind, province_code: '', ward_code: '', street: '' });
  const [errors, setErrors] = useState<FieldErrors<Fields>>({});
  const [busy, setBusy] = useState(false);
  const set = (k: keyof typeof f) => (e: Event) =>
    setF((old) => ({ ...old, [k]: (e.currentTarget as HTMLInputElement).value, ...(k === 'province_code' ? { ward_code: '' } : {}) }));

  async function submit(e: Event) {
    e.preventDefault();
    const missing: FieldErrors<Fields> = {};
    for (const k of ['name', 'province_code', 'ward_code'] as const) if (!f[k].trim()) missing[k] = t('err_required');
    if (Object.keys(missing).length) { setErrors(missing); return; }
    setBusy(true);
    setErrors({});
    try {
      props.onCreated(await organisationsApi.create(f));
    } catch (err) {
      setErrors(fieldErrors(err, t, ['name', 'kind', 'province_code', 'ward_code', 'street'] as const));
    } finally {
      setBusy(false);
    }
  }
  return (
    <section class="card">
      <h2>{t('orgRegister')}</h2>
      <form onSubmit={submit} noValidate data-testid="organisation-form">
        <Field name="org-name" label={t('orgName')} value={f.name} onInput={set('name')} error={errors.name} />
        <div class="field">
          <label for="org-kind">{t('orgKind')}</label>
          <select id="org-kind" value={f.kind} onChange={set('kind')}>
            {ORG_KINDS.map((k) => <option value={k}>{t(`orgKind_${k}` as MessageKey)}</option>)}
          </select>
        </div>
        <AddressPicker prefix="" province={f.province_code} ward={f.ward_code} errors={errors}
          onChange={(province_code, ward_code) => setF((x) => ({ ...x, province_code, ward_code }))} />
        <Field name="org-street" label={t('streetLabel')} value={f.street} onInput={set('street')} error={errors.street} />
        <FormError message={errors.form} />
        <button class="btn-primary" type="submit" data-testid="organisation-submit" disabled={busy}>{t('orgRegister')}</button>
      </form>
    </section>
  );
}

export function OrganisationPage(props: { id: string }) {
  const { t, lang } = useI18n();
  const [org, setOrg] = useState<Organisation | null>(null);
  const [coverage, setCoverage] = useState<Coverage | null>(null);
  const [error, setError] = useState('');
  useSignedIn();
  async function load() {
    try {
      setOrg(await organisationsApi.get(props.id));
      setCoverage(await organisationsApi.coverage(props.id));
      setError('');
    } catch (e) {
      onLoadError(e, setError, t);
    }
  }
  useEffect(() => { if (getToken()) void load(); }, [props.id]);
  async function exportCsv() {
    try {
      await download(`/organisations/${props.id}/coverage.csv`, `organisation-${props.id}-${coverage?.date ?? 'today'}.csv`);
    } catch (e) {
      setError(errorText(e, t));
    }
  }
  return (
    <Layout signedIn>
      <div class="stack">
        <section class="card">
          <h1>{org?.name ?? t('featOrganisations')}</h1>
          <FormError message={error} />
          {org && <p class="muted">{t(`orgKind_${org.kind}` as MessageKey)} · {org.area_name}</p>}
          {coverage && (
            <>
              <p data-testid="org-coverage"><strong>{figuresText(coverage, t, lang)}</strong></p>
              <p class="muted">{t('orgJoined', { joined: num(coverage.joined, lang) })}</p>
              <h2>{t('orgMissingTitle')}</h2>
              {coverage.missing.length === 0 ? <p class="muted">{t('orgMissingNone')}</p> : (
                <ul class="venue-list" data-testid="org-missing">
                  {coverage.missing.map((m) => (
                    <li data-testid={`org-missing-${m.member_id}`}>
                      {m.full_name} · {m.phone}{!m.joined && <span class="muted"> · {t('orgNotJoined')}</span>}
                    </li>
                  ))}
                </ul>
              )}
              <button type="button" class="btn-ghost" data-testid="org-export" onClick={() => void exportCsv()}>{t('orgExport')}</button>
            </>
          )}
        </section>
        {org && <CheckSetting org={org} onSaved={(o) => { setOrg(o); void load(); }} />}
        {org && <RosterImport orgId={org.id} onImported={() => void load()} />}
        <p class="switch-link"><a href="/organisations" onClick={linkClick}>{t('back')}</a></p>
      </div>
    </Layout>
  );
}

function CheckSetting(props: { org: Organisation; onSaved: (o: Organisation) => void }) {
  const { t } = useI18n();
  const [check, setCheck] = useState<CheckKind>(props.org.check);
  const [hour, setHour] = useState(props.org.check_hour);
  const [error, setError] = useState('');
  const [saved, setSaved] = useState(false);
  async function save(e: Event) {
    e.preventDefault();
    try {
      props.onSaved(await organisationsApi.setCheck(props.org.id, check, hour));
      setSaved(true);
      setError('');
    } catch (err) {
      setError(errorText(err, t));
    }
  }
  return (
    <section class="card">
      <h2>{t('orgCheckTitle')}</h2>
      <form onSubmit={save} noValidate data-testid="org-check-form">
        <div class="field">
          <label for="org-check">{t('orgCheckTitle')}</label>
          <select id="org-check" value={check} onChange={(e) => { setCheck((e.currentTarget as HTMLSelectElement).value as CheckKind); setSaved(false); }}>
            {CHECK_KINDS.map((k) => <option value={k}>{t(`orgCheck_${k}` as MessageKey)}</option>)}
          </select>
        </div>
        <div class="field">
          <label for="org-hour">{t('orgCheckHour')}</label>
          <select id="org-hour" value={String(hour)} onChange={(e) => { setHour(Number((e.currentTarget as HTMLSelectElement).value)); setSaved(false); }}>
            {Array.from({ length: 24 }, (_, h) => <option value={String(h)}>{`${String(h).padStart(2, '0')}:00`}</option>)}
          </select>
        </div>
        <FormError message={error} />
        <button class="btn-primary" type="submit" data-testid="org-check-save">{t('orgCheckSave')}</button>
        {saved && <p class="success" data-testid="org-check-saved">{t('orgCheckSaved')}</p>}
      </form>
    </section>
  );
}

function RosterImport(props: { orgId: number; onImported: () => void }) {
  const { t } = useI18n();
  const [text, setText] = useState('');
  const [report, setReport] = useState<RosterReport | null>(null);
  const [error, setError] = useState('');
  const [busy, setBusy] = useState(false);
  async function pick(e: Event) {
    const file = (e.currentTarget as HTMLInputElement).files?.[0];
    if (file) setText(await file.text());
  }
  async function send(acceptValid: boolean) {
    if (!text.trim()) { setError(t('err_required')); return; }
    setBusy(true);
    try {
      const r = await organisationsApi.importRoster(props.orgId, text, acceptValid);
      setReport(r);
      setError('');
      if (r.written) props.onImported();
    } catch (err) {
      setError(errorText(err, t));
    } finally {
      setBusy(false);
    }
  }
  return (
    <section class="card">
      <h2>{t('orgRosterTitle')}</h2>
      <p class="muted">{t('orgRosterHint')}</p>
      <div class="field">
        <label for="org-roster-file">{t('orgRosterFile')}</label>
        <input id="org-roster-file" type="file" accept=".csv,text/csv,text/plain" onChange={(e) => void pick(e)} />
      </div>
      <div class="field">
        <label for="org-roster-text">{t('orgRosterPaste')}</label>
        <textarea id="org-roster-text" rows={5} value={text} data-testid="org-roster-text"
          onInput={(e) => setText((e.currentTarget as HTMLTextAreaElement).value)} />
      </div>
      <FormError message={error} />
      <button type="button" class="btn-primary" disabled={busy} data-testid="org-roster-send" onClick={() => void send(false)}>
        {t('orgRosterSend')}
      </button>
      {report && <RosterReportView report={report} onValidOnly={() => void send(true)} busy={busy} />}
    </section>
  );
}

function RosterReportView(props: { report: RosterReport; onValidOnly: () => void; busy: boolean }) {
  const { t } = useI18n();
  const r = props.report;
  return (
    <div data-testid="org-roster-report">
      {r.written && <p class="success">{t('orgRosterDone', { rows: r.rows, added: r.added, updated: r.updated, unchanged: r.unchanged })}</p>}
      {r.refused > 0 && (
        <>
          <p class="form-error" role="alert">{t('orgRosterRefused', { n: r.refused })}</p>
          {!r.written && <p class="muted">{t('orgRosterNothing')}</p>}
          <ul data-testid="org-roster-refused">
            {r.refused_rows.map((x) => (
              <li data-testid={`org-roster-row-${x.row}`}>{t('orgRosterRow', { row: x.row })}: {rowText(x.code, x.message, t)}</li>
            ))}
          </ul>
          {!r.written && (
            <button type="button" class="btn-ghost" disabled={props.busy} data-testid="org-roster-valid-only" onClick={props.onValidOnly}>
              {t('orgRosterValidOnly')}
            </button>
          )}
        </>
      )}
    </div>
  );
}

/** A refused row's reason in the app's language when the code has a text, else the server's words. */
function rowText(code: string, message: string, t: Translate) {
  const key = errorKey(code);
  return key ? t(key) : message;
}

/** An official's line per organisation of their area: today's figures, never names. */
export function AreaOrganisations() {
  const { t, lang } = useI18n();
  const [orgs, setOrgs] = useState<Organisation[] | null>(null);
  const [error, setError] = useState('');
  useEffect(() => { organisationsApi.list().then((r) => setOrgs(r.organisations), (e) => setError(errorText(e, t))); }, []);
  return (
    <section class="card" data-testid="area-organisations">
      <h2>{t('orgAreaTitle')}</h2>
      <FormError message={error} />
      {orgs === null ? <p class="muted">{t('loading')}</p> : orgs.length === 0 ? <p class="muted">{t('orgAreaNone')}</p> : (
        <ul class="venue-list">
          {orgs.map((o) => (
            <li data-testid={`area-organisation-${o.id}`}>
              {t('orgAreaLine', { name: o.name, done: num(o.today?.done ?? 0, lang), members: num(o.today?.members ?? 0, lang), percent: o.today?.percent ?? 0 })}
              <span class="muted"> · {o.area_name}</span>
            </li>
          ))}
        </ul>
      )}
    </section>
  );
}
