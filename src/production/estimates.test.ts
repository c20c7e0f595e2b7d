import { strict as assert } from 'node:assert';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import {
  buildWeek, capacityThrough, centreLoads, estimateAppended, estimateQueue, servingCentre,
  trimTails, weeksFromNow, windowOf, type OrderEstimate, type PlanningState, type QueuedOrder,
} from './estimates.js';
import {
  beijingDate, beijingDateMs, weekOf, weekOfDate, weekStartMs, type CentreVersion,
  type PlanVersion,
} from './plan.js';
import { changeRow, replan } from './replan.js';
import { pack, UnpackedReplan } from './replan-packing.js';

const plan = (trim: string, rates: Array<[string, number]>, version = 1): PlanVersion => ({
  launchId: 'su7', trim, version, rates: rates.map(([fromDate, unitsPerWeek]) =>
    ({ fromDate, unitsPerWeek })), createdBy: 'op', createdAtMs: 0, reason: 'test' });
const centre = (cityId: string, handoversPerWeek: number, opensOn: string,
  servedBy: string | null = null): CentreVersion => ({ cityId, version: 1, handoversPerWeek,
  opensOn, servedBy, createdBy: 'op', createdAtMs: 0, reason: 'test' });
const order = (i: number, trim: string, city: string, trimSeq = i): QueuedOrder => ({
  orderId: `ord_${String(i).padStart(4, '0')}`, accountId: `acc_${i}`, launchId: 'su7', trim,
  city, trimSeq, queuedAtMs: i * 1000 });
const state = (plans: PlanVersion[], centres: CentreVersion[] = []): PlanningState => ({
  plans: new Map(plans.map((p) => [`${p.launchId}/${p.trim}`, p])),
  centres: new Map(centres.map((c) => [c.cityId, c])) });

describe('the week grid', () => {
  it('weeks run Monday to Sunday in Beijing from 1 January 2024', () => {
    assert.equal(weekOf(beijingDateMs('2024-01-01')!), 0);
    assert.equal(weekOf(beijingDateMs('2024-01-07')!), 0);
    assert.equal(weekOf(beijingDateMs('2024-01-08')!), 1);
    assert.equal(weekOfDate('2024-04-03'), 13); // a Wednesday: the week of Monday 1 April
    assert.equal(weekOfDate('2023-12-31'), -1);
    assert.equal(beijingDate(weekStartMs(13)), '2024-04-01');
    assert.equal(beijingDateMs('2024-02-30'), null);
    assert.equal(beijingDateMs('2024-4-1'), null);
  });

  it('a window is the handover week and the week after, Monday to Sunday', () => {
    assert.deepEqual(windowOf(13), { from: '2024-04-01', to: '2024-04-14' });
  });

  it('weeks from now count whole weeks to the window, never below 0', () => {
    const now = beijingDateMs('2024-03-28')!; // a Thursday
    assert.deepEqual(weeksFromNow(13, now), { weeksMin: 1, weeksMax: 3 });
    assert.deepEqual(weeksFromNow(10, now), { weeksMin: 0, weeksMax: 0 });
  });
});

describe('buildWeek', () => {
  const rates = plan('std', [['2024-04-03', 1000], ['2024-06-01', 2000]]).rates;
  it('counts each rate from the week holding its date, the last one for ever', () => {
    assert.equal(buildWeek(rates, 1), 13);
    assert.equal(buildWeek(rates, 1000), 13);
    assert.equal(buildWeek(rates, 1001), 14);
    // 1 April to 26 May: 8 weeks at 1,000; from the week of 1 June (27 May) 2,000 a week.
    assert.equal(buildWeek(rates, 8000), 20);
    assert.equal(buildWeek(rates, 8001), 21);
    assert.equal(buildWeek(rates, 10_000), 21);
    assert.equal(buildWeek(rates, 10_001), 22);
  });

  it('a pause builds nothing, and a plan that ends at 0 never builds the rest', () => {
    const paused = plan('std', [['2024-01-01', 2], ['2024-01-08', 0], ['2024-01-22', 1]]).rates;
    assert.deepEqual([1, 2, 3, 4].map((p) => buildWeek(paused, p)), [0, 0, 3, 4]);
    const ends = plan('std', [['2024-01-01', 2], ['2024-01-08', 0]]).rates;
    assert.equal(buildWeek(ends, 3), null);
  });
});

describe('servingCentre', () => {
  const centres = new Map([['beijing', centre('beijing', 10, '2024-01-01')],
    ['tianjin', centre('tianjin', 5, '2024-03-04', 'beijing')],
    ['langfang', centre('langfang', 5, '2024-03-04', 'tianjin')]]);
  it('its own once open, the named one until then, else its own from its opening', () => {
    assert.deepEqual(servingCentre(centres, 'tianjin', 9), { centre: 'tianjin', week: 9 });
    assert.deepEqual(servingCentre(centres, 'tianjin', 8), { centre: 'beijing', week: 8 });
    assert.deepEqual(servingCentre(centres, 'langfang', 8), { centre: 'langfang', week: 9 });
    assert.deepEqual(servingCentre(centres, 'wuhan', 8), { centre: null, week: 8 });
  });
});

describe('estimateQueue', () => {
  it('hands over at most the centre\'s weekly capacity, first come first served', () => {
    const s = state([plan('std', [['2024-01-01', 10]])], [centre('beijing', 2, '2024-01-01')]);
    const q = [order(1, 'std', 'beijing'), order(2, 'std', 'beijing'),
      order(3, 'std', 'beijing'), order(4, 'std', 'wuhan')];
    const e = estimateQueue(s, q);
    assert.deepEqual([...e.values()].map((x) => [x.orderId, x.buildWeek, x.handoverWeek])
      .sort(), [['ord_0001', 0, 1], ['ord_0002', 0, 1], ['ord_0003', 0, 2],
      ['ord_0004', 0, 1]]);
  });

  it('builds no car before the week its order was queued in: a plan begun weeks before gave '
    + 'an order locked today a build week in the past', () => {
    // 2 a week from week 0. Orders queued in weeks 0, 0, 5, 5, 5, 5 and 9, a week from the line.
    const s = state([plan('std', [['2024-01-01', 2]])]);
    const weeks = [0, 0, 5, 5, 5, 5, 9];
    const q = weeks.map((w, i) => ({ ...order(i + 1, 'std', 'wuhan'),
      queuedAtMs: weekStartMs(w) + 3_600_000 * (i + 1) }));
    const e = estimateQueue(s, q);
    // Before: 0, 0, 1, 1, 2, 2, 3 (slots 1 to 7 from week 0).
    assert.deepEqual(q.map((o) => [e.get(o.orderId)!.position, e.get(o.orderId)!.buildWeek,
      e.get(o.orderId)!.handoverWeek]), [[1, 0, 1], [2, 0, 1], [3, 5, 6], [4, 5, 6],
      [5, 6, 7], [6, 6, 7], [7, 9, 10]]);
    // "If you lock now" in week 9 behind them, and in week 12 (the plan's units of weeks 10
    // and 11 were never this order's).
    const tails = trimTails([['su7', 'std', 0, 2, 2], ['su7', 'std', 5, 2, 4],
      ['su7', 'std', 6, 2, 6], ['su7', 'std', 9, 1, 7]]);
    assert.deepEqual(tails.get('su7/std'), { orders: 7, lastBuildWeek: 9, inLastWeek: 1,
      lastSeq: 7 });
    const now = (w: number) => estimateAppended(s, new Map(), tails, 'su7', 'std', 'wuhan', 8,
      weekStartMs(w))?.buildWeek;
    assert.deepEqual([now(9), now(12)], [9, 12]);
    // Two queued since the tails were read: counted as if queued in this one's week.
    assert.equal(estimateAppended(s, new Map(), tails, 'su7', 'std', 'wuhan', 10,
      weekStartMs(9))?.buildWeek, 10);
    assert.deepEqual([capacityThrough(s.plans.get('su7/std')!.rates, -1),
      capacityThrough(s.plans.get('su7/std')!.rates, 4)], [0, 10]);
  });

  it('leaves out orders of trims without a plan (they keep the weekly-capacity estimate)', () => {
    const e = estimateQueue(state([plan('std', [['2024-01-01', 10]])]),
      [order(1, 'max', 'beijing')]);
    assert.equal(e.size, 0);
  });
});

// ---------- properties ----------

const CITIES = ['a', 'b', 'c', 'd']; // d never has a centre
const date = (week: number, day: number): string => beijingDate(weekStartMs(week) + day * 86_400_000);

const ratesArb = fc.array(fc.tuple(fc.integer({ min: 1, max: 4 }), fc.integer({ min: 0, max: 6 }),
  fc.integer({ min: 0, max: 6 })), { minLength: 1, maxLength: 4 })
  .map((steps) => {
    let week = 0;
    return steps.map(([gap, units, day], i) => {
      week += i === 0 ? 0 : gap;
      return [date(week, i === 0 ? day : 0), i === steps.length - 1 ? units + 1 : units] as
        [string, number];
    });
  });

const stateArb = fc.record({
  std: ratesArb, max: fc.option(ratesArb, { nil: undefined }),
  centres: fc.array(fc.record({ city: fc.constantFrom('a', 'b', 'c'),
    perWeek: fc.integer({ min: 1, max: 3 }), opens: fc.integer({ min: 0, max: 8 }),
    by: fc.option(fc.constantFrom('a', 'b', 'c'), { nil: null }) }), { maxLength: 3 }),
}).map((g) => state([plan('std', g.std), ...(g.max ? [plan('max', g.max)] : [])],
  g.centres.map((c) => centre(c.city, c.perWeek, date(c.opens, 0),
    c.by === c.city ? null : c.by))));

/**
 * A queue in lock order: trimSeq and queuedAtMs grow together within a trim; some left. Orders
 * are queued from two weeks before the plans' first weeks on, up to about four days apart, so
 * many are queued after the units their place would have had were built.
 */
const queueArb = fc.array(fc.record({ trim: fc.constantFrom('std', 'max'),
  city: fc.constantFrom(...CITIES), gone: fc.boolean(),
  gapMs: fc.integer({ min: 0, max: 4 * 86_400_000 }) }), { maxLength: 40 })
  .map((rows) => {
    const seq = new Map<string, number>();
    const q: QueuedOrder[] = [];
    let atMs = weekStartMs(-2);
    rows.forEach((r, i) => {
      const s = (seq.get(r.trim) ?? 0) + 1;
      seq.set(r.trim, s);
      atMs += r.gapMs;
      if (!r.gone) q.push({ ...order(i, r.trim, r.city, s), queuedAtMs: atMs });
    });
    return q;
  });

/** The tails of a set of estimates, as the store's trimBuildWeeks rows give them. */
const tailsOf = (estimates: Iterable<OrderEstimate>) => {
  const n = new Map<string, [number, number]>();
  for (const e of estimates) {
    const k = `${e.launchId}\u0000${e.trim}\u0000${e.buildWeek}`;
    const [c, seq] = n.get(k) ?? [0, 0];
    n.set(k, [c + 1, Math.max(seq, e.trimSeq)]);
  }
  return trimTails([...n].map(([k, [c, seq]]) => {
    const [l, t, w] = k.split('\u0000');
    return [l!, t!, Number(w), c, seq] as const;
  }));
};

const asObject = (m: ReadonlyMap<string, OrderEstimate>) =>
  Object.fromEntries([...m].sort(([a], [b]) => (a < b ? -1 : 1)));

describe('estimate properties', () => {
  it('are a function of plan, centres and queue: not of the queue\'s order', () => {
    fc.assert(fc.property(stateArb, queueArb, fc.integer(), (s, q, seed) => {
      const shuffled = [...q].sort((x, y) => ((x.trimSeq * 7919 + seed) % 13)
        - ((y.trimSeq * 7919 + seed) % 13));
      assert.deepEqual(asObject(estimateQueue(s, shuffled)), asObject(estimateQueue(s, q)));
    }), { numRuns: 200 });
  });

  it('the same plan and queue give the same stored estimates whatever the history', () => {
    const step = fc.record({ s: stateArb, q: queueArb });
    fc.assert(fc.property(fc.array(step, { minLength: 1, maxLength: 5 }), (history) => {
      let stored = new Map<string, OrderEstimate>();
      for (const { s, q } of history) {
        const r = replan(s, q, stored.values());
        const next = new Map(stored);
        for (const id of r.remove) next.delete(id);
        for (const e of r.write) next.set(e.orderId, e);
        // Moved exactly when the handover week changed: no message without a move, nor a move
        // without one.
        const moved = new Set(r.moved.map((m) => m.after.orderId));
        for (const [id, e] of r.estimates) {
          const before = stored.get(id);
          assert.equal(moved.has(id), before !== undefined && before.handoverWeek
            !== e.handoverWeek);
        }
        stored = next;
      }
      const last = history[history.length - 1]!;
      assert.deepEqual(asObject(stored), asObject(estimateQueue(last.s, last.q)));
    }), { numRuns: 150 });
  });

  it('packed for the thread and written in slices of any size, a re-plan stores and tells '
    + 'what it does in one pass', () => {
    const step = fc.record({ s: stateArb, q: queueArb, slice: fc.integer({ min: 1, max: 7 }) });
    fc.assert(fc.property(fc.array(step, { minLength: 1, maxLength: 4 }), (history) => {
      let stored = new Map<string, OrderEstimate>();
      for (const { s, q, slice } of history) {
        const r = replan(s, q, stored.values());
        const u = new UnpackedReplan(pack(r));
        const next = new Map(stored);
        for (const id of u.remove) next.delete(id);
        const told: unknown[] = [];
        for (let from = 0; from < u.size; from += slice) {
          const part = u.slice(from, Math.min(u.size, from + slice));
          for (const e of part.write) next.set(e.orderId, e);
          told.push(...part.moved.map((m) => changeRow(m, 'rpl', 0)));
        }
        assert.deepEqual(u.remove, [...r.remove]);
        assert.equal(u.size, r.write.length);
        // The change rows, in the order the one-pass re-plan lists them (its message order).
        assert.deepEqual(told, r.moved.map((m) => changeRow(m, 'rpl', 0)));
        const direct = new Map(stored);
        for (const id of r.remove) direct.delete(id);
        for (const e of r.write) direct.set(e.orderId, e);
        assert.deepEqual(asObject(next), asObject(direct));
        stored = next;
      }
    }), { numRuns: 150 });
  });

  it('are monotone in queue order: within a trim the build week, and at one centre the '
    + 'handover week, never go down as the sequence goes up', () => {
    fc.assert(fc.property(stateArb, queueArb, (s, q) => {
      const e = [...estimateQueue(s, q).values()];
      for (const a of e) {
        for (const b of e) {
          if (a.trim !== b.trim) continue;
          const qa = q.find((o) => o.orderId === a.orderId)!;
          const qb = q.find((o) => o.orderId === b.orderId)!;
          if (qa.trimSeq >= qb.trimSeq) continue;
          assert.ok(a.buildWeek <= b.buildWeek);
          if (a.centre === b.centre) assert.ok(a.handoverWeek <= b.handoverWeek);
        }
      }
    }), { numRuns: 200 });
  });

  it('"if you lock now" is what the queue with the order appended gives it', () => {
    fc.assert(fc.property(stateArb, queueArb, fc.constantFrom('std', 'max'),
      fc.constantFrom(...CITIES), fc.integer({ min: 0, max: 20 * 7 * 86_400_000 }),
      (s, q, trim, city, laterMs) => {
        const before = estimateQueue(s, q);
        const inTrim = q.filter((o) => o.trim === trim);
        const queuedAtMs = Math.max(weekStartMs(-2), ...q.map((o) => o.queuedAtMs)) + laterMs;
        const next: QueuedOrder = { ...order(9999, trim, city,
          Math.max(0, ...inTrim.map((o) => o.trimSeq)) + 1), queuedAtMs };
        const full = estimateQueue(s, [...q, next]).get(next.orderId);
        const appended = estimateAppended(s, centreLoads(before.values()),
          tailsOf(before.values()), 'su7', trim, city, inTrim.length + 1, queuedAtMs);
        if (full === undefined) assert.equal(appended, null);
        else {
          assert.equal(appended?.buildWeek, full.buildWeek);
          assert.equal(appended?.handoverWeek, full.handoverWeek);
        }
      }), { numRuns: 300 });
  });

  it('"if you lock now" with orders queued since the estimates were read is never earlier '
    + 'than the queue with them all gives it', () => {
    fc.assert(fc.property(stateArb, queueArb, fc.integer({ min: 1, max: 6 }),
      fc.integer({ min: 0, max: 3 * 86_400_000 }), (s, q, since, spreadMs) => {
        const trim = 'std';
        const known = q.slice(0, Math.max(0, q.length - since));
        const before = estimateQueue(s, known);
        const inTrim = q.filter((o) => o.trim === trim);
        const queuedAtMs = Math.max(weekStartMs(-2), ...q.map((o) => o.queuedAtMs)) + spreadMs;
        const next: QueuedOrder = { ...order(9999, trim, 'd',
          Math.max(0, ...inTrim.map((o) => o.trimSeq)) + 1), queuedAtMs };
        const full = estimateQueue(s, [...q, next]).get(next.orderId);
        const appended = estimateAppended(s, new Map(), tailsOf(before.values()), 'su7', trim,
          'd', inTrim.length + 1, queuedAtMs);
        if (full === undefined) return;
        assert.ok(appended !== null && appended.buildWeek >= full.buildWeek,
          `${appended?.buildWeek} before ${full.buildWeek}`);
      }), { numRuns: 300 });
  });

  it('build no car before the week its order was queued in, nor more in a week than the '
    + 'plan\'s units of that week', () => {
    fc.assert(fc.property(stateArb, queueArb, (s, q) => {
      const built = new Map<string, number>();
      for (const e of estimateQueue(s, q).values()) {
        const o = q.find((x) => x.orderId === e.orderId)!;
        assert.ok(e.buildWeek >= weekOf(o.queuedAtMs), `${e.orderId} built before queued`);
        const k = `${e.trim}/${e.buildWeek}`;
        built.set(k, (built.get(k) ?? 0) + 1);
      }
      for (const [k, n] of built) {
        const [trim, w] = k.split('/');
        const rates = s.plans.get(`su7/${trim}`)!.rates;
        const units = capacityThrough(rates, Number(w)) - capacityThrough(rates, Number(w) - 1);
        assert.ok(n <= units, `${n} built in week ${w} of ${trim}, the plan builds ${units}`);
      }
    }), { numRuns: 300 });
  });
});
