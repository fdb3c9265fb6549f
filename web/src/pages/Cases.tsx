// /cases: the official's case list (masked names) and the form to record a case (F0) for a
// person found by phone, ID number or person id.
import { useEffect, useState } from 'preact/hooks';
import { getToken } from '../api';
import { useI18n, type MessageKey } from '../i18n';
import { linkClick, navigate } from '../router';
import { Field, FormError, Layout, errorText, fieldErrors, type FieldErrors } from '../components/ui';
import { casesApi, vnDate, vnToday, type Case, type NewCase } from '../casesApi';

type By = 'phone' | 'id_number' | 'person_id';
const FIELDS = ['person', 'phone', 'id_number', 'person_id', 'test_date', 'onset_date', 'isolation_date', 'notes'] as const;
type F = (typeof FIELDS)[number];

export function Cases() {
  const { t } = useI18n();
  const [cases, setCases] = useState<Case[] | null>(null);
  const [status, setStatus] = useState('');
  const [error, setError] = useState('');

  async function load(s = status) {
    try {
      setCases((await casesApi.list(s)).cases);
    } catch (e) {
      setError(errorText(e, t));
    }
  }
  useEffect(() => {
    if (!getToken()) { navigate('/staff-login', true); return; }
    void load();
  }, []);

  return (
    <Layout signedIn>
      <div class="stack">
        <NewCaseForm onRecorded={() => void load()} />
        <section class="card">
          <div class="section-head">
            <h1>{t('casesTitle')}</h1>
            <select aria-label={t('caseFilterStatus')} value={status} data-testid="case-filter"
              onChange={(e) => { const s = (e.currentTarget as HTMLSelectElement).value; setStatus(s); void load(s); }}>
              <option value="">{t('casesAll')}</option>
              {(['active', 'recovered', 'died', 'error'] as const).map((s) => (
                <option value={s}>{t(`caseStatus_${s}` as MessageKey)}</option>
              ))}
            </select>
          </div>
          <FormError message={error} />
          {cases && cases.length === 0 && <p class="muted">{t('noCases')}</p>}
          {cases && cases.length > 0 && (
            <table class="log-table" data-testid="case-table">
              <thead><tr><th>#</th><th>{t('casePersonLabel')}</th><th>{t('caseTestedOn')}</th><th>F1</th><th>{t('caseFilterStatus')}</th></tr></thead>
              <tbody>
                {cases.map((c) => (
                  <tr data-testid={`case-row-${c.id}`}>
                    <td data-label="#"><a href={`/cases/${c.id}`} onClick={linkClick}>{c.id}</a></td>
                    <td data-label={t('casePersonLabel')}>{c.masked_name}</td>
                    <td class="nowrap" data-label={t('caseTestedOn')}>{vnDate(c.test_date)}</td>
                    <td data-label="F1">{c.f1_count}</td>
                    <td data-label={t('caseFilterStatus')}>{t(`caseStatus_${c.status}` as MessageKey)}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          )}
        </section>
        <p class="switch-link"><a href="/clusters" onClick={linkClick}>{t('featClusters')}</a> · <a href="/duplicates" onClick={linkClick} data-testid="link-duplicates">{t('featDuplicates')}</a> · <a href="/" onClick={linkClick}>{t('back')}</a></p>
      </div>
    </Layout>
  );
}

function NewCaseForm(props: { onRecorded: () => void }) {
  const { t } = useI18n();
  const [by, setBy] = useState<By>('phone');
  const [who, setWho] = useState('');
  const [testDate, setTestDate] = useState(vnToday());
  const [onset, setOnset] = useState('');
  const [isolation, setIsolation] = useState('');
  const [notes, setNotes] = useState('');
  const [errors, setErrors] = useState<FieldErrors<F>>({});
  const [done, setDone] = useState('');
  const [busy, setBusy] = useState(false);

  async function submit(e: Event) {
    e.preventDefault();
    setErrors({});
    setDone('');
    if (!who.trim()) { setErrors({ person: t('err_required') }); return; }
    const body: NewCase = { test_date: testDate };
    if (by === 'person_id') body.person_id = Number(who.trim());
    else body[by] = who.trim();
    if (onset) body.onset_date = onset;
    if (isolation) body.isolation_date = isolation;
    if (notes.trim()) body.notes = notes.trim();
    setBusy(true);
    try {
      const c = await casesApi.create(body);
      setDone(t('caseRecorded', { id: c.id, n: c.trace?.f1 ?? 0 }));
      setWho('');
      props.onRecorded();
      navigate(`/cases/${c.id}`);
    } catch (err) {
      const fe = fieldErrors<F>(err, t, FIELDS);
      const personError = fe.phone || fe.id_number || fe.person_id;
      setErrors(personError ? { ...fe, person: personError } : fe);
    } finally {
      setBusy(false);
    }
  }

  const label = by === 'phone' ? t('caseByPhone') : by === 'id_number' ? t('caseByIdNumber') : t('caseByPersonId');
  return (
    <section class="card">
      <h2 class="h-sub">{t('newCaseTitle')}</h2>
      <form onSubmit={submit} noValidate>
        <div class="segmented" role="group" aria-label={t('caseFindBy')} style="margin-bottom: 0.75rem">
          {(['phone', 'id_number', 'person_id'] as const).map((b) => (
            <button type="button" class={by === b ? 'btn-small active' : 'btn-small'} aria-pressed={by === b}
              data-testid={`case-by-${b}`} onClick={() => setBy(b)}>
              {b === 'phone' ? t('caseByPhone') : b === 'id_number' ? t('caseByIdNumber') : t('caseByPersonId')}
            </button>
          ))}
        </div>
        <Field name="case-person" label={label} value={who} error={errors.person}
          inputMode={by === 'id_number' ? 'text' : 'numeric'}
          onInput={(e) => setWho((e.currentTarget as HTMLInputElement).value)} />
        <Field name="case-test-date" label={t('testDateLabel')} type="date" value={testDate} error={errors.test_date}
          onInput={(e) => setTestDate((e.currentTarget as HTMLInputElement).value)} />
        <Field name="case-onset" label={t('onsetDateLabel')} type="date" value={onset} error={errors.onset_date}
          onInput={(e) => setOnset((e.currentTarget as HTMLInputElement).value)} />
        <Field name="case-isolation" label={t('isolationDateLabel')} type="date" value={isolation} error={errors.isolation_date}
          onInput={(e) => setIsolation((e.currentTarget as HTMLInputElement).value)} />
        <Field name="case-notes" label={t('caseNotesLabel')} value={notes} error={errors.notes}
          onInput={(e) => setNotes((e.currentTarget as HTMLInputElement).value)} />
        <FormError message={errors.form} />
        {done && <p class="success">{done}</p>}
        <button type="submit" class="btn-primary" disabled={busy} data-testid="case-submit">{t('recordCase')}</button>
      </form>
    </section>
  );
}
