// What the fuzz finds today that other workstreams are fixing, each with who fixes it. The
// short form in CI fails on anything else. Remove an entry once its fix is merged: the test then
// holds the fix.
import type { Finding } from './fuzz.js';

/** The path before the query, or '' for a finding not made by one request. */
const target = (f: Finding): string => (f.path ?? '').split('?')[0]!;

function badEscape(path: string): boolean {
  try {
    decodeURIComponent(path);
    return false;
  } catch {
    return true;
  }
}

export const KNOWN: ReadonlyArray<{ why: string; matches: (f: Finding) => boolean }> = [
  { why: 'transport: a target with a malformed %-escape (/%ff, /%, /%c0%af) answers 500',
    matches: (f) => f.kind === 'status_500' && (badEscape(target(f)) ||
      /%ff/.test(f.request)) },
  { why: 'transport: any method on a target starting with // answers 500',
    matches: (f) => f.kind === 'status_500' && target(f).startsWith('//') },
  { why: 'transport or sessions: ?limit= not an integer on the operator lists answers 500',
    matches: (f) => f.kind === 'status_500' &&
      /^\/api\/v1\/admin\/.*[?&]limit=/.test(f.path ?? '') },
];

