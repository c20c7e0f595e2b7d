/// <reference types="node" />
// The production pages' modules that need no browser: a delivery window in words in both
// languages, and a production run pasted as CSV.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { inLanguage, load } from './page-modules.js';

test('a window in words: the shared month and year said once, both languages', async () => {
  const { dateWindow, dateWords, beijingToday } = await load('web/js/date-window.js');
  const table: Array<[string, string, string, string]> = [
    ['2026-01-12', '2026-01-25', 'between 12 and 25 January 2026', '2026年1月12日至25日之间'],
    ['2026-01-26', '2026-02-08', 'between 26 January and 8 February 2026',
      '2026年1月26日至2月8日之间'],
    ['2025-12-29', '2026-01-11', 'between 29 December 2025 and 11 January 2026',
      '2025年12月29日至2026年1月11日之间'],
    // A window of one day is that day, never "between 12 and 12 January 2026".
    ['2026-01-12', '2026-01-12', 'on 12 January 2026', '2026年1月12日'],
  ];
  for (const [from, to, en, zh] of table) {
    assert.equal(await inLanguage('en', () => dateWindow(from, to)), en);
    assert.equal(await inLanguage('zh', () => dateWindow(from, to)), zh);
  }
  assert.equal(await inLanguage('en', () => dateWords('2026-03-01')), '1 March 2026');
  // Beijing is UTC+8: 16:00 UTC on 31 December is already 1 January there.
  assert.equal(beijingToday(Date.parse('2025-12-31T16:00:00Z')), '2026-01-01');
  assert.equal(beijingToday(Date.parse('2025-12-31T15:59:59Z')), '2025-12-31');
});

test('a run pasted as CSV: header and blank lines skipped, each problem with its line',
  async () => {
  const { parseCars } = await load('web/js/production-csv.js');
  const vin = 'LXMYU7AB8T0000042';
  const ok = parseCars(`VIN,trim,options\n\n${vin.toLowerCase()}, pro ,colour-emerald-green,\n`
    + `LXMYU7AB0T0000001\tmax`, 10);
  assert.deepEqual(ok, { problems: [], cars: [
    { vin, trim: 'pro', options: ['colour-emerald-green'] },
    { vin: 'LXMYU7AB0T0000001', trim: 'max', options: [] }] });
  const bad = parseCars(`${vin},pro\nLXMYU7AB8T00000,pro\nLXMYU7ABIT0000042,pro\n${vin},max\n`
    + 'LXMYU7AB0T0000001', 10);
  assert.deepEqual(bad.problems, [{ line: 2, key: 'pr_vin_bad' }, { line: 3, key: 'pr_vin_bad' },
    { line: 4, key: 'pr_vin_repeated' }, { line: 5, key: 'pr_trim_missing' }]);
  assert.deepEqual(parseCars(`${vin},pro\nLXMYU7AB0T0000001,pro`, 1).problems,
    [{ line: 0, key: 'pr_too_many', vars: { n: 1 } }]);
});

test('every string of the Production tab is in both languages', async () => {
  const { PRODUCTION_STRINGS } = await load('web/js/admin-production-strings.js');
  for (const [key, v] of Object.entries(PRODUCTION_STRINGS as Record<string, Record<string,
    string>>)) {
    assert.ok(v.zh && v.en, key);
    // The same placeholders in both, so neither language drops a figure.
    const names = (s: string) => [...s.matchAll(/\{(\w+)\}/g)].map((m) => m[1]).sort();
    assert.deepEqual(names(v.zh), names(v.en), key);
  }
});
