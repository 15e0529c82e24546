// iCalendar (RFC 5545) feeds of on-call shifts, for Google Calendar or Outlook to subscribe to.
import type { Shift } from './schedule';

export interface CalendarShift extends Shift {
  schedule: { id: string; name: string };
}

/** 20261125T093000Z */
const stamp = (date: Date) =>
  date
    .toISOString()
    .replace(/[-:]/g, '')
    .replace(/\.\d{3}/, '');

/** TEXT values escape backslash, semicolon, comma and newlines (RFC 5545 §3.3.11). */
export function escapeText(text: string): string {
  return text.replace(/\\/g, '\\\\').replace(/;/g, '\\;').replace(/,/g, '\\,').replace(/\r?\n/g, '\\n');
}

/** Lines longer than 75 octets fold onto continuation lines that start with a space (§3.1). */
export function foldLine(line: string): string {
  const bytes = new TextEncoder().encode(line);
  if (bytes.length <= 75) return line;
  const parts: string[] = [];
  let current = '';
  let size = 0;
  for (const char of line) {
    const charSize = new TextEncoder().encode(char).length;
    const limit = parts.length === 0 ? 75 : 74;
    if (size + charSize > limit) {
      parts.push(current);
      current = '';
      size = 0;
    }
    current += char;
    size += charSize;
  }
  parts.push(current);
  return parts.join('\r\n ');
}

export function calendar(name: string, shifts: CalendarShift[], now: Date): string {
  const lines = [
    'BEGIN:VCALENDAR',
    'VERSION:2.0',
    'PRODID:-//Tocsin//On-call//EN',
    'CALSCALE:GREGORIAN',
    'METHOD:PUBLISH',
    `X-WR-CALNAME:${escapeText(name)}`,
  ];
  for (const shift of shifts) {
    const layer = shift.layer === null ? 'override' : shift.layer;
    lines.push(
      'BEGIN:VEVENT',
      `UID:${escapeText(`${shift.schedule.id}-${layer}-${shift.user}-${stamp(shift.start)}`)}@tocsin`,
      `DTSTAMP:${stamp(now)}`,
      `DTSTART:${stamp(shift.start)}`,
      `DTEND:${stamp(shift.end)}`,
      `SUMMARY:${escapeText(`On call: ${shift.user} (${shift.schedule.name})`)}`,
      `DESCRIPTION:${escapeText(`${shift.schedule.name}, ${shift.layer === null ? 'override' : `layer ${shift.layer}`}`)}`,
      'TRANSP:TRANSPARENT',
      'END:VEVENT',
    );
  }
  lines.push('END:VCALENDAR');
  return `${lines.map(foldLine).join('\r\n')}\r\n`;
}
