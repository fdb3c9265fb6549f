// khaibao service worker, emitted by the build (web/vite.config.ts, serviceWorker()) with
// __VERSION__ and __PRECACHE__ filled in: the app shell and the chunks of the citizen's pages
// that must open without network — "my QR", the health book, the verifier and the declaration
// form — are fetched at install. A page that registers the worker also sends the files it
// loaded before the worker controlled it ({type: 'keep'}), so the staff scanner, opened once
// online, opens offline without every citizen's phone fetching the scanner's code.
// Pages and API answers: network first, the cache when offline; only the personal QR, the
// certificates (the health book) and the public keys are kept of the API. Hashed assets
// (/assets/…) never change: cache first. Plain ES2019 script (no modules in service workers of
// older browsers).
var VERSION = __VERSION__;
var SHELL_CACHE = 'kb-shell-' + VERSION;
var DATA_CACHE = 'kb-data-v1';
var PRECACHE = __PRECACHE__;
var SHELL = ['/', '/favicon.svg'];

self.addEventListener('install', function (event) {
  event.waitUntil(caches.open(SHELL_CACHE).then(function (cache) {
    // One by one: a file that fails does not keep the others out.
    return Promise.all(SHELL.concat(PRECACHE).map(function (url) {
      return cache.add(url).catch(function () {});
    }));
  }).then(function () { return self.skipWaiting(); }));
});

self.addEventListener('activate', function (event) {
  event.waitUntil(
    caches.keys()
      .then(function (names) {
        return Promise.all(names.filter(function (n) { return n !== SHELL_CACHE && n !== DATA_CACHE; })
          .map(function (n) { return caches.delete(n); }));
      })
      .then(function () { return self.clients.claim(); }),
  );
});

self.addEventListener('message', function (event) {
  var data = event.data || {};
  if (data.type !== 'keep' || !Array.isArray(data.urls)) return;
  var urls = data.urls.filter(function (u) {
    try {
      var url = new URL(u, self.location.origin);
      return url.origin === self.location.origin && url.pathname.indexOf('/assets/') === 0;
    } catch (e) {
      return false;
    }
  });
  event.waitUntil(caches.open(SHELL_CACHE).then(function (cache) {
    return Promise.all(urls.map(function (u) {
      return cache.match(u).then(function (hit) { return hit || cache.add(u); }).catch(function () {});
    }));
  }));
});

function keptApi(path) {
  return path === '/api/v1/keys' || /^\/api\/v1\/people\/\d+\/(qr|certificates)$/.test(path);
}

function networkFirst(request, cacheName) {
  return caches.open(cacheName).then(function (cache) {
    return fetch(request).then(function (response) {
      if (response.ok) cache.put(request, response.clone());
      return response;
    }).catch(function (err) {
      return caches.match(request, { ignoreVary: true }).then(function (hit) {
        if (hit) return hit;
        // Any page of the app is index.html.
        if (request.mode === 'navigate') {
          return caches.match('/', { ignoreVary: true }).then(function (shell) {
            if (shell) return shell;
            throw err;
          });
        }
        throw err;
      });
    });
  });
}

function cacheFirst(request) {
  return caches.match(request, { ignoreVary: true }).then(function (hit) {
    if (hit) return hit;
    return caches.open(SHELL_CACHE).then(function (cache) {
      return fetch(request).then(function (response) {
        if (response.ok) cache.put(request, response.clone());
        return response;
      });
    });
  });
}

self.addEventListener('fetch', function (event) {
  var request = event.request;
  var url = new URL(request.url);
  if (request.method !== 'GET' || url.origin !== self.location.origin) return;
  if (url.pathname.indexOf('/api/') === 0) {
    if (keptApi(url.pathname)) event.respondWith(networkFirst(request, DATA_CACHE));
    return;
  }
  if (url.pathname.indexOf('/assets/') === 0) {
    event.respondWith(cacheFirst(request));
    return;
  }
  event.respondWith(networkFirst(request, SHELL_CACHE));
});
