// Unique keys raced across batches on PostgreSQL. A batch that reads "no row with this key" and
// then inserts one can meet another transaction (another process's batch, or another lane's in
// this process) that read the same and inserted first: its INSERT waits for that transaction,
// then fails with a unique violation. Each test makes the race happen for sure: a transaction of
// its own inserts the key and stays open while the batch reads and reaches its INSERT (seen
// waiting in pg_locks), then commits. The batch's commands must be answered as if the key had
// been read: a replay with the winner's row, or the key's refusal; never an error.
import { strict as assert } from 'node:assert';
import { describe, it } from 'node:test';
import pg from 'pg';
import { accountCommands } from '../src/accounts/account-commands.js';
import { dropCommands, type HoldCommand } from '../src/drops/drop-commands.js';
import type { Drop, Hold } from '../src/drops/drop.js';
import { HOLD_COLUMNS, holdToValues } from '../src/drops/drop-rows.js';
import {
  executeBatch, type HandlerMap, type JobOutcome,
} from '../src/kernel/write/group-committer.js';
import { PostgresStore } from '../src/stores.js';
import { ADMIN, BEFORE_YU7, harness, type Reply } from './harness.js';
import { dropSchema, postgresUrl, testSchema, withPostgres } from './postgres.js';

const T0 = Date.UTC(2026, 11, 1, 20, 0, 0);
const TIMES = { holdMs: 120_000, offerMs: 60_000 };

const drop = (dropId: string): Drop => ({ dropId, name: dropId, nameZh: dropId, kind: 'merch',
  priceFen: 129_900, depositFen: 0, opensAtMs: T0, perAccountLimit: 2, perIdentityLimit: 2,
  createdAtMs: T0 - 1, variants: [{ variant: 'm', name: 'm', nameZh: 'm', quantity: 5 }] });

const hold = (dropId: string, accountId: string, key: string, requestHash: string): HoldCommand =>
  ({ dropId, variant: 'm', quantity: 1, accountId, identityKey: `id-${accountId}`,
    idempotencyKey: key, requestHash, times: TIMES });

/** Rivals not yet ended: a failed test rolls them back, or dropping its schema would wait. */
const rivals = new Set<Rival>();

/** A transaction of the test's own, on a connection of its own, in the store's schema. */
class Rival {
  readonly #c: pg.Client;
  #xid = '';
  #ended = false;

  private constructor(c: pg.Client) { this.#c = c; }

  static async open(schema: string): Promise<Rival> {
    const c = new pg.Client({ connectionString: postgresUrl });
    await c.connect();
    await c.query(`SET search_path TO ${schema}`);
    await c.query('BEGIN');
    const rival = new Rival(c);
    rivals.add(rival);
    return rival;
  }

  /** Runs `sql` in the open transaction and notes its transaction id. */
  async query(sql: string, params: unknown[] = []): Promise<void> {
    await this.#c.query(sql, params);
    const r = await this.#c.query('SELECT backend_xid::text AS x FROM pg_stat_activity '
      + 'WHERE pid = pg_backend_pid()');
    this.#xid = String(r.rows[0].x);
  }

  /** Resolves once another transaction waits for this one (its INSERT met our key). */
  async waitedFor(): Promise<void> {
    const watch = new pg.Client({ connectionString: postgresUrl });
    await watch.connect();
    try {
      for (let i = 0; i < 500; i++) {
        const r = await watch.query('SELECT count(*)::int AS n FROM pg_locks WHERE '
          + "locktype = 'transactionid' AND transactionid::text = $1 AND NOT granted",
        [this.#xid]);
        if (r.rows[0].n > 0) return;
        await new Promise((res) => setTimeout(res, 10));
      }
      assert.fail('no transaction came to wait for the rival');
    } finally {
      await watch.end();
    }
  }

  async end(how: 'COMMIT' | 'ROLLBACK'): Promise<void> {
    if (this.#ended) return;
    this.#ended = true;
    rivals.delete(this);
    try {
      await this.#c.query(how);
    } finally {
      await this.#c.end();
    }
  }
}

/**
 * Runs `jobs` as one batch (executeBatch: the batch, then each command alone if it fails) while
 * `rival` holds its rows uncommitted; the rival commits once the batch waits for it. Returns
 * the outcomes and how many transactions ran (more than one: the batch failed).
 */
async function raceBatch(store: PostgresStore, handlers: HandlerMap,
  jobs: Array<{ handler: string; payload: unknown }>, rival: Rival, nowMs: number):
  Promise<{ outcomes: JobOutcome[]; transactions: number }> {
  let transactions = 0;
  const run = executeBatch((fn) => {
    transactions++;
    return store.transaction(fn);
  }, handlers, jobs, nowMs).then((outcomes) => ({ outcomes, transactions }));
  try {
    await rival.waitedFor();
  } catch (err) {
    await rival.end('ROLLBACK');
    await run.catch(() => undefined);
    throw err;
  }
  await rival.end('COMMIT');
  return run;
}

async function withStore(fn: (store: PostgresStore, schema: string) => Promise<void>):
  Promise<void> {
  const schema = testSchema();
  const store = await PostgresStore.open(postgresUrl, { schema });
  try {
    await fn(store, schema);
  } finally {
    for (const r of [...rivals]) await r.end('ROLLBACK');
    await store.close();
    await dropSchema(schema);
  }
}

const value = (o: JobOutcome): any => {
  assert.ok(o.done, `the command failed: ${o.done ? '' : o.error}`);
  return o.value;
};

describe('unique keys raced on PostgreSQL', async () => {
  await withPostgres('unique keys raced on PostgreSQL', () => {
    it('a drop purchase whose Idempotency-Key another drop\'s batch took meanwhile is answered '
      + 'as a key read: replay, or idempotency_key_reused; its batch-mates are held',
    () => withStore(async (store, schema) => {
      await store.transaction(async (tx) => {
        await tx.putDrop(drop('jacket'));
        await tx.putDrop(drop('cap'));
      });
      const handlers = dropCommands() as unknown as HandlerMap;
      // The rival is a batch of the cap's lane: it took acc_1's keys k1 and k2.
      const winner = (key: string, hash: string): Hold => ({ holdId: `hld_${key}`,
        dropId: 'cap', variant: 'm', accountId: 'acc_1', identityKey: 'id-acc_1', quantity: 1,
        amountFen: 129_900, status: 'held', source: 'sale', paymentReference: `drp_${key}`,
        createdAtMs: T0, expiresAtMs: T0 + 120_000, settledAtMs: null, idempotencyKey: key,
        requestHash: hash, entryId: null });
      const rival = await Rival.open(schema);
      for (const h of [winner('k1', 'hash-same'), winner('k2', 'hash-cap')]) {
        await rival.query(`INSERT INTO drop_holds (${HOLD_COLUMNS.join(', ')}) VALUES (${
          HOLD_COLUMNS.map((_, i) => `$${i + 1}`).join(', ')})`, holdToValues(h));
      }
      // The jacket's batch: k1 with the same request (a replay), k2 with another, and two
      // purchases of other buyers.
      const { outcomes: out, transactions } = await raceBatch(store, handlers, [
        { handler: 'dropHold', payload: hold('jacket', 'acc_2', 'a', 'h-a') },
        { handler: 'dropHold', payload: hold('jacket', 'acc_1', 'k1', 'hash-same') },
        { handler: 'dropHold', payload: hold('jacket', 'acc_1', 'k2', 'hash-jacket') },
        { handler: 'dropHold', payload: hold('jacket', 'acc_3', 'b', 'h-b') },
      ], rival, T0 + 1);
      // The race was lost: the batch's INSERT failed on the key, and each command ran alone.
      assert.equal(transactions, 1 + 4);
      const [a, k1, k2, b] = out.map(value);
      assert.ok(a.ok && !a.value.replay, JSON.stringify(a));
      assert.ok(b.ok && !b.value.replay, JSON.stringify(b));
      assert.ok(k1.ok && k1.value.replay, JSON.stringify(k1));
      assert.equal(k1.value.hold.holdId, 'hld_k1');
      assert.equal(k1.value.hold.dropId, 'cap');
      assert.ok(!k2.ok && k2.code === 'idempotency_key_reused', JSON.stringify(k2));
      // Nothing partial: the jacket holds two units, the two new holds.
      const stock = await store.dropStock('jacket');
      assert.deepEqual(stock.map((s) => [s.available, s.held, s.sold]), [[3, 2, 0]]);
      assert.deepEqual((await store.holdsOfDrop('jacket', 10)).map((h) => h.accountId).sort(),
        ['acc_2', 'acc_3']);
    }));

    it('a registration whose phone another batch registered meanwhile is refused phone_taken '
      + 'by the batch\'s command-by-command retry; its batch-mate is registered',
    () => withStore(async (store, schema) => {
      const rival = await Rival.open(schema);
      await rival.query('INSERT INTO accounts VALUES ($1, $2, $3, $4, $5)',
        ['acc_rival', '13800000001', 'Rival', '110105194912310001', T0]);
      const person = (n: number) => ({ phone: `1380000000${n}`, name: `P${n}`,
        idNumber: `11010519491231000${n}`, tokenHash: `token-${n}` });
      const { outcomes, transactions } = await raceBatch(store,
        accountCommands() as unknown as HandlerMap, [
          { handler: 'register', payload: person(1) },
          { handler: 'register', payload: person(2) }], rival, T0 + 1);
      assert.equal(transactions, 1 + 2, 'the race was lost, and each command ran alone');
      const [one, two] = outcomes.map(value);
      assert.ok(!one.ok && one.code === 'phone_taken', JSON.stringify(one));
      assert.ok(two.ok, JSON.stringify(two));
    }));

    it('a price change numbered like another process\'s meanwhile is numbered after it, '
      + 'not a 500', async () => {
      const schema = testSchema();
      const h = await harness({ LAUNCHDAY_DATABASE_URL: postgresUrl,
        LAUNCHDAY_DATABASE_SCHEMA: schema });
      try {
        // Another process's change, not yet committed: version 2 of the launch.
        const rival = await Rival.open(schema);
        const at = Date.parse(BEFORE_YU7);
        await rival.query('INSERT INTO price_versions VALUES ($1, 2, $2, $3, $4, $5, $6, $7, '
          + '$8, $9, NULL)', ['yu7-2025', 'trim', 'max', 1_000_000_00, 1_000_000_00,
          at + 86_400_000, 'the other operator', 'other', at]);
        const reply = h.call('POST', '/admin/launches/yu7-2025/price-versions', { token: ADMIN,
          body: { item_kind: 'option', item_id: 'colour-emerald-green', price_fen: 1_000,
            reason: 'raced' } });
        let r: Reply;
        try {
          await rival.waitedFor();
        } finally {
          await rival.end('COMMIT');
          r = await reply;
        }
        assert.equal(r.status, 201, JSON.stringify(r.body));
        assert.equal(r.body.version, 3);
        const versions = await h.call('GET', '/admin/launches/yu7-2025/price-versions',
          { token: ADMIN });
        assert.deepEqual(versions.body.versions.map((v: { version: number }) => v.version)
          .filter((v: number) => v > 1), [2, 3]);
      } finally {
        for (const r of [...rivals]) await r.end('ROLLBACK');
        await h.close();
        await dropSchema(schema);
      }
    });

    it('a waiting room put for a target another process gave a room meanwhile is refused '
      + 'invalid_waiting_room, not a 500', async () => {
      const schema = testSchema();
      const h = await harness({ LAUNCHDAY_DATABASE_URL: postgresUrl,
        LAUNCHDAY_DATABASE_SCHEMA: schema });
      // Each opens when its launch does: YU7 on 2025-06-26, SU7 on 2024-03-28.
      const day = (targetId: string) => (targetId === 'su7-2024' ? '2024-03-28' : '2025-06-26');
      // SU7's opened already: its room is in arrival order (a shuffle stands before its opening).
      const room = (targetId: string) => ({ scope: 'launch', target_id: targetId,
        order: targetId === 'su7-2024' ? 'fifo' : 'shuffle', enabled: true,
        opens_at: `${day(targetId)}T14:00:00.000Z`,
        prequeue_at: `${day(targetId)}T13:50:00.000Z`, admit_per_minute: 60, active_max: 3,
        pass_seconds: 120, grace_seconds: 60 });
      try {
        const first = await h.call('PUT', '/admin/waiting-rooms/yu7-night', { token: ADMIN,
          body: room('yu7-2025') });
        assert.equal(first.status, 201, JSON.stringify(first.body));
        // Another process's room for the SU7 launch, not yet committed (a copy of the first).
        const rival = await Rival.open(schema);
        await rival.query('CREATE TEMP TABLE rival_room AS SELECT * FROM waiting_rooms');
        await rival.query("UPDATE rival_room SET room_id = 'su7-theirs', target_id = 'su7-2024'");
        await rival.query('INSERT INTO waiting_rooms SELECT * FROM rival_room');
        const reply = h.call('PUT', '/admin/waiting-rooms/su7-mine', { token: ADMIN,
          body: room('su7-2024') });
        let r: Reply;
        try {
          await rival.waitedFor();
        } finally {
          await rival.end('COMMIT');
          r = await reply;
        }
        assert.equal(r.status, 422, JSON.stringify(r.body));
        assert.equal(r.body.error.code, 'invalid_waiting_room');
        assert.match(r.body.error.message, /has a room already/);
        assert.equal((await h.call('GET', '/admin/waiting-rooms/su7-mine', { token: ADMIN }))
          .status, 404, 'nothing of it was written');
      } finally {
        for (const r of [...rivals]) await r.end('ROLLBACK');
        await h.close();
        await dropSchema(schema);
      }
    });
  });
});
