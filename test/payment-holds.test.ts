// Fault: a retried order for a cancelled order charged a new deposit that nothing held. The
// property: after any sequence of places, replays (also of cancelled orders and concurrent
// ones), cancels, refusals, failing commits and crashes between charge and commit, the
// provider holds exactly the charges the orders hold.
import { strict as assert } from 'node:assert';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { SandboxPaymentProvider } from '../src/payments/payments.js';
import { defaultLimits } from '../src/kernel/config.js';
import { harness, type Harness } from './harness.js';
import { checkPaymentHolds } from './invariants.js';

type Command =
  | { kind: 'place' | 'double' | 'failing'; buyer: number; key: number; trim: string }
  | { kind: 'cancel'; buyer: number; pick: number }
  | { kind: 'crash'; buyer: number };

const BUYERS = 2;
const buyer = fc.integer({ min: 0, max: BUYERS - 1 });
const placeLike = (kind: 'place' | 'double' | 'failing') => fc.record({
  kind: fc.constant(kind), buyer, key: fc.nat(3), trim: fc.constantFrom('standard', 'max') });
const command: fc.Arbitrary<Command> = fc.oneof(
  { weight: 6, arbitrary: placeLike('place') },
  { weight: 2, arbitrary: placeLike('double') },
  { weight: 2, arbitrary: placeLike('failing') },
  { weight: 4, arbitrary: fc.record({ kind: fc.constant('cancel' as const), buyer,
    pick: fc.nat(5) }) },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('crash' as const), buyer }) },
);

const EXPECTED = new Set([200, 201, 409, 422, 500]);

interface World {
  h: Harness;
  buyers: Array<{ token: string; accountId: string }>;
  orders: Array<{ id: string; buyer: number }>;
  /** Moves the provider's clock (the sweep voids only charges older than its grace). */
  advanceProvider(ms: number): void;
  failNextCommit(): void;
  crashes: number;
}

async function step(w: World, c: Command): Promise<void> {
  const { h } = w;
  if (c.kind === 'crash') {
    // A process charged, then died before its order was written: only the sweep finds it.
    await h.payments.charge({ reference: `dep_crashed_${w.crashes++}`, amountFen: 500_000,
      payer: w.buyers[c.buyer]!.accountId });
    w.advanceProvider(defaultLimits.chargeSweepGraceMs + 1);
    await h.ld.app.settlement.reconciler.sweepCharges();
    return;
  }
  if (c.kind === 'cancel') {
    const mine = w.orders.filter((o) => o.buyer === c.buyer);
    const o = mine[c.pick % Math.max(1, mine.length)];
    if (!o) return;
    const r = await h.call('POST', `/orders/${o.id}/cancel`, { token: w.buyers[c.buyer]!.token,
      body: {} });
    assert.ok(EXPECTED.has(r.status), `cancel answered ${r.status}`);
    return;
  }
  const body = { launch_id: 'su7-2024', trim: c.trim, options: [], city: 'beijing' };
  const place = () => h.order(w.buyers[c.buyer]!.token, `k${c.key}`, body);
  if (c.kind === 'failing') w.failNextCommit();
  const replies = c.kind === 'double' ? await Promise.all([place(), place()]) : [await place()];
  for (const r of replies) {
    assert.ok(EXPECTED.has(r.status), `${c.kind} answered ${r.status} ${JSON.stringify(r.body)}`);
    if (r.status === 201) w.orders.push({ id: r.body.order_id, buyer: c.buyer });
  }
}

describe('payment holds', () => {
  it('the provider holds exactly the orders\' deposits after any sequence', async () => {
    await fc.assert(fc.asyncProperty(fc.array(command, { minLength: 4, maxLength: 25 }),
      async (cmds) => {
        let offsetMs = 0;
        const payments = new SandboxPaymentProvider({ nowMs: () => Date.now() + offsetMs,
          notifyDelayMs: [1, 5], lateShare: 0 });
        const h = await harness({ LAUNCHDAY_CLOCK_START: '2025-06-26T14:00:00Z' }, payments);
        let failNext = false;
        const committer = h.ld.app.committer;
        const submit = committer.submit.bind(committer);
        // A commit that fails after the charge: the batch's transaction threw.
        committer.submit = ((name, payload, essential) => {
          if (failNext && name === 'place') {
            failNext = false;
            return Promise.reject(new Error('injected: the transaction failed'));
          }
          return submit(name, payload, essential);
        }) as typeof committer.submit;
        try {
          const buyers = [];
          for (let i = 0; i < BUYERS; i++) buyers.push(await h.buyer(i));
          const w: World = { h, buyers, orders: [], crashes: 0,
            advanceProvider: (ms) => { offsetMs += ms; },
            failNextCommit: () => { failNext = true; } };
          for (const c of cmds) {
            await step(w, c);
            await checkPaymentHolds(h);
          }
        } finally {
          await h.close();
        }
      }), { numRuns: 25, seed: Number(process.env.PROPERTY_SEED ?? Date.now() % 2 ** 31) });
  });

  it('a replay of a cancelled order charges nothing', async () => {
    const h = await harness({ LAUNCHDAY_CLOCK_START: '2025-06-26T14:00:00Z' });
    try {
      const { token } = await h.buyer(1);
      const body = { launch_id: 'su7-2024', trim: 'max', options: [], city: 'beijing' };
      const placed = await h.order(token, 'K', body);
      assert.equal(placed.status, 201);
      const cancelled = await h.call('POST', `/orders/${placed.body.order_id}/cancel`,
        { token, body: {} });
      assert.equal(cancelled.body.deposit.state, 'refunded');
      const again = await h.order(token, 'K', body);
      assert.equal(again.status, 200);
      assert.equal(again.body.order_id, placed.body.order_id);
      assert.equal(again.body.status, 'cancelled');
      await checkPaymentHolds(h);
      assert.equal(h.payments.heldReferences().size, 0);
      assert.equal(h.payments.voided, 0, 'nothing was charged, so nothing was voided');
    } finally {
      await h.close();
    }
  });
});
