// khaibao service worker: keeps the app shell and the last personal QR and certificate answers
// so "my QR", the health book and the verifier open without a network. Network first (fresh data when online), the
// cache when offline. Nothing else of the API is cached.
const CACHE = 'kb-shell-v1';
const SHELL = ['/', '/qr', '/verify', '/health-book', '/favicon.svg'];

self.addEventListener('install', (event) => {
  event.waitUntil(caches.open(CACHE).then((c) => c.addAll(SHELL)).catch(() => {}).then(() => self.skipWaiting()));
});

self.addEventListener('activate', (event) => {
  event.waitUntil(
    caches.keys()
      .then((names) => Promise.all(names.filter((n) => n !== CACHE).map((n) => caches.delete(n))))
      .then(() => self.clients.claim()),
  );
});

function cacheable(url, request) {
  if (request.method !== 'GET' || url.origin !== self.location.origin) return false;
  if (url.pathname === '/api/v1/keys') return true;
  if (/^\/api\/v1\/people\/\d+\/qr$/.test(url.pathname)) return true;
  if (/^\/api\/v1\/people\/\d+\/certificates$/.test(url.pathname)) return true;  // the health book
  if (url.pathname.startsWith('/api/')) return false;
  return true;  // the app shell: pages, scripts, styles, icons
}

self.addEventListener('fetch', (event) => {
  const url = new URL(event.request.url);
  if (!cacheable(url, event.request)) return;
  event.respondWith((async () => {
    const cache = await caches.open(CACHE);
    try {
      const response = await fetch(event.request);
      if (response.ok) cache.put(event.request, response.clone());
      return response;
    } catch (err) {
      const hit = await cache.match(event.request, { ignoreVary: true });
      if (hit) return hit;
      // Any page of the app is index.html.
      if (event.request.mode === 'navigate') {
        const shell = await cache.match('/');
        if (shell) return shell;
      }
      throw err;
    }
  })());
});
