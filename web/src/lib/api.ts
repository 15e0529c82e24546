// The console talks to the API only, on its own origin, signed in by the session cookie. An answer
// of 401 means the session is gone: back to the sign-in page.
import { goto } from '$app/navigation';

export class ApiError extends Error {
  constructor(
    readonly status: number,
    message: string,
    readonly fields: { field: string; message: string }[] = [],
  ) {
    super(message);
  }
}

export async function api<T = unknown>(method: string, path: string, body?: unknown): Promise<T> {
  const response = await fetch(`/api/v1${path}`, {
    method,
    headers: body === undefined ? {} : { 'content-type': 'application/json' },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  if (response.status === 401 && !path.startsWith('/session')) {
    await goto('/sign-in');
    throw new ApiError(401, 'signed out');
  }
  const text = await response.text();
  const data = text ? JSON.parse(text) : null;
  if (!response.ok) throw new ApiError(response.status, data?.message ?? response.statusText, data?.fields ?? []);
  return data as T;
}

export interface Incident {
  id: string;
  number: number;
  status: 'triggered' | 'acknowledged' | 'resolved';
  urgency: string;
  summary: string;
  service: string;
  alert_count: number;
  created_at: string;
  transient?: boolean;
  flapping?: boolean;
}

export interface TimelineEntry {
  id: string;
  type: string;
  at: string;
  actor: { type: string; id: string | null };
  details: Record<string, unknown>;
}

export interface IncidentDetail extends Incident {
  timeline: TimelineEntry[];
  alerts: { id: string; received_at: string; summary: string; payload: unknown }[];
}

export interface Service {
  id: string;
  handle: string;
  name: string;
  description?: string;
}

export interface Integration {
  id: string;
  handle: string;
  name: string;
  type: string;
  service: string | null;
  key?: string;
  ingest_url?: string;
  email_address?: string;
}

/** A handle from a name: what the configuration document names objects by. */
export function handleOf(name: string): string {
  const base = name
    .normalize('NFKD')
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-+|-+$/g, '')
    .slice(0, 40);
  return `${base || 'item'}-${Math.random().toString(36).slice(2, 6)}`;
}
