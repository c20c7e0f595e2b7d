// The fuzz's short form: a fixed seed, 1,500 hostile requests over every route and a
// pipelining and slow-client probe (test/fuzz.ts). Findings already known, and the workstream
// fixing each, are listed in KNOWN; anything else fails. Remove an entry once its fix is merged.
import { strict as assert } from 'node:assert';
import { describe, it } from 'node:test';
import { runFuzz, summarise, type Finding } from './fuzz.js';

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

const KNOWN: ReadonlyArray<{ why: string; matches: (f: Finding) => boolean }> = [
  { why: 'transport: a target with a malformed %-escape (/%ff, /%, /%c0%af) answers 500',
    matches: (f) => f.kind === 'status_500' && (badEscape(target(f)) ||
      /%ff/.test(f.request)) },
  { why: 'transport: any method on a target starting with // answers 500',
    matches: (f) => f.kind === 'status_500' && target(f).startsWith('//') },
  { why: 'sessions: ?limit= that is not an integer on the operator lists answers 500',
    matches: (f) => f.kind === 'status_500' &&
      /^\/api\/v1\/admin\/.*[?&]limit=/.test(f.path ?? '') },
];

describe('fuzz (short form)', () => {
  it('finds no 500, no internals, no write on a refusal, bounded memory', async () => {
    const r = await runFuzz({ seed: 1, runs: 1500 });
    const unknown = r.findings.filter((f) => !KNOWN.some((k) => k.matches(f)));
    assert.equal(unknown.length, 0, summarise({ ...r, findings: unknown }));
    assert.equal(r.cases, 1500);
    assert.ok(r.routes >= 28, `${r.routes} routes`);
  });
});
