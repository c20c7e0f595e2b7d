// The collection reconciler (deliveries/collection-reconciler.ts) on both stores: a balance part
// whose notification never comes is asked about after `collectionCheckAfterMs` and settled on
// the provider's answer; a late notification after that changes nothing (one balance_received);
// a part the provider never got (the process died before handing it over) is handed over again
// under the same reference and asked about after twice the wait; a failure frees the amount;
// and after a restart the questions resume where they were.
import { strict as assert } from 'node:assert';
import { after, before, describe, it } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import { defaultLimits } from '../src/kernel/config.js';
import {
  SandboxPaymentProvider, type CollectionStatus, type CollectResult,
} from '../src/payments/index.js';
import { collectionNotice, moneyEvents, scheduledOrder } from './delivery-fixtures.js';
import { quietHarness, type Harness } from './harness.js';
import { dropSchema, postgresUrl, testSchema, withPostgres } from './postgres.js';

const AFTER_S = defaultLimits.collectionCheckAfterMs / 1000;

/**
 * The sandbox with every collection's notification lost; `forgetNext` makes the next collection
 * never reach it (as a process dying between the part's commit and the call), and a reference
 * in `failing` is reported failed when asked about.
 */
class QuietCollections extends SandboxPaymentProvider {
  forgetNext = false;
  readonly failing = new Set<string>();
  /** References whose question throws (a provider error, not an answer). */
  readonly rejecting = new Set<string>();
  constructor() {
    super({ notifyDelayMs: [0, 0], random: () => 0.99, lostCollectionNoticeShare: 1 });
  }

  override async collect(req: Parameters<SandboxPaymentProvider['collect']>[0]):
    Promise<CollectResult> {
    if (this.forgetNext) {
      this.forgetNext = false;
      return { status: 'pending' };
    }
    return super.collect(req);
  }

  override async collectionStatus(reference: string): Promise<CollectionStatus> {
    if (this.rejecting.has(reference)) throw new Error('provider: 400 bad reference');
    return this.failing.has(reference) ? { status: 'failed' } : super.collectionStatus(reference);
  }
}

function reconcilerSuite(name: string, env: Record<string, string>,
  cleanup: () => Promise<void>): void {
  describe(`the collection reconciler on ${name}`, () => {
    let h: Harness;
    let sandbox: QuietCollections;
    let n = 0;
    before(async () => {
      sandbox = new QuietCollections();
      h = await quietHarness(env, sandbox);
    });
    after(async () => {
      await h.close();
      await cleanup();
    });

    const view = async (o: { token: string; orderId: string }) =>
      (await h.call('GET', `/orders/${o.orderId}/delivery`, { token: o.token })).body;
    const pay = async (o: { token: string; orderId: string }, amount: number) => {
      const r = await h.call('POST', `/orders/${o.orderId}/balance/parts`, { token: o.token,
        body: { amount_fen: amount, method: 'bank_transfer' },
        headers: { 'idempotency-key': `p${++n}` } });
      assert.equal(r.status, 201, JSON.stringify(r.body));
      return r.body.part as { reference: string; amount_fen: number };
    };
    const reconcile = () => h.ld.app.deliveries.reconcileCollections();

    it('settles a part whose notification was lost; the late notification changes nothing',
      async () => {
        const o = await scheduledOrder(h, 1, 1);
        const balance = (await view(o)).balance.balance_fen as number;
        const part = await pay(o, balance);
        await sleep(20); // The sandbox settles it (its notification is lost).
        assert.deepEqual(await sandbox.collectionStatus(part.reference),
          { status: 'succeeded', amountFen: balance });
        assert.equal((await reconcile()).received, 0, 'not asked before the wait');
        assert.equal((await view(o)).balance.pending_fen, balance);
        await h.tick(AFTER_S + 1);
        assert.deepEqual(await reconcile(), { received: 1, failed: 0, resent: 0, pending: 0,
          mismatched: 0, unanswered: 0 });
        let v = await view(o);
        assert.deepEqual([v.balance.pending_fen, v.balance.received_fen, v.balance.outstanding_fen],
          [0, balance, 0]);
        // The provider's notification, late after all: recorded, and nothing counted twice.
        const late = await collectionNotice(h, { event_id: 'evt_late', type: 'collection.succeeded',
          reference: part.reference, amount_fen: balance });
        assert.equal(late.status, 200, JSON.stringify(late.body));
        v = await view(o);
        assert.equal(v.balance.received_fen, balance);
        assert.equal(v.balance.refunded_fen, 0);
        assert.deepEqual(await moneyEvents(h, o.orderId), { balance_received: balance });
        assert.equal((await reconcile()).received, 0, 'a settled part is not asked about');
      });

    it('hands a part the provider never got over again, then asks after twice the wait',
      async () => {
        const o = await scheduledOrder(h, 2, 2);
        const balance = (await view(o)).balance.balance_fen as number;
        sandbox.forgetNext = true;
        const part = await pay(o, balance);
        assert.deepEqual(await sandbox.collectionStatus(part.reference), { status: 'unknown' });
        await h.tick(AFTER_S + 1);
        const first = await reconcile();
        assert.equal(first.resent, 1);
        await sleep(20);
        assert.equal((await reconcile()).received, 0, 'the next question waits for the backoff');
        await h.tick(2 * AFTER_S - 2);
        assert.equal((await reconcile()).received, 0, 'still within twice the wait');
        await h.tick(AFTER_S);
        assert.equal((await reconcile()).received, 1);
        assert.equal((await view(o)).balance.received_fen, balance);
        assert.deepEqual(await moneyEvents(h, o.orderId), { balance_received: balance });
      });

    it('a failure reported by the provider frees the amount to be paid again', async () => {
      const o = await scheduledOrder(h, 3, 3);
      const balance = (await view(o)).balance.balance_fen as number;
      const part = await pay(o, balance);
      sandbox.failing.add(part.reference);
      await h.tick(AFTER_S + 1);
      assert.equal((await reconcile()).failed, 1);
      const v = await view(o);
      assert.deepEqual([v.balance.pending_fen, v.balance.payable_fen, v.parts[0].status],
        [0, balance, 'failed']);
      assert.deepEqual(await moneyEvents(h, o.orderId), {});
    });

    it('a part whose question fails waits its backoff; the parts after it are still asked',
      async () => {
        const first = await scheduledOrder(h, 4, 4);
        const next = await scheduledOrder(h, 5, 5);
        const poisoned = await pay(first, 1_000_000);
        await h.tick(1);
        await pay(next, 1_000_000);
        sandbox.rejecting.add(poisoned.reference);
        await h.tick(AFTER_S + 1);
        const r = await reconcile();
        assert.deepEqual([r.unanswered, r.received], [1, 1], JSON.stringify(r));
        assert.equal((await view(next)).balance.pending_fen, 0, 'the later part was settled');
        assert.equal((await view(first)).balance.pending_fen, 1_000_000);
        sandbox.rejecting.delete(poisoned.reference);
        await h.tick(2 * AFTER_S + 1);
        assert.equal((await reconcile()).received, 1, 'asked again after its backoff');
        assert.equal((await view(first)).balance.pending_fen, 0);
      });
  });
}

reconcilerSuite('SQLite', {}, async () => undefined);
const schema = testSchema();
await withPostgres('the collection reconciler on PostgreSQL', () => reconcilerSuite('PostgreSQL',
  { LAUNCHDAY_DATABASE_URL: postgresUrl, LAUNCHDAY_DATABASE_SCHEMA: schema },
  () => dropSchema(schema)));

describe('the collection reconciler after a restart', () => {
  it('resumes: a part committed but never handed over is handed over and settled', async () => {
    const sandbox = new QuietCollections();
    const h1 = await quietHarness({}, sandbox);
    const o = await scheduledOrder(h1, 1, 1);
    const balance = (await h1.call('GET', `/orders/${o.orderId}/delivery`, { token: o.token }))
      .body.balance.balance_fen as number;
    sandbox.forgetNext = true;
    await h1.call('POST', `/orders/${o.orderId}/balance/parts`, { token: o.token,
      body: { amount_fen: balance, method: 'loan' }, headers: { 'idempotency-key': 'k' } });
    await h1.close(true);
    const h = await quietHarness({ LAUNCHDAY_DATA_DIR: h1.dir }, sandbox);
    try {
      await h.tick(AFTER_S + 1);
      assert.equal((await h.ld.app.deliveries.reconcileCollections()).resent, 1);
      await sleep(20);
      await h.tick(2 * AFTER_S);
      assert.equal((await h.ld.app.deliveries.reconcileCollections()).received, 1);
      const v = (await h.call('GET', `/orders/${o.orderId}/delivery`, { token: o.token })).body;
      assert.deepEqual([v.balance.received_fen, v.balance.pending_fen], [balance, 0]);
    } finally {
      await h.close();
    }
  });
});
