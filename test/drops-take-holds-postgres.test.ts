// A hold batch on PostgreSQL is decided in the database (drop_take_holds, migrations 19), in the
// COMMIT's message, so the drop's lock is never held across an event-loop turn. Its rules are
// dropHold's and decideHold's restated in SQL: this test runs random batches through both, the
// JS path on SQLite and the SQL path on PostgreSQL, and demands the same outcomes (codes,
// messages, replays, holds) and the same stock after each batch.
import { strict as assert } from 'node:assert';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import pg from 'pg';
import { dropCommands, HOLD_AGAIN, type HoldCommand } from '../src/drops/drop-commands.js';
import type { Drop, Hold } from '../src/drops/drop.js';
import { executeBatch, type JobOutcome } from '../src/kernel/write/group-committer.js';
import { PostgresStore, SqliteStore, type Store } from '../src/stores.js';
import { dropSchema, postgresUrl, testSchema, withPostgres } from './postgres.js';

const T0 = Date.UTC(2026, 11, 1, 20, 0, 0);
const TIMES = { holdMs: 120_000, offerMs: 60_000 };

const jacket = (dropId: string, kind: 'merch' | 'car'): Drop => ({ dropId, name: 'Jacket',
  nameZh: '夹克', kind, priceFen: 129_900, depositFen: kind === 'car' ? 5_000 : 0,
  opensAtMs: T0, perAccountLimit: 2, perIdentityLimit: 3, createdAtMs: T0 - 1,
  variants: [{ variant: 's', name: 's', nameZh: 's', quantity: 3 },
    { variant: 'm', name: 'm', nameZh: 'm', quantity: 2 }] });

interface Cmd { drop: number; variant: string; quantity: number; account: number;
  identity: number; key: number }
const cmd: fc.Arbitrary<Cmd> = fc.record({ drop: fc.constantFrom(0, 0, 0, 1, 2),
  variant: fc.constantFrom('s', 'm', 'm', 'x'), quantity: fc.integer({ min: 1, max: 3 }),
  account: fc.integer({ min: 0, max: 4 }), identity: fc.integer({ min: 0, max: 2 }),
  key: fc.integer({ min: 0, max: 6 }) });
const batches = fc.array(fc.record({ early: fc.boolean(), cmds: fc.array(cmd,
  { minLength: 1, maxLength: 10 }) }), { minLength: 1, maxLength: 5 });

/** A hold's fields but its id (chosen afresh by each path), for comparing the two paths. */
const shape = (h: Hold) => ({ ...h, holdId: '', paymentReference: '' });

/** An outcome, comparable across the paths. */
function comparable(o: JobOutcome): unknown {
  if (!o.done) return { error: o.error };
  const r = o.value as { ok: boolean; value?: { hold: Hold; replay: boolean } };
  if (r.ok) return { ok: true, replay: r.value!.replay, hold: shape(r.value!.hold) };
  return r;
}

withPostgres('drop holds decided in the database', () => {
  describe('drop holds decided in the database (drop_take_holds)', () => {
    it('decides random batches as the JS path does on SQLite: outcomes, messages and stock',
      async () => {
        const schema = testSchema();
        const dir = mkdtempSync(join(tmpdir(), 'launchday-take-holds-'));
        const pgStore = await PostgresStore.open(postgresUrl, { schema });
        const sqlite = new SqliteStore(dir);
        const { dropHold } = dropCommands();
        let run = 0;
        try {
          await fc.assert(fc.asyncProperty(batches, fc.boolean(), async (bs, car) => {
            run++;
            const ids = [`a${run}`, `b${run}`];
            for (const s of [pgStore, sqlite] as Store[]) {
              await s.transaction(async (tx) => {
                await tx.putDrop(jacket(ids[0]!, car ? 'car' : 'merch'));
                await tx.putDrop(jacket(ids[1]!, 'merch'));
              });
            }
            let at = T0;
            for (const b of bs) {
              at += 1_000;
              const nowMs = b.early ? T0 - 1 : at;
              const jobs = b.cmds.map((c) => ({ handler: 'dropHold', payload: {
                dropId: c.drop === 2 ? `none${run}` : ids[c.drop]!, variant: c.variant,
                quantity: c.quantity, accountId: `r${run}-acc${c.account}`,
                identityKey: `r${run}-id${c.identity}`, idempotencyKey: `k${c.key}`,
                requestHash: `${c.drop}/${c.variant}/${c.quantity}`, times: TIMES,
              } satisfies HoldCommand }));
              const [inSql, inJs] = await Promise.all([pgStore, sqlite].map((s) =>
                executeBatch((fn) => s.transaction(fn), { dropHold }, jobs, nowMs)));
              assert.ok(inSql!.every((o) => !o.done || o.value !== HOLD_AGAIN));
              assert.deepEqual(inSql!.map(comparable), inJs!.map(comparable));
              for (const d of ids) {
                assert.deepEqual(await pgStore.dropStock(d), await sqlite.dropStock(d));
              }
            }
          }), { numRuns: 80 });
        } finally {
          await pgStore.close();
          await sqlite.close();
          rmSync(dir, { recursive: true, force: true });
          await dropSchema(schema);
        }
      });

    it('sends a hold batch in one message, BEGIN to COMMIT; a hold past due answers again, '
      + 'and under the lock the JS path ends it', async () => {
      const schema = testSchema();
      const store = await PostgresStore.open(postgresUrl, { schema });
      const { dropHold } = dropCommands();
      const command = (n: number, o: Partial<HoldCommand> = {}): HoldCommand => ({
        dropId: 'j', variant: 'm', quantity: 1, accountId: `acc${n}`, identityKey: `id${n}`,
        idempotencyKey: `k${n}`, requestHash: 'h', times: TIMES, ...o });
      const sent: string[] = [];
      const proto = pg.Client.prototype as unknown as { query: (...a: unknown[]) => unknown };
      const query = proto.query;
      try {
        await store.transaction((tx) => tx.putDrop(jacket('j', 'merch')));
        proto.query = function (this: unknown, ...args: unknown[]) {
          sent.push(String(args[0]));
          return query.apply(this, args);
        };
        const run = (cmds: HoldCommand[], nowMs: number) => executeBatch((fn) =>
          store.transaction(fn), { dropHold }, cmds.map((payload) =>
          ({ handler: 'dropHold', payload })), nowMs);
        const first = await run([command(1), command(2), command(1)], T0 + 1);
        assert.deepEqual(first.map((o) => o.done && (o.value as { ok: boolean }).ok),
          [true, true, true]);
        assert.equal(sent.length, 1, sent.join(' | ').slice(0, 300));
        assert.match(sent[0]!, /^BEGIN;\s*SELECT \* FROM drop_take_holds\([^]*;\s*COMMIT$/);
        // Both holds are past due at T0 + 120_002: the database decides nothing.
        const late = T0 + 1 + TIMES.holdMs + 1;
        const [again] = await run([command(3)], late);
        assert.deepEqual(again, { done: true, value: HOLD_AGAIN });
        assert.equal((await store.dropStock('j')).find((s) => s.variant === 'm')!.available, 0);
        const [js] = await run([command(3, { underLock: true })], late);
        assert.ok(js!.done && (js!.value as { ok: boolean }).ok, JSON.stringify(js));
        const m = (await store.dropStock('j')).find((s) => s.variant === 'm')!;
        assert.deepEqual([m.available, m.held], [1, 1], 'both expired, then one held');
      } finally {
        proto.query = query;
        await store.close();
        await dropSchema(schema);
      }
    });

    it('counts a hold an operator revoked against the limits (migration 24), as the JS path',
      async () => {
      const schema = testSchema();
      const store = await PostgresStore.open(postgresUrl, { schema });
      const { dropHold } = dropCommands();
      const command = (account: string, identity: string, quantity: number): HoldCommand => ({
        dropId: 'j', variant: 's', quantity, accountId: account, identityKey: identity,
        idempotencyKey: `k-${account}`, requestHash: `h${quantity}`, times: TIMES });
      try {
        await store.transaction(async (tx) => {
          await tx.putDrop(jacket('j', 'merch'));
          // Its units went back on sale when it was revoked: the stock is whole.
          await tx.insertHolds([{ holdId: 'hld_ring', dropId: 'j', variant: 's',
            accountId: 'ring', identityKey: 'id-ring', quantity: 2, amountFen: 259_800,
            status: 'revoked', source: 'sale', paymentReference: 'drp_hld_ring',
            createdAtMs: T0, expiresAtMs: T0 + 120_000, settledAtMs: T0 + 5,
            idempotencyKey: 'first', requestHash: 'h', entryId: null }]);
        });
        // The account is at its limit (2); the identity (3) takes one more unit, not two.
        const out = await executeBatch((fn) => store.transaction(fn), { dropHold },
          [command('ring', 'id-ring', 1), command('ring-2', 'id-ring', 2),
            command('ring-3', 'id-ring', 1)].map((payload) => ({ handler: 'dropHold', payload })),
          T0 + 1_000);
        assert.deepEqual(out.map((o) => o.done && (o.value as { ok: boolean; code?: string })
          .code), ['drop_limit_reached', 'drop_limit_reached', undefined]);
      } finally {
        await store.close();
        await dropSchema(schema);
      }
    });
  });
});
