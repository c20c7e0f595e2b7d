// A purchase whose hold is decided in the database (drop_take_holds, with the COMMIT) and
// committed, but whose decision cannot be read back or does not check out against decideHold,
// was answered 500 with the hold taken. It is answered `commit_unknown` (503, Retry-After):
// the store is in reach and stays marked so, and the same request sent again with its
// Idempotency-Key is answered from what was written, the hold and then its sale.
import { strict as assert } from 'node:assert';
import { it } from 'node:test';
import pg from 'pg';
import { jacketDrop } from './drop-fixtures.js';
import { ADMIN, harness } from './harness.js';
import type { Account } from '../src/accounts/accounts-store.js';
import { dropSchema, postgresUrl, testSchema, withPostgres } from './postgres.js';

withPostgres('a purchase whose decision cannot be read', () => {
  it('is answered commit_unknown with its hold taken, and its retry gets the hold and the sale',
    async () => {
      const schema = testSchema();
      const h = await harness({ LAUNCHDAY_DATABASE_URL: postgresUrl,
        LAUNCHDAY_DATABASE_SCHEMA: schema });
      const proto = pg.Client.prototype as unknown as { query: (...a: unknown[]) => unknown };
      const query = proto.query;
      try {
        assert.equal((await h.call('PUT', '/admin/drops/tee', { token: ADMIN,
          body: jacketDrop({ s: 2, m: 5 }) })).status, 201);
        await h.tick(61);
        const a = await h.buyer(1);
        const caller = await h.ld.app.accounts.authenticate(a.token) as unknown as
          { account: Account };
        // The first decision of a hold comes back as a refusal decideHold would not give: the
        // hold was taken, and the JS cannot trust (or read) the answer.
        let mangled = 0;
        proto.query = async function (this: unknown, ...args: unknown[]) {
          const reply = await (query.apply(this, args) as Promise<unknown>);
          if (mangled === 0 && String(args[0]).includes('drop_take_holds(')) {
            for (const r of (Array.isArray(reply) ? reply : [reply]) as pg.QueryResult[]) {
              if (r.rows?.[0]?.verdict === 'held') {
                r.rows[0].verdict = 'drop_sold_out';
                mangled++;
              }
            }
          }
          return reply;
        };
        const first = await h.ld.app.drops.purchase(caller.account, 'tee',
          { variant: 's', quantity: 1 }, 'buy-1');
        proto.query = query;
        assert.equal(mangled, 1);
        assert.deepEqual(first.ok ? 'ok' : first.code, 'commit_unknown');
        const held = await h.ld.app.deps.store.holdsOf('tee', a.accountId, 10);
        assert.deepEqual(held.map((x) => x.status), ['held'], 'the hold was taken');
        assert.equal(h.ld.app.core.storeHealth.state, 'reachable');
        const again = await h.call('POST', '/drops/tee/purchases', { token: a.token,
          body: { variant: 's', quantity: 1 }, headers: { 'idempotency-key': 'buy-1' } });
        assert.ok(again.status === 200 || again.status === 201, JSON.stringify(again.body));
        assert.equal(again.body.hold.hold_id, held[0]!.holdId);
        assert.equal(again.body.hold.status, 'paid');
      } finally {
        proto.query = query;
        await h.close();
        await dropSchema(schema);
      }
    });
});
