// Small pure helpers every adapter shares: bounded text, a stable dedup key from an alert's identity,
// tolerant times, urgency by a table, and reading a body by path.
import { z } from 'zod';
import { HttpError } from '../http';
import type { Urgency } from '../vocabulary';
import type { InboundRequest } from './adapter';

export const MAX_SUMMARY = 1024;
export const MAX_EVENT_ID = 255;

/** Text cut to `max` characters (by code point), trimmed; `fallback` when empty. */
export function bounded(text: unknown, max = MAX_SUMMARY, fallback = ''): string {
  const value = typeof text === 'string' ? text.trim() : text == null ? '' : String(text).trim();
  const points = [...(value || fallback)];
  return points.length <= max ? points.join('') : `${points.slice(0, max - 1).join('')}…`;
}

/** A summary: never empty, at most MAX_SUMMARY characters. */
export const summaryOf = (...candidates: unknown[]): string => {
  const found = candidates.find((c) => (typeof c === 'string' ? c.trim() !== '' : c != null));
  return bounded(found, MAX_SUMMARY, 'Alert');
};

/**
 * A dedup key from the parts that name an alert: the same parts, the same key, so that a tool that
 * repeats a body repeats no incident. Short parts are kept readable; long ones are hashed.
 */
export function stableKey(...parts: (string | number | null | undefined)[]): string {
  const text = parts.map((p) => String(p ?? '')).join('\u001f');
  if (text.length <= 200 && !text.includes('\u001f')) return text;
  return `k-${fnv1a(text)}`;
}

/** FNV-1a, 64 bits as hex: fast, stable and good enough to tell alerts apart (not a secret). */
function fnv1a(text: string): string {
  let hash = 0xcbf29ce484222325n;
  for (const byte of new TextEncoder().encode(text)) {
    hash ^= BigInt(byte);
    hash = (hash * 0x100000001b3n) & 0xffffffffffffffffn;
  }
  return hash.toString(16).padStart(16, '0');
}

/** An event id as given, bounded; or a key made from the given parts. */
export const eventIdOf = (given: unknown, ...parts: (string | number | null | undefined)[]): string =>
  typeof given === 'string' && given.trim() !== '' && given.length <= MAX_EVENT_ID
    ? given.trim()
    : typeof given === 'number'
      ? String(given)
      : stableKey(...(given == null || given === '' ? parts : [String(given), ...parts]));

/** An instant from what tools send (ISO 8601 with or without zone, epoch seconds or milliseconds), else `now`. */
export function instantOf(value: unknown, now: Date): string {
  let ms: number | null = null;
  if (typeof value === 'number' && Number.isFinite(value)) ms = value < 1e11 ? value * 1000 : value;
  else if (typeof value === 'string' && value.trim() !== '') {
    const text = value.trim();
    if (/^\d+(\.\d+)?$/.test(text)) ms = Number(text) < 1e11 ? Number(text) * 1000 : Number(text);
    else {
      // A time without a zone is UTC, not the runtime's local time.
      const zoned = /[zZ]|[+-]\d\d:?\d\d$/.test(text) || !/\d\d:\d\d/.test(text) ? text : `${text}Z`;
      const parsed = Date.parse(zoned.replace(' ', 'T'));
      ms = Number.isNaN(parsed) ? null : parsed;
    }
  }
  // Go's zero time (0001-01-01) and anything unreadable is "not given".
  if (ms === null || ms < Date.UTC(1971, 0, 1) || ms > Date.UTC(9999, 0, 1)) return now.toISOString();
  return new Date(ms).toISOString();
}

/** Urgency by a table of the tool's words (case-insensitive), else `fallback`. */
export function urgencyBy(table: Record<string, Urgency>, value: unknown, fallback: Urgency): Urgency {
  if (typeof value !== 'string' && typeof value !== 'number') return fallback;
  return own(table, String(value).trim().toLowerCase()) ?? fallback;
}

/** A table's entry for a word from a body: own keys only, so that "constructor" is not Object's. */
export const own = <T>(table: Record<string, T>, key: string): T | undefined =>
  Object.hasOwn(table, key) ? table[key] : undefined;

/** A value inside a parsed body, by a dotted path (`labels.severity`, `alerts.0.labels`). */
export function at(value: unknown, path: string): unknown {
  let node = value;
  for (const key of path.split('.')) {
    if (node === null || typeof node !== 'object') return undefined;
    node = (node as Record<string, unknown>)[key];
  }
  return node;
}

/** A string field, if it is one and not blank. */
export function text(value: unknown): string | undefined {
  if (typeof value === 'number' || typeof value === 'boolean') return String(value);
  return typeof value === 'string' && value.trim() !== '' ? value : undefined;
}

/** The body as JSON, or the 400 that says this tool sends JSON. */
export function jsonBody(request: InboundRequest, tool: string): unknown {
  if (request.json === undefined) {
    throw new HttpError(400, 'invalid_json', `${tool} sends a JSON body; this request has none`, [
      { field: 'body', message: 'not JSON' },
    ]);
  }
  return request.json;
}

/** A loose object: fields the adapter reads are checked, anything else is kept as sent. */
export const record = z.record(z.string(), z.unknown());

/** A link to show: an http(s) URL as given, else nothing (no javascript:, no data:). */
export function webLink(url: unknown): string | undefined {
  const given = text(url)?.trim();
  return given !== undefined && /^https?:\/\//i.test(given) ? given : undefined;
}

/** The fields that have a value (details without their empty parts). */
export const defined = (fields: Record<string, unknown>) =>
  Object.fromEntries(Object.entries(fields).filter(([, value]) => value != null));

/** An alert's identity from its labels, as Alertmanager's fingerprint is: the sorted label pairs. */
export const labelsKey = (labels: Record<string, string>) =>
  stableKey(
    ...Object.keys(labels)
      .sort()
      .map((k) => `${k}=${labels[k]}`),
  );
