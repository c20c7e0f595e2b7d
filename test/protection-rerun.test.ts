// Re-running price protection after a crash midway (operator), on both stores: a price cut is
// marked applied and the catalogue takes it, then the process dies before any order is
// protected (applyDue's first transaction without the pages after it). The operator's re-run
// gives each order reached its protection (a credit, and the surplus of an order paid in full
// refunded), a second re-run gives none, and the books still equal the history to the fen.
import { strict as assert } from 'node:assert';
import { after, before, describe, it } from 'node:test';
import { withPrice } from '../src/pricebooks/index.js';
import {
  assertBooksMatchHistory, collectionNotice, HeldCollections, scheduledOrder, SU7,
} from './delivery-fixtures.js';
import { ADMIN, harness, type Harness } from './harness.js';
import { dropSchema, postgresUrl, testSchema, withPostgres } from './postgres.js';

const LAUNCH = SU7.launch_id;
const CUT = 1_000_000;

function rerunSuite(name: string, env: Record<string, string>,
  cleanup: () => Promise<void>): void {
  describe(`re-running price protection on ${name}`, () => {
    let h: Harness;
    before(async () => {
      h = await harness(env, new HeldCollections({ notifyDelayMs: [0, 0], random: () => 0.99 }));
    });
    after(async () => {
      await h.close();
      await cleanup();
    });

    const rerun = (version: number | string) => h.call('POST',
      `/admin/launches/${LAUNCH}/price-versions/${version}/protection`, { token: ADMIN });
    const protections = async (o: { token: string; orderId: string }) =>
      (await h.call('GET', `/orders/${o.orderId}/price-protection`, { token: o.token })).body
        .protections.map((p: { version: number; kind: string; amount_fen: number }) =>
          [p.version, p.kind, p.amount_fen]);

    it('gives the protection a crash left out, once however often it is run', async () => {
      // One order with its car, paid in full; one still waiting for a car.
      const paid = await scheduledOrder(h, 1, 1);
      const view = await h.call('GET', `/orders/${paid.orderId}/delivery`, { token: paid.token });
      const balance = view.body.balance.balance_fen as number;
      const part = (await h.call('POST', `/orders/${paid.orderId}/balance/parts`, {
        token: paid.token, body: { amount_fen: balance, method: 'card' },
        headers: { 'idempotency-key': 'all' } })).body.part;
      await collectionNotice(h, { event_id: 'e1', type: 'collection.succeeded',
        reference: part.reference, amount_fen: balance });
      const b = await h.buyer(2);
      const waiting = { token: b.token as string,
        orderId: (await h.order(b.token, 'w', SU7)).body.order_id as string };
      // A cut an hour ahead; then the crash: applied and in the catalogue, nobody protected.
      const list = (await h.call('GET', `/orders/${paid.orderId}/price-protection`,
        { token: paid.token })).body.list_price_now_fen as number;
      const v = (await h.call('POST', `/admin/launches/${LAUNCH}/price-versions`, { token: ADMIN,
        body: { item_kind: 'trim', item_id: 'standard', price_fen: list - CUT,
          effective_from: '2025-06-26T15:00:00Z', reason: 'a cut' } })).body;
      assert.equal((await rerun(v.version)).body.error?.code, 'price_version_not_applied');
      await h.tick(2 * 3600);
      const store = h.ld.app.deps.store;
      const launch = (await h.ld.app.launches.launch(LAUNCH))!;
      const [version] = (await store.priceVersions(LAUNCH)).filter((x) => x.version === v.version);
      await store.transaction(async (tx) => {
        assert.ok(await tx.markVersionApplied(LAUNCH, v.version, h.ld.app.clock.nowMs()));
        await tx.putLaunch(withPrice(launch, version!));
      });
      await h.ld.app.launches.refresh(true);
      assert.deepEqual(await protections(paid), []);
      assert.equal((await h.ld.app.pricebooks.applyDue()), 0, 'a restart does not run it again');

      const first = await rerun(v.version);
      assert.equal(first.status, 200, JSON.stringify(first.body));
      assert.deepEqual(first.body, { launch_id: LAUNCH, version: v.version,
        protections_given: 2 });
      for (const o of [paid, waiting]) {
        assert.deepEqual(await protections(o), [[v.version, 'credit', CUT]]);
      }
      const after1 = (await h.call('GET', `/orders/${paid.orderId}/delivery`,
        { token: paid.token })).body.balance;
      assert.deepEqual([after1.refunded_fen, after1.outstanding_fen], [CUT, 0],
        'the order paid in full gets the difference back');
      const again = await rerun(v.version);
      assert.equal(again.body.protections_given, 0);
      assert.deepEqual(await protections(paid), [[v.version, 'credit', CUT]]);
      const after2 = (await h.call('GET', `/orders/${paid.orderId}/delivery`,
        { token: paid.token })).body.balance;
      assert.equal(after2.refunded_fen, CUT, 'refunded once');
      await assertBooksMatchHistory(h, LAUNCH);
      const audit = await h.call('GET', '/admin/audit-log', { token: ADMIN });
      assert.equal(audit.body.entries.filter((e: { action: string }) =>
        e.action === 'price_protection_rerun').length, 2);
    });

    it('leaves an order placed after a later price rise to that version', async () => {
      // The cut above is in force; the price goes back up, then an order is placed at it.
      const store = h.ld.app.deps.store;
      const cut = (await store.priceVersions(LAUNCH)).at(-1)!;
      const list = cut.previousFen;
      const raise = (await h.call('POST', `/admin/launches/${LAUNCH}/price-versions`, {
        token: ADMIN, body: { item_kind: 'trim', item_id: 'standard', price_fen: list,
          effective_from: new Date(h.ld.app.clock.nowMs() + 3600_000).toISOString(),
          reason: 'back up' } })).body;
      await h.tick(2 * 3600);
      await h.ld.app.pricebooks.applyDue();
      assert.equal((await store.priceVersions(LAUNCH)).find((x) => x.version === raise.version)
        ?.appliedAtMs !== null, true, 'the raise applied');
      await h.ld.app.launches.refresh(true);
      const b = await h.buyer(3);
      const placed = await h.order(b.token, 'after-raise', SU7);
      assert.equal(placed.status, 201, JSON.stringify(placed.body));
      const late = { token: b.token as string, orderId: placed.body.order_id as string };
      const r = await rerun(cut.version);
      assert.equal(r.status, 200, JSON.stringify(r.body));
      assert.equal(r.body.protections_given, 0);
      assert.deepEqual(await protections(late), [], 'it never paid above the cut');
      await assertBooksMatchHistory(h, LAUNCH);
    });

    it('refuses a version that does not exist', async () => {
      assert.equal((await rerun(99)).status, 404);
      assert.equal((await rerun(99)).body.error.code, 'price_version_not_found');
      assert.equal((await rerun('x1')).body.error.code, 'price_version_not_found');
      const other = await h.call('POST', '/admin/launches/nope/price-versions/2/protection',
        { token: ADMIN });
      assert.equal(other.body.error.code, 'launch_not_found');
    });
  });
}

rerunSuite('SQLite', {}, async () => undefined);
const schema = testSchema();
await withPostgres('re-running price protection on PostgreSQL', () => rerunSuite('PostgreSQL',
  { LAUNCHDAY_DATABASE_URL: postgresUrl, LAUNCHDAY_DATABASE_SCHEMA: schema },
  () => dropSchema(schema)));
