// Waiting rooms' part of the storage contract (kernel/store/store-contract.ts): rooms, the
// line's tickets and keys, admission, passes spent once, bot holds, lapsed places, and one
// admitter at a time across processes, on every adapter.
import { strict as assert } from 'node:assert';
import { describe } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import { barrier, storeTest, T0, type OpenedStore } from '../kernel/store/store-contract.js';
import type { Store } from '../kernel/store/store.js';
import { joinTermsOf, type Pass, type Room, type Ticket } from './waiting-room.js';

function room(overrides: Partial<Room> = {}): Room {
  return { roomId: 'night', scope: 'launch', targetId: 'yu7-2025', enabled: true,
    suspended: false, opensAtMs: T0, prequeueAtMs: T0 - 600_000, order: 'shuffle',
    admitPerMinute: 600, activeMax: 100, passSeconds: 600, graceSeconds: 300, adaptive: false,
    waitingStatus: 200, seed: 'ab'.repeat(32), seedCommitment: 'cd'.repeat(32),
    shuffledAtMs: null, tokens: 0.5, filledAtMs: null, admittedTotal: 0,
    createdAtMs: T0 - 700_000, updatedAtMs: T0 - 700_000, drawScheme: 2, ...overrides };
}

function ticket(n: number, overrides: Partial<Ticket> = {}): Ticket {
  return { ticketId: `wrt_${String(n).padStart(4, '0')}`, roomId: 'night', joinedAtMs: T0 + n,
    key: (T0 + n) * 1024, status: 'waiting', lastSeenMs: T0 + n, address: '10.0.0.1',
    passId: null, admittedAtMs: null, accountId: null, ...overrides };
}

const pass = (n: number, t: Ticket, overrides: Partial<Pass> = {}): Pass => ({
  passId: `wrp_${n}`, roomId: 'night', ticketId: t.ticketId, issuedAtMs: T0,
  expiresAtMs: T0 + 600_000, status: 'active', spentBy: null, spentKey: null, spentAtMs: null,
  claimedUntilMs: null, boundTo: null,
  ...overrides });

/** What a join read of the room `t` is for (the `other` room is su7-2024's). */
const termsFor = (t: Ticket) => joinTermsOf(room(t.roomId === 'other'
  ? { roomId: 'other', targetId: 'su7-2024' } : {}));

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
          tokens: 9, admittedTotal: 5, drawScheme: 1 }));
        assert.deepEqual(await store.rooms(10), [room({ suspended: true, admitPerMinute: 60 })],
          'the settings change; the seed, the draw\'s scheme and the admitter\'s state stay');
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
          assert.equal((await tx.roomOfTarget('launch', 'yu7-2025') as Room).roomId, 'night');
          assert.equal((await tx.roomOfTarget('drop', 'yu7-2025') as Room).roomId,
            'drop-night');
          assert.equal(await tx.roomOfTarget('launch', 'su7-2024'), null);
        });
      });

      test('the line: keys in order, the pre-queue without, a taken key refused',
        async (store) => {
          await put(store);
          assert.equal(await store.transaction((tx) => tx.roomJoined('night')), false);
          await add(store, ticket(2), ticket(1), ticket(3, { key: null }),
            ticket(4, { key: null }));
          assert.equal(await store.transaction((tx) => tx.roomJoined('night')), true);
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
            store.transaction((tx) => tx.joinTicket(t, { perAddressMax: max,
              perNetworkMax: null }, termsFor(t)));
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

      test('a join is written only under the terms it read; a change of them locks joins out',
        async (store, opened) => {
          await put(store);
          const limits = { perAddressMax: null, perNetworkMax: null };
          const join = (s: Store, t: Ticket, terms = termsFor(t)) =>
            s.transaction((tx) => tx.joinTicket(t, limits, terms));
          // Read before a change of the pre-queue, the switch or the order: nothing added.
          for (const changed of [{ prequeueAtMs: T0 - 300_000 }, { enabled: false },
            { order: 'fifo' as const }, { opensAtMs: T0 + 60_000 }]) {
            assert.equal(await join(store, ticket(1), joinTermsOf(room(changed))),
              'room_changed', JSON.stringify(changed));
          }
          assert.equal(await join(store, ticket(1, { roomId: 'gone' })), 'room_changed');
          assert.equal(await store.transaction((tx) => tx.roomJoined('night')), false);
          assert.equal(await join(store, ticket(1)), 'inserted');
          assert.equal(await store.transaction((tx) => tx.lockRoomTerms('gone')), null);
          assert.equal((await store.transaction((tx) => tx.lockRoomTerms('night')) as Room)
            .roomId, 'night');
          const peer = opened.openPeer ? await opened.openPeer() : null;
          if (!peer) return; // One writer at a time: nothing can be under way beside it.
          try {
            let release!: () => void;
            const held = new Promise<void>((r) => { release = r; });
            let locked!: () => void;
            const isLocked = new Promise<void>((r) => { locked = r; });
            // A change under way in one process: a join in another is `busy` (not waited
            // for), and so is another change, and the target's lock; after it, they go on.
            const change = peer.transaction(async (tx) => {
              assert.equal((await tx.lockRoomTerms('night') as Room).roomId, 'night');
              locked();
              await held;
            });
            await isLocked;
            assert.equal(await join(store, ticket(2)), 'busy');
            assert.equal(await store.transaction((tx) => tx.lockRoomTerms('night')), 'busy');
            assert.equal(await store.transaction((tx) => tx.roomOfTarget('launch',
              'yu7-2025')), 'busy');
            release();
            await change;
            assert.equal(await join(store, ticket(2)), 'inserted');
            // A join under way: a change is `busy` until it commits; the admitter is not held.
            let releaseJoin!: () => void;
            const joinHeld = new Promise<void>((r) => { releaseJoin = r; });
            let joined!: () => void;
            const isJoined = new Promise<void>((r) => { joined = r; });
            const joining = peer.transaction(async (tx) => {
              assert.equal(await tx.joinTicket(ticket(3), limits, termsFor(ticket(3))),
                'inserted');
              joined();
              await joinHeld;
            });
            await isJoined;
            assert.equal(await store.transaction((tx) => tx.lockRoomTerms('night')), 'busy');
            assert.equal((await store.transaction((tx) => tx.lockRoomForAdmission('night')))
              ?.roomId, 'night');
            assert.equal(await join(store, ticket(4)), 'inserted', 'joins share the room');
            releaseJoin();
            await joining;
            assert.equal((await store.transaction((tx) => tx.lockRoomTerms('night')) as Room)
              .roomId, 'night');
          } finally {
            await peer.close();
          }
        });

      test('a join counts its network (an IPv4 /24, an IPv6 /48) against the cap',
        async (store) => {
          await put(store);
          const join = (t: Ticket, perNetworkMax: number | null) =>
            store.transaction((tx) => tx.joinTicket(t, { perAddressMax: 10, perNetworkMax },
              termsFor(t)));
          // Three addresses of 198.51.100.0/24, one of the /24 next door.
          assert.equal(await join(ticket(1, { address: '198.51.100.1' }), 3), 'inserted');
          assert.equal(await join(ticket(2, { address: '198.51.100.2' }), 3), 'inserted');
          assert.equal(await join(ticket(3, { address: '198.51.101.3' }), 3), 'inserted');
          assert.equal(await join(ticket(4, { address: '198.51.100.250' }), 3), 'inserted');
          assert.equal(await join(ticket(5, { address: '198.51.100.9' }), 3), 'too_many_network');
          assert.equal(await store.ticket('wrt_0005'), null, 'refused: nothing added');
          assert.equal(await join(ticket(5, { address: '198.51.101.9' }), 3), 'inserted');
          assert.equal(await join(ticket(6, { address: '198.51.100.9' }), null), 'inserted',
            'no cap');
          // IPv6: two /64s (addressKey's form) of one /48 count together; another /48 apart.
          const v6 = (n: number, a: string) => ticket(n, { address: a });
          assert.equal(await join(v6(7, '2001:db8:1:1::/64'), 2), 'inserted');
          assert.equal(await join(v6(8, '2001:db8:1:2::/64'), 2), 'inserted');
          assert.equal(await join(v6(9, '2001:db8:1:3::/64'), 2), 'too_many_network');
          assert.equal(await join(v6(9, '2001:db8:2:3::/64'), 2), 'inserted');
          // Lapsed and admitted places no longer count.
          await store.transaction((tx) => tx.expireTickets('night', T0 + 3));
          assert.equal(await join(ticket(10, { address: '198.51.100.9' }), 3), 'inserted');
        });

      test('a signed-in account holds one live place per room: a second join gets it back',
        async (store) => {
          await put(store);
          await put(store, room({ roomId: 'other', targetId: 'su7-2024' }));
          const join = (t: Ticket) => store.transaction((tx) => tx.joinTicket(t,
            { perAddressMax: 1, perNetworkMax: 1 }, termsFor(t)));
          const first = ticket(1, { accountId: 'acc_1' });
          assert.equal(await join(first), 'inserted');
          assert.deepEqual(await store.ticket(first.ticketId), first, 'reads back whole');
          // The same account again, from anywhere, past the address's limit: its own place.
          assert.deepEqual(await join(ticket(2, { accountId: 'acc_1' })), { existing: first });
          assert.deepEqual(await join(ticket(2, { accountId: 'acc_1', address: '10.9.9.9' })),
            { existing: first });
          assert.equal(await store.ticket('wrt_0002'), null, 'nothing added');
          // Another account, or anyone anonymous, from the same address meets the limit.
          assert.equal(await join(ticket(3, { accountId: 'acc_2' })), 'too_many');
          assert.equal(await join(ticket(3, { accountId: 'acc_2', address: '10.1.0.1' })),
            'inserted');
          // One place per room: the account's place in another room is its own.
          assert.equal(await join(ticket(4, { roomId: 'other', accountId: 'acc_1',
            key: 17 })), 'inserted');
          // Held still counts; admitted counts while its pass is usable; lapsed does not.
          await store.transaction((tx) => tx.holdTicket(first.ticketId, true));
          assert.equal(((await join(ticket(5, { accountId: 'acc_1', address: '10.2.0.1' }))) as
            { existing: Ticket }).existing.status, 'held');
          await store.transaction((tx) => tx.holdTicket(first.ticketId, false));
          await store.transaction((tx) => tx.admit([pass(1, first,
            { expiresAtMs: T0 + 100 })], T0 + 2));
          const again = await join(ticket(5, { accountId: 'acc_1', address: '10.2.0.1',
            joinedAtMs: T0 + 50 }));
          assert.equal((again as { existing: Ticket }).existing.passId, 'wrp_1');
          assert.equal(await join(ticket(5, { accountId: 'acc_1', address: '10.2.0.1',
            joinedAtMs: T0 + 100 })), 'inserted', 'its pass ended: a new place');
          const now = await join(ticket(6, { accountId: 'acc_1', address: '10.3.0.1',
            joinedAtMs: T0 + 101 }));
          assert.equal((now as { existing: Ticket }).existing.ticketId, 'wrt_0005',
            'that one, from now on');
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
          assert.equal((await store.pass('wrp_1'))?.boundTo, 'acc_1', 'bound by the claim');
          assert.equal(await claim('acc_1', 'k1'), 'again');
          // Claimed by a request under way: another of the same account's waits for its
          // outcome, until the claim ends; another account's is refused at once, for good.
          assert.equal(await claim('acc_1', 'k2'), 'pending');
          assert.equal(await claim('acc_1', 'k2', T0 + 1_001), 'spent', 'a lapsed claim counts');
          assert.equal(await claim('acc_2', 'k2'), 'other_account');
          assert.equal(await claim('acc_2', 'k2', T0 + 1_001), 'other_account');
          assert.equal(await spend('acc_2', 'k2'), false, 'only the claimant spends it');
          assert.equal(await spend('acc_1', 'k1'), true);
          assert.equal((await store.pass('wrp_1'))?.claimedUntilMs, null);
          assert.equal(await claim('acc_1', 'k2'), 'spent');
          assert.equal(await claim('acc_1', 'k1'), 'again');
          const release = (id: string, by: string, key: string) =>
            store.transaction((tx) => tx.releasePass(id, by, key));
          assert.equal(await release('wrp_1', 'acc_2', 'k2'), false);
          // A spent pass never goes back, even to its claimant (a second request under the
          // same key, refused for its content, gave it back to anyone before).
          assert.equal(await release('wrp_1', 'acc_1', 'k1'), false);
          assert.equal(await claim('acc_1', 'k2'), 'spent');
          // A claim under way does go back, still bound to its account: a second pass,
          // claimed then released; only that account claims it again.
          const b = ticket(2);
          await add(store, b);
          await store.transaction((tx) => tx.admit([pass(2, b)], T0));
          const claim2 = (by: string, key: string, at = T0 + 1) =>
            store.transaction((tx) => tx.claimPass('wrp_2', by, key, at, at + 1_000));
          assert.equal(await claim2('acc_1', 'k1'), 'claimed');
          assert.equal(await release('wrp_2', 'acc_1', 'k1'), true);
          const given = (await store.pass('wrp_2'))!;
          assert.deepEqual([given.status, given.spentBy, given.boundTo], ['active', null, 'acc_1']);
          assert.equal(await claim2('acc_2', 'k2'), 'other_account', 'nothing changed');
          assert.deepEqual(await store.pass('wrp_2'), given);
          assert.equal(await claim2('acc_1', 'k3', T0 + 700_000), 'expired');
          assert.equal(await store.transaction((tx) => tx.revokePass('wrp_2')), true);
          assert.equal(await store.transaction((tx) => tx.revokePass('wrp_2')), false);
          assert.equal(await claim2('acc_1', 'k3'), 'revoked');
          assert.equal(await store.transaction((tx) => tx.claimPass('wrp_x', 'a', 'k', T0,
            T0 + 1_000)), 'missing');
        });

      test('a pass revoked while a request holds it stays revoked, given back or spent',
        async (store) => {
          await put(store);
          const [a, b, c] = [ticket(1), ticket(2), ticket(3)];
          await add(store, a, b, c);
          await store.transaction((tx) => tx.admit([pass(1, a), pass(2, b), pass(3, c)], T0));
          const claim = (id: string, key: string, at = T0 + 1) =>
            store.transaction((tx) => tx.claimPass(id, 'acc_1', key, at, at + 1_000));
          const revoke = (id: string) => store.transaction((tx) => tx.revokePass(id));
          const release = (id: string, key: string) =>
            store.transaction((tx) => tx.releasePass(id, 'acc_1', key));
          const spend = (id: string, key: string) =>
            store.transaction((tx) => tx.spendPass(id, 'acc_1', key));
          // Its request declined (the attacker's find: given back active, it bought again).
          assert.equal(await claim('wrp_1', 'k1'), 'claimed');
          assert.equal(await revoke('wrp_1'), true, 'a claim under way is revocable');
          assert.equal(await revoke('wrp_1'), false, 'once');
          assert.equal(await claim('wrp_1', 'k2'), 'revoked', 'no second request meanwhile');
          assert.equal(await claim('wrp_1', 'k1'), 'revoked',
            'the retry of the one under way too (the route answers it if its key took a hold)');
          assert.equal(await release('wrp_1', 'k1'), true);
          const back = (await store.pass('wrp_1'))!;
          assert.deepEqual([back.status, back.spentBy, back.claimedUntilMs, back.boundTo],
            ['revoked', null, null, 'acc_1'], 'given back revoked');
          assert.equal(await claim('wrp_1', 'k3'), 'revoked');
          assert.equal(await release('wrp_1', 'k1'), false, 'given back once');
          // Its request went through: the claim settles, the pass stays revoked.
          assert.equal(await claim('wrp_2', 'k1'), 'claimed');
          assert.equal(await revoke('wrp_2'), true);
          assert.equal(await spend('wrp_2', 'k1'), true);
          const went = (await store.pass('wrp_2'))!;
          assert.deepEqual([went.status, went.spentBy, went.spentAtMs, went.claimedUntilMs],
            ['revoked', 'acc_1', T0 + 1, null]);
          assert.equal(await release('wrp_2', 'k1'), false, 'a settled claim never goes back');
          assert.equal(await claim('wrp_2', 'k2'), 'revoked');
          assert.equal(await claim('wrp_2', 'k1'), 'revoked',
            'its retry too: the route answers it from the purchase its key names');
          // Spent for good: a revoke stops no one and changes nothing.
          assert.equal(await claim('wrp_3', 'k1'), 'claimed');
          assert.equal(await spend('wrp_3', 'k1'), true);
          assert.equal(await revoke('wrp_3'), false);
          assert.equal((await store.pass('wrp_3'))?.status, 'spent');
        });

      test('the pre-queue in arrival order, a held one too (it keeps its place)',
        async (store) => {
          await put(store);
          await add(store, ticket(3, { key: null }), ticket(1, { key: null, joinedAtMs: T0 + 5 }),
            ticket(2, { key: null, joinedAtMs: T0 - 9, status: 'held' }), ticket(4));
          assert.deepEqual(await store.transaction((tx) => tx.unkeyedTicketIds('night')),
            ['wrt_0002', 'wrt_0003', 'wrt_0001'], 'by join time, then id');
        });

      test('a pass is bound to the first account that uses it; a join then a claim',
        async (store) => {
          await put(store);
          const [a, b, c] = [ticket(1), ticket(2), ticket(3, { accountId: 'acc_3' })];
          await add(store, a, b, c);
          await store.transaction((tx) => tx.admit([pass(1, a), pass(2, b),
            pass(3, c, { boundTo: 'acc_3' })], T0));
          const bind = (id: string, by: string, at = T0 + 1) =>
            store.transaction((tx) => tx.bindPass(id, by, at));
          const claim = (id: string, by: string, key: string, at = T0 + 2) =>
            store.transaction((tx) => tx.claimPass(id, by, key, at, at + 1_000));
          // A waitlist join binds it and spends nothing; the same account joins again.
          assert.equal(await bind('wrp_1', 'acc_1'), 'claimed');
          assert.deepEqual([(await store.pass('wrp_1'))!.boundTo,
            (await store.pass('wrp_1'))!.status], ['acc_1', 'active']);
          assert.equal(await bind('wrp_1', 'acc_1'), 'claimed');
          // Another account: refused by the join and by the claim, nothing changed.
          const before = await store.pass('wrp_1');
          assert.equal(await bind('wrp_1', 'acc_2'), 'other_account');
          assert.equal(await claim('wrp_1', 'acc_2', 'k'), 'other_account');
          assert.deepEqual(await store.pass('wrp_1'), before);
          // Its own purchase with it still goes; a join after it still lets it in.
          assert.equal(await claim('wrp_1', 'acc_1', 'k'), 'claimed');
          assert.equal(await bind('wrp_1', 'acc_1'), 'again');
          assert.equal(await bind('wrp_1', 'acc_2'), 'other_account');
          // A pass earned by a signed-in place is bound from its admission.
          assert.equal(await bind('wrp_3', 'acc_1'), 'other_account');
          assert.equal(await claim('wrp_3', 'acc_3', 'k'), 'claimed');
          // Ended, revoked or unknown: nothing to bind.
          assert.equal(await bind('wrp_2', 'acc_2', T0 + 600_000), 'expired');
          assert.equal((await store.pass('wrp_2'))!.boundTo, null);
          await store.transaction((tx) => tx.revokePass('wrp_2'));
          assert.equal(await bind('wrp_2', 'acc_2'), 'revoked');
          assert.equal(await bind('wrp_x', 'acc_2'), 'missing');
        });

      test('two accounts using one pass at once: exactly one binds it, on every process',
        async (store, opened) => {
          const peer = opened.openPeer ? await opened.openPeer() : null;
          try {
            await put(store);
            const ts = [1, 2, 3, 4].map((n) => ticket(n));
            await add(store, ...ts);
            await store.transaction((tx) => tx.admit(ts.map((t, i) => pass(i + 1, t)), T0));
            const other = peer ?? store;
            // Each pair races in two transactions (on PostgreSQL through two pools, as two
            // processes): a join against a join, a claim against a claim, and the mixes.
            const race = async (id: string, first: 'bind' | 'claim', second: 'bind' | 'claim') => {
              const use = (s: Store, how: 'bind' | 'claim', by: string) => s.transaction((tx) =>
                how === 'bind' ? tx.bindPass(id, by, T0 + 1)
                  : tx.claimPass(id, by, `k-${by}`, T0 + 1, T0 + 1_001));
              const got = await Promise.all([use(store, first, 'acc_a'),
                use(other, second, 'acc_b')]);
              assert.deepEqual([...got].sort(), ['claimed', 'other_account'],
                `${first} against ${second}: ${got.join(', ')}`);
              const p = (await (peer ?? store).pass(id))!;
              const won = got[0] === 'claimed' ? 'acc_a' : 'acc_b';
              assert.equal(p.boundTo, won, 'bound to the winner, read from the other handle');
              if (p.status === 'spent') assert.equal(p.spentBy, won);
            };
            await race('wrp_1', 'bind', 'bind');
            await race('wrp_2', 'claim', 'claim');
            await race('wrp_3', 'bind', 'claim');
            await race('wrp_4', 'claim', 'bind');
          } finally {
            if (peer) await peer.close();
          }
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
          // The operator's pages: the next from an offset, none twice.
          await add(store, ticket(3));
          const page = async (offset: number) => (await store.findTickets('night', null, null, 2,
            offset)).map((t) => t.ticketId);
          assert.deepEqual([await page(0), await page(2), await page(3)],
            [['wrt_0001', 'wrt_0002'], ['wrt_0003'], []]);
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
