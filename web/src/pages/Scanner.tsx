// /scan/{venue id}: the door scanner for venue staff. The phone camera reads a visitor's
// personal QR, chip-ID card or health-insurance card (jsQR on video frames); a USB/Bluetooth
// barcode reader types into the box and presses Enter; a phone number gets a texted code.
// The server decides what the text is and answers with the person's colour, why, and what to
// do, in words; a red answer fills the screen until the guard acknowledges it.
//
// Without network the scanner keeps working (store-and-forward): the page itself comes from the
// service worker; a personal QR is checked on the phone against the cached public keys, a CCCD
// or BHYT card is read on the phone and shown as "not verifiable offline" (never green: only the
// server knows who declared and what their colour is now); each scan is kept in IndexedDB with
// its own time (lib/scanQueue.ts) and a banner counts them. When the network returns — or the
// page is next opened — they go to POST /api/v1/scans/batch, and the ones refused, or found
// then to be people who must not be admitted, are listed for the staff.
import { useEffect, useRef, useState } from 'preact/hooks';
import { ApiError, getToken, request } from '../api';
import { declarationsApi } from '../api-declarations';
import { useI18n, type MessageKey, type Translate } from '../i18n';
import { navigate } from '../router';
import { Field, Layout, errorText } from '../components/ui';
import { QrCamera } from '../components/QrCamera';
import { DoorStop, DoorVerdict, type DoorStatus } from '../components/DoorVerdict';
import { shortTime, venuesApi, type ScanResult, type Venue } from '../venuesApi';
import { registerServiceWorker, storeKeys, storedKeys, verifyOffline } from '../lib/personalQr';
import { readCard } from '../lib/cards';
import { newClientId } from '../lib/clientId';
import { forgetScans, queueScan, waitingScans, type QueuedScan } from '../lib/scanQueue';

type Shown =
  | { kind: 'ok'; status: DoorStatus; name: string; detail: string; duplicate: boolean }
  | { kind: 'offline'; colour: string; name: string; headline: string; detail: string }
  | { kind: 'error'; message: string };

/** A scan the server refused when the queue was sent, or a visitor it found must not be admitted. */
interface LateNews { id: string; name: string; at: string; message: string }

interface BatchAnswer {
  scans: { client_id: string; result: 'recorded' | 'duplicate' | 'refused';
    error?: { code: string; message: string; field?: string };
    status?: DoorStatus; flagged?: boolean; masked_name?: string }[];
  recorded: number;
}

const BATCH_SIZE = 50;
const RETRY_MS = 10000;
const venueKey = (id: string) => `kb_scanner_venue_${id}`;

function cachedVenue(id: string): Venue | null {
  try {
    return JSON.parse(localStorage.getItem(venueKey(id)) || 'null') as Venue | null;
  } catch {
    return null;
  }
}

/**
 * Sends the venue's waiting scans in batches; returns what the staff should see again and how
 * many were recorded. Throws the ApiError of a batch that got no answer (kept for later).
 */
async function sendWaiting(venueId: number, t: Translate): Promise<{ news: LateNews[]; recorded: number }> {
  const news: LateNews[] = [];
  let recorded = 0;
  const waiting = await waitingScans(venueId);
  for (let i = 0; i < waiting.length; i += BATCH_SIZE) {
    const part = waiting.slice(i, i + BATCH_SIZE);
    const body = { scans: part.map((q) => ({ client_id: q.client_id, venue_id: q.venue_id, scanned_at: q.scanned_at, payload: q.payload })) };
    const answer = await request<BatchAnswer>('POST', '/scans/batch', body);
    recorded += answer.recorded;
    const byId = new Map(part.map((q) => [q.client_id, q] as [string, QueuedScan]));
    for (const a of answer.scans) {
      const q = byId.get(a.client_id);
      if (!q) continue;
      if (a.result === 'refused' && a.error) {
        const e = new ApiError(400, a.error.code, a.error.message, a.error.field);
        news.push({ id: q.client_id, name: q.name, at: q.scanned_at, message: errorText(e, t) });
      } else if (a.flagged && a.status) {
        news.push({ id: q.client_id, name: a.masked_name || q.name, at: q.scanned_at,
          message: t('lateDoNotAdmit', { reason: t(`door_reason_${a.status.reason}` as MessageKey) }) });
      }
    }
    await forgetScans(answer.scans.map((a) => a.client_id));
  }
  return { news, recorded };
}

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
  const [online, setOnline] = useState(typeof navigator === 'undefined' || navigator.onLine !== false);
  const [waiting, setWaiting] = useState(0);
  const [sending, setSending] = useState(false);
  const [signInToSend, setSignInToSend] = useState(false);
  const [news, setNews] = useState<LateNews[]>([]);
  const [sentNote, setSentNote] = useState('');
  const sendingRef = useRef(false);

  useEffect(() => {
    if (!getToken()) { navigate('/staff-login', true); return; }
    registerServiceWorker();
    declarationsApi.keys().then((k) => storeKeys(k.keys), () => { /* offline: the cached keys */ });
    venuesApi.get(venueId).then((v) => {
      try { localStorage.setItem(venueKey(venueId), JSON.stringify(v)); } catch { /* not kept */ }
      setVenue(v);
    }, (e) => {
      const kept = e instanceof ApiError && e.code === 'network' ? cachedVenue(venueId) : null;
      if (kept) { setVenue(kept); setOnline(false); } else setLoadError(e);
    });
  }, [venueId]);

  async function flush() {
    if (!venue || sendingRef.current) return;
    const count = (await waitingScans(venue.id).catch(() => [])).length;
    setWaiting(count);
    if (count === 0) return;
    sendingRef.current = true;
    setSending(true);
    try {
      const sent = await sendWaiting(venue.id, t);
      setOnline(true);
      setSignInToSend(false);
      if (sent.news.length) setNews((n) => [...sent.news, ...n]);
      setSentNote(t('scannerSent', { n: sent.recorded }));
    } catch (e) {
      if (e instanceof ApiError && e.status === 401) setSignInToSend(true);
      else if (e instanceof ApiError && e.code === 'network') setOnline(false);
    } finally {
      sendingRef.current = false;
      setSending(false);
      setWaiting((await waitingScans(venue.id).catch(() => [])).length);
    }
  }

  // The queue goes when the page opens, when the network returns, and every few seconds while
  // scans wait (the browser's online flag is not always right).
  useEffect(() => {
    if (!venue) return undefined;
    void flush();
    const up = () => { setOnline(true); void flush(); };
    const down = () => setOnline(false);
    window.addEventListener('online', up);
    window.addEventListener('offline', down);
    const timer = window.setInterval(() => { void flush(); }, RETRY_MS);
    return () => {
      window.removeEventListener('online', up);
      window.removeEventListener('offline', down);
      clearInterval(timer);
    };
  }, [venue?.id]);

  /** Judges a scan on the phone and, unless it is worthless (forged, expired, unreadable), keeps it. */
  async function keepOffline(payload: string): Promise<void> {
    const v = venue!;
    const at = new Date();
    const saved = t('scanSavedOffline', { time: shortTime(at.toISOString()) });
    let kind: QueuedScan['kind'];
    let name = '';
    if (payload.trim().startsWith('KB1.')) {
      const verdict = await verifyOffline(payload, storedKeys());
      if (verdict.verdict === 'valid' && verdict.colour) {
        kind = 'personal_qr';
        name = `#${verdict.personId}`;
        setShown({ kind: 'offline', colour: verdict.colour, name,
          headline: t(`door_colour_${verdict.colour}` as MessageKey),
          detail: `${t('offlineQrChecked', { colour: t(`colour_${verdict.colour}` as MessageKey) })} ${saved}` });
      } else if (verdict.verdict === 'unknown_key') {
        kind = 'personal_qr';
        name = t('notVerifiableOffline');
        setShown({ kind: 'offline', colour: 'unverified', name: '', headline: t('notVerifiableOffline'), detail: saved });
      } else {
        setShown({ kind: 'error', message: t(`verdictWhy_${verdict.verdict}` as MessageKey, { at: '' }) });
        return;
      }
    } else {
      const card = readCard(payload);
      if (!card) {
        const phone = /^[0-9+().\- ]{6,24}$/.test(payload.trim());
        setShown({ kind: 'error', message: errorText(new ApiError(400, phone ? 'phone_needs_network' : 'unrecognised_payload', ''), t) });
        return;
      }
      kind = card.kind;
      name = card.name;
      setShown({ kind: 'offline', colour: 'unverified', name, headline: t('notVerifiableOffline'),
        detail: `${t('notVerifiableOfflineHint')} ${saved}` });
    }
    await queueScan({ client_id: newClientId(), venue_id: v.id, payload: payload.trim(), scanned_at: at.toISOString(), kind, name });
    setWaiting((await waitingScans(v.id)).length);
    setHistory((h) => [{ at: at.toISOString(), name, colour: 'unverified' }, ...h].slice(0, 10));
  }

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
      if (!online && !code) { await keepOffline(payload); return; }
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
      if (e instanceof ApiError && e.code === 'network' && !code) {
        setOnline(false);
        await keepOffline(payload).catch(() => setShown({ kind: 'error', message: errorText(e, t) }));
        return;
      }
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
        {(waiting > 0 || !online) && (
          <div class={`offline-banner${online ? '' : ' offline-banner-off'}`} role="status" data-testid="offline-banner"
            data-waiting={waiting}>
            {signInToSend ? t('scannerSignInToSend', { n: waiting })
              : online && sending ? t('scannerSending', { n: waiting }) : t('scannerOffline', { n: waiting })}
          </div>
        )}
        {sentNote && waiting === 0 && online && <p class="muted small" data-testid="scans-sent">{sentNote}</p>}
        {news.length > 0 && (
          <section class="card form-error" role="alert" data-testid="late-news">
            <h2>{t('refusedScansTitle')}</h2>
            <ul class="plain-list">
              {news.map((n) => <li key={n.id}>{shortTime(n.at)} · {n.name}: {n.message}</li>)}
            </ul>
          </section>
        )}
        {stop && <DoorStop status={stop.status} name={stop.name} onDismiss={() => setStop(null)} />}
        {shown?.kind === 'ok' && (
          <div data-testid="scan-result" data-colour={shown.status.colour}>
            <DoorVerdict status={shown.status} audience="staff" name={shown.name} detail={shown.detail} />
          </div>
        )}
        {shown?.kind === 'offline' && (
          <div data-testid="scan-result" data-colour={shown.colour} data-offline="1">
            <div class={`door-verdict scan-${shown.colour}`} role="status" aria-live="assertive">
              <strong class="door-headline">{shown.headline}</strong>
              {shown.name && <span class="door-name" data-testid="scan-name">{shown.name}</span>}
              <span class="door-detail">{shown.detail}</span>
            </div>
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
