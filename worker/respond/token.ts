// Signed action links and button values. A link's token names the incident, the action, the user it
// acts for and its expiry, under an HMAC-SHA-256 with TOCSIN_SIGNING_KEY; it rides in SMS texts, so
// it is short: the object id as raw bytes, one letter for the action, and a MAC cut to 128 bits.
import { handleSchema } from '../vocabulary';
import type { Action } from './respond';

export interface ActionClaim {
  incident: string;
  action: Action;
  user: string;
  expiresAt: Date;
}

export type ReadAction = { ok: true; claim: ActionClaim } | { ok: false; reason: 'malformed' | 'altered' | 'expired' };

const MAC_BYTES = 16;
const MAC_TEXT = /^[A-Za-z0-9_-]{22}$/;
const INCIDENT = /^([0-9a-f]{64})-([1-9][0-9]{0,8})$/;
const encoder = new TextEncoder();

function toBase64url(bytes: Uint8Array): string {
  let text = '';
  for (const byte of bytes) text += String.fromCharCode(byte);
  return btoa(text).replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '');
}

function fromBase64url(text: string): Uint8Array | null {
  if (!/^[A-Za-z0-9_-]*$/.test(text)) return null;
  try {
    const binary = atob(text.replace(/-/g, '+').replace(/_/g, '/'));
    return Uint8Array.from(binary, (c) => c.charCodeAt(0));
  } catch {
    return null;
  }
}

const hex = (bytes: Uint8Array) => [...bytes].map((b) => b.toString(16).padStart(2, '0')).join('');

/** An incident id in 45–53 characters: its object id's 32 bytes in base64url, then its ordinal. */
export function compactIncident(id: string): string {
  const match = INCIDENT.exec(id);
  if (!match) throw new Error(`not an incident id: ${id}`);
  const bytes = Uint8Array.from(match[1]!.match(/../g)!, (pair) => parseInt(pair, 16));
  return `${toBase64url(bytes)}-${match[2]}`;
}

/** The incident a compact reference names; only its one canonical spelling reads back. */
export function expandIncident(ref: string): string | null {
  const match = /^([A-Za-z0-9_-]{43})-([1-9][0-9]{0,8})$/.exec(ref);
  const bytes = match ? fromBase64url(match[1]!) : null;
  // 43 characters carry 258 bits for 256: the last one has four spellings that decode alike.
  if (!bytes || bytes.length !== 32 || toBase64url(bytes) !== match![1]) return null;
  return `${hex(bytes)}-${match![2]}`;
}

const letter = { acknowledge: 'a', resolve: 'r' } as const;
const actionOf = (char: string): Action | null => (char === 'a' ? 'acknowledge' : char === 'r' ? 'resolve' : null);

/** A button's value (Slack) or callback_data (Telegram, at most 64 bytes): `a:` or `r:` and the incident. */
export function buttonValue(action: Action, incident: string): string {
  return `${letter[action]}:${compactIncident(incident)}`;
}

export function readButtonValue(value: string): { action: Action; incident: string } | null {
  const action = actionOf(value.slice(0, 1));
  const incident = value[1] === ':' ? expandIncident(value.slice(2)) : null;
  return action && incident ? { action, incident } : null;
}

async function mac(key: string, payload: string): Promise<string> {
  const hmac = await crypto.subtle.importKey('raw', encoder.encode(key), { name: 'HMAC', hash: 'SHA-256' }, false, [
    'sign',
  ]);
  const full = new Uint8Array(await crypto.subtle.sign('HMAC', hmac, encoder.encode(payload)));
  return toBase64url(full.slice(0, MAC_BYTES));
}

/** Constant-time, so that a forger learns nothing from how long a refusal takes. */
function equal(a: string, b: string): boolean {
  if (a.length !== b.length) return false;
  let diff = 0;
  for (let i = 0; i < a.length; i++) diff |= a.charCodeAt(i) ^ b.charCodeAt(i);
  return diff === 0;
}

/** `{incident}.{a|r}{expiry in base 36}.{user}.{mac}` — every part URL-safe. */
export async function signAction(claim: ActionClaim, key: string): Promise<string> {
  const expiry = Math.floor(claim.expiresAt.getTime() / 1000).toString(36);
  const payload = `${compactIncident(claim.incident)}.${letter[claim.action]}${expiry}.${claim.user}`;
  return `${payload}.${await mac(key, payload)}`;
}

export async function readAction(token: string, key: string, now: Date): Promise<ReadAction> {
  // A handle may hold dots: the user is what lies between the second part and the last.
  const parts = token.split('.');
  if (parts.length < 4) return { ok: false, reason: 'malformed' };
  const [ref, actionAndExpiry] = parts as [string, string];
  const user = parts.slice(2, -1).join('.');
  const signature = parts.at(-1)!;
  if (!MAC_TEXT.test(signature)) return { ok: false, reason: 'malformed' };
  // Compared as text, not decoded: decoding would let the last character's unused bits change unseen.
  if (!equal(signature, await mac(key, `${ref}.${actionAndExpiry}.${user}`))) return { ok: false, reason: 'altered' };
  const incident = expandIncident(ref);
  const action = actionOf(actionAndExpiry.slice(0, 1));
  const expiry = parseInt(actionAndExpiry.slice(1), 36);
  if (!incident || !action || !Number.isFinite(expiry) || !handleSchema.safeParse(user).success) {
    return { ok: false, reason: 'malformed' };
  }
  if (expiry * 1000 <= now.getTime()) return { ok: false, reason: 'expired' };
  return { ok: true, claim: { incident, action, user, expiresAt: new Date(expiry * 1000) } };
}
