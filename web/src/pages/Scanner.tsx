// /scan/{venue id}: the door scanner for venue staff. The phone camera reads a visitor's
// personal QR, chip-ID card or health-insurance card (jsQR on video frames); a USB/Bluetooth
// barcode reader types into the box and presses Enter; a phone number gets a texted code.
// The server decides what the text is and answers with the person's colour, why, and what to
// do, in words; a red answer fills the screen until the guard acknowledges it.
import { useEffect, useRef, useState } from 'preact/hooks';
import { ApiError, getToken } from '../api';
import { useI18n, type MessageKey } from '../i18n';
import { navigate } from '../router';
import { Field, Layout, errorText } from '../components/ui';
import { QrCamera } from '../components/QrCamera';
import { DoorStop, DoorVerdict, type DoorStatus } from '../components/DoorVerdict';
import { shortTime, venuesApi, type ScanResult, type Venue } from '../venuesApi';

type Shown =
  | { kind: 'ok'; status: DoorStatus; name: string; detail: string; duplicate: boolean }
  | { kind: 'error'; message: string };

export function Scanner({ venueId }: { venueId: string }) {
  const { t } = useI18n();
  const [venue, setVenue] = useState<Venue | null>(null);
  const [loadError, setLoadError] = useState<unknown>(null);
  const [shown, setShown] = useState<Shown | null>(null);
  const [stop, setStop] = useState<{ status: DoorStatus; name: string } | null>(null);
  const [pendingPhone, setPendingPhone] = useState<{ payload: string; masked: string } | null>(null);
  const [otp, setOtp] = useState('');
  const [otpName, setOtpName] = useState('');
  const [typed, setTyped] = useState('');
  const [busy, setBusy] = useState(false);
  const [history, setHistory] = useState<{ at: string; name: string; colour: string }[]>([]);
  // Manual entry errors show beside that form, where the guard is looking.
  const [manualError, setManualError] = useState('');
  const [manualName, setManualName] = useState('');
  const [manualPhone, setManualPhone] = useState('');
  const busyRef = useRef(false);

  useEffect(() => {
    if (!getToken()) { navigate('/staff-login', true); return; }
    venuesApi.get(venueId).then(setVenue, setLoadError);
  }, [venueId]);

  function showResult(r: ScanResult) {
    if (r.result === 'code_sent') {
      setShown(null);
      return;
    }
    const trust = r.trust ? t(`trust_${r.trust}` as MessageKey) : '';
    const detail = [r.duplicate ? t('alreadyCheckedIn') : t('checkedInAt', { time: shortTime(r.visit.t_in) }), trust,
      r.warning === 'card_expired' ? t('cardExpired') : ''].filter(Boolean).join(' · ');
    const status: DoorStatus = { colour: r.colour, reason: r.reason, instruction: r.instruction };
    setShown({ kind: 'ok', status, name: r.masked_name, detail, duplicate: r.duplicate });
    if (r.colour === 'red') setStop({ status, name: r.masked_name });
    setHistory((h) => [{ at: r.visit.t_in, name: r.masked_name, colour: r.colour }, ...h].slice(0, 10));
  }

  async function submit(payload: string, code?: string, fullName?: string) {
    if (!venue || busyRef.current) return;
    busyRef.current = true;
    setBusy(true);
    try {
      const r = await venuesApi.scan({ venue_id: venue.id, payload, code, full_name: fullName || undefined });
      if (r.result === 'code_sent') {
        setPendingPhone({ payload, masked: r.phone });
        setOtp('');
        setOtpName('');
      } else {
        setPendingPhone(null);
      }
      showResult(r);
    } catch (e) {
      if (e instanceof ApiError && e.status === 401) { navigate('/staff-login'); return; }
      setShown({ kind: 'error', message: errorText(e, t) });
    } finally {
      busyRef.current = false;
      setBusy(false);
    }
  }

  if (loadError) {
    return <Layout signedIn><section class="card form-error" role="alert">{errorText(loadError, t)}</section></Layout>;
  }
  if (!venue) return <Layout signedIn><p class="muted">{t('loading')}</p></Layout>;

  return (
    <Layout signedIn>
      <div class="stack scanner">
        <section class="card">
          <h1>{t('scannerTitle')}</h1>
          <p class="muted" data-testid="scanner-venue">{venue.name}</p>
        </section>
        {stop && <DoorStop status={stop.status} name={stop.name} onDismiss={() => setStop(null)} />}
        {shown?.kind === 'ok' && (
          <div data-testid="scan-result" data-colour={shown.status.colour}>
            <DoorVerdict status={shown.status} audience="staff" name={shown.name} detail={shown.detail} />
          </div>
        )}
        <section class="card">
          <QrCamera onText={(text) => void submit(text)} paused={busy} />
          <form
            onSubmit={(e) => { e.preventDefault(); const v = typed.trim(); if (v) { setTyped(''); void submit(v); } }}
            data-testid="scan-form"
          >
            <Field name="scan-input" label={t('scanInputLabel')} hint={t('scanInputHint')} value={typed}
              autoComplete="off" onInput={(e) => setTyped((e.currentTarget as HTMLInputElement).value)} />
            <button type="submit" class="btn-ghost" disabled={busy}>{t('send')}</button>
          </form>
          {shown?.kind === 'error' && (
            <div class="scan-error" role="alert" data-testid="scan-result" data-colour="error">
              <span class="scan-mark" aria-hidden="true">✕</span>
              <strong data-testid="scan-error">{shown.message}</strong>
            </div>
          )}
        </section>
        {pendingPhone && (
          <section class="card" data-testid="otp-panel">
            <p>{t('codeSentTo')} <strong>{pendingPhone.masked}</strong></p>
            <form onSubmit={(e) => { e.preventDefault(); void submit(pendingPhone.payload, otp.replace(/\D/g, ''), otpName); }}>
              <Field name="otp-code" label={t('visitorCodeLabel')} inputMode="numeric" maxLength={6} value={otp}
                onInput={(e) => setOtp((e.currentTarget as HTMLInputElement).value.replace(/\D/g, ''))} class="code-input" />
              <Field name="otp-name" label={t('fullNameOptional')} value={otpName}
                onInput={(e) => setOtpName((e.currentTarget as HTMLInputElement).value)} />
              <button type="submit" class="btn-primary" data-testid="otp-confirm" disabled={busy}>{t('confirm')}</button>
            </form>
          </section>
        )}
        <section class="card">
          <h2>{t('manualEntry')}</h2>
          <form
            data-testid="manual-form"
            onSubmit={async (e) => {
              e.preventDefault();
              if (!manualName.trim()) { setManualError(t('err_required')); return; }
              setManualError('');
              setBusy(true);
              try {
                showResult(await venuesApi.manualVisit(venue.id, { full_name: manualName, phone: manualPhone || undefined }));
                setManualName('');
                setManualPhone('');
              } catch (err) {
                setManualError(errorText(err, t));
              } finally {
                setBusy(false);
              }
            }}
          >
            <Field name="manual-name" label={t('fullNameLabel')} value={manualName}
              onInput={(e) => setManualName((e.currentTarget as HTMLInputElement).value)} />
            <Field name="manual-phone" label={t('phoneOptional')} type="tel" value={manualPhone}
              onInput={(e) => setManualPhone((e.currentTarget as HTMLInputElement).value)} />
            {manualError && <p class="form-error" role="alert" data-testid="manual-error">{manualError}</p>}
            <button type="submit" class="btn-ghost" data-testid="manual-submit" disabled={busy}>{t('recordVisit')}</button>
          </form>
        </section>
        {history.length > 0 && (
          <section class="card">
            <h2>{t('recentScans')}</h2>
            <ul class="plain-list" data-testid="scan-history">
              {history.map((h) => <li><span class={`dot dot-${h.colour}`} /> {shortTime(h.at)} · {h.name}</li>)}
            </ul>
          </section>
        )}
      </div>
    </Layout>
  );
}
