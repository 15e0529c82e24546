// Reports as CSV that spreadsheets open as they are: RFC 4180 (CRLF, fields quoted when they hold a
// comma, quote or line break), UTF-8 with a byte-order mark so that Excel reads Korean text.

export type Cell = string | number | boolean | null | undefined;

/**
 * Text from alerts is untrusted: a cell a spreadsheet would read as a formula (=, +, -, @, or a
 * leading tab or CR) is prefixed with an apostrophe, which shows it as the text it is.
 */
function cell(value: Cell): string {
  if (value === null || value === undefined) return '';
  let text = String(value);
  if (typeof value === 'string' && /^[=+\-@\t\r]/.test(text)) text = `'${text}`;
  return /[",\r\n]/.test(text) ? `"${text.replaceAll('"', '""')}"` : text;
}

export const csvLine = (cells: readonly Cell[]): string => `${cells.map(cell).join(',')}\r\n`;

export const BOM = '\uFEFF';

export function csv(header: readonly string[], rows: readonly (readonly Cell[])[]): string {
  return BOM + csvLine(header) + rows.map(csvLine).join('');
}
