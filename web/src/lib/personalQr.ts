// Offline verification of a personal QR, the same layout as src/qr/token.h:
// "KB1." + base32(body ‖ Ed25519 signature); body (30 bytes, big-endian) = version 1 ·
// colour (0 green, 1 yellow, 2 red) · key id (4) · token id (8) · person id (8) ·
// issued-at (4) · expires-at (4). Public keys come from GET /api/v1/keys and are kept in
// localStorage so a verifier without network still checks signatures.
import type { Colour, PersonalQr, PublicKey } from '../api-declarations';

const KEYS_STORAGE = 'kb_qr_keys';
const QR_STORAGE = 'kb_qr_cache';
const ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567';
const COLOURS: Colour[] = ['green', 'yellow', 'red'];

export interface OfflineVerdict {
  verdict: 'valid' | 'expired' | 'forged' | 'malformed' | 'unknown_key';
  colour?: Colour;
  personId?: number;
  tokenId?: number;
  keyId?: string;
  issuedAt?: number;
  expiresAt?: number;
}

export function base32Decode(text: string): Uint8Array<ArrayBuffer> | null {
  const out: number[] = [];
  let buffer = 0;
  let bits = 0;
  for (const ch of text) {
    const v = ALPHABET.indexOf(ch);
    if (v < 0) return null;
    buffer = (buffer << 5) | v;
    bits += 5;
    if (bits >= 8) {
      out.push((buffer >> (bits - 8)) & 0xff);
      bits -= 8;
    }
    buffer &= (1 << bits) - 1;
  }
  if (bits >= 5 || buffer !== 0) return null;
  return Uint8Array.from(out);
}

function base64urlDecode(text: string): Uint8Array<ArrayBuffer> {
  const b64 = text.replace(/-/g, '+').replace(/_/g, '/') + '==='.slice((text.length + 3) % 4);
  return Uint8Array.from(atob(b64), (c) => c.charCodeAt(0));
}

export function storedKeys(): PublicKey[] {
  try {
    return JSON.parse(localStorage.getItem(KEYS_STORAGE) || '[]') as PublicKey[];
  } catch {
    return [];
  }
}

/** Remembers keys; older ones we already had stay until their not_after has passed. */
export function storeKeys(keys: PublicKey[]): void {
  const now = Date.now();
  const byId = new Map<string, PublicKey>();
  for (const k of [...storedKeys(), ...keys]) {
    if (k.not_after && Date.parse(k.not_after) < now) continue;
    byId.set(k.key_id, k);
  }
  try {
    localStorage.setItem(KEYS_STORAGE, JSON.stringify([...byId.values()]));
  } catch {
    /* storage full or unavailable: verification needs the network then */
  }
}

export async function verifyOffline(payload: string, keys: PublicKey[], now = Date.now()): Promise<OfflineVerdict> {
  const text = payload.trim();
  if (!text.startsWith('KB1.')) return { verdict: 'malformed' };
  const raw = base32Decode(text.slice(4));
  if (!raw || raw.length !== 94 || raw[0] !== 1 || raw[1] > 2) return { verdict: 'malformed' };
  const body = raw.slice(0, 30);
  const signature = raw.slice(30);
  const keyId = Array.from(body.slice(2, 6), (b) => b.toString(16).padStart(2, '0')).join('');
  const key = keys.find((k) => k.key_id === keyId);
  if (!key) return { verdict: 'unknown_key', keyId };
  const ok = await verifyEd25519(base64urlDecode(key.public_key), signature, body);
  if (!ok) return { verdict: 'forged', keyId };
  const view = new DataView(body.buffer, body.byteOffset, body.byteLength);
  // Two 32-bit halves, not getBigUint64: BigInt is newer than some phones (Safari before 14).
  const u64 = (at: number) => view.getUint32(at) * 2 ** 32 + view.getUint32(at + 4);
  const result: OfflineVerdict = {
    verdict: 'valid',
    colour: COLOURS[body[1]],
    keyId,
    tokenId: u64(6),
    personId: u64(14),
    issuedAt: view.getUint32(22),
    expiresAt: view.getUint32(26),
  };
  if (now / 1000 >= result.expiresAt!) result.verdict = 'expired';
  return result;
}

/**
 * An Ed25519 signature check: WebCrypto where the browser has Ed25519 (Chromium 113+, Safari 17,
 * Firefox 129), else tweetnacl (pure JavaScript, no BigInt), loaded only then.
 */
async function verifyEd25519(publicKey: Uint8Array<ArrayBuffer>, signature: Uint8Array<ArrayBuffer>,
  message: Uint8Array<ArrayBuffer>): Promise<boolean> {
  let key: CryptoKey | null = null;
  try {
    key = await crypto.subtle.importKey('raw', publicKey, { name: 'Ed25519' }, true, ['verify']);
  } catch {
    key = null;  // no Ed25519 in this browser's WebCrypto (or no WebCrypto at all)
  }
  if (key) {
    try {
      return await crypto.subtle.verify({ name: 'Ed25519' }, key, signature, message);
    } catch {
      return false;
    }
  }
  try {
    const loaded = await import('tweetnacl');
    const nacl = (loaded as unknown as { default?: typeof loaded }).default ?? loaded;
    return publicKey.length === 32 && nacl.sign.detached.verify(message, signature, publicKey);
  } catch {
    return false;
  }
}

type QrCache = Record<string, PersonalQr>;

export function cachedQrs(): QrCache {
  try {
    return JSON.parse(localStorage.getItem(QR_STORAGE) || '{}') as QrCache;
  } catch {
    return {};
  }
}

/** Keeps the last QR of each person, so "my QR" opens without network. */
export function cacheQr(qr: PersonalQr): void {
  const all = cachedQrs();
  all[String(qr.person_id)] = qr;
  try {
    localStorage.setItem(QR_STORAGE, JSON.stringify(all));
  } catch {
    /* the QR just is not available offline */
  }
}

/**
 * Forgets the personal QR codes kept for offline use, in localStorage and in the service
 * worker's cache, so the next person to use this browser does not find them (sign-out).
 */
export async function forgetCachedQrs(): Promise<void> {
  try {
    localStorage.removeItem(QR_STORAGE);
  } catch {
    /* storage unavailable: nothing was kept */
  }
  if (typeof caches === 'undefined') return;
  try {
    for (const name of await caches.keys()) {
      const cache = await caches.open(name);
      for (const request of await cache.keys()) {
        if (/\/api\/v1\/people\/\d+\/(qr|certificates)$/.test(new URL(request.url).pathname)) await cache.delete(request);
      }
    }
  } catch {
    /* no cache storage: nothing was kept there */
  }
}

/**
 * Registers the service worker that keeps the app shell and the last QR for offline use, and
 * has it keep the scripts and styles this page loaded before it was in control, so the page
 * opens offline next time.
 */
export function registerServiceWorker(): void {
  if (!('serviceWorker' in navigator) || location.protocol === 'file:') return;
  navigator.serviceWorker.register('/sw.js', { scope: '/' })
    .then(() => navigator.serviceWorker.ready)
    .then((registration) => {
      const urls = performance.getEntriesByType('resource').map((e) => e.name)
        .filter((u) => u.indexOf(`${location.origin}/assets/`) === 0);
      registration.active?.postMessage({ type: 'keep', urls });
    })
    .catch(() => {
      /* no offline support; everything else works */
    });
}
