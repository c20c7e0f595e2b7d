// Drops' part of the storage contract (kernel/store/store-contract.ts): drops and their stock,
// holds and the waitlist, and the guarantees the batch handlers rely on (conditional stock
// moves, the CHECK that refuses an oversell, a drop's lock serialising writers across
// processes), on every adapter.
import { strict as assert } from 'node:assert';
import { describe } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import { barrier, storeTest, T0, type OpenedStore } from '../kernel/store/store-contract.js';
import type { Store } from '../kernel/store/store.js';
import type { Drop, Hold, WaitlistEntry } from './drop.js';

function jacket(overrides: Partial<Drop> = {}): Drop {
  return { dropId: 'jacket', name: 'Limited jacket', nameZh: '限量夹克', kind: 'merch',
    priceFen: 129_900, depositFen: 0, opensAtMs: T0, perAccountLimit: 2, perIdentityLimit: 2,
    variants: [{ variant: 'm', name: 'M', nameZh: 'M', quantity: 5 },
      { variant: 's', name: 'S', nameZh: 'S', quantity: 3 }], createdAtMs: T0 - 1, ...overrides };
}

function hold(n: number, overrides: Partial<Hold> = {}): Hold {
  return { holdId: `hld_${String(n).padStart(4, '0')}`, dropId: 'jacket', variant: 'm',
    accountId: `acc_${n % 3}`, identityKey: `id_${n % 3}`, quantity: 1, amountFen: 129_900,
    status: 'held', source: 'sale', paymentReference: `drp_hld_${n}`, createdAtMs: T0 + n,
    expiresAtMs: T0 + 120_000 + n, settledAtMs: null, idempotencyKey: `key-${n}`,
    requestHash: `hash-${n}`, entryId: null, ...overrides };
}

function entry(n: number, overrides: Partial<WaitlistEntry> = {}): WaitlistEntry {
  return { entryId: `wle_${n}`, dropId: 'jacket', variant: 'm', accountId: `acc_${n}`,
    identityKey: `id_${n}`, seq: n, joinedAtMs: T0 + n, status: 'waiting', holdId: null,
    ...overrides };
}

const withDrop = (store: Store, d = jacket()) => store.transaction((tx) => tx.putDrop(d));

export function dropsStoreContract(name: string, open: () => Promise<OpenedStore>): void {
  const test = storeTest(open);

  describe(`${name} store contract`, () => {
    describe('drops', () => {
      test('a drop and its stock read back; replacing it starts its stock over', async (store) => {
        await withDrop(store);
        assert.deepEqual(await store.drop('jacket'), jacket());
        assert.deepEqual((await store.dropStock('jacket')).map((s) => [s.variant, s.available]),
          [['m', 5], ['s', 3]]);
        await withDrop(store, jacket({ variants: [{ variant: 'l', name: 'L', nameZh: 'L',
          quantity: 7 }] }));
        assert.deepEqual((await store.dropStock('jacket')).map((s) => [s.variant, s.quantity,
          s.available, s.held, s.sold]), [['l', 7, 7, 0, 0]]);
        assert.equal((await store.drops()).length, 1);
        assert.equal(await store.drop('nope'), null);
      });

      test('a stock move applies only if no count goes below zero', async (store) => {
        await withDrop(store);
        const move = (available: number, held: number, sold: number) => store.transaction((tx) =>
          tx.moveStock({ dropId: 'jacket', variant: 's', available, held, sold }));
        assert.equal(await move(-3, 3, 0), true);
        assert.equal(await move(-1, 1, 0), false);
        assert.equal(await move(0, -2, 2), true);
        assert.equal(await move(0, -2, 2), false);
        assert.equal(await move(1, -1, 0), true);
        assert.deepEqual((await store.dropStock('jacket')).find((s) => s.variant === 's'),
          { dropId: 'jacket', variant: 's', quantity: 3, available: 1, held: 0, sold: 2 });
      });

      test('the table refuses stock that does not add up to the quantity', async (store) => {
        await withDrop(store);
        await assert.rejects(store.transaction((tx) =>
          tx.moveStock({ dropId: 'jacket', variant: 's', available: 0, held: 0, sold: 1 })));
        assert.equal((await store.dropStock('jacket'))[1]!.sold, 0);
      });

      test('holds read back by id, key and reference; settling one is conditional',
        async (store) => {
          await withDrop(store);
          await store.transaction((tx) => tx.insertHolds([hold(1), hold(2, { quantity: 2 }),
            hold(4, { status: 'paid', settledAtMs: T0 + 9 })]));
          assert.deepEqual(await store.hold(hold(1).holdId), hold(1));
          assert.deepEqual(await store.hold(hold(2).holdId), hold(2, { quantity: 2 }));
          assert.deepEqual(await store.holdByIdempotency('acc_1', 'key-1'), hold(1));
          assert.deepEqual(await store.holdByReference('drp_hld_2'), hold(2, { quantity: 2 }));
          await store.transaction(async (tx) => {
            assert.deepEqual((await tx.holdsByIdempotency([{ accountId: 'acc_2', key: 'key-2' },
              { accountId: 'acc_2', key: 'key-1' }])).map((h) => h.holdId), [hold(2).holdId]);
            assert.deepEqual(await tx.unitsByAccount('jacket', ['acc_1', 'acc_2', 'acc_0']),
              new Map([['acc_1', 2], ['acc_2', 2]]));
            assert.deepEqual(await tx.unitsByIdentity('jacket', ['id_1']), new Map([['id_1', 2]]));
            assert.equal(await tx.settleHold(hold(1).holdId, 'expired', T0 + 5), true);
            assert.equal(await tx.settleHold(hold(1).holdId, 'paid', T0 + 6), false);
            // Only the one still held is settled, and named: no read is needed to tell which.
            assert.deepEqual(await tx.settleHolds([hold(4).holdId, hold(2).holdId,
              hold(1).holdId, 'hld_none'], 'paid', T0 + 7), [hold(2).holdId]);
            assert.deepEqual(await tx.settleHolds([], 'paid', T0 + 7), []);
            assert.equal(await tx.dropHasHolds('jacket'), true);
          });
          assert.equal((await store.hold(hold(1).holdId))!.status, 'expired');
          assert.equal((await store.hold(hold(1).holdId))!.settledAtMs, T0 + 5);
          assert.equal((await store.hold(hold(2).holdId))!.status, 'paid');
          assert.equal((await store.hold(hold(2).holdId))!.settledAtMs, T0 + 7);
          assert.equal(await store.holdCount('jacket'), 3, 'every status counts');
          assert.equal(await store.holdCount('nope'), 0);
          assert.deepEqual((await store.holdsOf('jacket', 'acc_1', 10)).map((h) => h.holdId),
            [hold(4).holdId, hold(1).holdId]);
          await assert.rejects(store.transaction((tx) => tx.insertHolds([hold(7,
            { accountId: 'acc_1', idempotencyKey: 'key-1' })])), 'a key is taken once');
        });

      test('a paid hold is unsold (an operator\'s cancel) once; a held or ended one is not',
        async (store) => {
          await withDrop(store);
          await store.transaction(async (tx) => {
            await tx.insertHolds([hold(1), hold(2, { status: 'paid', settledAtMs: T0 + 3 }),
              hold(3, { status: 'expired', settledAtMs: T0 + 4 })]);
            assert.equal(await tx.unsellHold(hold(1).holdId, T0 + 9), false, 'held, not paid');
            assert.equal(await tx.unsellHold(hold(2).holdId, T0 + 9), true);
            assert.equal(await tx.unsellHold(hold(2).holdId, T0 + 10), false, 'once only');
            assert.equal(await tx.unsellHold(hold(3).holdId, T0 + 9), false, 'ended');
            assert.equal(await tx.unsellHold('hld_none', T0 + 9), false);
          });
          const now = await Promise.all([1, 2, 3].map((n) => store.hold(hold(n).holdId)));
          assert.deepEqual(now.map((h) => [h!.status, h!.settledAtMs]), [['held', null],
            ['revoked', T0 + 9], ['expired', T0 + 4]]);
          // Still counted against the buyer's limits: the operator's cancel does not hand the
          // ring its allowance back (drop.ts LIMITED).
          assert.deepEqual(await store.transaction((tx) => tx.unitsByAccount('jacket',
            ['acc_2'])), new Map([['acc_2', 1]]));
        });

      test('the limits count held, paid and revoked holds; not expired, failed, cancelled',
        async (store) => {
          await withDrop(store);
          const mine = (n: number, status: Hold['status']) => hold(n, { accountId: 'acc_a',
            identityKey: 'id_a', status, settledAtMs: status === 'held' ? null : T0 + n });
          await store.transaction(async (tx) => {
            await tx.insertHolds([mine(1, 'paid'), mine(2, 'expired'), mine(3, 'failed'),
              mine(4, 'cancelled'), mine(5, 'held'), mine(6, 'held'),
              hold(7, { accountId: 'acc_b', identityKey: 'id_a', status: 'revoked',
                settledAtMs: T0 })]);
            // An operator's cancel of a held hold (drop-revoke.ts) ends it as revoked.
            assert.equal(await tx.settleHold(mine(6, 'held').holdId, 'revoked', T0 + 9), true);
          });
          await store.transaction(async (tx) => {
            assert.deepEqual(await tx.unitsByAccount('jacket', ['acc_a', 'acc_b']),
              new Map([['acc_a', 3], ['acc_b', 1]]));
            assert.deepEqual(await tx.unitsByIdentity('jacket', ['id_a']), new Map([['id_a', 4]]));
            // The same figures as the batches read them under the lock (PostgreSQL's one read).
            if (tx.readUnderLock) {
              const read = await tx.readUnderLock({ dropIds: ['jacket'], nowMs: T0, dueLimit: 10,
                refs: [], accounts: [{ dropId: 'jacket', id: 'acc_a' },
                  { dropId: 'jacket', id: 'acc_b' }],
                identities: [{ dropId: 'jacket', id: 'id_a' }] });
              assert.deepEqual(read.accountUnits, new Map([['jacket\u0000acc_a', 3],
                ['jacket\u0000acc_b', 1]]));
              assert.deepEqual(read.identityUnits, new Map([['jacket\u0000id_a', 4]]));
            }
          });
          // Outside a transaction, an account's and its identity's at once (a room's join).
          assert.deepEqual(await store.holding('jacket', 'acc_a', 'id_a'),
            { accountUnits: 3, identityUnits: 4 });
          assert.deepEqual(await store.holding('jacket', 'acc_b', 'id_b'),
            { accountUnits: 1, identityUnits: 0 });
          assert.deepEqual(await store.holding('jacket', 'acc_z', 'id_z'),
            { accountUnits: 0, identityUnits: 0 });
        });

      test('due holds are the held ones past their deadline, earliest first', async (store) => {
        await withDrop(store);
        await store.transaction((tx) => tx.insertHolds([hold(1, { expiresAtMs: T0 + 30 }),
          hold(2, { expiresAtMs: T0 + 10 }), hold(3, { expiresAtMs: T0 + 50 }),
          hold(4, { expiresAtMs: T0 + 5, status: 'paid' })]));
        await store.transaction(async (tx) => {
          assert.deepEqual((await tx.dueHolds(['jacket'], T0 + 30, 10)).map((h) => h.holdId),
            [hold(2).holdId, hold(1).holdId]);
          assert.deepEqual((await tx.dueHolds(['jacket'], T0 + 30, 1)).length, 1);
          assert.deepEqual(await tx.dropsWithDueHolds(T0 + 30, 10), ['jacket']);
          assert.deepEqual(await tx.dropsWithDueHolds(T0 + 1, 10), []);
        });
        // The same question read outside a transaction (a purchase's lock-free refusal).
        assert.equal(await store.hasDueHolds('jacket', T0 + 10), true);
        assert.equal(await store.hasDueHolds('jacket', T0 + 9), false, 'a paid hold is not due');
        assert.equal(await store.hasDueHolds('nope', T0 + 99), false);
      });

      test('the waitlist is read in line order, with who is ahead', async (store) => {
        await withDrop(store);
        await store.transaction(async (tx) => {
          assert.equal(await tx.nextEntrySeq('jacket'), 1);
          for (const n of [1, 2, 3]) await tx.insertEntry(entry(n));
          await tx.insertEntry(entry(4, { variant: 's' }));
          await tx.setEntry('wle_1', 'offered', 'hld_x');
          assert.deepEqual((await tx.waitingEntries('jacket', 'm', 10)).map((e) => e.seq), [2, 3]);
          assert.equal(await tx.waitingCount('jacket'), 3);
          assert.equal((await tx.openEntry('jacket', 'm', 'acc_1'))!.status, 'offered');
          assert.equal(await tx.openEntry('jacket', 's', 'acc_1'), null);
          assert.equal(await tx.nextEntrySeq('jacket'), 5);
        });
        assert.deepEqual((await store.entriesOf('jacket', 'acc_3')).map((x) => x.ahead), [1]);
        assert.deepEqual(await store.waitingByVariant('jacket'), new Map([['m', 2], ['s', 1]]));
        assert.deepEqual((await store.entriesOfDrop('jacket', 10)).map((e) => e.entryId),
          ['wle_1', 'wle_2', 'wle_3', 'wle_4']);
        await assert.rejects(store.transaction((tx) => tx.insertEntry(entry(5, { seq: 2 }))),
          'a place in line is taken once');
      });

      test('closing a variant\'s line ends its waiting entries only', async (store) => {
        await withDrop(store);
        await store.transaction(async (tx) => {
          for (const n of [1, 2, 3]) await tx.insertEntry(entry(n));
          await tx.insertEntry(entry(4, { variant: 's' }));
          await tx.setEntry('wle_1', 'bought', 'hld_x');
          assert.equal(await tx.closeWaiting('jacket', 'm'), 2);
          assert.deepEqual(await tx.waitingEntries('jacket', 'm', 10), []);
          assert.equal(await tx.openEntry('jacket', 'm', 'acc_2'), null, 'no longer open');
          assert.equal(await tx.waitingCount('jacket'), 1, 'the other size still waits');
          assert.equal(await tx.closeWaiting('jacket', 'm'), 0);
        });
        assert.deepEqual((await store.entriesOfDrop('jacket', 10)).map((e) => e.status),
          ['bought', 'closed', 'closed', 'waiting']);
        assert.deepEqual(await store.waitingByVariant('jacket'), new Map([['s', 1]]));
        assert.deepEqual((await store.entriesOf('jacket', 'acc_3')).map((x) =>
          [x.entry.status, x.ahead]), [['closed', 0]]);
      });

      test('reopening a variant\'s line puts its closed entries back in their places only',
        async (store) => {
          await withDrop(store);
          await store.transaction(async (tx) => {
            for (const n of [1, 2, 3, 4]) await tx.insertEntry(entry(n));
            await tx.insertEntry(entry(5, { variant: 's' }));
            await tx.setEntry('wle_1', 'lapsed', 'hld_x');
            await tx.setEntry('wle_4', 'passed', null);
            assert.equal(await tx.closeWaiting('jacket', 'm'), 2);
            assert.equal(await tx.closeWaiting('jacket', 's'), 1);
            // Not the place of an account whose sale the cancel takes back.
            assert.equal(await tx.reopenClosed('jacket', 'm', ['acc_3']), 1);
            assert.deepEqual((await tx.waitingEntries('jacket', 'm', 10)).map((e) => e.seq), [2]);
            assert.equal(await tx.reopenClosed('jacket', 'm', []), 1);
            assert.deepEqual((await tx.waitingEntries('jacket', 'm', 10)).map((e) => e.seq),
              [2, 3], 'the closed ones, in their order; not the lapsed or passed');
            assert.equal(await tx.waitingCount('jacket'), 2, 'the other size stays closed');
            assert.equal(await tx.reopenClosed('jacket', 'm', []), 0);
          });
          assert.deepEqual((await store.entriesOfDrop('jacket', 10)).map((e) => e.status),
            ['lapsed', 'waiting', 'waiting', 'passed', 'closed']);
          assert.deepEqual(await store.waitingByVariant('jacket'), new Map([['m', 2]]));
        });

      test('a drop\'s lock serialises two writers: no unit is sold twice',
        async (store, opened) => {
          const peer = opened.openPeer ? await opened.openPeer() : store;
          try {
            await withDrop(store, jacket({ variants: [{ variant: 'm', name: 'M', nameZh: 'M',
              quantity: 1 }] }));
            const meet = barrier(2, 300);
            // Each reads the stock under the lock, waits for the other, then takes the unit if it
            // saw one. With the lock the second reads after the first has committed and sees
            // none; without it both would see the unit.
            const take = (s: Store) => s.transaction(async (tx) => {
              await tx.lockDrops(['jacket']);
              const [stock] = await tx.stock(['jacket']);
              await Promise.race([meet(), sleep(50)]);
              if (stock!.available >= 1) {
                await tx.moveStock({ dropId: 'jacket', variant: 'm', available: -1, held: 1,
                  sold: 0 });
              }
              return stock!.available;
            });
            const seen = await Promise.all([take(store), take(peer)]);
            assert.deepEqual(seen.sort(), [0, 1]);
          } finally {
            if (peer !== store) await peer.close();
          }
        });
    });
  });
}
