// The drop's row lock on PostgreSQL is held from lockDrops to COMMIT, and every statement in
// between waits for the API process's event loop, which at a drop's opening is busy parsing the
// crowd's requests: the other process's batches wait for each one. So a hold batch reads
// everything it needs under the lock in one statement (readUnderLock) and writes in one
// (insertHoldsAndMove). These tests hold those two statements to the one-by-one reads and
// writes they replace, and count the statements a hold batch sends under the lock.
import { strict as assert } from 'node:assert';
import { describe, it } from 'node:test';
import { dropCommands, type HoldCommand } from '../src/drops/drop-commands.js';
import type { Drop, Hold } from '../src/drops/drop.js';
import { PostgresStore, type StoreTx } from '../src/stores.js';
import { dropSchema, postgresUrl, testSchema, withPostgres } from './postgres.js';

const T0 = Date.UTC(2026, 11, 1, 20, 0, 0);
const TIMES = { holdMs: 120_000, offerMs: 60_000 };

const jacket = (dropId = 'jacket'): Drop => ({ dropId, name: 'Jacket', nameZh: '夹克',
  kind: 'merch', priceFen: 129_900, depositFen: 0, opensAtMs: T0, perAccountLimit: 1,
  perIdentityLimit: 1, createdAtMs: T0 - 1, variants: ['s', 'm', 'l', 'xl'].map((v) =>
    ({ variant: v, name: v, nameZh: v, quantity: 5 })) });

const holdOf = (n: number, o: Partial<Hold> = {}): Hold => ({ holdId: `hld_${n}`,
  dropId: 'jacket', variant: 'm', accountId: `acc_${n}`, identityKey: `id_${n}`, quantity: 1,
  amountFen: 129_900, status: 'held', source: 'sale', paymentReference: `drp_hld_${n}`,
  createdAtMs: T0 + n, expiresAtMs: T0 + 120_000 + n, settledAtMs: null,
  idempotencyKey: `key-${n}`, requestHash: `hash-${n}`, entryId: null, ...o });

const command = (n: number, variant: string): HoldCommand => ({ dropId: 'jacket', variant,
  quantity: 1, accountId: `acc_${n}`, identityKey: `id_${n}`, idempotencyKey: `key-${n}`,
  requestHash: `hash-${n}`, times: TIMES });

/** `tx` with the names of the methods called on it, in order, pushed on `calls`. */
function counted(tx: StoreTx, calls: string[]): StoreTx {
  return new Proxy(tx, { get(target, key, receiver) {
    const v = Reflect.get(target, key, receiver) as unknown;
    if (typeof v !== 'function') return v;
    return (...args: unknown[]) => {
      calls.push(String(key));
      return (v as (...a: unknown[]) => unknown).apply(target, args);
    };
  } });
}

async function withStore(fn: (store: PostgresStore) => Promise<void>): Promise<void> {
  const schema = testSchema();
  const store = await PostgresStore.open(postgresUrl, { schema });
  try {
    await store.transaction(async (tx) => {
      await tx.putDrop(jacket());
      await tx.putDrop(jacket('cap'));
    });
    await fn(store);
  } finally {
    await store.close();
    await dropSchema(schema);
  }
}

describe('the drop lock on PostgreSQL', async () => {
  await withPostgres('a hold batch under the drop lock', () => {
    it('readUnderLock reads what the one-by-one reads read', () => withStore(async (store) => {
      await store.transaction(async (tx) => {
        await tx.insertHolds([holdOf(1), holdOf(2, { status: 'paid', variant: 's' }),
          holdOf(3, { expiresAtMs: T0 + 5 }), holdOf(4, { status: 'expired' }),
          holdOf(5, { accountId: 'acc_1', identityKey: 'id_1', quantity: 2 }),
          holdOf(6, { dropId: 'cap', accountId: 'acc_1' })]);
        assert.ok(await tx.moveStock({ dropId: 'jacket', variant: 'm', available: -4, held: 4,
          sold: 0 }));
      });
      const nowMs = T0 + 10;
      await store.transaction(async (tx) => {
        await tx.lockDrops(['cap', 'jacket']);
        const refs = [{ accountId: 'acc_1', key: 'key-1' }, { accountId: 'acc_3', key: 'key-3' },
          { accountId: 'acc_2', key: 'no-such-key' }, { accountId: 'acc_1', key: 'bad\u0000key' }];
        const accounts = ['acc_1', 'acc_2', 'acc_4', 'acc_9', 'acc_1'];
        const identities = ['id_1', 'id_3', 'id_\u00001'];
        const read = await tx.readUnderLock!({ dropIds: ['cap', 'jacket'], nowMs, dueLimit: 10,
          refs, accounts: accounts.map((id) => ({ dropId: 'jacket', id })),
          identities: identities.map((id) => ({ dropId: 'jacket', id })) });
        assert.deepEqual(read.stock, await tx.stock(['cap', 'jacket']));
        assert.deepEqual(read.due, await tx.dueHolds(['cap', 'jacket'], nowMs, 10));
        assert.deepEqual(read.due.map((h) => h.holdId), ['hld_3']);
        const byId = (hs: Hold[]) => [...hs].sort((a, b) => (a.holdId < b.holdId ? -1 : 1));
        // A key with NUL matches nothing (holdsByIdempotency finds nothing at all with one).
        assert.deepEqual(byId(read.known), byId(await tx.holdsByIdempotency(refs.slice(0, 3))));
        assert.equal(read.known.length, 2);
        const prefixed = (m: Map<string, number>) =>
          new Map([...m].map(([k, n]) => [`jacket\u0000${k}`, n]));
        assert.deepEqual(read.accountUnits,
          prefixed(await tx.unitsByAccount('jacket', [...new Set(accounts)])));
        assert.deepEqual(read.accountUnits.get('jacket\u0000acc_1'), 3);
        assert.deepEqual(read.identityUnits,
          prefixed(await tx.unitsByIdentity('jacket', ['id_1', 'id_3'])));
      });
    }));

    it('insertHoldsAndMove inserts the holds and applies only the moves that keep stock at zero '
      + 'or above', () => withStore(async (store) => {
      const moved = await store.transaction((tx) => tx.insertHoldsAndMove!([holdOf(7),
        holdOf(8, { variant: 'l' })], [
        { dropId: 'jacket', variant: 'l', available: -1, held: 1, sold: 0 },
        { dropId: 'jacket', variant: 'm', available: -1, held: 1, sold: 0 },
        { dropId: 'jacket', variant: 's', available: 0, held: -1, sold: 1 }]));
      assert.equal(moved, 2, 'the third would leave s with -1 held');
      const stock = await store.dropStock('jacket');
      assert.deepEqual(stock.map((s) => [s.variant, s.available, s.held, s.sold]),
        [['l', 4, 1, 0], ['m', 4, 1, 0], ['s', 5, 0, 0], ['xl', 5, 0, 0]]);
      assert.deepEqual((await store.holdsOfDrop('jacket', 10)).map((h) => h.holdId),
        ['hld_7', 'hld_8']);
    }));

    it('a hold batch sends one read and one write under the drop lock', () =>
      withStore(async (store) => {
        const { dropHold } = dropCommands();
        const calls: string[] = [];
        const cmds = [command(1, 's'), command(2, 'm'), command(3, 'l'), command(4, 'xl'),
          command(5, 'm')];
        const results = await store.transaction((tx) =>
          dropHold(counted(tx, calls), cmds, T0 + 1));
        assert.ok(results.every((r) => r.ok));
        const underLock = calls.slice(calls.indexOf('lockDrops') + 1);
        assert.deepEqual(underLock, ['readUnderLock', 'insertHoldsAndMove'],
          `statements under the lock: ${underLock.join(', ')}`);
        const stock = await store.dropStock('jacket');
        assert.deepEqual(stock.map((s) => [s.variant, s.available, s.held]),
          [['l', 4, 1], ['m', 3, 2], ['s', 4, 1], ['xl', 4, 1]]);
      }));

    it('a hold past due is ended first, and its buyer\'s limit counts without it', () =>
      withStore(async (store) => {
        const { dropHold } = dropCommands();
        await store.transaction(async (tx) => {
          await tx.insertHolds([holdOf(1, { expiresAtMs: T0 + 5, idempotencyKey: 'old' })]);
          assert.ok(await tx.moveStock({ dropId: 'jacket', variant: 'm', available: -1, held: 1,
            sold: 0 }));
        });
        // acc_1 (limit 1) held a unit until T0 + 5; at T0 + 10 it asks again, with a new key.
        const [r] = await store.transaction((tx) => dropHold(tx, [command(1, 'm')], T0 + 10));
        assert.ok(r!.ok, JSON.stringify(r));
        const holds = await store.holdsOfDrop('jacket', 10);
        assert.deepEqual(holds.map((h) => [h.holdId, h.status]).sort(),
          [['hld_1', 'expired'], [r!.value.hold.holdId, 'held']].sort());
        const m = (await store.dropStock('jacket')).find((s) => s.variant === 'm')!;
        assert.deepEqual([m.available, m.held], [4, 1]);
      }));
  });
});
