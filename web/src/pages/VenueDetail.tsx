// /venues/{id}: one venue for its manager (posters, status, staff) or staff (scanner, kiosk,
// guest log); officials see it and can suspend it.
import { useEffect, useState } from 'preact/hooks';
import { getToken } from '../api';
import { useI18n, type MessageKey } from '../i18n';
import { linkClick, navigate } from '../router';
import { Field, FormError, Layout, errorText, fieldErrors, type FieldErrors } from '../components/ui';
import { download, venuesApi, type StaffMember, type Venue, type VenueStatus } from '../venuesApi';

export function VenueDetail({ venueId }: { venueId: string }) {
  const { t } = useI18n();
  const [venue, setVenue] = useState<Venue | null>(null);
  const [error, setError] = useState('');

  useEffect(() => {
    if (!getToken()) { navigate('/login', true); return; }
    venuesApi.get(venueId).then(setVenue, (e) => setError(errorText(e, t)));
  }, [venueId]);

  async function setStatus(s: VenueStatus) {
    if (!venue) return;
    setError('');
    try {
      setVenue(await venuesApi.setStatus(venue.id, s));
    } catch (e) {
      setError(errorText(e, t));
    }
  }

  async function poster(ext: 'svg' | 'png' | 'pdf') {
    if (!venue) return;
    try {
      await download(`/venues/${venue.id}/poster.${ext}`, `poster-${venue.code}.${ext}`);
    } catch (e) {
      setError(errorText(e, t));
    }
  }

  if (!venue) {
    return <Layout signedIn>{error ? <p class="form-error" role="alert">{error}</p> : <p class="muted">{t('loading')}</p>}</Layout>;
  }
  const manager = venue.role === 'manager';
  const official = venue.role === 'official';
  return (
    <Layout signedIn>
      <div class="stack">
        <section class="card">
          <h1 data-testid="venue-title">{venue.name}</h1>
          <p class="muted">{t(`kind_${venue.kind}` as MessageKey)} · {venue.address_line}</p>
          <dl class="facts">
            <dt>{t('venueCodeLabel')}</dt><dd data-testid="venue-code">{venue.code}</dd>
            <dt>{t('checkinLink')}</dt><dd><a href={venue.url} data-testid="venue-url">{venue.url}</a></dd>
            <dt>{t('statusLabel')}</dt><dd data-testid="venue-status">{t(`status_${venue.status}` as MessageKey)}</dd>
          </dl>
          <FormError message={error} />
          <div class="row-actions">
            {manager && venue.status === 'open' && <button type="button" class="btn-ghost" data-testid="close-venue" onClick={() => setStatus('closed')}>{t('closeVenue')}</button>}
            {manager && venue.status === 'closed' && <button type="button" class="btn-ghost" data-testid="open-venue" onClick={() => setStatus('open')}>{t('openVenue')}</button>}
            {official && venue.status !== 'suspended' && <button type="button" class="btn-ghost" onClick={() => setStatus('suspended')}>{t('suspendVenue')}</button>}
            {official && venue.status === 'suspended' && <button type="button" class="btn-ghost" onClick={() => setStatus('open')}>{t('openVenue')}</button>}
          </div>
        </section>
        {!official && (
          <section class="card">
            <h2>{t('poster')}</h2>
            <p class="muted">{t('posterHint')}</p>
            <div class="row-actions">
              <button type="button" class="btn-ghost" data-testid="poster-pdf" onClick={() => poster('pdf')}>PDF</button>
              <button type="button" class="btn-ghost" data-testid="poster-png" onClick={() => poster('png')}>PNG</button>
              <button type="button" class="btn-ghost" data-testid="poster-svg" onClick={() => poster('svg')}>SVG</button>
            </div>
          </section>
        )}
        <section class="card">
          <ul class="tiles">
            {!official && <li><a class="tile" href={`/scan/${venue.id}`} onClick={linkClick} data-testid="open-scanner">{t('featScanner')}</a></li>}
            {!official && <li><a class="tile" href={`/kiosk/${venue.id}`} onClick={linkClick} data-testid="open-kiosk">{t('kiosk')}</a></li>}
            <li><a class="tile" href={`/venues/${venue.id}/log`} onClick={linkClick} data-testid="open-log">{t('guestLog')}</a></li>
            <li><a class="tile" href={`/venues/${venue.id}/safety`} onClick={linkClick} data-testid="open-safety">{t('featSafety')}</a></li>
          </ul>
        </section>
        {manager && <StaffManager venueId={venue.id} />}
        <p class="switch-link"><a href="/venues" onClick={linkClick}>{t('back')}</a></p>
      </div>
    </Layout>
  );
}

function StaffManager({ venueId }: { venueId: number }) {
  const { t } = useI18n();
  const [staff, setStaff] = useState<StaffMember[]>([]);
  const [username, setUsername] = useState('');
  const [password, setPassword] = useState('');
  const [errors, setErrors] = useState<FieldErrors<'username' | 'password'>>({});
  const [done, setDone] = useState('');
  const [reload, setReload] = useState(0);

  useEffect(() => { venuesApi.staff(venueId).then((r) => setStaff(r.staff), () => undefined); }, [venueId, reload]);

  async function add(e: Event) {
    e.preventDefault();
    if (!username.trim()) { setErrors({ username: t('err_required') }); return; }
    setErrors({});
    setDone('');
    try {
      const s = await venuesApi.addStaff(venueId, username.trim(), password || undefined);
      setDone(t('staffAdded', { username: s.username ?? '' }));
      setUsername('');
      setPassword('');
      setReload((n) => n + 1);
    } catch (err) {
      setErrors(fieldErrors(err, t, ['username', 'password'] as const));
    }
  }

  async function remove(userId: number) {
    try {
      await venuesApi.removeStaff(venueId, userId);
      setReload((n) => n + 1);
    } catch (err) {
      setErrors({ form: errorText(err, t) });
    }
  }

  return (
    <section class="card">
      <h2>{t('staffTitle')}</h2>
      <ul class="plain-list" data-testid="staff-list">
        {staff.map((s) => (
          <li>
            {s.username ?? s.phone} · {t(s.role === 'manager' ? 'roleManager' : 'roleStaff')}
            {s.role === 'staff' && <button type="button" class="btn-link" onClick={() => remove(s.user_id)}>{t('remove')}</button>}
          </li>
        ))}
      </ul>
      <form onSubmit={add} noValidate data-testid="staff-form">
        <Field name="staff-username" label={t('usernameLabel')} value={username} autoComplete="off"
          onInput={(e) => setUsername((e.currentTarget as HTMLInputElement).value)} error={errors.username} />
        <Field name="staff-password" label={t('staffPasswordLabel')} hint={t('staffPasswordHint')} type="password"
          autoComplete="new-password" value={password}
          onInput={(e) => setPassword((e.currentTarget as HTMLInputElement).value)} error={errors.password} />
        <FormError message={errors.form} />
        {done && <p class="success" data-testid="staff-added">{done}</p>}
        <button type="submit" class="btn-primary" data-testid="staff-submit">{t('addStaff')}</button>
      </form>
    </section>
  );
}
