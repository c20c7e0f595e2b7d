// Waiting rooms' part of the storage contract (kernel/store/store-contract.ts): rooms, the
// line's tickets and keys, admission, passes spent once, bot holds, lapsed places, and one
// admitter at a time across processes, on every adapter.
import { strict as assert } from 'node:assert';
import { describe } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import { barrier, storeTest, T0, type OpenedStore } from '../kernel/store/store-contract.js';
import type { Store } from '../kernel/store/store.js';
import type { Pass, Room, Ticket } from './waiting-room.js';

function room(overrides: Partial<Room> = {}): Room {
  return { roomId: 'night', scope: 'launch', targetId: 'yu7-2025', enabled: true,
    suspended: false, opensAtMs: T0, prequeueAtMs: T0 - 600_000, order: 'shuffle',
    admitPerMinute: 600, activeMax: 100, passSeconds: 600, graceSeconds: 300, adaptive: false,
    waitingStatus: 200, seed: 'ab'.repeat(32), seedCommitment: 'cd'.repeat(32),
    shuffledAtMs: null, tokens: 0.5, filledAtMs: null, admittedTotal: 0,
    createdAtMs: T0 - 700_000, updatedAtMs: T0 - 700_000, ...overrides };
}

function ticket(n: number, overrides: Partial<Ticket> = {}): Ticket {
  return { ticketId: `wrt_${String(n).padStart(4, '0')}`, roomId: 'night', joinedAtMs: T0 + n,
    key: (T0 + n) * 1024, status: 'waiting', lastSeenMs: T0 + n, address: '10.0.0.1',
    passId: null, admittedAtMs: null, ...overrides };
}

const pass = (n: number, t: Ticket, overrides: Partial<Pass> = {}): Pass => ({
  passId: `wrp_${n}`, roomId: 'night', ticketId: t.ticketId, issuedAtMs: T0,
  expiresAtMs: T0 + 600_000, status: 'active', spentBy: null, spentKey: null, spentAtMs: null,
  claimedUntilMs: null,
  ...overrides });

const put = (store: Store, r = room()) => store.transaction((tx) => tx.putRoom(r));
const add = (store: Store, ...ts: Ticket[]) => store.transaction(async (tx) => {
  for (const t of ts) assert.equal(await tx.insertTicket(t), true);
});

export function waitingRoomsStoreContract(name: string, open: () => Promise<OpenedStore>): void {
  const test = storeTest(open);

  describe(`${name} store contract`, () => {
    describe('waiting rooms', () => {
      test('a room reads back whole; replacing it keeps one row', async (store) => {
        await put(store);
        assert.deepEqual(await store.room('night'), room());
        await put(store, room({ suspended: true, admitPerMinute: 60, seed: 'other',
          tokens: 9, admittedTotal: 5 }));
        assert.deepEqual(await store.rooms(10), [room({ suspended: true, admitPerMinute: 60 })],
          'the settings change; the seed and the admitter\'s state stay');
        assert.equal(await store.room('nope'), null);
        await store.transaction((tx) => tx.setRoomState('night', { tokens: 1.25,
          filledAtMs: T0 + 5, admittedTotal: 7, shuffledAtMs: T0 }));
        const r = await store.room('night');
        assert.deepEqual([r!.tokens, r!.filledAtMs, r!.admittedTotal, r!.shuffledAtMs],
          [1.25, T0 + 5, 7, T0]);
      });

      test('the room in front of a target reads back in a transaction', async (store) => {
        await put(store);
        await put(store, room({ roomId: 'drop-night', scope: 'drop', targetId: 'yu7-2025' }));
        await store.transaction(async (tx) => {
          assert.equal((await tx.roomOfTarget('launch', 'yu7-2025'))?.roomId, 'night');
          assert.equal((await tx.roomOfTarget('drop', 'yu7-2025'))?.roomId, 'drop-night');
          assert.equal(await tx.roomOfTarget('launch', 'su7-2024'), null);
        });
      });

      test('the line: keys in order, the pre-queue without, a taken key refused',
        async (store) => {
          await put(store);
          await add(store, ticket(2), ticket(1), ticket(3, { key: null }),
            ticket(4, { key: null }));
          assert.equal(await store.transaction((tx) => tx.insertTicket(ticket(9,
            { key: ticket(1).key }))), false);
          const line = await store.lineKeys('night');
          assert.deepEqual([...line.waiting], [ticket(1).key, ticket(2).key]);
          assert.equal((await store.lineCounts('night', T0)).waiting, 4, 'the unkeyed too');
          assert.deepEqual(await store.transaction((tx) => tx.unkeyedTicketIds('night')),
            ['wrt_0003', 'wrt_0004']);
          await store.transaction((tx) => tx.setTicketKeys('night', ['wrt_0004', 'wrt_0003'],
            [1, 2]));
          assert.deepEqual([...(await store.lineKeys('night')).waiting],
            [1, 2, ticket(1).key, ticket(2).key]);
          assert.deepEqual((await store.transaction((tx) => tx.headOfLine('night', 3)))
            .map((t) => t.ticketId), ['wrt_0004', 'wrt_0003', 'wrt_0001']);
          const c = await store.roomCounts('night', T0);
          assert.deepEqual([c.waiting, c.prequeue, c.held, c.admitted], [4, 0, 0, 0]);
          // A join counts its address's waiting and held tickets in its own transaction.
          const join = (t: Ticket, max: number | null) =>
            store.transaction((tx) => tx.joinTicket(t, max));
          assert.equal(await join(ticket(5), 4), 'too_many');
          assert.equal(await store.ticket('wrt_0005'), null, 'refused: nothing added');
          assert.equal(await join(ticket(5), 5), 'inserted');
          assert.equal(await join(ticket(6), 5), 'too_many');
          assert.equal(await join(ticket(6, { address: '10.0.0.2' }), 1), 'inserted');
          assert.equal(await join(ticket(7, { key: ticket(1).key }), null), 'key_taken');
          assert.equal(await join(ticket(7), null), 'inserted', 'no limit');
          assert.equal(await join(ticket(8, { address: '' }), 1), 'inserted',
            'an unknown address is not counted');
        });

      test('admission marks tickets and adds passes; the cap counts active ones',
        async (store) => {
          await put(store);
          const [a, b, c] = [ticket(1), ticket(2), ticket(3)];
          await add(store, a, b, c);
          await store.transaction((tx) => tx.admit([pass(1, a), pass(2, b,
            { expiresAtMs: T0 + 10 })], T0 + 1));
          const t = await store.ticket(a.ticketId);
          assert.deepEqual([t!.status, t!.passId, t!.admittedAtMs], ['admitted', 'wrp_1', T0 + 1]);
          assert.deepEqual([...(await store.lineKeys('night')).waiting], [c.key]);
          assert.equal(await store.transaction((tx) => tx.activePassCount('night', T0 + 5)), 2);
          assert.equal(await store.transaction((tx) => tx.activePassCount('night', T0 + 10)), 1);
          // The line's copy counts them as the admitter does (estimateWait's cap).
          assert.deepEqual(await store.lineCounts('night', T0 + 5),
            { waiting: 1, activePasses: 2 });
          assert.equal((await store.lineCounts('night', T0 + 10)).activePasses, 1);
          const counts = await store.roomCounts('night', T0 + 10);
          assert.deepEqual([counts.admitted, counts.activePasses, counts.waiting], [2, 1, 1]);
          assert.deepEqual((await store.passesOf('night', 10)).map((p) => p.passId).sort(),
            ['wrp_1', 'wrp_2']);
        });

      test('a pass is spent once; the same order again, not another; given back; revoked',
        async (store) => {
          await put(store);
          const a = ticket(1);
          await add(store, a);
          await store.transaction((tx) => tx.admit([pass(1, a)], T0));
          const claim = (by: string, key: string, at = T0 + 1) =>
            store.transaction((tx) => tx.claimPass('wrp_1', by, key, at, at + 1_000));
          const spend = (by: string, key: string) =>
            store.transaction((tx) => tx.spendPass('wrp_1', by, key));
          assert.equal(await claim('acc_1', 'k1'), 'claimed');
          assert.equal(await claim('acc_1', 'k1'), 'again');
          // Claimed by a request under way: another waits for its outcome, until the claim ends.
          assert.equal(await claim('acc_2', 'k2'), 'pending');
          assert.equal(await claim('acc_2', 'k2', T0 + 1_001), 'spent', 'a lapsed claim counts');
          assert.equal(await spend('acc_2', 'k2'), false, 'only the claimant spends it');
          assert.equal(await spend('acc_1', 'k1'), true);
          assert.equal((await store.pass('wrp_1'))?.claimedUntilMs, null);
          assert.equal(await claim('acc_2', 'k2'), 'spent');
          assert.equal(await claim('acc_1', 'k1'), 'again');
          const release = (id: string, by: string, key: string) =>
            store.transaction((tx) => tx.releasePass(id, by, key));
          assert.equal(await release('wrp_1', 'acc_2', 'k2'), false);
          // A spent pass never goes back, even to its claimant (a second request under the
          // same key, refused for its content, gave it back to anyone before).
          assert.equal(await release('wrp_1', 'acc_1', 'k1'), false);
          assert.equal(await claim('acc_2', 'k2'), 'spent');
          // A claim under way does go back: a second pass, claimed then released.
          const b = ticket(2);
          await add(store, b);
          await store.transaction((tx) => tx.admit([pass(2, b)], T0));
          const claim2 = (by: string, key: string, at = T0 + 1) =>
            store.transaction((tx) => tx.claimPass('wrp_2', by, key, at, at + 1_000));
          assert.equal(await claim2('acc_1', 'k1'), 'claimed');
          assert.equal(await release('wrp_2', 'acc_1', 'k1'), true);
          assert.equal(await claim2('acc_2', 'k2', T0 + 700_000), 'expired');
          assert.equal(await store.transaction((tx) => tx.revokePass('wrp_2')), true);
          assert.equal(await store.transaction((tx) => tx.revokePass('wrp_2')), false);
          assert.equal(await claim2('acc_2', 'k2'), 'revoked');
          assert.equal(await store.transaction((tx) => tx.claimPass('wrp_x', 'a', 'k', T0,
            T0 + 1_000)), 'missing');
        });

      test('a held ticket leaves the waiting line for the held one and comes back',
        async (store) => {
          await put(store);
          await add(store, ticket(1), ticket(2));
          assert.equal(await store.transaction((tx) => tx.holdTicket('wrt_0001', true)), true);
          assert.equal(await store.transaction((tx) => tx.holdTicket('wrt_0001', true)), false);
          const line = await store.lineKeys('night');
          assert.deepEqual([[...line.waiting], [...line.held]], [[ticket(2).key],
            [ticket(1).key]]);
          assert.deepEqual((await store.transaction((tx) => tx.headOfLine('night', 5)))
            .map((t) => t.ticketId), ['wrt_0002']);
          assert.equal(await store.transaction((tx) => tx.holdTicket('wrt_0001', false)), true);
          assert.equal((await store.lineKeys('night')).waiting.length, 2);
        });

      test('places not seen within the grace lapse; a poll keeps one', async (store) => {
        await put(store);
        await add(store, ticket(1), ticket(2), ticket(3));
        await store.transaction((tx) => tx.touchTickets(['wrt_0001'], T0 + 100));
        await store.transaction((tx) => tx.touchTickets(['wrt_0001'], T0 + 50));
        assert.equal((await store.ticket('wrt_0001'))!.lastSeenMs, T0 + 100, 'never back');
        assert.equal(await store.transaction((tx) => tx.expireTickets('night', T0 + 4)), 2);
        assert.deepEqual((await store.ticketsOf('night', 10)).map((t) => t.status),
          ['waiting', 'expired', 'expired']);
        assert.equal((await store.roomCounts('night', T0)).expired, 2);
      });

      test('one admitter at a time: a second process skips the room while one holds it',
        async (store, opened) => {
          const peer = opened.openPeer ? await opened.openPeer() : null;
          try {
            await put(store);
            if (!peer) {
              // One process owns SQLite: its transactions are the admitter's lock.
              assert.ok(await store.transaction((tx) => tx.lockRoomForAdmission('night')));
              return;
            }
            const meet = barrier(2, 500);
            const round = (s: Store) => s.transaction(async (tx) => {
              const r = await tx.lockRoomForAdmission('night');
              await Promise.race([meet(), sleep(100)]);
              return r !== null;
            });
            const got = await Promise.all([round(store), round(peer)]);
            assert.deepEqual(got.sort(), [false, true]);
          } finally {
            if (peer) await peer.close();
          }
        });
    });
  });
}
