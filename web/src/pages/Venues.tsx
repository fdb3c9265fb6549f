// /venues: the places I manage or work at, and the form to register a new one.
import { useEffect, useState } from 'preact/hooks';
import { ApiError, getToken, setToken } from '../api';
import { useI18n, type MessageKey } from '../i18n';
import { linkClick, navigate } from '../router';
import { AddressPicker } from '../components/AddressPicker';
import { Field, FormError, Layout, errorText, fieldErrors, type FieldErrors } from '../components/ui';
import { VENUE_KINDS, venuesApi, type Venue, type VenueKind } from '../venuesApi';

export function Venues() {
  const { t } = useI18n();
  const [venues, setVenues] = useState<Venue[] | null>(null);
  const [error, setError] = useState('');

  useEffect(() => {
    if (!getToken()) { navigate('/login', true); return; }
    venuesApi.list().then((r) => setVenues(r.venues), (e) => {
      if (e instanceof ApiError && e.status === 401) { setToken(null); navigate('/login', true); return; }
      setError(errorText(e, t));
    });
  }, []);

  return (
    <Layout signedIn>
      <div class="stack">
        <section class="card">
          <h1>{t('featVenues')}</h1>
          <FormError message={error} />
          {venues === null ? <p class="muted">{t('loading')}</p> : venues.length === 0 ? (
            <p class="muted" data-testid="no-venues">{t('noVenues')}</p>
          ) : <VenueList venues={venues} />}
        </section>
        <RegisterVenue onCreated={(v) => navigate(`/venues/${v.id}`)} />
        <p class="switch-link"><a href="/" onClick={linkClick}>{t('goHome')}</a></p>
      </div>
    </Layout>
  );
}

export function VenueList({ venues }: { venues: Venue[] }) {
  const { t } = useI18n();
  return (
    <ul class="venue-list" data-testid="venue-list">
      {venues.map((v) => (
        <li data-testid={`venue-${v.id}`}>
          <a href={`/venues/${v.id}`} onClick={linkClick}><strong>{v.name}</strong></a>
          <span class="muted"> · {t(`kind_${v.kind}` as MessageKey)} · {t(`status_${v.status}` as MessageKey)}</span>
          <div class="row-actions">
            <a class="btn-small primary" href={`/scan/${v.id}`} onClick={linkClick} data-testid={`scan-link-${v.id}`}>{t('featScanner')}</a>
            <a class="btn-small" href={`/venues/${v.id}/log`} onClick={linkClick}>{t('guestLog')}</a>
          </div>
        </li>
      ))}
    </ul>
  );
}

type Fields = 'name' | 'kind' | 'province_code' | 'ward_code' | 'street' | 'capacity' | 'contact_phone';

function RegisterVenue(props: { onCreated: (v: Venue) => void }) {
  const { t } = useI18n();
  const [f, setF] = useState({ name: '', kind: 'shop' as VenueKind, province_code: '', ward_code: '', street: '', capacity: '', contact_phone: '' });
  const [errors, setErrors] = useState<FieldErrors<Fields>>({});
  const [busy, setBusy] = useState(false);

  const set = (k: keyof typeof f) => (e: Event) =>
    setF((old) => ({ ...old, [k]: (e.currentTarget as HTMLInputElement).value, ...(k === 'province_code' ? { ward_code: '' } : {}) }));

  async function submit(e: Event) {
    e.preventDefault();
    const missing: FieldErrors<Fields> = {};
    for (const k of ['name', 'province_code', 'ward_code', 'street'] as const) if (!f[k].trim()) missing[k] = t('err_required');
    if (Object.keys(missing).length) { setErrors(missing); return; }
    setBusy(true);
    setErrors({});
    try {
      const v = await venuesApi.create({
        name: f.name, kind: f.kind, province_code: f.province_code, ward_code: f.ward_code, street: f.street,
        ...(f.capacity ? { capacity: Number(f.capacity) } : {}),
        ...(f.contact_phone ? { contact_phone: f.contact_phone } : {}),
      });
      props.onCreated(v);
    } catch (err) {
      setErrors(fieldErrors(err, t, ['name', 'kind', 'province_code', 'ward_code', 'street', 'capacity', 'contact_phone'] as const));
    } finally {
      setBusy(false);
    }
  }

  return (
    <section class="card">
      <h2>{t('registerVenue')}</h2>
      <form onSubmit={submit} noValidate data-testid="venue-form">
        <Field name="name" label={t('venueNameLabel')} value={f.name} onInput={set('name')} error={errors.name} />
        <div class="field">
          <label for="kind">{t('venueKindLabel')}</label>
          <select id="kind" value={f.kind} onChange={set('kind')}>
            {VENUE_KINDS.map((k) => <option value={k}>{t(`kind_${k}` as MessageKey)}</option>)}
          </select>
        </div>
        <AddressPicker prefix="" province={f.province_code} ward={f.ward_code} errors={errors}
          onChange={(province_code, ward_code) => setF((x) => ({ ...x, province_code, ward_code }))} />
        <Field name="street" label={t('streetLabel')} value={f.street} onInput={set('street')} error={errors.street} />
        <Field name="capacity" label={t('capacityLabel')} type="number" inputMode="numeric" min={1} value={f.capacity}
          onInput={set('capacity')} error={errors.capacity} />
        <Field name="contact_phone" label={t('contactPhoneLabel')} type="tel" value={f.contact_phone}
          onInput={set('contact_phone')} error={errors.contact_phone} />
        <FormError message={errors.form} />
        <button class="btn-primary" type="submit" data-testid="venue-submit" disabled={busy}>{t('registerVenue')}</button>
      </form>
    </section>
  );
}

/** A venue-staff account's home: the venues it works at, each with its scanner. */
export function StaffVenues() {
  const { t } = useI18n();
  const [venues, setVenues] = useState<Venue[] | null>(null);
  const [error, setError] = useState('');
  useEffect(() => { venuesApi.list().then((r) => setVenues(r.venues), (e) => setError(errorText(e, t))); }, []);
  return (
    <section class="card" data-testid="staff-venues">
      <h2>{t('featVenues')}</h2>
      <FormError message={error} />
      {venues === null ? <p class="muted">{t('loading')}</p> : venues.length === 0
        ? <p class="muted">{t('noVenues')}</p> : <VenueList venues={venues} />}
      <p><a href="/venues" onClick={linkClick}>{t('registerVenue')}</a></p>
    </section>
  );
}
