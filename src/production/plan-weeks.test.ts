// The chart's weeks against the buyers' estimates: every locked position is counted in the
// week `buildWeek` gives it, no week holds more than its capacity, and nothing is lost.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { buildWeek } from './estimates.js';
import { beijingDate, weekStartMs, weekOfDate } from './plan.js';
import { planWeeks } from './plan-weeks.js';

const rates = [{ fromDate: '2024-04-03', unitsPerWeek: 2 }, { fromDate: '2024-04-15',
  unitsPerWeek: 0 }, { fromDate: '2024-04-22', unitsPerWeek: 3 }];

test('a ramp with a pause: capacity per week and the locked orders it builds then', () => {
  const w0 = weekOfDate('2024-04-03');
  const r = planWeeks(rates, 7, 100);
  assert.deepEqual(r.weeks.slice(0, 5).map((w) => [w.week - w0, w.capacity, w.locked]),
    [[0, 2, 2], [1, 2, 2], [2, 0, 0], [3, 3, 3], [4, 3, 0]]);
  // Four weeks after both the last rate's week and the seventh order's build week (week 3).
  assert.equal(r.weeks.length, 8);
  assert.equal(r.beyond, 0);
});

test('at most weeksMax weeks; the orders built later are counted as beyond', () => {
  const r = planWeeks(rates, 20, 3);
  assert.equal(r.weeks.length, 3);
  assert.equal(r.beyond, 20 - 4);
});

test('every locked position is in the week buildWeek gives it', () => {
  const rate = fc.record({ gap: fc.integer({ min: 1, max: 6 }), units: fc.integer({ min: 0,
    max: 5 }) });
  fc.assert(fc.property(fc.array(rate, { minLength: 1, maxLength: 5 }),
    fc.integer({ min: 1, max: 5 }), fc.integer({ min: 0, max: 60 }),
    fc.integer({ min: 1, max: 40 }), (raw, lastUnits, locked, weeksMax) => {
      let week = weekOfDate('2025-01-06');
      const plan = [...raw, { gap: 1, units: lastUnits }].map((x) => {
        week += x.gap;
        return { fromDate: beijingDate(weekStartMs(week)), unitsPerWeek: x.units };
      });
      const r = planWeeks(plan, locked, weeksMax);
      assert.ok(r.weeks.length <= weeksMax);
      let shown = 0;
      for (const w of r.weeks) {
        assert.ok(w.locked <= w.capacity);
        shown += w.locked;
      }
      assert.equal(shown + r.beyond, locked);
      const byWeek = new Map<number, number>();
      for (let p = 1; p <= locked; p++) {
        const b = buildWeek(plan, p)!;
        byWeek.set(b, (byWeek.get(b) ?? 0) + 1);
      }
      for (const w of r.weeks) assert.equal(w.locked, byWeek.get(w.week) ?? 0);
      // Consecutive weeks from the plan's first.
      r.weeks.forEach((w, i) => assert.equal(w.week, weekOfDate(plan[0]!.fromDate) + i));
    }), { numRuns: 300 });
});
