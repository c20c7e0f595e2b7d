// A room's line terms (target, opening, pre-queue time, order) are fixed once someone joined
// (409 waiting_room_settings_fixed, session 18). A join and a change of those terms were not
// locked against each other: the join read the room, the change found nobody in it and
// committed, then the join's ticket went in under terms the room no longer had; on PostgreSQL,
// with a join's transaction not yet committed, a change in another process did not see it.
// Here both orders are forced on both stores: a join that read the room before a change is
// decided again under the change; a join under way in another process (PostgreSQL) makes a
// change wait for it, and then refuse; a change under way makes a join wait, and then decide
// under the new terms.
import { strict as assert } from 'node:assert';
import { describe, it } from 'node:test';
import { PostgresStore } from '../src/stores.js';
import type { Store } from '../src/kernel/store/store.js';
import { joinTermsOf } from '../src/waiting-rooms/waiting-room.js';
import { ADMIN, harness, type Harness } from './harness.js';
import { dropSchema, postgresUrl, testSchema, withPostgres } from './postgres.js';

/** The launch's opening, moved an hour on, so that its pre-queue can move past the clock. */
const OPENS = '2025-06-26T15:00:00.000Z';
const room = (overrides: object = {}) => ({ scope: 'launch', target_id: 'yu7-2025',
  enabled: true, opens_at: OPENS, prequeue_at: '2025-06-26T13:55:00.000Z',
  admit_per_minute: 60, active_max: 3, pass_seconds: 120, grace_seconds: 60, ...overrides });
/** The pre-queue moved past the harness's clock (13:59): not open yet. */
const LATER = '2025-06-26T14:30:00.000Z';

const putRoom = (h: Harness, overrides: object = {}) => h.call('PUT',
  '/admin/waiting-rooms/night', { token: ADMIN, body: room(overrides) });

/** A harness on `env` with the launch opening at OPENS and the room in front of it. */
async function withRoom(env: Record<string, string>): Promise<Harness> {
  const h = await harness(env);
  const moved = await h.call('PATCH', '/admin/launches/yu7-2025', { token: ADMIN,
    body: { opens_at: OPENS } });
  assert.equal(moved.status, 200, JSON.stringify(moved.body));
  const put = await putRoom(h);
  assert.equal(put.status, 201, JSON.stringify(put.body));
  return h;
}
const join = (h: Harness) => h.call('POST', '/waiting-rooms/night/tickets');

/** A switch that lets a held transaction go on. */
function gate(): { open: () => void; opened: Promise<void> } {
  let open!: () => void;
  const opened = new Promise<void>((r) => { open = r; });
  return { open, opened };
}
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/**
 * A join in `peer` (another process's store) whose ticket is written and whose transaction stays
 * open, the room's row held as a join holds it, until `release`; `done` is its outcome.
 */
async function joinHeldOpen(h: Harness, peer: Store, ticketId: string, address: string):
  Promise<{ release: () => void; done: Promise<unknown> }> {
  const r = (await h.ld.app.waitingRooms.room('night'))!;
  const held = gate();
  const inserted = gate();
  const done = peer.transaction(async (tx) => {
    const out = await tx.joinTicket({ ticketId, roomId: 'night',
      joinedAtMs: h.ld.app.clock.nowMs(), key: null, status: 'waiting',
      lastSeenMs: h.ld.app.clock.nowMs(), address, passId: null,
      admittedAtMs: null, accountId: null }, { perAddressMax: null, perNetworkMax: null },
    joinTermsOf(r));
    inserted.open();
    await held.opened;
    return out;
  });
  await inserted.opened;
  return { release: held.open, done };
}

function raceSuite(label: string, env: () => Record<string, string>,
  peerOf: ((e: Record<string, string>) => Promise<Store>) | null,
  cleanup: () => Promise<void>): void {
  describe(`a room's settings and its first join, locked against each other (${label})`, () => {
    it('a join that read the room before a change is decided under the change', async () => {
      const h = await withRoom(env());
      try {
        // The join reads the room, then an operator moves the pre-queue past now, finding
        // nobody in the room; then the join writes its place.
        const svc = h.ld.app.waitingRooms;
        const read = svc.room.bind(svc);
        let moved: { status: number; body: any } | null = null;
        svc.room = async (id: string) => {
          const r = await read(id);
          if (moved === null) moved = await putRoom(h, { prequeue_at: LATER });
          return r;
        };
        const joined = await join(h);
        assert.equal(moved!.status, 200, JSON.stringify(moved!.body));
        // The pre-queue it read was open; the one it joins is not: refused, nobody in it.
        assert.equal(joined.status, 409, JSON.stringify(joined.body));
        assert.equal(joined.body.error.code, 'waiting_room_not_open');
        assert.equal((await h.ld.app.waitingRooms.room('night'))!.prequeueAtMs,
          Date.parse(LATER));
        assert.equal(await h.ld.app.deps.store.transaction((tx) => tx.roomJoined('night')),
          false);
      } finally {
        await h.close();
        await cleanup();
      }
    });

    if (peerOf === null) return;

    it('a join under way in another process makes a change wait for it, then refuse',
      async () => {
        const e = env();
        const h = await withRoom(e);
        const peer = await peerOf(e);
        try {
          // The other process's join: its ticket written, its transaction not committed yet.
          const { release, done: other } = await joinHeldOpen(h, peer, 'wrt_other', '10.9.9.9');
          const change = putRoom(h, { order: 'fifo' });
          const first = await Promise.race([change.then(() => 'change'), sleep(300)
            .then(() => 'waited')]);
          release();
          assert.equal(await other, 'inserted');
          const changed = await change;
          assert.equal(first, 'waited', 'the change waited for the join under way');
          assert.equal(changed.status, 409, JSON.stringify(changed.body));
          assert.equal(changed.body.error.code, 'waiting_room_settings_fixed');
          assert.equal((await h.ld.app.waitingRooms.room('night'))!.order, 'shuffle');
        } finally {
          await peer.close();
          await h.close();
          await cleanup();
        }
      });

    it('joins under way in another process hold off neither a Suspend nor the refusal of a '
      + 'fixed term (the attacker\'s flood of refused joins on PostgreSQL)', async () => {
      const e = env();
      const h = await withRoom(e);
      const peer = await peerOf(e);
      try {
        const joined = await join(h);
        assert.equal(joined.status, 201, JSON.stringify(joined.body));
        // Another process's join, its transaction open: the room's row held FOR KEY SHARE, as
        // every join of a group-commit batch holds it until the batch commits.
        const { release, done: other } = await joinHeldOpen(h, peer, 'wrt_flood', '10.9.9.8');
        let settled = false;
        try {
          // While that join is still open: each answered as if nobody were joining (before,
          // each polled the row for 5 s and answered 503 overloaded).
          const suspended = await putRoom(h, { suspended: true });
          assert.equal(suspended.status, 200, JSON.stringify(suspended.body));
          assert.equal((await h.ld.app.waitingRooms.room('night'))!.suspended, true);
          const fixed = await putRoom(h, { order: 'fifo' });
          assert.equal(fixed.status, 409, JSON.stringify(fixed.body));
          assert.equal(fixed.body.error.code, 'waiting_room_settings_fixed');
          settled = true;
        } finally {
          release();
          assert.equal(await other, 'inserted');
        }
        assert.ok(settled);
      } finally {
        await peer.close();
        await h.close();
        await cleanup();
      }
    });

    it('a change under way in another process makes a join wait, then decide under it',
      async () => {
        const e = env();
        const h = await withRoom(e);
        const peer = await peerOf(e);
        try {
          const held = gate();
          const locked = gate();
          // The other process's change: the room locked and rewritten, not committed yet.
          const other = peer.transaction(async (tx) => {
            // As a change of the settings, or of the launch's opening, takes it.
            const r = await tx.roomOfTarget('launch', 'yu7-2025');
            assert.ok(r !== null && r !== 'busy');
            await tx.putRoom({ ...r, prequeueAtMs: Date.parse(LATER) });
            locked.open();
            await held.opened;
          });
          await locked.opened;
          const joining = join(h);
          const first = await Promise.race([joining.then(() => 'joined'), sleep(300)
            .then(() => 'waited')]);
          held.open();
          await other;
          const joined = await joining;
          assert.equal(first, 'waited', 'the join waited for the change under way');
          // The pre-queue it joins has not opened: refused, nobody in the room.
          assert.equal(joined.status, 409, JSON.stringify(joined.body));
          assert.equal(joined.body.error.code, 'waiting_room_not_open');
          assert.equal(await h.ld.app.deps.store.transaction((tx) => tx.roomJoined('night')),
            false);
        } finally {
          await peer.close();
          await h.close();
          await cleanup();
        }
      });
  });
}

raceSuite('SQLite', () => ({}), null, async () => undefined);
const made: string[] = [];
await withPostgres('a room\'s settings and its first join on PostgreSQL', () =>
  raceSuite('PostgreSQL', () => {
    made.push(testSchema());
    return { LAUNCHDAY_DATABASE_URL: postgresUrl, LAUNCHDAY_DATABASE_SCHEMA: made.at(-1)! };
  }, (e) => PostgresStore.open(e.LAUNCHDAY_DATABASE_URL!,
    { schema: e.LAUNCHDAY_DATABASE_SCHEMA! }), async () => {
    for (const schema of made.splice(0)) await dropSchema(schema);
  }));
