// The console's service worker: keeps the app shell for an offline start (never an API answer, which
// must be live), and shows the pages Tocsin pushes (worker/notify/providers/push.ts builds them).
/// <reference types="@sveltejs/kit" />
/// <reference no-default-lib="true"/>
/// <reference lib="esnext" />
/// <reference lib="webworker" />
import { build, files, version } from '$service-worker';

const sw = self as unknown as ServiceWorkerGlobalScope;
const CACHE = `tocsin-${version}`;
/** The page the installed app opens on; every page's shell is the same (ssr = false). */
const SHELL = '/incidents';
const ASSETS = new Set([...build, ...files]);
/** Paths the core Worker answers: live data and signed actions, never from a cache. */
const SERVER_PATHS = ['/api/', '/integration/', '/calendar/', '/respond/', '/webhooks/', '/v2/', '/health'];

sw.addEventListener('install', (event) => {
  event.waitUntil(caches.open(CACHE).then((cache) => cache.addAll([...ASSETS, SHELL])));
});

sw.addEventListener('activate', (event) => {
  const stale = async () => {
    for (const key of await caches.keys()) if (key !== CACHE) await caches.delete(key);
    await sw.clients.claim();
  };
  event.waitUntil(stale());
});

sw.addEventListener('fetch', (event) => {
  const url = new URL(event.request.url);
  if (event.request.method !== 'GET' || url.origin !== sw.location.origin) return;
  if (SERVER_PATHS.some((path) => url.pathname.startsWith(path))) return;
  if (ASSETS.has(url.pathname)) {
    // Built files are named by their content: the cached copy is the right one.
    event.respondWith(caches.match(url.pathname).then((hit) => hit ?? fetch(event.request)));
  } else if (event.request.mode === 'navigate') {
    // Online, the network's shell; offline, the cached one, and the page says what it cannot reach.
    event.respondWith(fetch(event.request).catch(async () => (await caches.match(SHELL)) ?? Response.error()));
  }
});

/** What Tocsin pushes; every field is shown as text, as notifications only do. */
interface Pushed {
  title?: string;
  body?: string;
  url?: string;
  tag?: string;
  require_interaction?: boolean;
  actions?: { action: string; title: string; url: string }[];
}

function read(data: PushMessageData | null): Pushed {
  try {
    const parsed = data?.json();
    return parsed && typeof parsed === 'object' ? parsed : {};
  } catch {
    return { body: data?.text() };
  }
}

const webUrl = (text: unknown) => typeof text === 'string' && /^https?:\/\//.test(text);

sw.addEventListener('push', (event) => {
  const pushed = read(event.data);
  const actions = (pushed.actions ?? []).filter((a) => webUrl(a.url)).slice(0, Notification.maxActions ?? 2);
  const tag = pushed.tag ? String(pushed.tag) : undefined;
  const options = {
    body: String(pushed.body ?? ''),
    tag,
    // A page again for the same incident replaces the last one, and rings again.
    renotify: tag !== undefined,
    requireInteraction: pushed.require_interaction === true,
    icon: '/icons/icon-192.png',
    data: { url: webUrl(pushed.url) ? pushed.url : new URL(SHELL, sw.location.origin).href, actions },
    actions: actions.map((a) => ({ action: a.action, title: String(a.title) })),
  };
  event.waitUntil(sw.registration.showNotification(String(pushed.title ?? 'Tocsin'), options));
});

/** Focuses a window already on `url`, or opens one. */
async function show(url: string) {
  const windows = await sw.clients.matchAll({ type: 'window', includeUncontrolled: true });
  const open = windows.find((w) => w.url === url);
  if (open) return open.focus();
  return sw.clients.openWindow(url);
}

/** A signed link of ours acts when posted; anything else (or a refusal) is opened, to be seen. */
async function act(url: string) {
  const target = new URL(url);
  if (target.origin === sw.location.origin && target.pathname.startsWith('/respond/')) {
    const answer = await fetch(target, { method: 'POST' }).catch(() => null);
    if (answer?.ok) return;
  }
  await show(url);
}

sw.addEventListener('notificationclick', (event) => {
  const { url, actions } = event.notification.data as { url: string; actions: Pushed['actions'] };
  event.notification.close();
  const chosen = actions?.find((a) => a.action === event.action);
  event.waitUntil(chosen ? act(chosen.url) : show(url));
});
