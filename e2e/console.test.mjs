// The console in a real browser: Debian's Chromium, driven by playwright-core, against the API and
// the console under one `wrangler dev` as `npm start` runs them. Sign in, see an alert's incident
// appear without reload, acknowledge it and read the timeline; alert content never runs; a phone-
// sized window. Screenshots go to e2e/artifacts/ (git-ignored).
import { existsSync, mkdirSync } from 'node:fs';
import { chromium } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { withFreshDirTocsin } from '../bench/local.mjs';

const CHROMIUM = '/usr/bin/chromium';
const PASSWORD = 'e2e-owner-password';
const KEY = 'e2e-console-standard-key';
const ARTIFACTS = 'e2e/artifacts';

let tocsin;
let api;
let release;
let finished;
let browser;
/** The owner's password: the profile test changes it. */
let password = PASSWORD;

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
  await page.goto(`${tocsin.origin}/`);
  await page.waitForURL('**/sign-in');
  await page.getByLabel('Email').fill('owner@example.com');
  await page.getByLabel('Password').fill(password);
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
    // No credentials for any provider: the owner is paged by email, to the Worker's log.
    users: [{ id: 'owner', name: 'Owner', email: 'owner@example.com', role: 'owner' }],
    services: [{ id: 'shop', name: 'Shop' }],
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

describe('the console in a browser', () => {
  it.each([
    ['', 'Payments', { width: 1280, height: 900 }],
    [' on a 375-pixel-wide phone', 'Wallet', { width: 375, height: 800 }],
  ])(
    'wires a service and an integration, pages its user from a test event, and acknowledges, all in the UI%s',
    async (_, name, viewport) => {
      const page = await signedInPage(viewport);
      await page.getByRole('link', { name: 'Services' }).click();
      await page.getByLabel('Service name').fill(name);
      await page.getByRole('button', { name: 'Create service' }).click();
      await page.waitForURL(`**/services/${name.toLowerCase()}-*`);
      await page.getByLabel('Integration name').fill(`${name} monitor`);
      await page.getByRole('button', { name: 'Add integration' }).click();
      await expect.poll(() => page.getByLabel('Ingest URL').textContent()).toMatch(/\/integration\/standard\/v1\//);
      await page.getByLabel('Who is paged').selectOption({ label: 'Owner' });
      await expect
        .poll(async () => (await api('GET', '/services')).services.find((s) => s.name === name).routing)
        .toEqual({
          user: 'owner',
        });
      await page.getByRole('button', { name: 'Send a test event' }).click();
      await page.getByRole('status').waitFor();
      await shot(page, `service-${viewport.width}`);
      await page.getByRole('link', { name: 'Incidents' }).click();
      const row = page.getByRole('link', { name: `Test event from the console (${name} monitor)` });
      await row.waitFor({ timeout: 15_000 });
      await row.click();
      // The page to the owner is in the incident's notification log, sent to the log provider.
      const log = page.getByRole('region', { name: 'Notifications' });
      await expect.poll(() => log.textContent(), { timeout: 15_000 }).toMatch(/owner\s*email\s*log\s*sent/);
      await page.getByRole('button', { name: 'Acknowledge' }).click();
      await expect.poll(() => page.getByLabel('Status').textContent()).toBe('acknowledged');
      expect(await page.evaluate(() => globalThis.document.documentElement.scrollWidth)).toBeLessThanOrEqual(
        viewport.width,
      );
      await page.context().close();
    },
  );

  it('signs in, shows a new incident without reload, acknowledges it, and shows the timeline', async () => {
    const page = await signedInPage();
    await shot(page, 'incidents-empty');
    await alert({ summary: 'Checkout latency above 2 s', event_id: 'e2e-1', urgency: 'high' });
    const row = page.getByRole('link', { name: /Checkout latency above 2 s/ });
    await row.waitFor({ timeout: 15_000 });
    await shot(page, 'incidents');
    await row.click();
    await expect.poll(() => page.getByLabel('Status').textContent()).toBe('triggered');
    await page.getByRole('button', { name: 'Acknowledge' }).click();
    await expect.poll(() => page.getByLabel('Status').textContent()).toBe('acknowledged');
    const timeline = page.getByRole('region', { name: 'Timeline' });
    await expect.poll(() => timeline.textContent()).toMatch(/acknowledged by owner/);
    await shot(page, 'incident');
  });

  it('shows whatever an alert carries as text: nothing in it runs', async () => {
    const page = await signedInPage();
    const hostile = '<img src=x onerror="window.__pwned=1">';
    await alert({
      summary: hostile,
      event_id: 'e2e-xss',
      custom_details: { link: 'javascript:window.__pwned=2', html: '<script>window.__pwned=3</script>' },
    });
    const row = page.getByRole('link', { name: hostile });
    await row.waitFor({ timeout: 15_000 });
    await row.click();
    await page.getByRole('heading', { name: /onerror/ }).waitFor();
    await page.locator('details summary').first().click();
    expect(await page.locator('pre').first().textContent()).toContain('javascript:window.__pwned=2');
    expect(await page.evaluate(() => globalThis.__pwned)).toBeUndefined();
    expect(await page.locator('img').count()).toBe(0);
  });

  it('switches to Korean from the control labelled Language, and stays in it', async () => {
    const page = await signedInPage();
    await page.getByRole('link', { name: /Checkout latency/ }).click();
    await page.getByRole('heading', { name: 'Timeline' }).waitFor();
    await page.getByLabel('Language').selectOption('ko');
    // Choosing a language reloads the page in it: wait for the incident to show again.
    await page.getByRole('heading', { name: '타임라인' }).waitFor();
    await page.getByRole('button', { name: '종료' }).waitFor();
    await page.reload();
    await page.getByLabel('언어').waitFor();
    expect(await page.evaluate(() => globalThis.document.documentElement.lang)).toBe('ko');
    await shot(page, 'incident-ko');
  });

  it('fits a 375-pixel-wide phone', async () => {
    const page = await signedInPage({ width: 375, height: 800 });
    await page.getByRole('link', { name: /Checkout latency/ }).waitFor({ timeout: 15_000 });
    expect(await page.evaluate(() => globalThis.document.documentElement.scrollWidth)).toBeLessThanOrEqual(375);
    await shot(page, 'incidents-phone');
  });

  it('edits a schedule in the UI: an override and a new rotation change who the timeline shows, by day or by week', async () => {
    await api('POST', '/users', { id: 'ana', name: 'Ana Kim', email: 'ana@example.com' });
    await api('POST', '/users', { id: 'ben', name: 'Ben Park', email: 'ben@example.com' });
    await api('PUT', '/schedules/rota', {
      id: 'rota',
      name: 'Rota',
      time_zone: 'UTC',
      layers: [{ name: 'Primary', start: '2026-01-01T00:00', rotation: { type: 'daily' }, members: ['ana', 'ben'] }],
    });
    const page = await signedInPage();
    await page.getByRole('link', { name: 'Schedules' }).click();
    await page.getByRole('link', { name: 'Rota' }).click();
    await page.waitForURL('**/schedules/rota');
    const timeline = page.getByRole('group', { name: 'Timeline' });
    const bars = (name) => timeline.getByRole('listitem').filter({ hasText: name });
    await bars('Ana Kim').first().waitFor();
    expect(await bars('Owner').count()).toBe(0);

    // A day shows a day's turns; a week, seven days of them.
    await page.getByRole('button', { name: '1 day', exact: true }).click();
    await expect.poll(() => bars('Ana Kim').count()).toBeLessThanOrEqual(2);
    const inADay = (await bars('Ana Kim').count()) + (await bars('Ben Park').count());
    await page.getByRole('button', { name: '1 week', exact: true }).click();
    await expect.poll(() => bars('Ana Kim').count()).toBeGreaterThanOrEqual(3);
    const inAWeek = (await bars('Ana Kim').count()) + (await bars('Ben Park').count());
    expect(inAWeek).toBeGreaterThan(inADay);
    await shot(page, 'schedule-week');

    // The owner covers the next three hours for everyone: the timeline and "on call now" show them.
    const hour = (h) => new Date(Math.floor(Date.now() / 3_600_000 + h) * 3_600_000).toISOString().slice(0, 16);
    await page.getByRole('combobox', { name: /^Who/ }).selectOption({ label: 'Owner' });
    await page.getByLabel('From (UTC)').fill(hour(0));
    await page.getByLabel('To (UTC)').fill(hour(3));
    await page.getByRole('button', { name: 'Add override' }).click();
    await page.getByRole('status').filter({ hasText: 'Override added.' }).waitFor();
    await expect.poll(() => bars('Owner').count()).toBe(1);
    await expect.poll(() => page.getByLabel('On call now').textContent()).toMatch(/Owner/);
    await page.getByRole('button', { name: '1 day', exact: true }).click();
    await shot(page, 'schedule-day');
    // The same shifts as a list, by day.
    await page.getByRole('button', { name: 'List', exact: true }).click();
    await expect.poll(() => page.getByRole('group', { name: 'List' }).textContent()).toMatch(/Owner\s*Override/);
    await page.getByRole('button', { name: 'Timeline', exact: true }).click();

    // Two overrides at once, ten and eleven days ahead (beyond the week shown below), in one write.
    await page.getByText('Add several overrides at once').click();
    for (const [n, name, day] of [
      [1, 'Ana Kim', 10],
      [2, 'Ben Park', 11],
    ]) {
      await page.getByRole('button', { name: 'Another override' }).click();
      const row = page.getByRole('group', { name: `Override ${n}` });
      await row.getByRole('combobox', { name: /^Who/ }).selectOption({ label: name });
      await row.getByLabel('From (UTC)').fill(hour(day * 24));
      await row.getByLabel('To (UTC)').fill(hour(day * 24 + 2));
    }
    await page.getByRole('button', { name: 'Add 2 overrides' }).click();
    await page.getByRole('status').filter({ hasText: 'Saved.' }).waitFor();
    expect((await api('GET', '/schedules/rota')).overrides.map((o) => o.user)).toEqual(['owner', 'ana', 'ben']);

    // Someone else changes the schedule meanwhile: saving says so rather than overwrite their change.
    await api('PATCH', '/schedules/rota', { name: 'Rota West' });
    await page.getByRole('combobox', { name: /^Rotation/ }).selectOption('weekly');
    await page.getByRole('button', { name: 'Save schedule' }).click();
    await expect.poll(() => page.getByRole('alert').textContent()).toMatch(/Someone changed this schedule/);
    await page.getByRole('button', { name: 'Reload' }).click();
    await page.getByRole('heading', { name: 'Rota West' }).waitFor();
    await page.getByRole('combobox', { name: /^Rotation/ }).selectOption('weekly');
    await page.getByLabel('Handoff time').fill('09:30');
    await page.getByRole('button', { name: 'Save schedule' }).click();
    await page.getByRole('status').filter({ hasText: 'Saved.' }).waitFor();
    await page.getByRole('button', { name: '1 week', exact: true }).click();
    // Weekly turns: a week holds at most two of them, where it held eight daily ones.
    await expect
      .poll(async () => (await bars('Ana Kim').count()) + (await bars('Ben Park').count()))
      .toBeLessThanOrEqual(2);
    expect((await api('GET', '/schedules/rota')).layers[0]).toMatchObject({
      rotation: { type: 'weekly' },
      start: '2026-01-01T09:30',
    });
  });

  it('fits a schedule, its gaps and the profile on a 375-pixel-wide phone; the profile’s language applies', async () => {
    // On call on weekdays' office hours only: the nights and the weekend are gaps.
    await api('PUT', '/schedules/office', {
      id: 'office',
      name: 'Office hours',
      time_zone: 'Asia/Seoul',
      layers: [
        {
          name: 'Day',
          start: '2026-01-05T09:00',
          rotation: { type: 'weekly' },
          members: ['ana'],
          restrictions: [{ days: ['mon', 'tue', 'wed', 'thu', 'fri'], from: '09:00', to: '18:00' }],
        },
      ],
    });
    const page = await signedInPage({ width: 375, height: 800 });
    await page.goto(`${tocsin.origin}/schedules/office`);
    const timeline = page.getByRole('group', { name: 'Timeline' });
    await timeline.getByRole('listitem').filter({ hasText: 'Nobody on call' }).first().waitFor();
    expect(await page.evaluate(() => globalThis.document.documentElement.scrollWidth)).toBeLessThanOrEqual(375);
    await shot(page, 'schedule-phone');
    await page.getByRole('link', { name: 'Profile' }).click();
    await page.getByRole('heading', { name: 'Contact methods' }).waitFor();
    expect(await page.evaluate(() => globalThis.document.documentElement.scrollWidth)).toBeLessThanOrEqual(375);
    await shot(page, 'profile-phone');
    await page.getByRole('combobox', { name: /^My language/ }).selectOption('ko');
    await page.getByRole('button', { name: 'Save profile' }).click();
    await page.getByRole('heading', { name: '연락 수단' }).waitFor();
    expect((await api('GET', '/users/owner')).locale).toBe('ko');
    expect(await page.evaluate(() => globalThis.document.documentElement.scrollWidth)).toBeLessThanOrEqual(375);
    await shot(page, 'profile-phone-ko');
    await page.goto(`${tocsin.origin}/schedules/office`);
    await page
      .getByRole('group', { name: '타임라인' })
      .getByRole('listitem')
      .filter({ hasText: '당번 없음' })
      .first()
      .waitFor();
    expect(await page.evaluate(() => globalThis.document.documentElement.scrollWidth)).toBeLessThanOrEqual(375);
    await shot(page, 'schedule-phone-ko');
    // Signing in from a browser that never chose a language brings the profile's.
    const again = await signedInPage();
    await again.getByRole('link', { name: '인시던트' }).waitFor();
    await again.context().close();
    // The tests after this one read the console in English.
    await api('PATCH', '/users/owner', { locale: 'en' });
  });

  it('manages users, teams and one’s own profile: contact methods, rules, tokens, password and signing out everywhere', async () => {
    const page = await signedInPage();
    await page.getByRole('link', { name: 'Users' }).click();
    await page.getByLabel('Name').fill('Chae Lee');
    await page.getByLabel('Email').fill('chae@example.com');
    await page.getByRole('button', { name: 'Create user' }).click();
    const row = page.getByRole('row', { name: /Chae Lee/ });
    await row.waitFor();
    await page.getByRole('button', { name: 'Edit Chae Lee' }).click();
    await page.getByRole('combobox', { name: /^Role/ }).last().selectOption('observer');
    await page.getByRole('button', { name: 'Save user' }).click();
    await expect.poll(() => row.textContent()).toMatch(/Observer/);

    await page.getByRole('link', { name: 'Teams' }).click();
    await page.getByLabel('Team name').fill('Ops');
    await page.getByRole('button', { name: 'Create team' }).click();
    const team = page.getByRole('region', { name: /Ops/ });
    await team.getByRole('combobox', { name: /^Add to Ops/ }).selectOption({ label: 'Chae Lee' });
    await team.getByRole('button', { name: 'Add', exact: true }).click();
    await team.getByLabel('Chae Lee is an admin').check();
    await expect.poll(() => team.getByRole('listitem').textContent()).toMatch(/Chae Lee \(admin\)/);
    await page.getByRole('link', { name: 'Users' }).click();
    await expect.poll(() => page.getByRole('row', { name: /Chae Lee/ }).textContent()).toMatch(/Ops \(admin\)/);

    await page.getByRole('link', { name: 'Profile' }).click();
    await page.getByRole('combobox', { name: /^Type/ }).selectOption('sms');
    await page.getByLabel('Address, number or chat id').fill('+821012345678');
    await page.getByRole('button', { name: 'Add contact method' }).click();
    await page.getByRole('button', { name: 'Verify SMS: +821012345678' }).click();
    await page.getByLabel('Six-digit code').waitFor();
    await page.getByRole('button', { name: 'Send a test notification to SMS: +821012345678' }).click();
    await page.getByRole('status').filter({ hasText: 'Test notification sent.' }).waitFor();
    await page.getByLabel('Delay (minutes)').fill('5');
    await page.getByRole('button', { name: 'Add rule' }).click();
    await expect
      .poll(() => page.getByRole('region', { name: 'Notification rules' }).textContent())
      .toMatch(/After 5 min by SMS: \+821012345678, for highest, high/);
    expect((await api('GET', '/users/owner')).notification_rules).toHaveLength(1);
    await page.getByLabel('Token name').fill('ci');
    await page.getByRole('button', { name: 'Create token' }).click();
    const secret = await page.getByLabel('New API token').textContent();
    const asToken = await fetch(`${tocsin.origin}/api/v1/session`, { headers: { authorization: `Bearer ${secret}` } });
    expect(asToken.status).toBe(200);
    await shot(page, 'profile');
    await page.getByRole('button', { name: 'Revoke token ci' }).click();
    await page.getByRole('status').filter({ hasText: 'Token revoked.' }).waitFor();
    const revoked = await fetch(`${tocsin.origin}/api/v1/session`, { headers: { authorization: `Bearer ${secret}` } });
    expect(revoked.status).toBe(401);

    // A new password, then signing out everywhere ends this browser's session and another's.
    const other = await signedInPage();
    await page.getByLabel('Current password').fill(password);
    await page.getByLabel('New password').fill('tocsin-second-secret');
    await page.getByRole('button', { name: 'Change password' }).click();
    await page.getByRole('status').filter({ hasText: 'Password changed.' }).waitFor();
    password = 'tocsin-second-secret';
    await page.getByRole('button', { name: 'Sign out everywhere' }).click();
    await page.waitForURL('**/sign-in');
    await other.goto(`${tocsin.origin}/profile`);
    await other.waitForURL('**/sign-in');
    // The old password is refused; the new one signs in.
    await other.getByLabel('Email').fill('owner@example.com');
    await other.getByLabel('Password').fill(PASSWORD);
    await other.getByRole('button', { name: 'Sign in' }).click();
    await other.getByRole('alert').waitFor();
    await signedInPage();
  });
});
