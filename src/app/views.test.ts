import { strict as assert } from 'node:assert';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { iso } from './views.js';

describe('iso', () => {
  it('formats every time as toISOString does, however often a time repeats', () => {
    // Drawn from a few times so that the remembered ones are hit, missed and replaced.
    const times = fc.constantFrom(0, 1_750_946_400_000, 1_750_946_400_001, 1_751_551_200_000,
      8.64e15, -1);
    fc.assert(fc.property(fc.array(fc.oneof(times, fc.constant(null)), { maxLength: 50 }),
      (seq) => {
        for (const ms of seq) {
          assert.equal(iso(ms), ms === null ? null : new Date(ms).toISOString());
        }
      }));
  });
});
