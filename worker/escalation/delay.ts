// Delays are configured in minutes, fractional ones allowed; instants move by whole milliseconds so that
// 0.1 minutes is exactly 6 s and not 6000.000000000001 ms.
export function minutes(n: number): number {
  return Math.round(n * 60_000);
}

/** The instant `delayMinutes` after `at`. */
export function after(at: Date, delayMinutes: number): Date {
  return new Date(at.getTime() + minutes(delayMinutes));
}
