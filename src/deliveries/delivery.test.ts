import { strict as assert } from 'node:assert';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { defaultLimits } from '../kernel/config.js';
import {
  applySweep, bookableSlots, chargedFen, checkPart, credited, DAY_MS, isBookableSlot, markedReady,
  openFen, outstandingFen, settlePart, sweepAction, withSweep, type BalancePart, type Delivery,
  type PartOutcome,
} from './delivery.js';
import { sampleDelivery } from './deliveries-store.contract.js';

const T0 = Date.parse('2025-09-01T02:00:00Z'); // 10:00 in Beijing.
const rules = defaultLimits;

const newPart = (n: number, d: Delivery, amountFen: number): BalancePart => ({
  partId: `bpt_${n}`, orderId: d.orderId, reference: `bal_${n}`, method: 'card', amountFen,
  status: 'pending', requestedAtMs: T0, settledAtMs: null, refundedFen: 0, refundedAtMs: null,
  idempotencyKey: `k${n}` });

/** A part asked for as the service asks it: checked, then counted as pending. */
function ask(d: Delivery, parts: BalancePart[], amountFen: number): Delivery {
  const live = parts.filter((p) => p.status !== 'failed').length;
  if (checkPart(d, amountFen, live, rules) !== 'ok') return d;
  parts.push(newPart(parts.length + 1, d, amountFen));
  return { ...d, pendingFen: d.pendingFen + amountFen };
}

describe('the balance: every fen accounted', () => {
  it('deposit + parts received - refunds is what was charged, never above the price; once '
    + 'everything settles and the rest is paid, it is the price (property)', () => {
    const command = fc.oneof(
      fc.record({ kind: fc.constant('ask' as const), share: fc.double({ min: 0, max: 1,
        noNaN: true }) }),
      fc.record({ kind: fc.constant('word' as const), index: fc.nat(),
        outcome: fc.constantFrom<PartOutcome>('succeeded', 'failed') }));
    fc.assert(fc.property(fc.integer({ min: 3_000_000, max: 100_000_000 }),
      fc.integer({ min: 0, max: 2_000_000 }), fc.array(command, { maxLength: 40 }),
      (priceFen, depositFen, commands) => {
        let d = markedReady(sampleDelivery(1, { priceFen, depositFen }), T0, rules);
        const parts: BalancePart[] = [];
        let ledger = 0; // received - refunded, as the money events tell it.
        const check = () => {
          const sum = (f: (p: BalancePart) => number) => parts.reduce((s, p) => s + f(p), 0);
          assert.equal(d.receivedFen, sum((p) => (p.status === 'received' ? p.amountFen : 0)));
          assert.equal(d.pendingFen, sum((p) => (p.status === 'pending' ? p.amountFen : 0)));
          assert.equal(d.refundedFen, sum((p) => p.refundedFen));
          assert.equal(ledger, d.receivedFen - d.refundedFen);
          assert.equal(chargedFen(d), depositFen + ledger);
          assert.ok(chargedFen(d) <= priceFen, 'never more than the price is kept');
          assert.ok(d.pendingFen >= 0 && openFen(d) >= 0 || d.pendingFen > 0);
        };
        const word = (i: number, outcome: PartOutcome) => {
          const s = settlePart(d, parts[i]!, outcome, T0 + 1, rules);
          d = s.delivery;
          parts[i] = s.part;
          ledger += s.receivedFen - s.refundFen;
          check();
        };
        for (const c of commands) {
          if (c.kind === 'ask') {
            d = ask(d, parts, Math.max(1, Math.floor(openFen(d) * c.share)));
            check();
          } else if (parts.length > 0) {
            // Any part, any word, any order: late, twice, a success after a failure.
            word(c.index % parts.length, c.outcome);
          }
        }
        // Every part still under way is confirmed; then the rest is paid in one part.
        parts.forEach((p, i) => p.status === 'pending' && word(i, 'succeeded'));
        if (outstandingFen(d) > 0) {
          d = ask(d, parts, outstandingFen(d));
          word(parts.length - 1, 'succeeded');
        }
        assert.equal(chargedFen(d), priceFen, 'deposit + balance parts - refunds = price');
      }), { seed: 16, numRuns: 300 });
  });

  it('a success after a failure counts; money beyond the balance goes back whole', () => {
    let d = markedReady(sampleDelivery(1, { priceFen: 1_000_000, depositFen: 0 }), T0, rules);
    const a = newPart(1, d, 600_000);
    const b = newPart(2, d, 400_000);
    d = { ...d, pendingFen: 1_000_000 };
    let s = settlePart(d, a, 'failed', T0, rules);
    assert.equal(s.delivery.pendingFen, 400_000);
    const c = newPart(3, d, 600_000); // The buyer pays it again.
    s = settlePart({ ...s.delivery, pendingFen: 1_000_000 }, c, 'succeeded', T0, rules);
    s = settlePart(s.delivery, b, 'succeeded', T0, rules);
    assert.equal(outstandingFen(s.delivery), 0);
    // The provider took the first after all: it is returned whole.
    const late = settlePart(s.delivery, { ...a, status: 'failed' }, 'succeeded', T0, rules);
    assert.equal(late.refundFen, 600_000);
    assert.equal(late.anomaly, 'collection_after_close');
    assert.equal(chargedFen(late.delivery), 1_000_000);
    // A failure reported after the success changes nothing.
    const stale = settlePart(late.delivery, late.part, 'failed', T0, rules);
    assert.equal(stale.delivery, late.delivery);
    assert.equal(stale.anomaly, 'collection_failed_after_success');
  });

  it('a part a credit made partly surplus returns exactly the surplus, and the balance is '
    + 'paid', () => {
    // The whole balance asked in one part; a price credit lowers the balance while it is
    // pending; the provider then confirms the part.
    let d = markedReady(sampleDelivery(1, { priceFen: 1_500_000, depositFen: 500_000 }), T0,
      rules);
    const p = newPart(1, d, 1_000_000);
    d = { ...d, pendingFen: 1_000_000 };
    const c = credited(d, [p], 300_000, T0 + 1, rules);
    assert.deepEqual([c.delivery.priceFen, c.refunds.length], [1_200_000, 0]);
    const s = settlePart(c.delivery, p, 'succeeded', T0 + 2, rules);
    assert.equal(s.refundFen, 300_000, 'the surplus, not the whole part');
    assert.equal(s.part.refundedFen, 300_000);
    assert.equal(outstandingFen(s.delivery), 0, 'still paid in full');
    assert.equal(chargedFen(s.delivery), 1_200_000);
  });

  it('checks a part: the open amount, the smallest part, the number of parts', () => {
    const d = sampleDelivery(1, { priceFen: 1_000_000, depositFen: 0 });
    const limits = { balancePartsMax: 2, balancePartMinFen: 100 };
    assert.equal(checkPart(d, 1_000_001, 0, limits), 'balance_part_invalid');
    assert.equal(checkPart(d, 99, 0, limits), 'balance_part_invalid');
    assert.equal(checkPart(d, 100, 0, limits), 'ok');
    assert.equal(checkPart(d, 100, 2, limits), 'balance_parts_limit');
    assert.equal(checkPart(d, 1_000_000, 2, limits), 'ok', 'at the limit, all that is left');
    assert.equal(checkPart({ ...d, receivedFen: 999_950 }, 50, 1, limits), 'ok',
      'the last part may be what is left');
    assert.equal(checkPart({ ...d, pendingFen: 1_000_000 }, 1, 1, limits), 'balance_covered');
  });
});

describe('the deadline, counted from ready: reminder, notice, grace, release', () => {
  it('runs one step at a time, each once, by a table of ticks', () => {
    let d = markedReady(sampleDelivery(1), T0, rules);
    assert.equal(d.dueAtMs, T0 + 21 * DAY_MS);
    const table: Array<[days: number, expected: ReturnType<typeof sweepAction>]> = [
      [0, null], [13.9, null], [14, 'remind'], [14, null], [20.9, null], [21, 'notice'],
      [21, null], [34.9, null], [35, 'release']];
    for (const [days, expected] of table) {
      const now = T0 + days * DAY_MS;
      const a = sweepAction(d, now, rules);
      assert.equal(a, expected, `day ${days}`);
      if (a !== null && a !== 'release') d = applySweep(d, a, now, rules);
    }
    assert.equal(applySweep(d, 'release', T0 + 35 * DAY_MS, rules).stage, 'released');
  });

  it('never releases without the notice, nor while a part is under way, nor once paid', () => {
    const ready = markedReady(sampleDelivery(1), T0, rules);
    const late = T0 + 400 * DAY_MS;
    // Years late with no notice sent: the reminder, then the notice, never a release first.
    assert.equal(sweepAction(ready, late, rules), 'remind');
    const noticed = applySweep(applySweep(ready, 'remind', late, rules), 'notice', late, rules);
    assert.equal(sweepAction(noticed, late, rules), null, 'the grace runs from the notice');
    const graceOver = late + 14 * DAY_MS;
    assert.equal(sweepAction(noticed, graceOver, rules), 'release');
    assert.equal(sweepAction({ ...noticed, pendingFen: 1 }, graceOver, rules), null);
    const paid = withSweep({ ...noticed, receivedFen: 21_090_000 }, rules);
    assert.equal(sweepAction(paid, graceOver, rules), null);
    assert.equal(paid.nextSweepAtMs, null);
    assert.equal(sweepAction(sampleDelivery(1), late, rules), null, 'not ready: no deadline');
  });
});

describe('appointment slots', () => {
  it('are on the hour from 10:00 to 17:00 Beijing, after now, within the days ahead', () => {
    const tomorrow10 = T0 + DAY_MS;
    assert.ok(isBookableSlot(tomorrow10, T0, rules));
    assert.ok(!isBookableSlot(T0, T0, rules), 'not now');
    assert.ok(isBookableSlot(T0 + 7 * 3_600_000, T0, rules), '17:00');
    assert.ok(!isBookableSlot(T0 + 8 * 3_600_000, T0, rules), '18:00 is closed');
    assert.ok(!isBookableSlot(tomorrow10 + 60_000, T0, rules), 'off the grid');
    assert.ok(!isBookableSlot(T0 + 15 * DAY_MS, T0, rules), 'too far ahead');
    const slots = bookableSlots(T0, rules);
    assert.equal(slots.length, 7 + 13 * 8 + 1,
      'today after 10:00, 8 a day for 13 days, and 10:00 fourteen days on');
    assert.ok(slots.every((s) => isBookableSlot(s, T0, rules)));
  });
});

describe('price credits', () => {
  const received = (n: number, d: Delivery, amountFen: number, atMs: number): BalancePart =>
    ({ ...newPart(n, d, amountFen), status: 'received', settledAtMs: atMs });

  it('lower the balance; what was kept beyond it goes back, latest part first, never more '
    + 'than was kept; charged is then the lower price (property)', () => {
    fc.assert(fc.property(fc.integer({ min: 10_000_000, max: 50_000_000 }),
      fc.array(fc.integer({ min: 1, max: 3_000_000 }), { maxLength: 5 }),
      fc.integer({ min: 1, max: 9_000_000 }), (priceFen, amounts, creditFen) => {
        const base = markedReady(sampleDelivery(1, { priceFen, depositFen: 500_000 }), T0, rules);
        const parts = amounts.map((a, i) => received(i + 1, base, a, T0 + i));
        const kept = amounts.reduce((s, a) => s + a, 0);
        const d: Delivery = { ...base, receivedFen: kept };
        fc.pre(outstandingFen(d) >= 0);
        const r = credited(d, parts, creditFen, T0 + 99, rules);
        const back = r.refunds.reduce((s, x) => s + x.amountFen, 0);
        assert.equal(r.delivery.priceFen, priceFen - creditFen);
        assert.equal(back, Math.min(kept, Math.max(0, -outstandingFen({ ...d,
          priceFen: priceFen - creditFen }))));
        assert.equal(r.delivery.refundedFen, back);
        assert.ok(outstandingFen(r.delivery) >= 0 || back === kept);
        if (back > 0 && back < kept) assert.equal(outstandingFen(r.delivery), 0);
        for (const x of r.refunds) assert.ok(x.part.refundedFen <= x.part.amountFen);
        // Latest first: a refunded part is never older than one left whole.
        const ids = new Set(r.refunds.map((x) => x.part.partId));
        const oldestRefunded = Math.min(...parts.filter((p) => ids.has(p.partId))
          .map((p) => p.settledAtMs!));
        for (const p of parts) {
          if (!ids.has(p.partId) && r.refunds.length > 0) {
            assert.ok(p.settledAtMs! < oldestRefunded);
          }
        }
      }));
  });

  it('never take the price below the deposit (the balance is what deliveries holds)', () => {
    const d: Delivery = { ...markedReady(sampleDelivery(1, { priceFen: 20_000_000,
      depositFen: 500_000 }), T0, rules), receivedFen: 3_000_000 };
    const r = credited(d, [received(1, d, 3_000_000, T0)], 20_000_000, T0 + 1, rules);
    assert.deepEqual([r.delivery.priceFen, r.delivery.refundedFen, outstandingFen(r.delivery)],
      [500_000, 3_000_000, 0]);
  });

  it('leave a delivered record as it is (protection refunds it instead)', () => {
    const d: Delivery = { ...sampleDelivery(1, { priceFen: 20_000_000, depositFen: 500_000 }),
      stage: 'delivered', deliveredAtMs: T0 };
    assert.equal(credited(d, [], 1_000_000, T0, rules).delivery, d);
  });
});
