// The console's incident list, hand-raised incidents and the escalation policy editor in a real
// browser (Debian's Chromium through playwright-core), against one `wrangler dev` of the API and the
// console, as e2e/console.test.mjs runs them. Screenshots go to e2e/artifacts/ (git-ignored).
import { existsSync, mkdirSync } from 'node:fs';
import { chromium } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { withFreshDirTocsin } from '../bench/local.mjs';

const CHROMIUM = '/usr/bin/chromium';
const PASSWORD = 'e2e-owner-password';
const KEY = 'e2e-policies-standard-key';
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

const fitsPhone = (page) => page.evaluate(() => globalThis.document.documentElement.scrollWidth);

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
  // No credentials for any provider: everyone is paged by email, to the Worker's log.
  await api('PUT', '/config', {
    users: [
      { id: 'owner', name: 'Owner', email: 'owner@example.com', role: 'owner' },
      { id: 'ana', name: 'Ana', email: 'ana@example.com' },
      { id: 'ben', name: 'Ben', email: 'ben@example.com' },
    ],
    teams: [{ id: 'ops', name: 'Ops', members: ['ana', 'ben'] }],
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

describe('incidents and escalation policies in the console', () => {
  it('acknowledges the selected incidents at once from the list', async () => {
    const first = await alert({ summary: 'Disk full on db-1', event_id: 'bulk-1' });
    const second = await alert({ summary: 'Disk full on db-2', event_id: 'bulk-2' });
    const page = await signedInPage();
    await page.getByRole('link', { name: /Disk full on db-2/ }).waitFor({ timeout: 15_000 });
    await page.getByLabel(`Select #${first.incident_number}`).check();
    await page.getByLabel(`Select #${second.incident_number}`).check();
    await page.getByRole('button', { name: 'Acknowledge selected (2)' }).click();
    await expect.poll(() => page.getByRole('status').textContent()).toBe('Done for 2.');
    const statuses = async () =>
      (await api('GET', '/incidents?status=acknowledged')).incidents.map((i) => i.summary).sort();
    await expect.poll(statuses).toEqual(['Disk full on db-1', 'Disk full on db-2']);
    await expect
      .poll(() => page.getByRole('button', { name: /^acknowledged \(/ }).textContent(), { timeout: 10_000 })
      .toMatch(/\(2\)/);
    await shot(page, 'incidents-bulk');
  });

  it('opens an incident by hand on a service, shows it, and reassigns it', async () => {
    const page = await signedInPage();
    await page.getByRole('button', { name: 'Create incident' }).click();
    await page.getByLabel('Service').first().selectOption({ label: 'Shop' });
    await page.getByLabel('Summary').fill('Customers report failed card payments');
    await page.getByRole('button', { name: 'Open incident' }).click();
    await page.getByRole('heading', { name: /Customers report failed card payments/ }).waitFor();
    await expect.poll(() => page.getByLabel('Status').textContent()).toBe('triggered');
    const log = page.getByRole('region', { name: 'Notifications' });
    await expect.poll(() => log.textContent(), { timeout: 15_000 }).toMatch(/owner\s*email/);
    await page.getByLabel('Reassign to').selectOption({ label: 'Ana' });
    await page.getByRole('button', { name: 'Reassign', exact: true }).click();
    await page.getByRole('status').waitFor();
    await expect.poll(() => log.textContent(), { timeout: 15_000 }).toMatch(/ana\s*email/);
    await page.getByRole('link', { name: 'Incidents' }).click();
    await page.getByLabel('Integration').selectOption({ label: 'Raised by hand' });
    await expect.poll(() => page.getByRole('list').last().textContent()).not.toMatch(/Disk full/);
    expect(await page.getByRole('list').last().textContent()).toMatch(/Customers report failed card payments/);
  });

  it('edits a policy step by step while the preview follows the draft, and saves it', async () => {
    const page = await signedInPage();
    await page.getByRole('link', { name: 'Escalation policies' }).click();
    await page.getByText('No escalation policies yet').waitFor();
    await page.getByLabel('Policy name').fill('Night shift');
    await page.getByLabel('Paged first').selectOption({ label: 'Ana' });
    await page.getByRole('button', { name: 'Create policy' }).click();
    await page.waitForURL('**/escalation-policies/night-shift-*');
    const preview = page.getByRole('region', { name: 'Preview' });
    await expect.poll(() => preview.textContent(), { timeout: 10_000 }).toMatch(/\+0 min[\s\S]*Ana is paged by email/);
    expect(await preview.textContent()).not.toMatch(/Ben/);

    await page.getByRole('button', { name: 'Add step' }).click();
    const second = page.getByRole('group', { name: 'Step 2' });
    await second.getByRole('button', { name: 'Add responder' }).click();
    await second.getByLabel('Responder 1 kind').selectOption({ label: 'A random member of a team' });
    await second.getByRole('combobox', { name: 'Responder 1', exact: true }).selectOption({ label: 'Ops' });
    await page.getByRole('group', { name: 'Step 1' }).getByLabel('Minutes before the next step').fill('10');
    // Unsaved, and already previewed: the random member (the first candidate) ten minutes in.
    await expect.poll(() => preview.textContent(), { timeout: 10_000 }).toMatch(/\+10 min[\s\S]*Step 2: Ana/);
    await shot(page, 'policy-editor');

    await page.getByRole('button', { name: 'Save policy' }).click();
    await page.getByRole('status').waitFor();
    const id = new URL(page.url()).pathname.split('/').pop();
    const saved = await api('GET', `/escalation-policies/${id}`);
    expect(saved.steps.map((s) => [s.responders, s.delay_minutes])).toEqual([
      [[{ user: 'ana' }], 10],
      [[{ random_member_of: 'ops' }], 15],
    ]);

    // Someone else saves meanwhile: this page's next save is refused, and says so.
    await api('PATCH', `/escalation-policies/${id}`, { name: 'Night shift (theirs)' });
    await page.getByLabel('Policy name').fill('Night shift (mine)');
    await page.getByRole('button', { name: 'Save policy' }).click();
    await page.getByText(/someone changed this policy after you opened it/).waitFor();
    expect((await api('GET', `/escalation-policies/${id}`)).name).toBe('Night shift (theirs)');
    await page.getByRole('button', { name: 'Reload' }).click();
    await expect.poll(() => page.getByLabel('Policy name').inputValue()).toBe('Night shift (theirs)');
  });

  it('shows who is on call now for every policy step and schedule', async () => {
    await api('PUT', '/escalation-policies/day', {
      name: 'Day',
      steps: [{ responders: [{ schedule: 'primary' }, { team: 'ops' }], delay_minutes: 5 }],
    });
    const page = await signedInPage();
    await page.getByRole('link', { name: 'On call' }).click();
    const policies = page.getByRole('region', { name: 'Escalation policies' });
    await expect
      .poll(() => policies.getByRole('article').filter({ hasText: 'Day' }).textContent())
      .toMatch(/Step 1\s*Ben \(primary\)\s*Team Ops \(everyone\)/);
    await expect.poll(() => policies.textContent()).toMatch(/Night shift[\s\S]*Step 1\s*Ana/);
    const schedules = page.getByRole('region', { name: 'Schedules' });
    await expect.poll(() => schedules.textContent()).toMatch(/Primary\s*Ben/);
    await shot(page, 'on-call');
  });

  it('fits a 375-pixel-wide phone: the list with its filters, and the policy editor', async () => {
    const page = await signedInPage({ width: 375, height: 800 });
    await page.getByRole('link', { name: /Disk full on db-1/ }).waitFor({ timeout: 15_000 });
    expect(await fitsPhone(page)).toBeLessThanOrEqual(375);
    await page.goto(`${tocsin.origin}/escalation-policies`);
    await page.getByRole('link', { name: /Night shift/ }).click();
    await page
      .getByRole('region', { name: 'Preview' })
      .getByText(/Ana is paged/)
      .first()
      .waitFor({ timeout: 10_000 });
    expect(await fitsPhone(page)).toBeLessThanOrEqual(375);
    await shot(page, 'policy-editor-phone');
    // In Korean, the console's first audience: the words are longer, the page still fits.
    await page.getByLabel('Language').selectOption('ko');
    await page.getByRole('region', { name: '미리보기' }).getByText(/호출/).first().waitFor({ timeout: 10_000 });
    await page.getByRole('button', { name: '정책 저장' }).waitFor();
    expect(await fitsPhone(page)).toBeLessThanOrEqual(375);
    await page.goto(`${tocsin.origin}/incidents`);
    await page.getByRole('button', { name: /^선택 항목 확인/ }).waitFor();
    expect(await fitsPhone(page)).toBeLessThanOrEqual(375);
    await shot(page, 'incidents-phone-ko');
  });
});
