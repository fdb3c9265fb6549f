// The health book kept for use without a network, as the personal QR codes are
// (lib/personalQr.ts): the last certificates in localStorage (and their API answers in the
// service worker's cache); signing out forgets both (api.ts setToken, forgetCachedQrs).
import type { Dose } from '../vaccinationApi';

const BOOK_STORAGE = 'kb_health_book';
export interface BookEntry { person_id: number; full_name: string; doses: Dose[] }

export function cachedBook(): BookEntry[] {
  try {
    return JSON.parse(localStorage.getItem(BOOK_STORAGE) || '[]') as BookEntry[];
  } catch {
    return [];
  }
}
export function cacheBook(entries: BookEntry[]): void {
  try {
    localStorage.setItem(BOOK_STORAGE, JSON.stringify(entries));
  } catch {
    /* storage full or unavailable: the book needs the network then */
  }
}
/** Sign-out: the certificates kept on this device go with the session. */
export function forgetBook(): void {
  try {
    localStorage.removeItem(BOOK_STORAGE);
  } catch {
    /* nothing was kept */
  }
}
