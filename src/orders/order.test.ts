import { strict as assert } from 'node:assert';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { seedLaunches } from '../launches/index.js';
import { locksOnPlacement } from '../launches/index.js';
import { CounterSums, statsFromCounters, type CounterDelta } from './launch-stats.js';
import {
  allowedActions, countedStatus, decideCancel, decideChange, decideLock, decideRefund,
  estimateWeeks, isPastLock, lockedOrder, newOrder, ORDER_STATUS_SEQUENCE, resolveConfiguration,
  scheduledOrder, sortedIds, switchTargets,
  type ChangeAspect,
  type ChangeWindow,
  type Order,
} from './order.js';

const [su7, ultra, yu7] = seedLaunches(0);
const NOW = Date.parse('2025-06-27T00:00:00Z');

function order(launch = yu7!, trim = 'max') {
  const r = resolveConfiguration(launch, { trim, options: [], city: 'beijing' });
  assert.ok(r.ok);
  return newOrder({ orderId: 'o1', accountId: 'a1', launch, config: r.value.config,
    priceFen: r.value.priceFen, nowMs: NOW, idempotencyKey: 'k', requestHash: 'h' });
}

describe('the seeded catalogue', () => {
  it('carries the reported prices, deposits and cities', () => {
    const price = (l: typeof su7, t: string) => l!.trims.find((x) => x.trim === t)!.priceFen / 100;
    const trims = ['standard', 'pro', 'max'];
    assert.deepEqual(trims.map((t) => price(su7, t)), [215900, 245900, 299900]);
    assert.deepEqual(trims.map((t) => price(yu7, t)), [253500, 279900, 329900]);
    assert.equal(price(ultra, 'ultra'), 529900);
    assert.deepEqual([su7!.depositFen, ultra!.depositFen, yu7!.depositFen],
      [500_000, 2_000_000, 500_000]);
    assert.equal(su7!.cities.filter((c) => c.openedOn === '2024-03-28').length, 29);
    assert.equal(su7!.cities.length, 39);
    assert.equal(yu7!.cities.length, 58);
    assert.equal(new Set(yu7!.cities.map((c) => c.cityId)).size, 58);
  });

  it('gives, at 240,000 locked YU7 orders, the published estimates', () => {
    // The reported mix: a quarter Standard, three tenths Pro, the rest Max.
    const locked = { standard: 60_000, pro: 72_000, max: 108_000 };
    const weeks = Object.fromEntries(Object.entries(locked).map(([t, n]) => {
      const e = estimateWeeks(yu7!.trims.find((x) => x.trim === t)!, n);
      return [t, [e.weeksMin, e.weeksMax]];
    }));
    assert.deepEqual(weeks, { standard: [57, 60], pro: [50, 53], max: [37, 40] });
  });
});

describe('configuration', () => {
  it('fills the default colour and wheels and prices the extras', () => {
    const r = resolveConfiguration(yu7!, { trim: 'pro', options: ['extras-fridge', 'wheels-21'],
      city: 'shanghai' });
    assert.ok(r.ok);
    assert.deepEqual(r.value.config.options, ['colour-pearl-white', 'extras-fridge', 'wheels-21']);
    assert.equal(r.value.priceFen, (279_900 + 3_000 + 12_000) * 100);
  });

  it('refuses two options of one group, and fills nothing when one is picked', () => {
    const two = resolveConfiguration(yu7!, { trim: 'pro', options: ['wheels-21', 'wheels-19'],
      city: 'shanghai' });
    assert.equal(!two.ok && two.code, 'option_conflict');
    const one = resolveConfiguration(yu7!, { trim: 'pro', options: ['wheels-21'],
      city: 'shanghai' });
    assert.ok(one.ok);
    assert.deepEqual(one.value.config.options, ['colour-pearl-white', 'wheels-21']);
  });

  it('sorts option ids as a sorted copy would, keeping a list already sorted as it is', () => {
    fc.assert(fc.property(fc.array(fc.string({ maxLength: 4 }), { maxLength: 6 }), (ids) => {
      const out = sortedIds(ids);
      assert.deepEqual(out, [...ids].sort());
      const isSorted = ids.every((id, i) => i === 0 || ids[i - 1]! <= id);
      assert.equal(out === ids, isSorted);
    }));
  });
});

describe('change windows', () => {
  const window = (over: Partial<ChangeWindow>): ChangeWindow => ({ windowId: 'w1',
    fromLaunchId: 'yu7-2025', toLaunchId: null, opensAtMs: NOW - 1, closesAtMs: NOW + 1,
    allows: ['trim'], closedAtMs: null, createdBy: 'op', createdAtMs: 0, ...over });
  const locked = { ...order(), status: 'locked' as const, trimSeq: 1, queuePlace: 1 };

  const table: Array<[string, ChangeWindow[], { trim?: string; city?: string }, string]> = [
    ['no window', [], { trim: 'pro' }, 'change_window_closed'],
    ['window allows the trim', [window({})], { trim: 'pro' }, 'ok'],
    ['window does not allow the city', [window({})], { city: 'wuhan' }, 'change_not_allowed'],
    ['window closed by the operator', [window({ closedAtMs: NOW - 1 })], { trim: 'pro' },
      'change_window_closed'],
    ['window not yet open', [window({ opensAtMs: NOW + 1, closesAtMs: NOW + 2 })],
      { trim: 'pro' }, 'change_window_closed'],
    ['window for another launch', [window({ fromLaunchId: 'su7-2024' })], { trim: 'pro' },
      'change_window_closed'],
  ];
  for (const [name, windows, change, expected] of table) {
    it(`a locked order: ${name}`, () => {
      const r = decideChange(locked, yu7!, yu7!, change, windows, NOW);
      assert.equal(r.ok ? 'ok' : r.code, expected);
      if (r.ok) assert.equal(r.value.requeue, true);
    });
  }

  it('lets "model" alone carry a switch to a new configuration, but not to a new city', () => {
    const switchWindow = [window({ fromLaunchId: 'su7-2024', toLaunchId: 'yu7-2025',
      allows: ['model'] })];
    const su7Locked = { ...order(su7!, 'max'), status: 'locked' as const, trimSeq: 1,
      queuePlace: 1 };
    const moved = decideChange(su7Locked, su7!, yu7!, { launchId: 'yu7-2025', trim: 'pro' },
      switchWindow, NOW);
    assert.ok(moved.ok);
    assert.deepEqual([moved.value.order.launchId, moved.value.order.trim], ['yu7-2025', 'pro']);
    const elsewhere = decideChange(su7Locked, su7!, yu7!, { launchId: 'yu7-2025', city: 'wuhan' },
      switchWindow, NOW);
    assert.equal(elsewhere.ok ? 'ok' : elsewhere.code, 'change_not_allowed');
    assert.deepEqual(switchTargets(su7Locked, switchWindow, NOW), ['yu7-2025']);
  });

  it('offers only the actions the rules allow', () => {
    assert.deepEqual(allowedActions(order(), [], NOW), ['change', 'lock', 'cancel']);
    assert.deepEqual(allowedActions(locked, [], NOW), ['cancel_with_forfeit']);
    assert.deepEqual(allowedActions(locked, [window({})], NOW), ['change', 'cancel_with_forfeit']);
    assert.deepEqual(allowedActions(locked, [window({ allows: ['model'],
      toLaunchId: 'su7-2024' })], NOW), ['cancel_with_forfeit', 'switch_model']);
  });

  it('offers a firm order past its cooling-off only what a locked one may do', () => {
    const firm = order();
    const ends = firm.coolingOffEndsAtMs;
    const table: Array<[number, string[]]> = [
      [ends - 1, ['change', 'lock', 'cancel']],
      [ends, ['cancel_with_forfeit']],
      [ends + 1, ['cancel_with_forfeit']],
    ];
    for (const [at, actions] of table) assert.deepEqual(allowedActions(firm, [], at), actions);
  });

  it('locks an order of a launch without cooling-off as it is placed', () => {
    const noCooling = { ...yu7!, coolingOffHours: 0 };
    assert.equal(locksOnPlacement(noCooling), true);
    assert.equal(locksOnPlacement(yu7!), false);
    const o = order(noCooling);
    assert.equal(o.coolingOffEndsAtMs, NOW);
    assert.deepEqual(allowedActions(o, [], NOW), ['cancel_with_forfeit']);
  });
});

/** The counter changes that take the figures from `before` (null: new order) to `after`. */
function counterDeltas(before: Order | null, after: Order): CounterDelta[] {
  const sums = new CounterSums();
  if (before) sums.addOrder(before, -1);
  sums.addOrder(after, 1);
  return sums.take();
}

describe('launch figures', () => {
  it('shows the seeds\' 1.445 billion yuan for 289,000 YU7 deposits', () => {
    const o = order(yu7!, 'standard');
    const counters = new Map<string, number>();
    for (const d of counterDeltas(null, o)) counters.set(d.key, d.delta * 289_000);
    const s = statsFromCounters('yu7-2025', counters, NOW);
    assert.equal(s.deposits_fen.held, 1_445_000_000 * 100);
    assert.equal(s.orders.firm, 289_000);
    // 289,000 x 253,500 yuan: about 73 billion yuan of potential revenue.
    assert.equal(s.potential_revenue_fen, 289_000 * 253_500 * 100);
  });

  it('moves an order between launches when its model switches', () => {
    const before = order(su7!, 'max');
    const afterSwitch = { ...before, launchId: 'yu7-2025', modelId: 'yu7' };
    const deltas = counterDeltas(before, afterSwitch);
    const su7Firm = deltas.find((d) => d.launchId === 'su7-2024' && d.key === 'orders.firm');
    const yu7Firm = deltas.find((d) => d.launchId === 'yu7-2025' && d.key === 'orders.firm');
    assert.equal(su7Firm?.delta, -1);
    assert.equal(yu7Firm?.delta, 1);
  });
});

describe('a scheduled order (a car allocated) is still locked for every rule', () => {
  const window = { windowId: 'w1', fromLaunchId: 'yu7-2025', toLaunchId: null,
    opensAtMs: NOW - 1, closesAtMs: NOW + 1, allows: ['trim', 'colour', 'city'] as ChangeAspect[],
    closedAtMs: null, createdBy: 'op', createdAtMs: 0 } satisfies ChangeWindow;
  const switchWindow = { ...window, windowId: 'w2', toLaunchId: 'su7-2024',
    allows: ['model'] as ChangeAspect[] } satisfies ChangeWindow;
  const locked = lockedOrder(order(), NOW - 10, 1, 1);
  const scheduled = scheduledOrder(locked);

  // One row per rule: what a locked order gets, and what the same order scheduled gets.
  const table: Array<[string, (o: Order) => string]> = [
    ['lock again', (o) => { const r = decideLock(o, true); return r.ok ? 'ok' : r.code; }],
    ['cancel without accepting the forfeit',
      (o) => { const r = decideCancel(o, false, NOW); return r.ok ? 'ok' : r.code; }],
    ['cancel accepting it', (o) => {
      const r = decideCancel(o, true, NOW);
      return r.ok ? r.value.depositState : r.code;
    }],
    ['refund by an operator',
      (o) => { const r = decideRefund(o, NOW); return r.ok ? 'ok' : r.code; }],
    ['counted in the figures as', (o) => countedStatus(o.status)],
    ['past the lock', (o) => String(isPastLock(o.status))],
  ];
  const expected: Record<string, [string, string]> = {
    'lock again': ['order_already_locked', 'order_already_locked'],
    'cancel without accepting the forfeit': ['forfeit_not_accepted', 'forfeit_not_accepted'],
    'cancel accepting it': ['forfeited', 'forfeited'],
    'refund by an operator': ['order_not_firm', 'order_not_firm'],
    'counted in the figures as': ['locked', 'locked'],
    'past the lock': ['true', 'true'],
  };
  for (const [what, rule] of table) {
    it(what, () => assert.deepEqual([rule(locked), rule(scheduled)], expected[what]));
  }

  it('its configuration can no longer change, nor its model switch: only a forfeit is offered',
    () => {
      const change = decideChange(scheduled, yu7!, yu7!, { trim: 'pro' }, [window], NOW);
      assert.equal(change.ok ? 'ok' : change.code, 'change_not_allowed');
      assert.equal(decideChange(locked, yu7!, yu7!, { trim: 'pro' }, [window], NOW).ok, true);
      assert.deepEqual(allowedActions(scheduled, [window, switchWindow], NOW),
        ['cancel_with_forfeit']);
      assert.deepEqual(switchTargets(scheduled, [switchWindow], NOW), []);
      assert.deepEqual(allowedActions(locked, [window, switchWindow], NOW),
        ['change', 'cancel_with_forfeit', 'switch_model']);
    });

  it('only a locked order can be scheduled, and scheduling moves no figure', () => {
    assert.throws(() => scheduledOrder(order()), /not locked/);
    assert.throws(() => scheduledOrder(scheduled), /not locked/);
    assert.equal(scheduled.version, locked.version + 1);
    const sums = new CounterSums();
    sums.addOrder(locked, -1);
    sums.addOrder(scheduled, 1);
    assert.deepEqual(sums.take(), []);
  });

  it('the statuses run in one documented sequence, each after the lock past it', () => {
    assert.deepEqual(ORDER_STATUS_SEQUENCE, ['firm', 'locked', 'scheduled']);
    assert.deepEqual(ORDER_STATUS_SEQUENCE.map(isPastLock), [false, true, true]);
  });
});
