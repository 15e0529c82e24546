// Invitations and password resets in a real browser (Debian's Chromium through playwright-core),
// against the API and the console under one `wrangler dev`: the owner invites a user from /users,
// the user opens the link in a browser of their own, sets a password, lands signed in and keeps
// their own profile and API tokens; someone asks for a reset from /sign-in and is told the same
// whatever the address. Screenshots go to e2e/artifacts/ (git-ignored).
import { existsSync, mkdirSync } from 'node:fs';
import { chromium } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { withFreshDirTocsin } from '../bench/local.mjs';

const CHROMIUM = '/usr/bin/chromium';
const PASSWORD = 'e2e-owner-password';
const ARTIFACTS = 'e2e/artifacts';

let tocsin;
let api;
let release;
let finished;
let browser;

const shot = (page, name) => page.screenshot({ path: `${ARTIFACTS}/${name}.png`, fullPage: true });

async function freshPage() {
  const context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
  return context.newPage();
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
  // No email credentials: invitations and resets go to the Worker's log, and the console shows the link.
  await api('PUT', '/config', {
    users: [
      { id: 'owner', name: 'Owner', email: 'owner@example.com', role: 'owner' },
      { id: 'rhee', name: 'Rhee Min', email: 'rhee@example.com', role: 'responder' },
    ],
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

describe('invitations and password resets in the console', () => {
  it('invites a user from /users, whose link sets their password once and signs them in', async () => {
    const owner = await freshPage();
    await owner.goto(`${tocsin.origin}/sign-in`);
    await owner.getByLabel('Email').fill('owner@example.com');
    await owner.getByLabel('Password').fill(PASSWORD);
    await owner.getByRole('button', { name: 'Sign in' }).click();
    await owner.waitForURL('**/incidents');
    await owner.getByRole('link', { name: 'Users' }).click();
    await owner.getByRole('button', { name: 'Invite Rhee Min' }).click();
    const invitation = owner.getByRole('region', { name: 'Invite Rhee Min' });
    const link = await invitation.getByRole('textbox', { name: 'Copy the invitation link' }).inputValue();
    expect(link).toMatch(new RegExp(`^${tocsin.origin}/set-password\\?token=pwl_[0-9a-f]{64}$`));
    // Without email credentials the log provider takes the email: it counts as sent.
    expect(await invitation.textContent()).toMatch(/Emailed to rhee@example\.com/);
    await shot(owner, 'invite-users');

    const rhee = await freshPage();
    await rhee.goto(link);
    await rhee.getByRole('heading', { name: 'Set your password' }).waitFor();
    // No navigation for someone not signed in yet.
    expect(await rhee.getByRole('navigation', { name: 'Main' }).count()).toBe(0);
    await rhee.getByLabel('New password').fill('a long password of mine');
    await rhee.getByLabel('Confirm password').fill('a long password of a typo');
    await rhee.getByRole('button', { name: 'Set password and sign in' }).click();
    await rhee.getByText('The two passwords differ.').waitFor();
    await rhee.getByLabel('Confirm password').fill('a long password of mine');
    await shot(rhee, 'invite-set-password');
    await rhee.getByRole('button', { name: 'Set password and sign in' }).click();
    await rhee.waitForURL('**/incidents');
    // A responder keeps their own profile and API tokens.
    await rhee.getByRole('link', { name: 'Profile' }).click();
    await rhee.getByRole('heading', { name: 'Signed in as rhee (responder)' }).waitFor();
    await rhee.getByLabel('Name', { exact: true }).fill('Rhee Minji');
    await rhee.getByRole('button', { name: 'Save profile' }).click();
    await rhee.getByText('Profile saved.').waitFor();
    await rhee.getByLabel('Token name').fill('laptop');
    await rhee.getByRole('button', { name: 'Create token' }).click();
    const secret = await rhee.getByLabel('New API token').textContent();
    expect(secret).toMatch(/^tok_/);
    await rhee.getByRole('button', { name: 'Revoke token laptop' }).waitFor();
    await shot(rhee, 'invite-profile');
    expect((await api('GET', '/users/rhee')).name).toBe('Rhee Minji');

    // The link is spent: opened again, it says so.
    const again = await freshPage();
    await again.goto(link);
    await again.getByLabel('New password').fill('another long password');
    await again.getByLabel('Confirm password').fill('another long password');
    await again.getByRole('button', { name: 'Set password and sign in' }).click();
    await again.getByText('This link is used or expired: ask for a new one.').waitFor();

    const signIn = await fetch(`${tocsin.origin}/api/v1/session`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ email: 'rhee@example.com', password: 'a long password of mine' }),
    });
    expect(signIn.status).toBe(200);
  });

  it('asks for a reset from /sign-in and tells the same for any address', async () => {
    const page = await freshPage();
    await page.goto(`${tocsin.origin}/sign-in`);
    await page.getByRole('button', { name: 'Forgot password?' }).click();
    await page.getByRole('heading', { name: 'Reset your password' }).waitFor();
    await page.getByLabel('Email').fill('rhee@example.com');
    await page.getByRole('button', { name: 'Send link' }).click();
    const told = page.getByRole('status');
    await told.waitFor();
    const neutral = await told.textContent();
    expect(neutral).toMatch(/If an account has this address/);
    await shot(page, 'reset-requested');

    await page.getByLabel('Email').fill('nobody@example.com');
    await page.getByRole('button', { name: 'Send link' }).click();
    await expect.poll(() => told.textContent()).toBe(neutral);
    await page.getByRole('button', { name: 'Back to sign in' }).click();
    await page.getByRole('button', { name: 'Sign in' }).waitFor();

    const { entries } = await api('GET', '/audit?kind=password');
    const acts = entries.map((e) => `${e.action} ${e.target}`);
    expect(acts).toEqual(
      expect.arrayContaining([
        'invite rhee',
        'set_by_link rhee',
        'reset_requested rhee',
        'reset_requested nobody@example.com',
      ]),
    );
  });
});
