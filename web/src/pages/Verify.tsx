// The public verifier: checks a personal QR's Ed25519 signature in the browser with public
// keys fetched earlier and kept in localStorage, then asks the server (revocation, name)
// when the network allows, and says whether the answer was confirmed online.
import { useEffect, useState } from 'preact/hooks';
import { ApiError, request } from '../api';
import { declarationsApi, type OnlineVerdict } from '../api-declarations';
import { useI18n, type MessageKey, type Translate } from '../i18n';
import { Layout } from '../components/ui';
import { registerServiceWorker, storeKeys, storedKeys, verifyOffline, type OfflineVerdict } from '../lib/personalQr';
import { formatDateTime } from '../lib/dates';

/** Why the code is (not) accepted, in a sentence: the online answer when there is one. */
function verdictWhy(offline: OfflineVerdict | null, online: OnlineVerdict | null, t: Translate): string {
  if (online) {
    if (online.verdict === 'valid') return t('verdictWhy_valid');
    if (online.verdict === 'expired') return t('verdictWhy_expired', { at: formatDateTime(online.expires_at ?? '') });
    if (online.verdict === 'revoked') {
      const at = online.revoked_at ? formatDateTime(online.revoked_at) : '';
      return t((online.revoked_reason ? `verdictWhy_${online.revoked_reason}` : 'verdictWhy_revoked') as MessageKey, { at });
    }
    return t(`verdictWhy_${online.verdict}` as MessageKey);
  }
  if (!offline) return '';
  if (offline.verdict === 'valid') return t('verdictWhy_validOffline');
  if (offline.verdict === 'expired') return t('verdictWhy_expired', { at: formatDateTime(offline.expiresAt ?? 0) });
  return t(`verdictWhy_${offline.verdict}` as MessageKey);
}

/** The server's answer for an EU DCC ("HC1:…", POST /api/v1/certificates/verify). */
interface DccAnswer {
  status: 'valid' | 'malformed' | 'unknown_signer' | 'invalid_signature' | 'not_yet_valid' | 'expired';
  holder?: { family_name: string; given_name: string; date_of_birth: string };
  entries?: { kind: string; dn?: number; sd?: number; mp?: string; dt?: string }[];
}

/** A DCC's verdict: the status, whose it is and what it certifies. */
function DccResult({ dcc }: { dcc: DccAnswer }) {
  const { t } = useI18n();
  const good = dcc.status === 'valid';
  return (
    <section class={`card verify-result ${good ? 'scan-green' : 'verify-bad'}`} data-testid="dcc-result" data-status={dcc.status}>
      <p class="scan-mark" aria-hidden="true">{good ? '✓' : '✗'}</p>
      <strong>{t(`dcc_${dcc.status}` as MessageKey)}</strong>
      {dcc.holder && (
        <dl class="facts">
          <dt>{t('personLabel')}</dt>
          <dd data-testid="dcc-name">{`${dcc.holder.family_name} ${dcc.holder.given_name}`.trim()}</dd>
          <dt>{t('dccBirthDate')}</dt><dd>{dcc.holder.date_of_birth}</dd>
          {(dcc.entries ?? []).filter((e) => e.kind === 'vaccination').map((e) => (
            <><dt>{t('dccDose', { n: e.dn ?? 0, total: e.sd ?? 0 })}</dt><dd>{e.mp} · {e.dt}</dd></>
          ))}
        </dl>
      )}
    </section>
  );
}

export function Verify() {
  const { t } = useI18n();
  const [payload, setPayload] = useState('');
  const [keysCount, setKeysCount] = useState(storedKeys().length);
  const [offline, setOffline] = useState<OfflineVerdict | null>(null);
  const [online, setOnline] = useState<OnlineVerdict | 'unavailable' | null>(null);
  const [busy, setBusy] = useState(false);
  const [dcc, setDcc] = useState<DccAnswer | null>(null);

  useEffect(() => {
    registerServiceWorker();
    declarationsApi.keys().then((k) => { storeKeys(k.keys); setKeysCount(storedKeys().length); },
      () => { /* offline: the cached keys still work */ });
  }, []);

  async function check(e: Event) {
    e.preventDefault();
    setBusy(true);
    setOffline(null);
    setOnline(null);
    setDcc(null);
    const text = payload.trim();
    if (text.startsWith('HC1:')) {  // an EU DCC: only the server can check it
      try {
        setDcc(await request<DccAnswer>('POST', '/certificates/verify', { payload: text }));
      } catch {
        setOnline('unavailable');
      } finally {
        setBusy(false);
      }
      return;
    }
    setOffline(await verifyOffline(text, storedKeys()));
    try {
      setOnline(await declarationsApi.verify(text));
    } catch (err) {
      setOnline(err instanceof ApiError && err.code === 'network' ? 'unavailable' : 'unavailable');
    } finally {
      setBusy(false);
    }
  }

  const finalVerdict = online && online !== 'unavailable' ? online.verdict : offline?.verdict;
  const colour = (online && online !== 'unavailable' && online.colour) || offline?.colour;
  const good = finalVerdict === 'valid';
  return (
    <Layout>
      <div class="stack">
        <section class="card narrow">
          <h1>{t('verifyTitle')}</h1>
          <p class="muted">{t('verifyIntro')}</p>
          <form onSubmit={check} data-testid="verify-form">
            <div class="field">
              <label for="payload">{t('payloadLabel')}</label>
              <textarea id="payload" name="payload" rows={4} value={payload} spellcheck={false}
                autoCapitalize="characters" onInput={(e) => setPayload((e.target as HTMLTextAreaElement).value)} />
            </div>
            <button type="submit" class="btn-primary btn-big" disabled={busy || !payload.trim()}
              data-testid="verify-button">{t('verifyButton')}</button>
          </form>
          <p class="muted small" data-testid="keys-count">{t('keysCached', { n: keysCount })}</p>
        </section>
        {dcc && <DccResult dcc={dcc} />}
        {finalVerdict && (
          <section class={`card verify-result ${good && colour ? `scan-${colour}` : 'verify-bad'}`}
            data-testid="verify-result" data-verdict={finalVerdict} data-colour={colour ?? ''}>
            <p class="scan-mark" aria-hidden="true">{good ? '✓' : '✗'}</p>
            <strong data-testid="verdict">{t(`verdict_${finalVerdict}` as MessageKey)}</strong>
            {good && colour && <span data-testid="verify-colour">{t(`colour_${colour}` as MessageKey)}</span>}
            <p class="verdict-why" data-testid="verdict-why">
              {verdictWhy(offline, online && online !== 'unavailable' ? online : null, t)}
            </p>
            {!good && colour && <span class="small">{t('colourWas', { colour: t(`colour_${colour}` as MessageKey) })}</span>}
            <dl class="facts">
              <dt>{t('offlineCheck')}</dt>
              <dd data-testid="offline-verdict" data-verdict={offline?.verdict}>
                {offline && t(`verdict_${offline.verdict}` as MessageKey)}
              </dd>
              <dt>{t('onlineCheck')}</dt>
              <dd data-testid="online-status" data-online={online === 'unavailable' ? 'no' : online ? 'yes' : ''}>
                {online === 'unavailable' ? t('onlineUnavailable') : online ? t('onlineConfirmed') : '…'}
              </dd>
              {online && online !== 'unavailable' && online.masked_name && (
                <><dt>{t('personLabel')}</dt><dd data-testid="verify-name">{online.masked_name}</dd></>
              )}
              {online && online !== 'unavailable' && online.birth_year && (
                <><dt>{t('birthYearLabel')}</dt><dd data-testid="verify-birth-year">{online.birth_year}</dd></>
              )}
              {offline?.expiresAt && (
                <><dt>{t('qrValidUntil', { at: '' }).trim()}</dt>
                  <dd>{formatDateTime(offline.expiresAt)}</dd></>
              )}
            </dl>
          </section>
        )}
      </div>
    </Layout>
  );
}
