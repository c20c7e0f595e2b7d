// Every route that takes an Idempotency-Key, field by field: the same key with the same request
// is a retry (200, the first outcome), and with any one field of its body or path changed is
// `409 idempotency_key_reused`, never the first outcome passed off as the second's (the
// attacker's find: a drop purchase's delivery_address, and a ready-stock car's VIN and mode,
// were left out, so the same key with another address or car replayed 200). Both stores: a
// purchase's key is judged in the database on PostgreSQL (drop_take_holds).
import { strict as assert } from 'node:assert';
import { after, before, describe, it } from 'node:test';
import type { Hold } from '../src/drops/drop.js';
import { identityKey } from '../src/drops/drops-service.js';
import { sha256 } from '../src/kernel/ids.js';
import { withCheckCharacter } from '../src/production/vin.js';
import { scheduledOrder } from './delivery-fixtures.js';
import { ADMIN, harness, YU7_MAX, type Harness, type Reply } from './harness.js';
import { freshSchemas, withPostgres } from './postgres.js';

/** A route's first request, and one row per field: the request with that field changed. */
interface Route {
  readonly name: string;
  /** Sends the request with `change` applied, under `key`, as the same buyer each time. */
  send(key: string, change: Record<string, unknown>): Promise<Reply>;
  readonly changes: ReadonlyArray<Record<string, unknown>>;
}

const vin = (n: number): string => withCheckCharacter(`LXMYU7AB0S${String(n).padStart(7, '0')}`);

function suite(name: string, env: () => Record<string, string>, cleanup: () => Promise<void>):
  void {
  describe(`${name}: the same Idempotency-Key with any field changed is refused`, () => {
    let h: Harness;
    const routes: Route[] = [];
    let dropper: { token: string; accountId: string };

    before(async () => {
      h = await harness(env());
      await h.tick(120); // the YU7 opens
      const drop = await h.call('PUT', '/admin/drops/jacket', { token: ADMIN, body: {
        name: 'Limited jacket', name_zh: '限量夹克', kind: 'merch', price_fen: 129_900,
        opens_at: '2025-06-26T14:01:00.000Z', per_account_limit: 5, per_identity_limit: 5,
        variants: [{ variant: 's', name: 'S', name_zh: 'S', quantity: 20 },
          { variant: 'm', name: 'M', name_zh: 'M', quantity: 20 }] } });
      assert.equal(drop.status, 201, JSON.stringify(drop.body));
      const run = await h.call('POST', '/admin/production-runs', { token: ADMIN, body: {
        launch_id: 'yu7-2025', built_on: '2025-07-01', reason: 'surplus',
        cars: [1, 2].map((n) => ({ vin: vin(n), trim: 'standard' })) } });
      assert.equal(run.status, 201, JSON.stringify(run.body));
      for (const n of [1, 2]) {
        const l = await h.call('POST', '/admin/ready-stock/listings', { token: ADMIN,
          body: { vin: vin(n), city: 'beijing' } });
        assert.equal(l.status, 201, JSON.stringify(l.body));
      }
      const orderer = await h.buyer(1);
      dropper = await h.buyer(2);
      const carBuyer = await h.buyer(3);
      const payer = await scheduledOrder(h, 4, 1);
      const post = (path: string, token: string, key: string, body: unknown) =>
        h.call('POST', path, { token, body, headers: { 'idempotency-key': key } });
      routes.push({ name: 'POST /orders', changes: [{ launch_id: 'su7-2024', trim: 'standard' },
        { trim: 'pro' }, { options: ['colour-emerald-green'] }, { city: 'shanghai' }],
      send: (key, c) => post('/orders', orderer.token, key, { ...YU7_MAX, ...c }) });
      routes.push({ name: 'POST /drops/{drop_id}/purchases', changes: [{ variant: 'm' },
        { quantity: 2 }, { delivery_address: 'Room 2, 1 Chang\'an Avenue, Beijing' },
        { delivery_address: null }],
      send: (key, c) => post('/drops/jacket/purchases', dropper.token, key, {
        variant: 's', delivery_address: 'Room 1, 1 Chang\'an Avenue, Beijing', ...c }) });
      routes.push({ name: 'POST /ready-stock/{vin}/purchases', changes: [{ vin: vin(2) },
        { mode: 'deposit' }],
      send: (key, c) => {
        const { vin: v = vin(1), ...body } = c;
        return post(`/ready-stock/${v as string}/purchases`, carBuyer.token, key,
          { mode: 'full', ...body });
      } });
      routes.push({ name: 'POST /orders/{order_id}/balance/parts', changes: [{ amount_fen: 60_000 },
        { method: 'alipay' }],
      send: (key, c) => post(`/orders/${payer.orderId}/balance/parts`, payer.token, key,
        { amount_fen: 50_000, method: 'card', ...c }) });
    });
    after(async () => {
      await h.close();
      await cleanup();
    });

    it('a retry of each route is answered as its first request', async () => {
      await h.tick(60); // the drop opens
      for (const [i, r] of routes.entries()) {
        const first = await r.send(`k${i}`, {});
        assert.equal(first.status, 201, `${r.name}: ${JSON.stringify(first.body)}`);
        const again = await r.send(`k${i}`, {});
        assert.equal(again.status, 200, `${r.name} retried: ${JSON.stringify(again.body)}`);
        assert.equal(again.headers['idempotent-replay'], 'true', r.name);
      }
    });

    it('each field changed under the same key is idempotency_key_reused', async () => {
      for (const [i, r] of routes.entries()) {
        for (const change of r.changes) {
          const reused = await r.send(`k${i}`, change);
          assert.equal(reused.status, 409, `${r.name} with ${JSON.stringify(change)}: ${
            JSON.stringify(reused.body)}`);
          assert.equal(reused.body.error.code, 'idempotency_key_reused', r.name);
        }
      }
    });

    it('a purchase stored before the address counted is still replayed by its honest retry',
      async () => {
        // As the first recipe stored it: the drop, the variant and the quantity, unprefixed.
        const store = h.ld.app.deps.store;
        const account = (await store.accountById(dropper.accountId))!;
        const old: Hold = { holdId: 'hld_before_upgrade', dropId: 'jacket', variant: 'm',
          accountId: account.accountId, identityKey: identityKey(account), quantity: 1,
          amountFen: 129_900, status: 'paid', source: 'sale',
          paymentReference: 'drp_hld_before_upgrade', createdAtMs: h.ld.app.clock.nowMs(),
          expiresAtMs: h.ld.app.clock.nowMs() + 60_000, settledAtMs: h.ld.app.clock.nowMs(),
          idempotencyKey: 'old', requestHash: sha256(JSON.stringify(['jacket', 'm', 1])),
          entryId: null };
        await store.transaction((tx) => tx.insertHolds([old]));
        const buy = (body: object) => h.call('POST', '/drops/jacket/purchases',
          { token: dropper.token, body, headers: { 'idempotency-key': 'old' } });
        const retry = await buy({ variant: 'm', delivery_address: 'Room 1, Beijing' });
        assert.equal(retry.status, 200, JSON.stringify(retry.body));
        assert.equal(retry.body.hold.hold_id, 'hld_before_upgrade');
        assert.equal((await buy({ variant: 'm', quantity: 2 })).body.error?.code,
          'idempotency_key_reused', 'what the first recipe hashed still counts');
      });
  });
}

suite('SQLite', () => ({}), async () => undefined);
const schemas = freshSchemas();
await withPostgres('PostgreSQL: the same Idempotency-Key with any field changed is refused',
  () => suite('PostgreSQL', schemas.env, schemas.dropAll));
