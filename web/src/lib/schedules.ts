// A schedule as the configuration document has it, and the shifts and gaps the API computes from it.
export const weekdays = ['mon', 'tue', 'wed', 'thu', 'fri', 'sat', 'sun'] as const;
export type Weekday = (typeof weekdays)[number];

export type Rotation = { type: 'daily' } | { type: 'weekly' } | { type: 'custom'; hours: number };

/** On the listed days, on call from `from` to `to` (HH:mm); a `to` at or before `from` ends the next day. */
export interface Restriction {
  days: Weekday[];
  from: string;
  to: string;
}

export interface Layer {
  name: string;
  /** The first handoff, local to the schedule's zone (YYYY-MM-DDTHH:mm): its time of day is the handoff time. */
  start: string;
  rotation: Rotation;
  members: string[];
  restrictions: Restriction[];
}

/** With `replaces`, `user` stands in for that one user; without, `user` takes the whole schedule. */
export interface Override {
  user: string;
  replaces?: string;
  start: string;
  end: string;
}

export interface ScheduleDocument {
  id: string;
  name: string;
  team?: string;
  time_zone: string;
  layers: Layer[];
  overrides: Override[];
}

/** As GET answers: `id` is the internal id, `handle` the document's id. */
export interface Schedule extends Omit<ScheduleDocument, 'id'> {
  id: string;
  handle: string;
  calendar_url?: string;
}

export interface Shift {
  start: string;
  end: string;
  user: string;
  /** null for an override that takes the whole schedule. */
  layer: string | null;
}

export interface Gap {
  start: string;
  end: string;
}

/** The document a PUT writes: only the fields the schema has. */
export function documentOf(schedule: Schedule): ScheduleDocument {
  const { handle, name, team, time_zone, layers, overrides } = schedule;
  return { id: handle, name, ...(team ? { team } : {}), time_zone, layers, overrides };
}

export function newLayer(name: string, members: string[], start: string): Layer {
  return { name, start, rotation: { type: 'weekly' }, members, restrictions: [] };
}

/** Everyone who takes turns on any layer, in order of first appearance. */
export function respondersOf(schedule: Pick<ScheduleDocument, 'layers'>): string[] {
  return [...new Set(schedule.layers.flatMap((layer) => layer.members))];
}

export const rangeQuery = (from: Date, to: Date) =>
  `from=${encodeURIComponent(from.toISOString())}&to=${encodeURIComponent(to.toISOString())}`;
