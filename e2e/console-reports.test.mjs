// The console's reports and audit log in a real browser (Debian's Chromium through playwright-core),
// against one `wrangler dev` of the API and the console, as e2e/console.test.mjs runs them: incidents
// from the standard integration show up in the reports, each report downloads as CSV, and the audit
// log shows who configured what. Screenshots go to e2e/artifacts/ (git-ignored).
import { existsSync, mkdirSync } from 'node:fs';
import { chromium } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { withFreshDirTocsin } from '../bench/local.mjs';
import { duration, reportQuery, startOfDay, weekdays } from '../web/src/lib/reports.ts';

const CHROMIUM = '/usr/bin/chromium';
const PASSWORD = 'e2e-owner-password';
const KEY = 'e2e-reports-standard-key';
const ARTIFACTS = 'e2e/artifacts';

let tocsin;
let api;
let release;
let finished;
let browser;

const shot = (page, name) => page.screenshot({ path: `${ARTIFACTS}/${name}.png`, fullPage: true });

async function alert(event) {
  const response = await fetch(`${tocsin.origin}/integration/standard/v1/${KEY}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(event),
  });
  expect(response.status).toBe(202);
  return response.json();
}

/** Signed in as the owner, in a browser that lives in Seoul. */
async function signedInPage(viewport = { width: 1280, height: 900 }) {
  const context = await browser.newContext({ viewport, timezoneId: 'Asia/Seoul' });
  const page = await context.newPage();
  await page.goto(`${tocsin.origin}/sign-in`);
  await page.getByLabel('Email').fill('owner@example.com');
  await page.getByLabel('Password').fill(PASSWORD);
  await page.getByRole('button', { name: 'Sign in' }).click();
  await page.waitForURL('**/incidents');
  return page;
}

const fitsPhone = (page) => page.evaluate(() => globalThis.document.documentElement.scrollWidth);

/** What a download link answers, with the page's session. */
async function download(page, name) {
  const href = await page.getByRole('link', { name }).getAttribute('href');
  const response = await page.request.get(new URL(href, tocsin.origin).href);
  return { href, type: response.headers()['content-type'], body: await response.body() };
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
  // No credentials for any provider: the owner is paged by email, to the Worker's log.
  await api('PUT', '/config', {
    users: [
      { id: 'owner', name: 'Owner', email: 'owner@example.com', role: 'owner' },
      { id: 'ben', name: 'Ben', email: 'ben@example.com' },
      // Enough creations that the audit log takes more than one page.
      ...Array.from({ length: 50 }, (_, i) => ({ id: `temp-${i}`, name: `Temp ${i}`, email: `temp-${i}@example.com` })),
    ],
    schedules: [
      {
        id: 'primary',
        name: 'Primary',
        time_zone: 'UTC',
        layers: [{ name: 'Always', start: '2026-01-01T00:00', rotation: { type: 'weekly' }, members: ['ben'] }],
      },
    ],
    services: [{ id: 'shop', name: 'Shop', routing: { user: 'owner' } }],
    integrations: [{ id: 'shop-std', name: 'Standard', type: 'standard', service: 'shop', key: KEY }],
  });
  const first = await alert({ summary: 'Checkout latency high', event_id: 'latency' });
  await alert({ summary: 'Checkout latency high', event_id: 'latency' });
  await alert({ summary: '<img src=x onerror="window.owned=1">Cart errors', event_id: 'cart' });
  await alert({ summary: 'Disk full on db-1', event_id: 'disk' });
  await api('POST', `/incidents/${encodeURIComponent(first.incident_id)}/acknowledge`);
  // The reports read D1's copy of the incidents, which trails them by a moment.
  for (let tries = 0; ; tries++) {
    const { total } = await api('GET', '/reports/system');
    if (total.opened === 3 && total.acknowledged === 1) break;
    if (tries === 40) throw new Error(`the system report never showed them: ${JSON.stringify(total)}`);
    await new Promise((later) => setTimeout(later, 500));
  }
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

describe('reports and the audit log in the console', () => {
  it('shows each report as a table and a chart, and downloads it as CSV with the same filters', async () => {
    const page = await signedInPage();
    await page.getByRole('link', { name: 'Reports' }).click();
    const system = page.getByRole('region', { name: /Incidents and response times per service/ });
    const shop = system.getByRole('row', { name: /^shop/ });
    await shop.waitFor({ timeout: 15_000 });
    // Opened, then acknowledged, after the policy and team columns.
    await expect.poll(() => shop.getByRole('cell').nth(2).textContent()).toBe('3');
    expect(await shop.getByRole('cell').nth(3).textContent()).toBe('1');
    await page.locator('canvas').first().waitFor();

    // The filters default to the browser's zone and reach the download as they reach the report.
    const csv = await download(page, 'Download CSV');
    expect(csv.href).toContain('tz=Asia%2FSeoul');
    expect(csv.type).toMatch(/^text\/csv/);
    expect([...csv.body.subarray(0, 3)]).toEqual([0xef, 0xbb, 0xbf]);
    expect(csv.body.toString('utf8')).toMatch(/shop/);
    const rows = await download(page, 'Download the incidents (CSV)');
    expect(rows.type).toMatch(/^text\/csv/);
    expect([...rows.body.subarray(0, 3)]).toEqual([0xef, 0xbb, 0xbf]);
    expect(rows.body.toString('utf8')).toMatch(/Disk full on db-1/);
    await shot(page, 'reports-system');

    // Arrow keys move between the reports as in any tab list.
    await page.getByRole('tab', { name: 'System' }).focus();
    await page.keyboard.press('ArrowRight');
    expect(await page.getByRole('tab', { name: 'Incidents' }).getAttribute('aria-selected')).toBe('true');
    const heatmap = page.getByRole('table', { name: /Incidents opened per weekday and hour \(Asia\/Seoul\)/ });
    await heatmap.waitFor();
    expect(await heatmap.getByRole('rowheader').first().textContent()).toBe('Mon');
    const noisiest = page.getByRole('table', { name: 'The alerts that sent the most events' });
    await expect.poll(() => noisiest.textContent()).toMatch(/Checkout latency high\s*latency\s*2\s*1/);
    // An alert's summary is text: its markup shows as written and never runs.
    expect(await noisiest.textContent()).toContain('<img src=x onerror="window.owned=1">Cart errors');
    expect(await page.evaluate(() => globalThis.owned)).toBeUndefined();
    await shot(page, 'reports-incidents');
    expect((await download(page, 'Download CSV')).href).toContain('/reports/incidents?');

    await page.getByRole('tab', { name: 'Notifications' }).click();
    const channels = page.getByRole('table', { name: 'Pages per channel' });
    await expect.poll(() => channels.textContent(), { timeout: 15_000 }).toMatch(/email\s*\d/);
    const pages = await download(page, 'Download the pages (CSV)');
    expect(pages.href).toContain('business_hours=09%3A00-18%3A00');
    expect(pages.type).toMatch(/^text\/csv/);

    await page.getByRole('tab', { name: 'On-call load' }).click();
    await page.getByLabel('Public holidays').selectOption({ label: 'South Korea' });
    const load = page.getByRole('table', { name: /Hours on call, pages and acknowledgements per responder/ });
    await load.getByRole('row', { name: /^ben/ }).waitFor();
    const oncall = await download(page, 'Download CSV');
    expect(oncall.href).toContain('holidays=KR');
    expect([...oncall.body.subarray(0, 3)]).toEqual([0xef, 0xbb, 0xbf]);
    await shot(page, 'reports-oncall');
  });

  it('lists configuration changes newest first, each opening to its before and after', async () => {
    const page = await signedInPage();
    await page.getByRole('link', { name: 'Audit log' }).click();
    const log = page.getByRole('list', { name: 'Audit log' });
    await expect.poll(() => log.getByRole('listitem').count(), { timeout: 15_000 }).toBe(50);
    // Newest first: this very sign-in heads the log.
    expect(await log.getByRole('listitem').first().textContent()).toMatch(/owner · sign_in · Sign-in/);
    await page.getByRole('button', { name: 'Load more' }).click();
    await expect.poll(() => log.getByRole('listitem').count()).toBeGreaterThan(50);
    await expect.poll(() => page.getByRole('button', { name: 'Load more' }).count()).toBe(0);
    const created = page.getByRole('group').filter({ hasText: /admin · create · Service shop/ });
    await created.waitFor({ timeout: 15_000 });
    await created.getByText(/admin · create · Service shop/).click();
    await expect.poll(() => created.locator('pre').textContent()).toMatch(/"name": "Shop"/);
    await page.getByLabel('Kind').selectOption({ label: 'Schedule' });
    await page.getByRole('button', { name: 'Show' }).click();
    await expect.poll(() => log.textContent()).not.toMatch(/Service shop/);
    expect(await log.textContent()).toMatch(/create · Schedule primary/);
    await shot(page, 'audit');

    // Someone who is neither owner nor admin is told why, not shown an error.
    await page.route('**/api/v1/audit?*', (route) =>
      route.fulfill({ status: 403, contentType: 'application/json', body: '{"message":"forbidden"}' }),
    );
    await page.reload();
    await page.getByText('Only owners and admins can read the audit log').waitFor();
  });

  it('fits a 375-pixel-wide phone: the tables scroll inside their frames', async () => {
    const page = await signedInPage({ width: 375, height: 800 });
    await page.goto(`${tocsin.origin}/reports`);
    await page.getByRole('row', { name: /^shop/ }).waitFor({ timeout: 15_000 });
    await page.locator('canvas').first().waitFor();
    expect(await fitsPhone(page)).toBeLessThanOrEqual(375);
    await page.getByRole('tab', { name: 'Incidents' }).click();
    await page.getByRole('table', { name: /per weekday and hour/ }).waitFor();
    expect(await fitsPhone(page)).toBeLessThanOrEqual(375);
    await shot(page, 'reports-phone');
    await page.goto(`${tocsin.origin}/audit`);
    await page.getByRole('list', { name: 'Audit log' }).getByRole('listitem').first().waitFor();
    expect(await fitsPhone(page)).toBeLessThanOrEqual(375);
    // In Korean, the console's first audience: longer words, weekdays in Korean, and still no sideways page.
    await page.goto(`${tocsin.origin}/reports`);
    await page.getByLabel('Language').selectOption('ko');
    await page.getByRole('tab', { name: '당번 부담' }).click();
    await page
      .getByRole('table', { name: '대응자별 당번 시간, 호출과 확인' })
      .getByRole('row', { name: /^ben/ })
      .waitFor();
    expect(await fitsPhone(page)).toBeLessThanOrEqual(375);
    await page.getByRole('tab', { name: '인시던트' }).click();
    const heatmap = page.getByRole('table', { name: /요일·시간대별 발생한 인시던트/ });
    expect(await heatmap.getByRole('rowheader').first().textContent()).toBe('월');
    expect(await fitsPhone(page)).toBeLessThanOrEqual(375);
    await shot(page, 'reports-phone-ko');
  });
});

describe('report figures in words', () => {
  it('shows a duration in its two largest units, and nothing measured as a dash', () => {
    expect([0, 45, 90, 3600, 7260, 90_061, null].map((s) => duration(s))).toEqual([
      '0s',
      '45s',
      '1m 30s',
      '1h',
      '2h 1m',
      '1d 1h',
      '—',
    ]);
    expect(duration(90, { d: '일', h: '시간', m: '분', s: '초' })).toBe('1분 30초');
  });

  it('asks for whole days in the chosen zone, across a change of clocks', () => {
    expect(startOfDay('2026-03-08', 'America/New_York').toISOString()).toBe('2026-03-08T05:00:00.000Z');
    expect(startOfDay('2026-03-09', 'America/New_York').toISOString()).toBe('2026-03-09T04:00:00.000Z');
    const custom = { range: 'custom', from: '2026-12-01', to: '2026-12-03', tz: 'Asia/Seoul', service: 'shop' };
    const q = new URLSearchParams(reportQuery('system', { ...custom, team: '' }, new Date()));
    expect(Object.fromEntries(q)).toEqual({
      from: '2026-11-30T15:00:00.000Z',
      to: '2026-12-03T15:00:00.000Z',
      tz: 'Asia/Seoul',
      service: 'shop',
    });
  });

  it('names the weekdays in the language, Monday first', () => {
    expect(weekdays('ko')).toEqual(['월', '화', '수', '목', '금', '토', '일']);
  });
});
