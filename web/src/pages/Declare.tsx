// The health declaration: phone-first, big touch targets, prefilled from the person's last
// declaration so an update takes seconds. On success it goes straight to the new QR. Without
// network the form still opens (the service worker, and the person as last loaded) and a
// declaration is kept on the phone and sent when the network returns (lib/pendingDeclarations.ts).
import { useEffect, useMemo, useState } from 'preact/hooks';
import { ApiError, api, type Area } from '../api';
import { newClientId } from '../lib/clientId';
import { declarationsApi, type Declaration, type DeclarationInput, type EntryDetails, type Person } from '../api-declarations';
import { useI18n, type MessageKey, type Translate } from '../i18n';
import { linkClick, navigate } from '../router';
import { DECLARATION_KEPT_EVENT, Field, FormError, Layout, errorText, fieldErrors, hasErrors, type FieldErrors } from '../components/ui';
import { AddressPicker } from '../components/AddressPicker';
import { AreaSelect } from '../components/AreaSelect';
import { countries } from '../lib/countries';
import { cacheQr, registerServiceWorker } from '../lib/personalQr';
import { keepDeclaration } from '../lib/pendingDeclarations';

interface FormStart { person: Person; last: Declaration | null }
const formKey = (personId: string) => `kb_declare_form_${personId}`;

/** The person and their last declaration, from the server, or as last loaded when offline. */
async function loadForm(personId: string): Promise<FormStart> {
  try {
    const [person, history] = await Promise.all([declarationsApi.person(personId), declarationsApi.history(personId)]);
    const start = { person, last: history.declarations[0] ?? null };
    try { localStorage.setItem(formKey(personId), JSON.stringify(start)); } catch { /* not kept */ }
    return start;
  } catch (e) {
    let kept: FormStart | null = null;
    try { kept = JSON.parse(localStorage.getItem(formKey(personId)) || 'null') as FormStart | null; } catch { kept = null; }
    if (kept && e instanceof ApiError && e.code === 'network') return kept;
    throw e;
  }
}
import { StatusDot, useSignedIn } from './People';

const SYMPTOMS = ['fever', 'cough', 'shortness_of_breath', 'sore_throat', 'loss_of_taste_smell', 'fatigue'];
const EXPOSURES = ['confirmed_case', 'suspected_case', 'outbreak_area'];
const TRANSPORTS = ['flight', 'ship', 'train', 'road'];

const emptyEntry: EntryDetails = {
  transport: 'flight', vehicle_number: '', seat: '', departure_country: '', arrival_date: '',
  quarantine_province_code: '', quarantine_ward_code: '', quarantine_street: '',
};

const DECLARATION_FIELDS = ['symptoms', 'exposures', 'travel_provinces', 'travel_countries', 'vaccine_doses',
  'transport', 'vehicle_number', 'seat', 'departure_country', 'arrival_date', 'quarantine_province_code',
  'quarantine_ward_code', 'quarantine_street'] as const;
type DeclarationField = typeof DECLARATION_FIELDS[number];

/** What the form can tell before sending, every field at once (the server names only the first). */
function checkDeclaration(d: DeclarationInput, t: Translate): FieldErrors<DeclarationField> {
  const found: FieldErrors<DeclarationField> = {};
  if (d.symptoms.length === 0) found.symptoms = t('err_required');
  if (d.exposures.length === 0) found.exposures = t('err_required');
  if (d.travel_countries.some((c) => !/^[A-Z]{2}$/.test(c))) found.travel_countries = t('err_invalid_country');
  const e = d.entry;
  if (e) {
    if (!e.vehicle_number.trim()) found.vehicle_number = t('err_required');
    if (!e.departure_country.trim()) found.departure_country = t('err_required');
    else if (!/^[A-Za-z]{2}$/.test(e.departure_country.trim())) found.departure_country = t('err_invalid_country');
    if (!e.arrival_date) found.arrival_date = t('err_required');
    if (!e.quarantine_province_code) found.quarantine_province_code = t('err_required');
    if (!e.quarantine_ward_code) found.quarantine_ward_code = t('err_required');
    if (!e.quarantine_street.trim()) found.quarantine_street = t('err_required');
  }
  return found;
}

/** /declare: pick whom to declare for. */
export function DeclarePick() {
  const { t } = useI18n();
  const { data, error } = useSignedIn(() => declarationsApi.people());
  useEffect(() => {
    if (data && data.people.length === 1 && data.people[0].complete) navigate(`/declare/${data.people[0].id}`, true);
  }, [data]);
  return (
    <Layout signedIn>
      <section class="card narrow">
        <h1>{t('declareTitle')}</h1>
        <h2 class="h-sub">{t('choosePerson')}</h2>
        {error ? <p class="form-error" role="alert">{errorText(error, t)}</p> : null}
        <ul class="choice-list">
          {data?.people.map((p) => (
            <li>
              <a class="choice-big" href={p.complete ? `/declare/${p.id}` : `/people/${p.id}`} onClick={linkClick}
                data-testid={`declare-pick-${p.id}`}>
                <StatusDot colour={p.last_declared_at ? p.status.colour : 'none'} />
                <span>{p.full_name || t('yourself')}</span>
                {!p.complete && <span class="badge">{t('profileIncomplete')}</span>}
              </a>
            </li>
          ))}
        </ul>
        <a href="/people/new" onClick={linkClick}>{t('addPerson')}</a>
      </section>
    </Layout>
  );
}

function Checks(props: {
  name: string; legend: string; options: string[]; labelPrefix: string; value: string[]; error?: string;
  onChange: (v: string[]) => void;
}) {
  const { t } = useI18n();
  const toggle = (o: string) => {
    if (o === 'none') { props.onChange(props.value.includes('none') ? [] : ['none']); return; }
    const rest = props.value.filter((x) => x !== 'none' && x !== o);
    props.onChange(props.value.includes(o) ? rest : [...rest, o]);
  };
  return (
    <fieldset class={`field choice-group${props.error ? ' has-error' : ''}`} data-testid={`group-${props.name}`}>
      <legend>{props.legend}</legend>
      {[...props.options, 'none'].map((o) => (
        <label class="choice">
          <input type="checkbox" name={props.name} value={o} checked={props.value.includes(o)}
            onChange={() => toggle(o)} data-testid={`${props.name}-${o}`} />
          {o === 'none' ? t('answerNone') : t(`${props.labelPrefix}${o}` as MessageKey)}
        </label>
      ))}
      {props.error && <p class="field-error" role="alert" data-testid={`error-${props.name}`}>{props.error}</p>}
    </fieldset>
  );
}

/** /declare/:id */
export function Declare({ personId }: { personId: string }) {
  const { t, lang } = useI18n();
  const { data, error } = useSignedIn(() => loadForm(personId), [personId]);
  const [keptOffline, setKeptOffline] = useState(false);
  // One id per filled-in form: a retry or the offline queue's resend records it once.
  const [clientId] = useState(newClientId);
  const [form, setForm] = useState<DeclarationInput | null>(null);
  const [entry, setEntry] = useState<EntryDetails>(emptyEntry);
  const [provinces, setProvinces] = useState<Area[]>([]);
  const countryList = useMemo(() => countries(lang), [lang]);
  const [errors, setErrors] = useState<FieldErrors<DeclarationField>>({});
  const [busy, setBusy] = useState(false);

  useEffect(() => {
    registerServiceWorker();
    api.provinces().then(setProvinces, () => setProvinces([]));
  }, []);
  useEffect(() => {
    if (!data) return;
    const last = data.last;
    setForm({
      person_id: Number(personId),
      kind: last?.kind ?? 'domestic',
      travel_provinces: last?.travel_provinces ?? [],
      travel_countries: last?.travel_countries ?? [],
      symptoms: last?.symptoms ?? [],
      exposures: last?.exposures ?? [],
      vaccine_doses: last?.vaccine_doses ?? 0,
    });
    if (last?.entry) setEntry(last.entry);
  }, [data]);

  if (error) {
    return <Layout signedIn><p class="form-error card" role="alert">{errorText(error, t)}</p></Layout>;
  }
  if (!data || !form) return <Layout signedIn><p class="muted">{t('loading')}</p></Layout>;
  const person: Person = data.person;

  async function submit(e: Event) {
    e.preventDefault();
    if (!form) return;
    const body: DeclarationInput = {
      ...form,
      client_id: clientId,
      ...(form.kind === 'entry' ? { entry } : {}),
    };
    const found = checkDeclaration(body, t);
    setErrors(found);
    if (hasErrors(found)) {
      requestAnimationFrame(() => document.querySelector('.has-error')?.scrollIntoView({ block: 'center' }));
      return;
    }
    setBusy(true);
    try {
      const r = await declarationsApi.declare(body);
      cacheQr({
        token_id: 0, person_id: r.person_id, payload: r.qr, svg: r.qr_svg, colour: r.colour, reason: r.reason,
        issued_at: r.declaration.created_at, expires_at: r.qr_expires_at, key_id: '', full_name: person.full_name,
        masked_name: '',
      });
      navigate(`/qr/${r.person_id}?declared=1`);
    } catch (err) {
      if (err instanceof ApiError && err.code === 'network' && keepDeclaration(body)) {
        setKeptOffline(true);
        window.dispatchEvent(new Event(DECLARATION_KEPT_EVENT));
        requestAnimationFrame(() => document.querySelector('[data-testid=declaration-kept]')?.scrollIntoView({ block: 'center' }));
        return;
      }
      setErrors(fieldErrors(err, t, DECLARATION_FIELDS));
      requestAnimationFrame(() => document.querySelector('.has-error, .form-error')?.scrollIntoView({ block: 'center' }));
    } finally {
      setBusy(false);
    }
  }

  const setEntryField = (k: keyof EntryDetails) => (e: Event) =>
    setEntry({ ...entry, [k]: (e.target as HTMLInputElement).value });
  const unvisited = provinces.filter((p) => !form.travel_provinces.includes(p.code));

  return (
    <Layout signedIn>
      <section class="card narrow">
        <p><a href="/people" onClick={linkClick}>← {t('peopleTitle')}</a></p>
        <h1>{t('declareTitle')}</h1>
        <p class="h-sub" data-testid="declare-for">{t('declareFor', { name: person.full_name })}</p>
        {data.last && <p class="success" data-testid="prefilled">{t('prefilled')}</p>}
        {keptOffline && <p class="offline-banner" role="status" data-testid="declaration-kept">{t('declarationKeptOffline')}</p>}
        <form onSubmit={submit} noValidate data-testid="declaration-form">
          <FormError message={errors.form} />
          <fieldset class="field choice-group">
            <legend>{t('kindLabel')}</legend>
            {(['domestic', 'entry'] as const).map((k) => (
              <label class="choice">
                <input type="radio" name="kind" value={k} checked={form.kind === k}
                  onChange={() => setForm({ ...form, kind: k })} data-testid={`kind-${k}`} />
                {t(`kind_${k}`)}
              </label>
            ))}
          </fieldset>

          <Checks name="symptoms" legend={t('symptomsLabel')} options={SYMPTOMS} labelPrefix="symptom_"
            value={form.symptoms} error={errors.symptoms} onChange={(v) => setForm({ ...form, symptoms: v })} />
          <Checks name="exposures" legend={t('exposuresLabel')} options={EXPOSURES} labelPrefix="exposure_"
            value={form.exposures} error={errors.exposures} onChange={(v) => setForm({ ...form, exposures: v })} />

          <div class={`field${errors.travel_provinces ? ' has-error' : ''}`}>
            <label for="add_province">{t('travelProvincesLabel')}</label>
            <ul class="chips">
              {form.travel_provinces.map((code) => (
                <li class="chip">
                  {provinces.find((p) => p.code === code)?.name ?? code}
                  <button type="button" aria-label={t('remove')} onClick={() =>
                    setForm({ ...form, travel_provinces: form.travel_provinces.filter((c) => c !== code) })}>×</button>
                </li>
              ))}
            </ul>
            <select id="add_province" value="" onChange={(e) => {
              const v = (e.target as HTMLSelectElement).value;
              if (v) setForm({ ...form, travel_provinces: [...form.travel_provinces, v] });
            }}>
              <option value="">{t('addProvince')}</option>
              {unvisited.map((p) => <option value={p.code}>{p.name}</option>)}
            </select>
            {errors.travel_provinces && <p class="field-error" role="alert">{errors.travel_provinces}</p>}
          </div>
          <div class="field">
            <ul class="chips" data-testid="travel-countries">
              {form.travel_countries.map((code) => (
                <li class="chip">
                  {countryList.find((c) => c.code === code)?.name ?? code}
                  <button type="button" aria-label={t('remove')} onClick={() =>
                    setForm({ ...form, travel_countries: form.travel_countries.filter((c) => c !== code) })}>×</button>
                </li>
              ))}
            </ul>
            <AreaSelect id="travel_countries" label={t('travelCountriesLabel')} prompt={t('addCountry')}
              areas={countryList.filter((c) => !form.travel_countries.includes(c.code))} value="" autoPick={false}
              error={errors.travel_countries}
              onChange={(code) => code && setForm({ ...form, travel_countries: [...form.travel_countries, code] })} />
          </div>

          <fieldset class={`field choice-group${errors.vaccine_doses ? ' has-error' : ''}`}>
            <legend>{t('vaccineDosesLabel')}</legend>
            <div class="segmented">
              {[0, 1, 2, 3, 4].map((n) => (
                <label class={form.vaccine_doses === n ? 'on' : ''}>
                  <input type="radio" name="vaccine_doses" value={n} checked={form.vaccine_doses === n}
                    onChange={() => setForm({ ...form, vaccine_doses: n })} />
                  {n === 4 ? '4+' : n}
                </label>
              ))}
            </div>
          </fieldset>

          {form.kind === 'entry' && (
            <fieldset class="field entry-box" data-testid="entry-fields">
              <legend>{t('entryTitle')}</legend>
              <div class="field">
                <label for="transport">{t('transportLabel')}</label>
                <select id="transport" value={entry.transport} onChange={setEntryField('transport')}>
                  {TRANSPORTS.map((x) => <option value={x}>{t(`transport_${x}` as MessageKey)}</option>)}
                </select>
              </div>
              <Field name="vehicle_number" label={t('vehicleNumberLabel')} value={entry.vehicle_number}
                onInput={setEntryField('vehicle_number')} error={errors.vehicle_number} autoCapitalize="characters" />
              <Field name="seat" label={t('seatLabel')} value={entry.seat} onInput={setEntryField('seat')}
                error={errors.seat} />
              <AreaSelect id="departure_country" label={t('departureCountryLabel')} areas={countryList}
                value={entry.departure_country} error={errors.departure_country}
                onChange={(code) => setEntry({ ...entry, departure_country: code })} />
              <Field name="arrival_date" type="date" label={t('arrivalDateLabel')} value={entry.arrival_date}
                onInput={setEntryField('arrival_date')} error={errors.arrival_date} />
              <p class="field-label">{t('quarantineAddressLabel')}</p>
              <AddressPicker prefix="quarantine_" province={entry.quarantine_province_code}
                ward={entry.quarantine_ward_code} errors={errors}
                onChange={(p, w) => setEntry({ ...entry, quarantine_province_code: p, quarantine_ward_code: w })} />
              <Field name="quarantine_street" label={t('streetLabel')} value={entry.quarantine_street}
                onInput={setEntryField('quarantine_street')} error={errors.quarantine_street} />
            </fieldset>
          )}
          <button type="submit" class="btn-primary btn-big" disabled={busy} data-testid="submit-declaration">
            {busy ? t('submitting') : t('submitDeclaration')}
          </button>
        </form>
      </section>
    </Layout>
  );
}
