// A health declaration filled in without network is kept on the phone (localStorage: small,
// and readable by every page) and sent when the network returns — the next time any signed-in
// page is open (components/ui.tsx, PendingDeclarations). One waiting declaration per person: a
// newer one replaces the older. It is recorded when it reaches the server.
import { ApiError, request } from '../api';
import type { DeclarationInput } from '../api-declarations';

const KEY = 'kb_pending_declarations';

export function pendingDeclarations(): DeclarationInput[] {
  try {
    return JSON.parse(localStorage.getItem(KEY) || '[]') as DeclarationInput[];
  } catch {
    return [];
  }
}

function store(list: DeclarationInput[]): void {
  try {
    if (list.length) localStorage.setItem(KEY, JSON.stringify(list));
    else localStorage.removeItem(KEY);
  } catch {
    /* storage unavailable: nothing can be kept */
  }
}

/** Keeps a declaration to send later; false when the phone cannot keep it. */
export function keepDeclaration(d: DeclarationInput): boolean {
  store([...pendingDeclarations().filter((p) => p.person_id !== d.person_id), d]);
  return pendingDeclarations().some((p) => p.person_id === d.person_id);
}

/**
 * Sends the waiting declarations; returns how many the server recorded. One refused by the
 * server (no longer the caller's person, say) is dropped; one that got no answer stays.
 */
export async function sendPendingDeclarations(): Promise<number> {
  let sent = 0;
  for (const d of pendingDeclarations()) {
    try {
      await request('POST', '/declarations', d);
      sent++;
    } catch (e) {
      if (e instanceof ApiError && (e.code === 'network' || e.status === 401 || e.status >= 500)) break;
    }
    store(pendingDeclarations().filter((p) => p.person_id !== d.person_id));
  }
  return sent;
}
