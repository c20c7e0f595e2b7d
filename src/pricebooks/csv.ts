// A tiny RFC 4180 writer: no CSV library is in the dependency tree, and writing is ten lines
// (quote a field holding a comma, quote or line break; double its quotes; CRLF between records).
// Text that a spreadsheet would run as a formula is neutralised, as OWASP's "CSV Injection"
// page advises: a cell starting with = + - @ (also after spaces or line breaks, which a
// spreadsheet skips), or with a tab or carriage return, gets a leading '. A cell holding ; is
// quoted: a spreadsheet set to ;-separated lists would split it, and a part could start a formula.
// Numbers are written as numbers, so a negative amount stays a negative number.

/** Characters that make a spreadsheet read a text cell as a formula (OWASP). */
const FORMULA_START = /^\s*[=+\-@]|^[\t\r]/;
/** Text that is a plain decimal number: a spreadsheet reads it as that number, not a formula. */
const PLAIN_NUMBER = /^-?[0-9]+(\.[0-9]+)?$/;

/**
 * One field as RFC 4180 writes it. Numbers and booleans as they print; null as empty; text that
 * would start a formula prefixed with ' (a numeric cell is not text, and keeps its sign).
 */
export function csvField(v: string | number | boolean | null): string {
  if (v === null) return '';
  let s = String(v);
  if (typeof v === 'string' && FORMULA_START.test(s) && !PLAIN_NUMBER.test(s)) s = `'${s}`;
  return /[",;\r\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
}

/** A header and rows as one CSV document (CRLF line ends, a final CRLF). */
export function toCsv(header: readonly string[],
  rows: ReadonlyArray<ReadonlyArray<string | number | boolean | null>>): string {
  return [header, ...rows].map((r) => r.map(csvField).join(',')).join('\r\n') + '\r\n';
}
