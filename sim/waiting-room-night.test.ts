// The waiting-room mode of the simulator, short form: a launch behind a room against a real
// server (SQLite), audited (positions, the gate, the shuffle against its seed, the rate); and
// the chi-square fairness test of the pure shuffle, which must also be able to fail.
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { test } from 'node:test';
import { SERVER_MAIN } from './server-process.js';
import { runSimulate } from './simulate.js';
import { chiSquare, chiSquareCritical, shuffleFairness } from './room-line.js';

test('the pure shuffle is fair by a chi-square test; a biased one is caught', () => {
  const fair = shuffleFairness(4_000, 8, 'unit');
  assert.ok(fair.fair, `chi2 ${fair.chi2} >= ${fair.critical}`);
  // A shuffle that leaves the first ticket first 60% more often than chance.
  const n = 8;
  const seeds = 4_000;
  const table = new Array<number>(n * n).fill(seeds / n);
  table[0] = seeds / n * 1.6;
  table[1] = seeds / n * 0.4;
  assert.ok(chiSquare(table, seeds / n) > chiSquareCritical((n - 1) ** 2, 3.09));
  assert.ok(Math.abs(chiSquareCritical(81, 3.09) - 126) < 2, 'Wilson-Hilferty near the table');
});

test('a launch behind a waiting room passes the audit', {
  skip: existsSync(SERVER_MAIN) ? false : `the server is not built yet (${SERVER_MAIN})`,
  timeout: 120_000,
}, async () => {
  const code = await runSimulate(['--waiting-room', '--scale', '0.0015', '--seed', '3',
    '--quiet']);
  assert.equal(code, 0, 'the waiting-room audit failed: see the report above');
});
