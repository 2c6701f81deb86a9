// The offline verifier's service worker (scope /verify/offline/). The server puts its settings
// on the line above: {version, page, shell}. It keeps the page and its files under a cache named
// after the version; a new build is a new version, and the old cache is dropped on activation.
// The lists the page checks against are kept by the page itself (lists.js).
const { version, page, shell } = self.CAMPUS_VERIFIER;
const SHELL = `campus-verifier-shell-${version}`;
const NETWORK_WAIT_MS = 4000; // then the kept page: a bad connection is as good as none

// The page as a visitor without an account sees it: nobody's name or session stays on the device.
async function keepPage(cache, language) {
  const url = language ? `${page}?lang=${encodeURIComponent(language)}` : page;
  const response = await fetch(url, { credentials: "omit", cache: "no-store" });
  if (response.ok) await cache.put(page, response);
}

self.addEventListener("install", (event) => {
  event.waitUntil((async () => {
    const cache = await caches.open(SHELL);
    await cache.addAll(shell.map((url) => new Request(url, { cache: "reload" })));
    await keepPage(cache, null);
    await self.skipWaiting();
  })());
});

self.addEventListener("activate", (event) => {
  event.waitUntil((async () => {
    for (const name of await caches.keys()) {
      if (name.startsWith("campus-verifier-shell-") && name !== SHELL) await caches.delete(name);
    }
    await self.clients.claim();
  })());
});

// The page asks to keep it in its own language once it is open.
self.addEventListener("message", (event) => {
  if (!event.data || event.data.type !== "keep-page") return;
  const done = (ok) => event.ports[0] && event.ports[0].postMessage({ ok });
  event.waitUntil(caches.open(SHELL).then((cache) => keepPage(cache, event.data.language))
    .then(() => done(true), () => done(false)));
});

function networkFirst(request) {
  const kept = () => caches.open(SHELL).then((cache) => cache.match(page));
  const network = fetch(request);
  const late = new Promise((resolve) => setTimeout(resolve, NETWORK_WAIT_MS)).then(kept);
  return Promise.race([network, late.then((response) => response || network)])
    .catch(() => kept().then((response) => response || Response.error()));
}

self.addEventListener("fetch", (event) => {
  const { request } = event;
  const url = new URL(request.url);
  if (request.method !== "GET" || url.origin !== self.location.origin) return;
  if (request.mode === "navigate") {
    if (url.pathname === page) event.respondWith(networkFirst(request));
    return;
  }
  if (shell.includes(url.pathname)) {
    event.respondWith(caches.open(SHELL).then((cache) => cache.match(url.pathname))
      .then((response) => response || fetch(request)));
  }
});
