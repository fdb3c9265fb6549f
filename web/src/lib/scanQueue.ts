// The staff scanner's queue of scans made without network (IndexedDB, so it outlives a closed
// page or a restarted phone): each with a client-made id and its own time, sent later to
// POST /api/v1/scans/batch, which records each once however often it is sent. Plain promises
// over the IndexedDB API of 2019's browsers; no library.

export interface QueuedScan {
  client_id: string;
  venue_id: number;
  payload: string;
  scanned_at: string;  // RFC 3339, the phone's clock when the visitor was at the door
  kind: 'personal_qr' | 'cccd' | 'bhyt';
  name: string;        // what the guard was shown (masked), to list refusals by
}

const DB_NAME = 'kb-scanner';
const STORE = 'scans';

function open(): Promise<IDBDatabase> {
  return new Promise((resolve, reject) => {
    if (typeof indexedDB === 'undefined') { reject(new Error('no IndexedDB')); return; }
    const req = indexedDB.open(DB_NAME, 1);
    req.onupgradeneeded = () => {
      const store = req.result.createObjectStore(STORE, { keyPath: 'client_id' });
      store.createIndex('venue', 'venue_id');
    };
    req.onsuccess = () => resolve(req.result);
    req.onerror = () => reject(req.error);
  });
}

function run<T>(mode: IDBTransactionMode, work: (store: IDBObjectStore) => IDBRequest<T> | void): Promise<T | undefined> {
  return open().then((db) => new Promise<T | undefined>((resolve, reject) => {
    const tx = db.transaction(STORE, mode);
    const req = work(tx.objectStore(STORE));
    tx.oncomplete = () => { db.close(); resolve(req ? req.result : undefined); };
    tx.onerror = () => { db.close(); reject(tx.error); };
    tx.onabort = () => { db.close(); reject(tx.error); };
  }));
}

export function queueScan(scan: QueuedScan): Promise<void> {
  return run('readwrite', (s) => { s.put(scan); }).then(() => undefined);
}

/** The scans waiting for a venue, oldest first. */
export function waitingScans(venueId: number): Promise<QueuedScan[]> {
  return run<QueuedScan[]>('readonly', (s) => s.index('venue').getAll(IDBKeyRange.only(venueId)) as IDBRequest<QueuedScan[]>)
    .then((all) => (all || []).sort((a, b) => (a.scanned_at < b.scanned_at ? -1 : a.scanned_at > b.scanned_at ? 1 : 0)));
}

export function forgetScans(ids: string[]): Promise<void> {
  return run('readwrite', (s) => { ids.forEach((id) => s.delete(id)); }).then(() => undefined);
}
