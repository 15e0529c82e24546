// The console as an installable app, in Debian's Chromium: its manifest and icons; a service worker
// that controls the page, never answers the API from its cache, shows a pushed page as a notification
// and starts the app without a server; the profile's push section on a Tocsin without VAPID keys; and
// the incidents page by keyboard alone.
import { existsSync } from 'node:fs';
import { chromium } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { withFreshDirTocsin } from '../bench/local.mjs';

const CHROMIUM = '/usr/bin/chromium';
const PASSWORD = 'e2e-pwa-owner-password';
const KEY = 'e2e-pwa-standard-key';

let tocsin;
let api;
let release;
let finished;
let browser;

async function alert(summary, eventId) {
  const response = await fetch(`${tocsin.origin}/integration/standard/v1/${KEY}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ summary, event_id: eventId }),
  });
  expect(response.status).toBe(202);
}

async function signedInPage() {
  const context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
  const page = await context.newPage();
  await page.goto(`${tocsin.origin}/sign-in`);
  await page.getByLabel('Email').fill('owner@example.com');
  await page.getByLabel('Password').fill(PASSWORD);
  await page.getByRole('button', { name: 'Sign in' }).click();
  await page.waitForURL('**/incidents');
  return page;
}

/** Reloads until the service worker controls the page: the first visit installs it, uncontrolled. */
async function controlled(page) {
  await page.evaluate(() => navigator.serviceWorker.ready.then(() => undefined));
  await page.reload();
  await expect.poll(() => page.evaluate(() => navigator.serviceWorker.controller?.scriptURL)).toMatch(/service-worker/);
}

/** A PNG's width and height, from its IHDR chunk. */
const pngSize = (bytes) => [bytes.readUInt32BE(16), bytes.readUInt32BE(20)];

beforeAll(async () => {
  if (!existsSync(CHROMIUM)) throw new Error(`${CHROMIUM} is missing: apt-get install -y chromium`);
  await new Promise((ready, fail) => {
    finished = withFreshDirTocsin(
      { TOCSIN_ADMIN_PASSWORD: PASSWORD },
      (started, call) => {
        tocsin = started;
        api = call;
        ready();
        return new Promise((done) => (release = done));
      },
      ['wrangler.toml', 'web/wrangler.toml'],
    ).catch(fail);
  });
  await api('PUT', '/config', {
    users: [{ id: 'owner', name: 'Owner', email: 'owner@example.com', role: 'owner' }],
    services: [{ id: 'shop', name: 'Shop' }],
    integrations: [{ id: 'shop-std', name: 'Standard', type: 'standard', service: 'shop', key: KEY }],
  });
  await alert('Cart service down', 'pwa-1');
  browser = await chromium.launch({
    executablePath: CHROMIUM,
    args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking'],
  });
}, 240_000);

afterAll(async () => {
  await browser?.close();
  release?.();
  await finished;
});

describe('the console as an app', () => {
  it('links a manifest that installs Tocsin standalone on /incidents, with its icons', async () => {
    const page = await browser.newPage();
    await page.goto(`${tocsin.origin}/sign-in`);
    const href = await page.locator('link[rel="manifest"]').getAttribute('href');
    const response = await fetch(new URL(href, tocsin.origin));
    expect(response.status).toBe(200);
    const manifest = await response.json();
    expect(manifest).toMatchObject({
      name: 'Tocsin',
      short_name: 'Tocsin',
      start_url: '/incidents',
      display: 'standalone',
      theme_color: '#b91c1c',
    });
    const icons = await Promise.all(
      manifest.icons.map(async (icon) => {
        const png = await fetch(new URL(icon.src, tocsin.origin));
        expect(png.headers.get('content-type')).toBe('image/png');
        const [width, height] = pngSize(Buffer.from(await png.arrayBuffer()));
        expect(`${width}x${height}`).toBe(icon.sizes);
        return `${icon.sizes} ${icon.purpose}`;
      }),
    );
    expect(icons).toEqual(expect.arrayContaining(['192x192 any', '512x512 any', '512x512 maskable']));
    await page.close();
  });

  it('has a service worker that controls the page and answers the API live, never from its cache', async () => {
    const page = await signedInPage();
    await controlled(page);
    const fromWorker = { api: [], app: [] };
    page.on('response', (response) => {
      const path = new URL(response.url()).pathname;
      if (path.startsWith('/api/')) fromWorker.api.push(response.fromServiceWorker());
      if (path.startsWith('/_app/immutable/')) fromWorker.app.push(response.fromServiceWorker());
    });
    await page.reload();
    await page.getByRole('link', { name: /Cart service down/ }).waitFor();
    expect(fromWorker.app.length).toBeGreaterThan(0);
    expect(fromWorker.app.every(Boolean)).toBe(true);
    expect(fromWorker.api.length).toBeGreaterThan(0);
    expect(fromWorker.api.some(Boolean)).toBe(false);

    // A new incident shows at once in an answer read twice from the page: nothing of the API is kept.
    const summaries = () =>
      page.evaluate(async () => (await (await fetch('/api/v1/incidents')).json()).incidents.map((i) => i.summary));
    expect(await summaries()).not.toContain('Checkout errors');
    await alert('Checkout errors', 'pwa-2');
    await expect.poll(summaries, { timeout: 15_000 }).toContain('Checkout errors');
    const cached = await page.evaluate(async () => {
      const urls = [];
      for (const name of await caches.keys())
        for (const request of await (await caches.open(name)).keys()) urls.push(request.url);
      return urls;
    });
    expect(cached.length).toBeGreaterThan(0);
    expect(cached.filter((url) => new URL(url).pathname.startsWith('/api/'))).toEqual([]);
    await page.context().close();
  });

  it('shows a pushed page as a notification, one per incident, that stays for an urgent one', async () => {
    const page = await signedInPage();
    await page.context().grantPermissions(['notifications']);
    await controlled(page);
    const cdp = await page.context().newCDPSession(page);
    const registration = new Promise((found) =>
      cdp.on('ServiceWorker.workerRegistrationUpdated', ({ registrations }) => {
        if (registrations.length > 0) found(registrations[0].registrationId);
      }),
    );
    await cdp.send('ServiceWorker.enable');
    const registrationId = await registration;
    const push = (payload) =>
      cdp.send('ServiceWorker.deliverPushMessage', {
        origin: tocsin.origin,
        registrationId,
        data: JSON.stringify(payload),
      });
    const view = `${tocsin.origin}/incidents/inc_1`;
    const actions = [{ action: 'acknowledge', title: 'Acknowledge', url: `${tocsin.origin}/respond/x` }];
    const page1 = { title: '#1 <b>Cart</b> down', body: 'Urgency: low', url: view, tag: 'inc_1', actions };
    await push({ ...page1, require_interaction: false });
    await push({ ...page1, body: 'Urgency: high', require_interaction: true });
    const shown = () =>
      page.evaluate(async () =>
        (await (await navigator.serviceWorker.ready).getNotifications()).map((n) => ({
          title: n.title,
          body: n.body,
          tag: n.tag,
          requireInteraction: n.requireInteraction,
          actions: n.actions.map((a) => a.title),
          url: n.data.url,
        })),
      );
    await expect.poll(shown).toEqual([
      {
        title: '#1 <b>Cart</b> down',
        body: 'Urgency: high',
        tag: 'inc_1',
        requireInteraction: true,
        actions: ['Acknowledge'],
        url: view,
      },
    ]);
    // A test or a handoff names no incident: it stands on its own, and a click opens the console.
    await push({ title: 'Test notification', body: 'Push notifications reach this device.', tag: '' });
    await expect
      .poll(async () => (await shown()).map((n) => [n.title, n.tag, n.url]).sort())
      .toEqual([
        ['#1 <b>Cart</b> down', 'inc_1', view],
        ['Test notification', '', `${tocsin.origin}/incidents`],
      ]);
    await page.context().close();
  });

  it('says on the profile that this Tocsin cannot push, as it has no VAPID key', async () => {
    const page = await signedInPage();
    await page.getByRole('link', { name: 'Profile' }).click();
    const device = page.getByRole('region', { name: 'This device' });
    await expect.poll(() => device.textContent()).toMatch(/no VAPID key/);
    expect(await device.getByRole('button').count()).toBe(0);
    await page.context().close();
  });

  it('reaches the navigation, the filters and the first incident from the keyboard alone', async () => {
    const page = await signedInPage();
    await page.getByRole('link', { name: /Cart service down/ }).waitFor();
    const reached = [];
    for (let i = 0; i < 60; i++) {
      await page.keyboard.press('Tab');
      reached.push(
        await page.evaluate(() => {
          const at = globalThis.document.activeElement;
          const name = at.getAttribute('aria-label') ?? at.textContent.replace(/\s+/g, ' ').trim();
          return `${at.tagName.toLowerCase()} ${name}`;
        }),
      );
    }
    const first = (name) => reached.findIndex((text) => text.startsWith(name));
    expect(first('a Tocsin')).toBe(0);
    expect(first('a Incidents')).toBe(1);
    expect(first('a Profile')).toBeGreaterThan(first('a Incidents'));
    expect(first('button Create incident')).toBeGreaterThan(first('a Profile'));
    expect(first('a #')).toBeGreaterThan(first('button Create incident'));
    expect(reached[first('a #')]).toMatch(/Cart service down|Checkout errors/);
    // Enter on the focused incident opens it.
    await page.reload();
    await page.getByRole('link', { name: /Cart service down/ }).waitFor();
    for (let i = 0; i <= first('a #'); i++) await page.keyboard.press('Tab');
    await page.keyboard.press('Enter');
    await page.waitForURL('**/incidents/*');
    await page.context().close();
  });

  // Last: it stops Tocsin.
  it('starts the app from its cache when Tocsin cannot be reached', async () => {
    const page = await signedInPage();
    await controlled(page);
    release();
    await finished;
    const shell = await page.reload();
    expect(shell.fromServiceWorker()).toBe(true);
    await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Incidents' }).waitFor();
    await page.context().close();
  });
});
