// The chart's weeks against the buyers' estimates: every locked order is counted in the week its
// estimate builds it in (stored, or appended as "if you lock now"), no week holds more than its
// capacity, nothing is lost, and a week before an order locked builds none of it.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import {
  appendAfter, buildWeek, estimateQueue, trimTails, type QueuedOrder,
} from './estimates.js';
import { beijingDate, weekOf, weekStartMs, weekOfDate, type PlanVersion } from './plan.js';
import { planWeeks } from './plan-weeks.js';

const rates = [{ fromDate: '2024-04-03', unitsPerWeek: 2 }, { fromDate: '2024-04-15',
  unitsPerWeek: 0 }, { fromDate: '2024-04-22', unitsPerWeek: 3 }];
const appendedOnly = (count: number) => ({ stored: [], appended: { after: 0, count } });

test('a ramp with a pause: capacity per week and the locked orders it builds then', () => {
  const w0 = weekOfDate('2024-04-03');
  const r = planWeeks(rates, appendedOnly(7), w0, 100);
  assert.deepEqual(r.weeks.slice(0, 5).map((w) => [w.week - w0, w.capacity, w.locked]),
    [[0, 2, 2], [1, 2, 2], [2, 0, 0], [3, 3, 3], [4, 3, 0]]);
  // Four weeks after both the last rate's week and the seventh order's build week (week 3).
  assert.equal(r.weeks.length, 8);
  assert.equal(r.beyond, 0);
});

test('a plan begun weeks ago with nothing locked reaches 4 weeks past this week (it stopped 4 '
  + 'weeks past its last rate, short of today: a new user\'s finding)', () => {
  const w0 = weekOfDate('2024-04-03');
  const r = planWeeks(rates, appendedOnly(0), w0 + 20, 100);
  assert.equal(r.weeks[r.weeks.length - 1]!.week, w0 + 24);
  assert.equal(planWeeks(rates, appendedOnly(0), w0, 100).weeks.length, 8);
});

test('at most weeksMax weeks; the orders built later are counted as beyond', () => {
  const r = planWeeks(rates, appendedOnly(20), weekOfDate('2024-04-03'), 3);
  assert.equal(r.weeks.length, 3);
  assert.equal(r.beyond, 20 - 4);
});

test('a week before the orders locked builds none of them: the chart filled the plan\'s first '
  + 'weeks with orders locked weeks later', () => {
  const w0 = weekOfDate('2024-04-03');
  // Two orders stored as built in week 3 (they locked then), one locked since, in week 4.
  const tail = trimTails([['su7', 'std', w0 + 3, 2, 2]]).get('su7/std');
  const after = appendAfter(rates, tail, weekStartMs(w0 + 4));
  const r = planWeeks(rates, { stored: [[w0 + 3, 2]], appended: { after, count: 1 } }, w0 + 4,
    100);
  assert.deepEqual(r.weeks.slice(0, 6).map((w) => [w.week - w0, w.capacity, w.locked]),
    [[0, 2, 0], [1, 2, 0], [2, 0, 0], [3, 3, 2], [4, 3, 1], [5, 3, 0]]);
  assert.equal(r.beyond, 0);
});

test('every locked order is in the week its estimate builds it in', () => {
  const rate = fc.record({ gap: fc.integer({ min: 1, max: 6 }), units: fc.integer({ min: 0,
    max: 5 }) });
  const when = fc.array(fc.integer({ min: 0, max: 5 * 86_400_000 }), { maxLength: 40 });
  fc.assert(fc.property(fc.array(rate, { minLength: 1, maxLength: 5 }),
    fc.integer({ min: 1, max: 5 }), when, fc.integer({ min: 0, max: 6 }),
    fc.integer({ min: 1, max: 40 }), (raw, lastUnits, gaps, since, weeksMax) => {
      let week = weekOfDate('2025-01-06');
      const plan = [...raw, { gap: 1, units: lastUnits }].map((x) => {
        week += x.gap;
        return { fromDate: beijingDate(weekStartMs(week)), unitsPerWeek: x.units };
      });
      const version: PlanVersion = { launchId: 'su7', trim: 'std', version: 1, rates: plan,
        createdBy: 'op', createdAtMs: 0, reason: 'test' };
      let atMs = weekStartMs(weekOfDate('2025-01-06'));
      const queue: QueuedOrder[] = gaps.map((g, i) => ({ orderId: `o${i}`, accountId: 'a',
        launchId: 'su7', trim: 'std', city: 'x', trimSeq: i + 1, queuedAtMs: atMs += g }));
      const stored = [...estimateQueue({ plans: new Map([['su7/std', version]]),
        centres: new Map() }, queue.slice(0, Math.max(0, queue.length - since))).values()];
      const byWeek = new Map<number, number>();
      for (const e of stored) byWeek.set(e.buildWeek, (byWeek.get(e.buildWeek) ?? 0) + 1);
      const rows = [...byWeek].map(([w, n]) => ['su7', 'std', w, n, 0] as const);
      const tail = trimTails(rows).get('su7/std');
      const count = queue.length - stored.length;
      const after = appendAfter(plan, tail, atMs);
      const r = planWeeks(plan, { stored: [...byWeek], appended: { after, count } },
        weekOf(atMs), weeksMax);
      assert.ok(r.weeks.length <= weeksMax);
      const expected = new Map(byWeek);
      for (let k = 1; k <= count; k++) {
        const b = buildWeek(plan, after + k);
        if (b !== null) expected.set(b, (expected.get(b) ?? 0) + 1);
      }
      let shown = 0;
      for (const w of r.weeks) {
        assert.ok(w.locked <= w.capacity, `week ${w.week}: ${w.locked} of ${w.capacity}`);
        assert.equal(w.locked, expected.get(w.week) ?? 0);
        shown += w.locked;
      }
      assert.equal(shown + r.beyond, queue.length);
      // Consecutive weeks from the plan's first.
      r.weeks.forEach((w, i) => assert.equal(w.week, weekOfDate(plan[0]!.fromDate) + i));
    }), { numRuns: 300 });
});
