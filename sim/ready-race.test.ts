// The deliveries simulator's judgement of buyers racing for one ready-stock car, as a table: one
// row per set of replies the server can give, the verdicts beside it. The second row is the CI
// run's: the winner had bought the car outright before the loser's request was read.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { judgeReadyRace, type ReadyPurchaseVerdict } from './ready-race.js';

type R = { status: number; code: string | null } | null;
const bought201: R = { status: 201, code: null };
const replay200: R = { status: 200, code: null };
const taken: R = { status: 409, code: 'ready_car_taken' };
const gone: R = { status: 404, code: 'ready_car_not_found' };
const declined: R = { status: 402, code: 'payment_declined' };
const expired: R = { status: 409, code: 'ready_hold_expired' };

const rows: Array<[string, R[], ReadyPurchaseVerdict[]]> = [
  ['the loser read the car while the winner paid', [bought201, taken], ['bought', 'race_lost']],
  ['the loser read the car once the winner had bought it', [bought201, gone],
    ['bought', 'race_lost']],
  ['the same, the loser answered first', [gone, bought201], ['race_lost', 'bought']],
  ['a retry after a timeout: the first purchase again', [replay200], ['bought']],
  ['a loser beside a winner answered by a retry', [taken, replay200], ['race_lost', 'bought']],
  ['a lone buyer told the car is gone', [gone], ['refused']],
  ['a lone buyer told the car is taken', [taken], ['refused']],
  ['two buyers, neither bought it', [gone, taken], ['refused', 'refused']],
  ['the winner\'s answer unknown', [null, gone], ['unresolved', 'race_lost']],
  ['a lone buyer with no answer', [null], ['unresolved']],
  ['a declined payment beside a winner', [bought201, declined], ['bought', 'refused']],
  ['a hold that ran out beside a winner', [expired, bought201], ['refused', 'bought']],
];

for (const [what, replies, verdicts] of rows) {
  test(`a race for a ready-stock car: ${what}`, () => {
    assert.deepEqual(judgeReadyRace(replies), verdicts);
  });
}
