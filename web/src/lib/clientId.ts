/**
 * A new client-made id (32 hex digits) for a write that may be sent again — a queued scan, a
 * declaration kept offline, a health report retried — so the server records it once.
 * crypto.randomUUID is newer than the phones we serve (and needs a secure context).
 */
export function newClientId(): string {
  const bytes = new Uint8Array(16);
  crypto.getRandomValues(bytes);
  return Array.prototype.map.call(bytes, (b: number) => (b < 16 ? '0' : '') + b.toString(16)).join('');
}
