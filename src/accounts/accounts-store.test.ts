// revocationsAnswer: both adapters' one rule for what a process polling the revocation count is
// told (sessions.ts forgets the sessions named, or every one when they may be gone).
import { strict as assert } from 'node:assert';
import { test } from 'node:test';
import { REVOKED_TOKENS_KEPT, revocationsAnswer } from './accounts-store.js';

test('revocationsAnswer: nothing when unmoved, the hashes when kept, null if maybe dropped', () => {
  let asked: Array<[number, number]> = [];
  const reader = (after: number, upTo: number): string[] => {
    asked.push([after, upTo]);
    return ['h'];
  };
  const table: Array<[number, number, string[] | null, Array<[number, number]>]> = [
    [0, 0, [], []],
    [5, 5, [], []],
    [5, 7, [], []], // a count behind what this process knows (its own revocation) asks nothing
    [7, 5, ['h'], [[5, 7]]],
    [REVOKED_TOKENS_KEPT + 5, 5, ['h'], [[5, REVOKED_TOKENS_KEPT + 5]]],
    [REVOKED_TOKENS_KEPT + 6, 5, null, []],
  ];
  for (const [count, after, hashes, reads] of table) {
    asked = [];
    assert.deepEqual(revocationsAnswer(count, after, reader), { count, tokenHashes: hashes },
      `count ${count} after ${after}`);
    assert.deepEqual(asked, reads);
  }
});
