// The drop's row lock on PostgreSQL is held from lockDrops to COMMIT, and every statement in
// between waits for the API process's event loop, which at a drop's opening is busy parsing the
// crowd's requests: the other process's batches wait for each one. So a hold batch reads
// everything it needs under the lock in one statement (readUnderLock), sent with the lock's in
// one message (lockAndRead), and writes in one (insertHoldsAndMove), held back and sent with the
// COMMIT (writeAtCommit). These tests hold those statements to the one-by-one reads and writes
// they replace, and count the messages hold and settle batches send under the lock.
import { strict as assert } from 'node:assert';
import { describe, it } from 'node:test';
import {
  dropCommands, type HoldCommand, type HoldOutcome, type SettleCommand,
} from '../src/drops/drop-commands.js';
import type { Result } from '../src/kernel/outcomes.js';
import type { StoreTx } from '../src/kernel/store/store.js';
import type { Drop, Hold } from '../src/drops/drop.js';
import { PostgresStore } from '../src/stores.js';
import { dropSchema, postgresUrl, spying, testSchema, withPostgres } from './postgres.js';

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

// These tests hold the JS path under the lock (`underLock`: where the database cannot decide,
// a hold past due); the batch decided in the database is test/drops-take-holds-postgres.test.ts's.
const command = (n: number, variant: string): HoldCommand => ({ dropId: 'jacket', variant,
  quantity: 1, accountId: `acc_${n}`, identityKey: `id_${n}`, idempotencyKey: `key-${n}`,
  requestHash: `hash-${n}`, times: TIMES, underLock: true });

/** dropHold as it answers `underLock` commands: decided, in the transaction. */
function jsHold(): (tx: StoreTx, cmds: readonly HoldCommand[], nowMs: number) =>
  Promise<Array<Result<HoldOutcome>>> {
  const { dropHold } = dropCommands();
  return async (tx, cmds, nowMs) => (await dropHold(tx, cmds, nowMs)) as
    Array<Result<HoldOutcome>>;
}

/**
 * dropSettle's JS path, under the lock (`underLock`): on PostgreSQL a settle batch is otherwise
 * decided in the database (drop_settle_holds; test/drops-settle-holds-postgres.test.ts), and
 * this path remains for the batches the database answers HOLD_AGAIN.
 */
function jsSettle(): (tx: StoreTx, cmds: readonly SettleCommand[], nowMs: number) =>
  Promise<Array<Result<Hold>>> {
  const { dropSettle } = dropCommands();
  return async (tx, cmds, nowMs) => (await dropSettle(tx, cmds.map((c) =>
    ({ ...c, underLock: true })), nowMs)) as Array<Result<Hold>>;
}

/**
 * The lock is taken by a message that also reads (lockAndRead), and the only message after it
 * is the write with the COMMIT: the lock waits for this process's event loop once, not once
 * per statement.
 */
function assertOneMessageUnderLock(sent: readonly string[]): void {
  const at = sent.findIndex((q) => q.includes('FOR UPDATE'));
  assert.ok(at >= 0, 'the drop is locked');
  assert.match(sent[at]!, /FOR UPDATE;\s*SELECT/, 'the read goes with the lock');
  const after = sent.slice(at + 1);
  assert.equal(after.length, 1, `messages after the lock: ${after.join(' | ').slice(0, 500)}`);
  assert.match(after[0]!, /;\s*COMMIT$/, 'the write goes with the COMMIT');
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

    it('a hold batch sends one message under the drop lock after the lock\'s own: its write '
      + 'and the COMMIT', () => withStore(async (store) => {
      const dropHold = jsHold();
      const sent: string[] = [];
      const cmds = [command(1, 's'), command(2, 'm'), command(3, 'l'), command(4, 'xl'),
        command(5, 'm')];
      const results = await spying(sent, () => store.transaction((tx) =>
        dropHold(tx, cmds, T0 + 1)));
      assert.ok(results.every((r) => r.ok));
      assertOneMessageUnderLock(sent);
      // And nothing before the lock: BEGIN goes with it (the read without the lock is left out).
      assert.equal(sent.length, 2, sent.join(' | ').slice(0, 500));
      assert.match(sent[0]!, /^BEGIN;\s*SELECT \* FROM drops/);
      const stock = await store.dropStock('jacket');
      assert.deepEqual(stock.map((s) => [s.variant, s.available, s.held]),
        [['l', 4, 1], ['m', 3, 2], ['s', 4, 1], ['xl', 4, 1]]);
      assert.equal((await store.holdsOfDrop('jacket', 10)).length, 5);
    }));

    it('BEGIN waits for the first statement: alone before one with parameters, nothing when '
      + 'none is sent, and the connection is left as it was', () => withStore(async (store) => {
      const sent: string[] = [];
      await spying(sent, async () => {
        assert.equal(await store.transaction(async () => 7), 7);
        await assert.rejects(store.transaction(async () => { throw new Error('refused'); }),
          /refused/);
      });
      assert.deepEqual(sent, [], 'a transaction that sends nothing sends no BEGIN nor COMMIT');
      await spying(sent, () => store.transaction(async (tx) => {
        await tx.lockDrops(['jacket']);
        await tx.lockDrops(['cap']);
      }));
      assert.deepEqual((sent as string[]).map((q) => q.slice(0, 20)), ['BEGIN',
        'SELECT * FROM drops ', 'SELECT * FROM drops ', 'COMMIT']);
      // A failure after the combined BEGIN rolls back; the connections serve on as before.
      sent.length = 0;
      await assert.rejects(spying(sent, () => store.transaction(async (tx) => {
        await tx.lockAndRead!({ dropIds: ['jacket'], nowMs: T0, dueLimit: 1, refs: [],
          accounts: [], identities: [] });
        await tx.insertHolds([holdOf(1), holdOf(1)]);
      })), /duplicate key/);
      assert.deepEqual((sent as string[]).map((q) => q.slice(0, 6)),
        ['BEGIN;', 'INSERT', 'ROLLBA']);
      assert.equal((await store.holdsOfDrop('jacket', 10)).length, 0);
      for (let i = 0; i < 20; i++) {
        await store.transaction((tx) => tx.setMeta('k', String(i)));
      }
      assert.equal(await store.meta('k'), '19');
    }));

    it('a settle batch of payments sends one message under the drop lock after the lock\'s: '
      + 'the payments, the stock and the COMMIT', () => withStore(async (store) => {
      const dropSettle = jsSettle();
      const dropHold = jsHold();
      const held = await store.transaction((tx) => dropHold(tx, [command(1, 's'),
        command(2, 'm'), command(3, 'm')], T0 + 1));
      const hs = held.map((r) => { assert.ok(r.ok); return r.value.hold; });
      const sent: string[] = [];
      // Two carry their hold (a payment's), one does not (read under the lock), one names a
      // hold that is not there.
      const settled = await spying(sent, () => store.transaction((tx) => dropSettle(tx, [
        { dropId: 'jacket', holdId: hs[0]!.holdId, accountId: 'acc_1', outcome: 'paid',
          times: TIMES, hold: hs[0] },
        { dropId: 'jacket', holdId: hs[1]!.holdId, accountId: 'acc_2', outcome: 'paid',
          times: TIMES },
        { dropId: 'jacket', holdId: hs[2]!.holdId, accountId: 'acc_3', outcome: 'paid',
          times: TIMES, hold: hs[2] },
        { dropId: 'jacket', holdId: 'hld_none', accountId: 'acc_3', outcome: 'paid',
          times: TIMES }], T0 + 2)));
      assert.deepEqual(settled.map((r) => (r.ok ? r.value.status : r.code)),
        ['paid', 'paid', 'paid', 'hold_not_found']);
      assertOneMessageUnderLock(sent);
      const stock = await store.dropStock('jacket');
      assert.deepEqual(stock.map((s) => [s.variant, s.available, s.held, s.sold]),
        [['l', 5, 0, 0], ['m', 3, 0, 2], ['s', 4, 0, 1], ['xl', 5, 0, 0]]);
      assert.deepEqual((await store.holdsOfDrop('jacket', 10)).map((h) => [h.status,
        h.settledAtMs]), [['paid', T0 + 2], ['paid', T0 + 2], ['paid', T0 + 2]]);
      // Paid again (a retry): answered with the sale, nothing moves.
      const again = await store.transaction((tx) => dropSettle(tx, [{ dropId: 'jacket',
        holdId: hs[0]!.holdId, accountId: 'acc_1', outcome: 'paid', times: TIMES,
        hold: hs[0] }], T0 + 3));
      assert.ok(again[0]!.ok && again[0]!.value.settledAtMs === T0 + 2);
      assert.deepEqual(await store.dropStock('jacket'), stock);
    }));

    it('a settle batch that sells a size for good closes its waiting entries in the message '
      + 'with the COMMIT', () => withStore(async (store) => {
      const dropSettle = jsSettle();
      const dropHold = jsHold();
      const held = await store.transaction((tx) => dropHold(tx, [1, 2, 3, 4, 5].map((n) =>
        command(n, 's')), T0 + 1));
      const hs = held.map((r) => { assert.ok(r.ok); return r.value.hold; });
      await store.transaction(async (tx) => {
        for (const [n, variant] of [[8, 'm'], [9, 's']] as const) {
          await tx.insertEntry({ entryId: `wle_${n}`, dropId: 'jacket', variant,
            accountId: `acc_${n}`, identityKey: `id_${n}`, seq: n, joinedAtMs: T0 + 1,
            status: 'waiting', holdId: null });
        }
      });
      const sent: string[] = [];
      const settled = await spying(sent, () => store.transaction((tx) => dropSettle(tx,
        hs.map((h) => ({ dropId: 'jacket', holdId: h.holdId, accountId: h.accountId,
          outcome: 'paid' as const, times: TIMES, hold: h })), T0 + 2)));
      assert.ok(settled.every((r) => r.ok && r.value.status === 'paid'));
      assertOneMessageUnderLock(sent);
      assert.deepEqual((await store.entriesOfDrop('jacket', 10)).map((e) =>
        [e.variant, e.status]), [['m', 'waiting'], ['s', 'closed']]);
    }));

    it('a batch of holds and payments sends the holds\' write with the payments\' lock and read',
      () => withStore(async (store) => {
        const dropSettle = jsSettle();
        const dropHold = jsHold();
        const [first] = await store.transaction((tx) => dropHold(tx, [command(1, 's')], T0 + 1));
        assert.ok(first!.ok);
        const sent: string[] = [];
        // As runGroups runs a batch of both: the holds, then the settles, in one transaction.
        const [held, paid] = await spying(sent, () => store.transaction(async (tx) => [
          await dropHold(tx, [command(2, 'm')], T0 + 2),
          await dropSettle(tx, [{ dropId: 'jacket', holdId: first!.value.hold.holdId,
            accountId: 'acc_1', outcome: 'paid', times: TIMES, hold: first!.value.hold }],
          T0 + 2)]));
        assert.ok(held![0]!.ok && paid![0]!.ok);
        assert.equal(sent.length, 3, sent.map((q) => q.slice(0, 60)).join(' | '));
        assert.match(sent[1]!, /^WITH inserted AS \(INSERT INTO drop_holds[^]*FOR UPDATE;/);
        assert.match(sent[2]!, /COMMIT$/);
        const stock = await store.dropStock('jacket');
        assert.deepEqual(stock.map((s) => [s.variant, s.available, s.held, s.sold]),
          [['l', 5, 0, 0], ['m', 4, 1, 0], ['s', 4, 0, 1], ['xl', 5, 0, 0]]);
      }));

    it('lockAndRead locks and reads what lockDrops and readUnderLock do, the holds asked for '
      + 'too', () => withStore(async (store) => {
      await store.transaction(async (tx) => {
        await tx.insertHolds([holdOf(1), holdOf(2, { status: 'paid' }), holdOf(3,
          { expiresAtMs: T0 + 5 })]);
      });
      const q = { dropIds: ['cap', 'jacket', 'no-such-drop'], nowMs: T0 + 10, dueLimit: 10,
        refs: [{ accountId: 'acc_1', key: 'key-1' }], accounts: [{ dropId: 'jacket',
          id: 'acc_2' }], identities: [{ dropId: 'jacket', id: 'id_3' }],
        holdIds: ['hld_1', 'hld_2', 'hld_9', 'hld_\u00001'] };
      const both = await store.transaction(async (tx) => tx.lockAndRead!(q));
      const apart = await store.transaction(async (tx) => ({ drops: await tx.lockDrops(q.dropIds),
        read: await tx.readUnderLock!(q) }));
      assert.deepEqual(both, apart);
      assert.deepEqual(both.drops.map((d) => d.dropId), ['cap', 'jacket']);
      assert.deepEqual(both.read.holds.map((h) => h.holdId).sort(), ['hld_1', 'hld_2']);
      assert.deepEqual(both.read.due.map((h) => h.holdId), ['hld_3']);
    }));

    it('lockAndRead\'s read sees what the lock\'s previous holder committed while it waited',
      () => withStore(async (store) => {
        let release!: () => void;
        const holding = new Promise<void>((r) => { release = r; });
        let locked!: () => void;
        const isLocked = new Promise<void>((r) => { locked = r; });
        const first = store.transaction(async (tx) => {
          await tx.lockDrops(['jacket']);
          locked();
          await holding;
          await tx.insertHolds([holdOf(1)]);
          assert.ok(await tx.moveStock({ dropId: 'jacket', variant: 'm', available: -1, held: 1,
            sold: 0 }));
        });
        await isLocked;
        const second = store.transaction((tx) => tx.lockAndRead!({ dropIds: ['jacket'],
          nowMs: T0, dueLimit: 10, refs: [{ accountId: 'acc_1', key: 'key-1' }],
          accounts: [{ dropId: 'jacket', id: 'acc_1' }], identities: [], holdIds: ['hld_1'] }));
        await new Promise((r) => setTimeout(r, 100));
        release();
        await first;
        const { read } = await second;
        assert.equal(read.stock.find((s) => s.variant === 'm')!.available, 4);
        assert.deepEqual(read.known.map((h) => h.holdId), ['hld_1']);
        assert.deepEqual(read.holds.map((h) => h.holdId), ['hld_1']);
        assert.equal(read.accountUnits.get('jacket\u0000acc_1'), 1);
      }));

    it('writeAtCommit writes with the COMMIT: holds (any text), moves and payments', () =>
      withStore(async (store) => {
        await store.transaction(async (tx) => {
          await tx.insertHolds([holdOf(1)]);
          assert.ok(await tx.moveStock({ dropId: 'jacket', variant: 'm', available: -1, held: 1,
            sold: 0 }));
        });
        const odd = "it's a \\ key, 'quoted' \\' ?$1 夹克 \u{1F9E5}";
        const sent: string[] = [];
        await spying(sent, () => store.transaction(async (tx) => {
          tx.writeAtCommit!({ holds: [holdOf(2, { idempotencyKey: odd, variant: 'l',
            amountFen: 2 ** 40 })],
          moves: [{ dropId: 'jacket', variant: 'l', available: -1, held: 1, sold: 0 },
            { dropId: 'jacket', variant: 'm', available: 0, held: -1, sold: 1 }],
          paid: { holdIds: ['hld_1'], atMs: T0 + 7 } });
          assert.equal((await store.holdsOfDrop('jacket', 10)).length, 1, 'nothing sent yet');
        }));
        assert.ok(sent.at(-1)!.trimEnd().endsWith('COMMIT'), 'sent with the COMMIT');
        const holds = await store.holdsOfDrop('jacket', 10);
        assert.deepEqual(holds.map((h) => [h.holdId, h.status, h.settledAtMs]),
          [['hld_1', 'paid', T0 + 7], ['hld_2', 'held', null]]);
        assert.deepEqual(holds[1], holdOf(2, { idempotencyKey: odd, variant: 'l',
          amountFen: 2 ** 40 }));
        const stock = await store.dropStock('jacket');
        assert.deepEqual(stock.map((x) => [x.variant, x.available, x.held, x.sold]),
          [['l', 4, 1, 0], ['m', 4, 0, 1], ['s', 5, 0, 0], ['xl', 5, 0, 0]]);
      }));

    it('a writeAtCommit whose move or payment does not apply fails the COMMIT, and nothing of '
      + 'the transaction is written', () => withStore(async (store) => {
      await store.transaction(async (tx) => {
        await tx.insertHolds([holdOf(1, { status: 'expired' })]);
      });
      const before = await store.dropStock('jacket');
      for (const w of [
        { moves: [{ dropId: 'jacket', variant: 's', available: -6, held: 6, sold: 0 }],
          paid: null },
        { moves: [], paid: { holdIds: ['hld_1'], atMs: T0 } }]) {
        await assert.rejects(store.transaction(async (tx) => {
          await tx.insertHolds([holdOf(3)]);
          tx.writeAtCommit!({ holds: [holdOf(2)], ...w });
        }), /drop write at commit/);
        assert.deepEqual(await store.dropStock('jacket'), before);
        assert.deepEqual((await store.holdsOfDrop('jacket', 10)).map((h) => [h.holdId,
          h.status]), [['hld_1', 'expired']]);
      }
    }));

    it('a write held back for the COMMIT is sent before any later statement of the '
      + 'transaction, which sees it', () => withStore(async (store) => {
      await store.transaction(async (tx) => {
        tx.writeAtCommit!({ holds: [holdOf(1)], moves: [{ dropId: 'jacket', variant: 'm',
          available: -1, held: 1, sold: 0 }], paid: null });
        assert.deepEqual((await tx.holds(['hld_1'])).map((h) => h.holdId), ['hld_1']);
        assert.equal((await tx.stock(['jacket'])).find((s) => s.variant === 'm')!.held, 1);
        tx.writeAtCommit!({ holds: [], moves: [{ dropId: 'jacket', variant: 'm',
          available: 0, held: -1, sold: 1 }], paid: { holdIds: ['hld_1'], atMs: T0 } });
      });
      const m = (await store.dropStock('jacket')).find((s) => s.variant === 'm')!;
      assert.deepEqual([m.available, m.held, m.sold], [4, 0, 1]);
      assert.equal((await store.hold('hld_1'))!.status, 'paid');
    }));

    it('a hold past due is ended first, and its buyer\'s limit counts without it', () =>
      withStore(async (store) => {
        const dropHold = jsHold();
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
