// A tiny RFC 4180 writer: no CSV library is in the dependency tree, and writing is ten lines
// (quote a field holding a comma, quote or line break; double its quotes; CRLF between records).

/** One field as RFC 4180 writes it. Numbers and booleans as they print; null as empty. */
export function csvField(v: string | number | boolean | null): string {
  if (v === null) return '';
  const s = String(v);
  return /[",\r\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
}

/** A header and rows as one CSV document (CRLF line ends, a final CRLF). */
export function toCsv(header: readonly string[],
  rows: ReadonlyArray<ReadonlyArray<string | number | boolean | null>>): string {
  return [header, ...rows].map((r) => r.map(csvField).join(',')).join('\r\n') + '\r\n';
}
