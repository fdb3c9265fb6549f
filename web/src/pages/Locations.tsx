// /locations: the locations of interest, public (no sign-in): places and times where a case was,
// by area and date. "I was there" asks the person to sign in with their phone (a one-time code,
// on the spot) and records them as a contact of the case for the tracing officials.
import { useEffect, useState } from 'preact/hooks';
import { api, getToken, type Area } from '../api';
import { useI18n } from '../i18n';
import { AreaSelect } from '../components/AreaSelect';
import { InlineSignIn } from '../components/InlineSignIn';
import { ConfirmButton, FormError, Layout, errorText } from '../components/ui';
import { formatDateTime } from '../lib/dates';
import { vnToday } from '../casesApi';
import { locationsApi, type LocationOfInterest } from '../safetyApi';

function daysAgo(n: number): string {
  return new Date(Date.now() + 7 * 3600e3 - n * 86400e3).toISOString().slice(0, 10);
}

export function Locations() {
  const { t } = useI18n();
  const [provinces, setProvinces] = useState<Area[]>([]);
  const [wards, setWards] = useState<Area[]>([]);
  const [province, setProvince] = useState('');
  const [ward, setWard] = useState('');
  const [from, setFrom] = useState(daysAgo(14));
  const [to, setTo] = useState(vnToday());
  const [list, setList] = useState<LocationOfInterest[] | null>(null);
  const [error, setError] = useState('');
  const [signedIn, setSignedIn] = useState(!!getToken());

  useEffect(() => { api.provinces().then(setProvinces, () => undefined); }, []);
  useEffect(() => {
    setWard('');
    setWards([]);
    if (province) api.wards(province).then(setWards, () => undefined);
  }, [province]);
  useEffect(() => {
    setError('');
    locationsApi.published({ province_code: province, ward_code: ward, from, to })
      .then((r) => setList(r.locations), (e) => setError(errorText(e, t)));
  }, [province, ward, from, to]);

  return (
    <Layout signedIn={signedIn}>
      <div class="stack">
        <section class="card">
          <h1>{t('locationsTitle')}</h1>
          <p class="muted">{t('locationsIntro')}</p>
          <AreaSelect id="loc-province" label={t('locationsProvince')} areas={provinces} value={province}
            onChange={setProvince} prompt={t('locationsAll')} />
          {province && <AreaSelect id="loc-ward" label={t('locationsWard')} areas={wards} value={ward}
            onChange={setWard} prompt={t('locationsAll')} />}
          <div class="stack">
            <label class="field"><span>{t('locationsFrom')}</span>
              <input type="date" value={from} data-testid="loc-from" onInput={(e) => setFrom((e.currentTarget as HTMLInputElement).value)} /></label>
            <label class="field"><span>{t('locationsTo')}</span>
              <input type="date" value={to} data-testid="loc-to" onInput={(e) => setTo((e.currentTarget as HTMLInputElement).value)} /></label>
          </div>
          <FormError message={error} />
        </section>
        {list && list.length === 0 && <p class="muted" data-testid="locations-none">{t('locationsNone')}</p>}
        <ul class="plain-list stack" data-testid="locations-list">
          {list?.map((l) => <LocationCard location={l} signedIn={signedIn} onSignedIn={() => setSignedIn(true)} />)}
        </ul>
      </div>
    </Layout>
  );
}

function LocationCard(props: { location: LocationOfInterest; signedIn: boolean; onSignedIn: () => void }) {
  const { t } = useI18n();
  const l = props.location;
  const [asking, setAsking] = useState(false);
  const [done, setDone] = useState('');
  const [error, setError] = useState('');
  const when = t('locationsWhen', { from: formatDateTime(l.starts_at), to: formatDateTime(l.ends_at) });

  async function report() {
    setError('');
    try {
      const r = await locationsApi.iWasThere(l.id);
      setDone(r.recorded ? t('iWasThereDone') : t('iWasThereAlready'));
    } catch (e) {
      setError(errorText(e, t));
    }
  }

  return (
    <li class="card" data-testid={`location-${l.id}`}>
      <h2 class="h-sub">{l.venue_name}</h2>
      <p class="muted">{l.street}, {l.ward_name}, {l.province_name}</p>
      <p><strong>{when}</strong></p>
      {l.note && <p>{l.note}</p>}
      {done ? <p class="success" role="status" data-testid={`location-done-${l.id}`}>{done}</p>
        : props.signedIn ? (
          <ConfirmButton testid={`i-was-there-${l.id}`} class="btn-primary" label={t('iWasThere')}
            message={t('iWasThereConfirm', { venue: l.venue_name, when })} confirmLabel={t('iWasThereYes')}
            onConfirm={report} />
        ) : asking ? (
          <InlineSignIn title={t('iWasThereSignIn')} onSignedIn={props.onSignedIn} />
        ) : (
          <button type="button" class="btn-primary" data-testid={`i-was-there-${l.id}`} onClick={() => setAsking(true)}>{t('iWasThere')}</button>
        )}
      <FormError message={error} />
    </li>
  );
}
