// Maintenance windows as the ingest pipeline sees them: a pure stage. An event for a service inside
// one of its windows ([start, end), by arrival) is recorded, and nobody is paged.
import { z } from 'zod';
import { isoInstantSchema } from '../vocabulary';

export interface MaintenanceWindow {
  id: string;
  serviceId: string;
  startsAt: string;
  endsAt: string;
  description: string;
}

/** A window to schedule: for so many minutes from now, or from a start to an end. */
export const maintenanceRequestSchema = z.union([
  z
    .object({
      minutes: z.union([z.literal(5), z.literal(15), z.literal(30), z.literal(60)]),
      description: z.string().trim().max(500).default(''),
    })
    .strict(),
  z
    .object({ start: isoInstantSchema, end: isoInstantSchema, description: z.string().trim().max(500).default('') })
    .strict(),
]);

/** How far ahead a window may be scheduled, and how many may wait at once per service. */
export const MAX_SCHEDULED = 5;
export const MAX_WINDOW_DAYS = 7;

/** The window the service is in at `now`, if any. */
export function activeWindow(
  windows: readonly MaintenanceWindow[],
  serviceId: string,
  now: Date,
): MaintenanceWindow | null {
  const at = now.getTime();
  return (
    windows.find((w) => w.serviceId === serviceId && Date.parse(w.startsAt) <= at && at < Date.parse(w.endsAt)) ?? null
  );
}

/** Why nobody is paged for an event of this service now, or null. */
export function inMaintenance(windows: readonly MaintenanceWindow[], serviceId: string, now: Date): string | null {
  const window = activeWindow(windows, serviceId, now);
  if (!window) return null;
  return `in a maintenance window until ${window.endsAt}${window.description ? `: ${window.description}` : ''}`;
}
