// The service page in a real browser (Debian's Chromium through playwright-core), against one
// `wrangler dev` of the API and the console, as e2e/console.test.mjs runs them: suppression and
// routing rules, a sample tried against the routing, support hours and extensions, each saved through
// the API.
import { existsSync, mkdirSync } from 'node:fs';
import { chromium } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { withFreshDirTocsin } from '../bench/local.mjs';

const CHROMIUM = '/usr/bin/chromium';
const PASSWORD = 'e2e-owner-password';
const KEY = 'e2e-services-standard-key';
const ARTIFACTS = 'e2e/artifacts';

let tocsin;
let api;
let release;
let finished;
let browser;

const shot = (page, name) => page.screenshot({ path: `${ARTIFACTS}/${name}.png`, fullPage: true });
const fitsPhone = (page) => page.evaluate(() => globalThis.document.documentElement.scrollWidth);

async function signedInPage(viewport = { width: 1280, height: 900 }) {
  const context = await browser.newContext({ viewport });
  const page = await context.newPage();
  await page.goto(`${tocsin.origin}/sign-in`);
  await page.getByLabel('Email').fill('owner@example.com');
  await page.getByLabel('Password').fill(PASSWORD);
  await page.getByRole('button', { name: 'Sign in' }).click();
  await page.waitForURL('**/incidents');
  return page;
}

beforeAll(async () => {
  if (!existsSync(CHROMIUM)) throw new Error(`${CHROMIUM} is missing: apt-get install -y chromium`);
  mkdirSync(ARTIFACTS, { recursive: true });
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
    services: [
      { id: 'shop', name: 'Shop', routing: { user: 'owner' } },
      { id: 'payments', name: 'Payments', routing: { user: 'owner' } },
    ],
    integrations: [{ id: 'shop-std', name: 'Standard', type: 'standard', service: 'shop', key: KEY }],
  });
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

describe('the service page in a browser', () => {
  it('saves a suppression rule, a routing rule and support hours, and tries a sample against the routing', async () => {
    const page = await signedInPage({ width: 375, height: 800 });
    await page.goto(`${tocsin.origin}/services/shop`);

    const suppression = page.getByRole('region', { name: 'Suppression rules' });
    await expect.poll(() => suppression.getByText(/No suppression rules/).count()).toBe(1);
    await suppression.getByRole('button', { name: 'Add a suppression rule' }).click();
    await suppression.getByLabel('Value').fill('disk');
    await suppression.getByLabel('Then').selectOption('drop');
    await suppression.getByRole('button', { name: 'Save suppression rules' }).click();
    await page.getByRole('status').filter({ hasText: 'Saved.' }).waitFor();
    const shop = await api('GET', '/services/shop');
    expect(shop.suppression_rules).toEqual([
      { when: { all: [{ field: 'summary', op: 'contains', value: 'disk', ignore_case: true }] }, action: 'drop' },
    ]);

    await page.getByText('Routing rules of Standard (0)').click();
    const routing = page.locator('details');
    await routing.getByText(/No routing rules/).waitFor();
    await routing.getByRole('button', { name: 'Add a routing rule' }).click();
    await routing.getByLabel('Value').fill('payments');
    await routing.getByLabel('Send to').selectOption({ label: 'Service: Payments' });
    await routing.getByRole('button', { name: 'Save routing rules' }).click();
    await page.getByText('Routing rules of Standard (1)').waitFor();
    const config = await api('GET', '/config');
    expect(config.integrations[0].routing_rules).toEqual([
      {
        when: { all: [{ field: 'summary', op: 'contains', value: 'payments', ignore_case: true }] },
        service: 'payments',
      },
    ]);

    await routing.getByLabel(/Try a sample/).fill('{"summary": "Payments API down", "urgency": "high"}');
    await routing.getByRole('button', { name: 'Try the sample' }).click();
    await expect.poll(() => routing.getByRole('status').textContent()).toContain('goes to Payments and pages');

    const hours = page.getByRole('region', { name: 'Support hours and timeouts' });
    await hours.getByLabel('This service has support hours').check();
    await hours.getByLabel('Time zone').selectOption('Asia/Seoul');
    await hours.getByLabel('Holidays (outside the hours)').selectOption('KR');
    await hours.getByLabel('Transient pause (minutes, 1–60)').fill('2');
    await hours.getByRole('button', { name: 'Save hours and timeouts' }).click();
    await expect
      .poll(async () => (await api('GET', '/services/shop')).support_hours)
      .toEqual({
        time_zone: 'Asia/Seoul',
        days: ['mon', 'tue', 'wed', 'thu', 'fri'],
        start: '09:00',
        end: '18:00',
        holidays: 'KR',
        inside: { page: true },
        outside: { page: false },
      });
    expect((await api('GET', '/services/shop')).transient_pause_minutes).toBe(2);

    await page
      .getByRole('region', { name: 'Extensions' })
      .getByText(/No extensions/)
      .waitFor();
    expect(await fitsPhone(page)).toBeLessThanOrEqual(375);
    await shot(page, 'service-page-phone');
  }, 120_000);

  it('adds an extension that stays across a reload, and shows a refused URL with its field or a change made meanwhile', async () => {
    const page = await signedInPage({ width: 375, height: 800 });
    await page.goto(`${tocsin.origin}/services/shop`);
    const extensions = page.getByRole('region', { name: 'Extensions' });
    await extensions.getByText(/No extensions/).waitFor();
    await extensions.getByRole('button', { name: 'Add an extension' }).click();
    const chat = extensions.getByRole('article', { name: 'Extension 1' });
    await chat.getByLabel('Name', { exact: true }).fill('Chat');
    await chat.getByLabel('Triggered').check();
    await chat.getByLabel('Resolved').check();
    await chat.getByLabel('Method').selectOption('POST');
    await chat.getByLabel('URL', { exact: true }).fill('https://example.com/hook?token=abc');
    await chat.getByRole('button', { name: 'Add a header' }).click();
    await chat.getByLabel('Header name 1').fill('X-Source');
    await chat.getByLabel('Header value 1').fill('tocsin');
    await chat.getByLabel(/^Body/).fill('{"text": "${INCIDENT_NAME} is ${STATUS}"}');
    await extensions.getByRole('button', { name: 'Save extensions' }).click();
    await extensions.getByRole('status').filter({ hasText: 'Saved.' }).waitFor();
    expect((await api('GET', '/services/shop/extensions')).extensions).toEqual([
      expect.objectContaining({
        name: 'Chat',
        events: ['triggered', 'resolved'],
        method: 'POST',
        url: 'https://example.com/hook?token=abc',
        headers: { 'X-Source': 'tocsin' },
        body: '{"text": "${INCIDENT_NAME} is ${STATUS}"}',
        url_encode: false,
      }),
    ]);

    await page.reload();
    await expect.poll(() => chat.getByLabel('Name', { exact: true }).inputValue()).toBe('Chat');
    expect(await chat.getByLabel('URL', { exact: true }).inputValue()).toBe('https://example.com/hook?token=abc');
    expect(await chat.getByLabel('Header value 1').inputValue()).toBe('tocsin');
    expect(await chat.getByLabel('Assigned').isChecked()).toBe(false);

    await chat.getByLabel('URL', { exact: true }).fill('http://127.0.0.1/x');
    await extensions.getByRole('button', { name: 'Save extensions' }).click();
    await expect.poll(() => extensions.getByRole('alert').textContent()).toContain('extensions[0].url');
    expect((await api('GET', '/services/shop/extensions')).extensions[0].url).toBe(
      'https://example.com/hook?token=abc',
    );
    expect(await fitsPhone(page)).toBeLessThanOrEqual(375);
    await shot(page, 'service-extensions-phone');

    const { extensions: current } = await api('GET', '/services/shop/extensions');
    await api('PUT', '/services/shop/extensions', { extensions: [{ ...current[0], name: 'Chat (changed)' }] });
    await chat.getByLabel('URL', { exact: true }).fill('https://example.com/other');
    await extensions.getByRole('button', { name: 'Save extensions' }).click();
    await expect.poll(() => extensions.getByRole('alert').textContent()).toContain('Someone changed this meanwhile');
    expect((await api('GET', '/services/shop/extensions')).extensions[0].name).toBe('Chat (changed)');
  }, 120_000);
});
