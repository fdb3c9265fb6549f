// /v/{code}: the page a venue poster's QR opens. One button checks in (the citizen, and any
// family members they manage); not signed in, sign in by code on the spot or fill the guest
// form. Check-out later from here or from "my visits".
import { useEffect, useState } from 'preact/hooks';
import { ApiError, getToken } from '../api';
import { InlineSignIn } from '../components/InlineSignIn';
import { useI18n, type MessageKey } from '../i18n';
import { linkClick } from '../router';
import { Field, FormError, Layout, errorText, fieldErrors, type FieldErrors } from '../components/ui';
import { DoorVerdict, type DoorStatus } from '../components/DoorVerdict';
import {
  guestVisits, saveGuestVisits, shortTime, venuesApi, type GuestVisit, type Visit, type VenuePage,
} from '../venuesApi';

export function CheckIn({ code }: { code: string }) {
  const { t } = useI18n();
  const kiosk = new URLSearchParams(location.search).get('k') || undefined;
  const [venue, setVenue] = useState<VenuePage | null>(null);
  const [error, setError] = useState<unknown>(null);
  const [reload, setReload] = useState(0);
  const [signedIn, setSignedIn] = useState(!!getToken());

  useEffect(() => {
    let live = true;
    setError(null);
    venuesApi.byCode(code.toLowerCase()).then((v) => live && setVenue(v), (e) => live && setError(e));
    return () => { live = false; };
  }, [code, reload, signedIn]);

  if (error) {
    const notFound = error instanceof ApiError && (error.status === 404 || error.status === 400);
    return (
      <Layout signedIn={signedIn}>
        <section class="card narrow" role="alert" data-testid="venue-error">
          <h1>{notFound ? t('venueNotFound') : errorText(error, t)}</h1>
          <p class="muted">{t('venueNotFoundHint')}</p>
        </section>
      </Layout>
    );
  }
  if (!venue) return <Layout signedIn={signedIn}><p class="muted">{t('loading')}</p></Layout>;

  return (
    <Layout signedIn={signedIn}>
      <div class="stack">
        <section class="card">
          <p class="muted">{t(`kind_${venue.kind}` as MessageKey)}</p>
          <h1 data-testid="venue-name">{venue.name}</h1>
          <p class="muted">{venue.address_line}</p>
          {venue.safety && (
            <p class={`badge risk-${venue.safety.overdue ? 'overdue' : venue.safety.risk_class}`} data-testid="venue-safety">
              {t('safetyPublic')}: {t(`risk_${venue.safety.risk_class}` as MessageKey)}
              {venue.safety.overdue && ` · ${t('safetyOverdue')}`}
            </p>
          )}
          {kiosk && <p class="badge" data-testid="kiosk-badge">{t('kioskCheckin')}</p>}
        </section>
        {venue.status !== 'open' ? (
          <section class="card form-error" role="alert" data-testid="venue-closed">
            {venue.status === 'suspended' ? t('venueSuspended') : t('venueClosedNow')}
          </section>
        ) : venue.people ? (
          <CitizenCheckIn venue={venue} kiosk={kiosk} onChange={() => setReload((n) => n + 1)} />
        ) : signedIn ? (
          <section class="card" data-testid="staff-not-citizen">
            <p>{t('staffUseScanner')}</p>
            <a href={`/scan/${venue.id}`} onClick={linkClick}>{t('openScanner')}</a>
          </section>
        ) : (
          <>
            <GuestCheckIn venue={venue} kiosk={kiosk} />
            <InlineSignIn onSignedIn={() => setSignedIn(true)} />
          </>
        )}
      </div>
    </Layout>
  );
}

function CitizenCheckIn(props: { venue: VenuePage; kiosk?: string; onChange: () => void }) {
  const { t } = useI18n();
  const { venue } = props;
  const people = venue.people ?? [];
  const [chosen, setChosen] = useState<number[]>(() => people.filter((p) => p.is_self).map((p) => p.id));
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string>('');
  const [done, setDone] = useState<Visit[] | null>(null);
  const open = venue.open_visits ?? [];
  const nameOf = (id: number) => people.find((p) => p.id === id)?.full_name || t('yourself');

  async function checkIn() {
    setBusy(true);
    setError('');
    try {
      // No people recorded yet (a new account): the server records the account holder.
      const body = chosen.length > 1 || (chosen.length === 1 && !people.find((p) => p.id === chosen[0])?.is_self)
        ? { venue_code: venue.code, person_ids: chosen, kiosk: props.kiosk }
        : { venue_code: venue.code, kiosk: props.kiosk };
      const r = await venuesApi.checkIn(body);
      setDone(r.visits);
      props.onChange();
    } catch (e) {
      setError(errorText(e, t));
    } finally {
      setBusy(false);
    }
  }

  async function checkOut() {
    setBusy(true);
    setError('');
    try {
      await venuesApi.checkOut({ venue_code: venue.code });
      setDone(null);
      props.onChange();
    } catch (e) {
      setError(errorText(e, t));
    } finally {
      setBusy(false);
    }
  }

  return (
    <section class="card">
      {open.length > 0 ? (
        <div data-testid="checked-in">
          <p class="success checkin-result" data-testid="checkin-done">
            {t('checkedInAt', { time: shortTime(open[0].t_in) })}
          </p>
          <ul class="plain-list">
            {open.map((v) => <li>{nameOf(v.person_id)} · {shortTime(v.t_in)}</li>)}
          </ul>
          {done && <Verdicts visits={done} nameOf={nameOf} />}
          <button type="button" class="btn-primary" data-testid="checkout-button" disabled={busy} onClick={checkOut}>
            {t('checkOut')}
          </button>
        </div>
      ) : (
        <div>
          {people.length > 1 && (
            <fieldset class="people-pick">
              <legend>{t('whoChecksIn')}</legend>
              {people.map((p) => (
                <label class="check-row">
                  <input
                    type="checkbox"
                    data-testid={`person-${p.id}`}
                    checked={chosen.includes(p.id)}
                    onChange={(e) => {
                      const on = (e.currentTarget as HTMLInputElement).checked;
                      setChosen((c) => (on ? [...c, p.id] : c.filter((x) => x !== p.id)));
                    }}
                  />
                  {p.is_self ? `${p.full_name || t('yourself')} (${t('yourself')})` : p.full_name}
                </label>
              ))}
            </fieldset>
          )}
          <button
            type="button"
            class="btn-primary btn-big"
            data-testid="checkin-button"
            disabled={busy || (people.length > 0 && chosen.length === 0)}
            onClick={checkIn}
          >
            {t('checkIn')}
          </button>
          {done && <Verdicts visits={done} nameOf={nameOf} />}
        </div>
      )}
      <FormError message={error} />
      <p class="switch-link"><a href="/visits" onClick={linkClick}>{t('myVisits')}</a></p>
    </section>
  );
}

function GuestCheckIn(props: { venue: VenuePage; kiosk?: string }) {
  const { t } = useI18n();
  const { venue } = props;
  const [name, setName] = useState('');
  const [phone, setPhone] = useState('');
  const [errors, setErrors] = useState<FieldErrors<'full_name' | 'phone'>>({});
  const [busy, setBusy] = useState(false);
  const [mine, setMine] = useState<GuestVisit[]>(() => guestVisits().filter((v) => v.venue_code === venue.code));
  const [status, setStatus] = useState<DoorStatus | null>(null);

  async function submit(e: Event) {
    e.preventDefault();
    if (!name.trim() || !phone.trim()) {
      setErrors({ full_name: name.trim() ? undefined : t('err_required'), phone: phone.trim() ? undefined : t('err_required') });
      return;
    }
    setBusy(true);
    setErrors({});
    try {
      const r = await venuesApi.checkIn({ venue_code: venue.code, kiosk: props.kiosk, guest: { full_name: name, phone } });
      const v = r.visits[0];
      setStatus(v.status ?? null);
      const all = guestVisits().filter((g) => g.id !== v.id);
      all.push({ id: v.id, venue_code: venue.code, token: v.checkout_token ?? '', t_in: v.t_in });
      saveGuestVisits(all);
      setMine(all.filter((g) => g.venue_code === venue.code));
    } catch (err) {
      const fe = fieldErrors(err, t, ['guest.full_name', 'guest.phone'] as const);
      setErrors({ full_name: fe['guest.full_name'], phone: fe['guest.phone'], form: fe.form });
    } finally {
      setBusy(false);
    }
  }

  async function checkOut(v: GuestVisit) {
    setBusy(true);
    try {
      await venuesApi.checkOut({ visit_id: v.id, checkout_token: v.token });
    } catch (err) {
      if (!(err instanceof ApiError && err.status === 409)) {
        setErrors({ form: errorText(err, t) });
        setBusy(false);
        return;
      }
    }
    const rest = guestVisits().filter((g) => g.id !== v.id);
    saveGuestVisits(rest);
    setMine(rest.filter((g) => g.venue_code === venue.code));
    setBusy(false);
  }

  if (mine.length > 0) {
    const v = mine[mine.length - 1];
    return (
      <section class="card" data-testid="guest-checked-in">
        <p class="success checkin-result" data-testid="checkin-done">{t('checkedInAt', { time: shortTime(v.t_in) })}</p>
        {status && <DoorVerdict status={status} audience="self" />}
        <button type="button" class="btn-primary" data-testid="checkout-button" disabled={busy} onClick={() => checkOut(v)}>
          {t('checkOut')}
        </button>
        <FormError message={errors.form} />
      </section>
    );
  }
  return (
    <section class="card">
      <h2>{t('guestTitle')}</h2>
      <p class="muted">{t('guestIntro')}</p>
      <form onSubmit={submit} noValidate data-testid="guest-form">
        <Field name="full_name" label={t('fullNameLabel')} autoComplete="name" value={name}
          onInput={(e) => setName((e.currentTarget as HTMLInputElement).value)} error={errors.full_name} />
        <Field name="phone" label={t('phoneLabel')} type="tel" inputMode="tel" autoComplete="tel"
          placeholder={t('phonePlaceholder')} value={phone}
          onInput={(e) => setPhone((e.currentTarget as HTMLInputElement).value)} error={errors.phone} />
        <FormError message={errors.form} />
        <button class="btn-primary" type="submit" data-testid="guest-submit" disabled={busy}>{t('checkInAsGuest')}</button>
      </form>
    </section>
  );
}

// Each person's answer at the door, in words, with the way to declare when that is what is missing.
function Verdicts({ visits, nameOf }: { visits: Visit[]; nameOf: (id: number) => string }) {
  const { t } = useI18n();
  const needsDeclaring = visits.some((v) => v.status?.colour === 'not_declared');
  return (
    <div class="stack" data-testid="checkin-verdicts">
      {visits.map((v) => v.status && (
        <DoorVerdict status={v.status} audience="self" name={visits.length > 1 ? nameOf(v.person_id) : undefined} />
      ))}
      {needsDeclaring && <a class="btn-primary btn-link-block" href="/declare" onClick={linkClick}>{t('declareNow')}</a>}
    </div>
  );
}
