// The embedded store writes orders in a thread of its own while the event loop's own rare
// transactions (operators' edits, the audit log) wait for it to pause: neither loses a write,
// and an idempotent retry is answered by the writer without a second charge.
import { strict as assert } from 'node:assert';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { defaultLimits } from '../src/kernel/config.js';
import type { JobOutcome } from '../src/kernel/write/group-committer.js';
import { SqliteBatchExecutor } from '../src/kernel/write/sqlite-batch-executor.js';
import { syntheticIdentity } from '../src/accounts/identity.js';
import { SqliteStore, writeComposition } from '../src/stores.js';
import { capabilityTimers } from '../src/capabilities.js';
import { ADMIN, harness, YU7_MAX } from './harness.js';

/**
 * Runs `work` while recording every store method called on the event loop's own connection
 * (store.transaction), by name; the connection pauses the writer thread and holds the loop
 * while it writes.
 */
async function onLoopDuring(store: { transaction: (fn: (tx: never) => Promise<unknown>) =>
  Promise<unknown> }, work: () => Promise<unknown>): Promise<string[]> {
  const onLoop: string[] = [];
  const transaction = store.transaction.bind(store);
  store.transaction = ((fn: (tx: object) => Promise<unknown>) => transaction((tx) => {
    onLoop.push('(transaction)');
    return fn(new Proxy(tx as object, { get: (t, name, r) => {
      if (typeof name === 'string') onLoop.push(name);
      return Reflect.get(t, name, r);
    } }));
  })) as typeof store.transaction;
  try {
    await work();
  } finally {
    store.transaction = transaction;
  }
  return onLoop;
}

describe('the SQLite writer thread', () => {
  it('writes batches that queued up together in one go, each command still failing alone',
    async () => {
      const dir = mkdtempSync(join(tmpdir(), 'launchday-writer-'));
      const store = new SqliteStore(dir);
      const writer = new SqliteBatchExecutor(store, defaultLimits, writeComposition.wires);
      try {
        const account = (n: number, phone = syntheticIdentity(n).phone) => ({ handler: 'register',
          payload: { phone, name: `Buyer ${n}`, idNumber: syntheticIdentity(n).idNumber,
            tokenHash: `hash-${n}` } });
        // Sent in one turn, the three wait in the thread's queue behind the first.
        const sent = [
          writer.execute([account(1), account(2)], 1_000),
          // No phone: the database refuses the row, and the transaction with it.
          writer.execute([account(3), account(4, null as never), account(5)], 2_000),
          writer.execute([account(6), account(1)], 3_000),
        ];
        const [a, b, c] = await Promise.all(sent);
        const codes = (outcomes: JobOutcome[]) => outcomes.map((o) => (o.done
          ? ((o.value as { ok: boolean; code?: string }).ok ? 'ok'
            : (o.value as { code: string }).code) : 'failed'));
        assert.deepEqual(codes(a!), ['ok', 'ok']);
        assert.deepEqual(codes(b!), ['ok', 'failed', 'ok']);
        assert.deepEqual(codes(c!), ['ok', 'phone_taken']);
        // Each batch ran at its own time.
        const created = await Promise.all([1, 3, 6].map((n) =>
          store.accountByPhone(syntheticIdentity(n).phone)));
        assert.deepEqual(created.map((x) => x?.createdAtMs), [1_000, 2_000, 3_000]);
      } finally {
        await writer.close();
        await store.close();
        rmSync(dir, { recursive: true, force: true });
      }
    });

  it('reports its death, after which every batch fails at once; a close is no death',
    async () => {
      const dir = mkdtempSync(join(tmpdir(), 'launchday-writer-'));
      const store = new SqliteStore(dir);
      try {
        const closed = new SqliteBatchExecutor(store, defaultLimits, writeComposition.wires);
        await closed.close();
        const crashed = new SqliteBatchExecutor(store, defaultLimits, writeComposition.wires);
        await crashed.terminate();
        const err = await crashed.died;
        assert.match(err.message, /writer thread exited/);
        await assert.rejects(crashed.execute([{ handler: 'autoLock', payload: null }], 1_000),
          /writer thread exited/);
        const settled = await Promise.race([closed.died.then(() => 'died'),
          new Promise((r) => setTimeout(() => r('alive'), 50))]);
        assert.equal(settled, 'alive');
      } finally {
        await store.close();
        rmSync(dir, { recursive: true, force: true });
      }
    });

  it('holds the process only while something waits on it, a close included', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'launchday-writer-'));
    const store = new SqliteStore(dir);
    const writer = new SqliteBatchExecutor(store, defaultLimits, writeComposition.wires);
    try {
      assert.equal(writer.holdsProcess, false, 'an idle writer lets the process end');
      const batch = writer.execute([{ handler: 'autoLock', payload: null }], 1_000);
      assert.equal(writer.holdsProcess, true, 'a batch in flight holds it');
      await batch;
      assert.equal(writer.holdsProcess, false);
      // The event loop's own transaction has the thread paused when the close is asked for: the
      // pause ends before the thread has stopped, and the close must still hold the process
      // (CI once saw the process end there, with the close never answered).
      let entered!: () => void;
      const inside = new Promise<void>((resolve) => { entered = resolve; });
      let finish!: () => void;
      const held = new Promise<void>((resolve) => { finish = resolve; });
      const written = store.transaction(async (tx) => {
        entered();
        await held;
        await tx.setMeta('note', 'written while the thread was paused');
      });
      await inside;
      const closing = writer.close();
      finish();
      await written;
      assert.equal(writer.holdsProcess, true, 'the close still waits on the thread');
      await closing;
      assert.equal(await store.meta('note'), 'written while the thread was paused');
    } finally {
      await writer.close();
      await store.close();
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('takes orders while the event loop writes its own transactions in between', async () => {
    const h = await harness();
    try {
      const buyers = [];
      for (let i = 0; i < 40; i++) buyers.push(await h.buyer(i));
      await h.tick(60);
      const orders = buyers.map((b, i) => h.order(b.token, `k${i}`, YU7_MAX));
      const audits = Array.from({ length: 20 }, (_, i) =>
        h.ld.app.audit('operator', 'note', { n: i }));
      const edits = Array.from({ length: 5 }, () => h.call('PATCH', '/admin/launches/yu7-2025',
        { token: ADMIN, body: { per_account_limit: 2 } }));
      const placed = await Promise.all(orders);
      await Promise.all(audits);
      assert.deepEqual((await Promise.all(edits)).map((r) => r.status), [200, 200, 200, 200, 200]);
      assert.deepEqual(placed.map((r) => r.status), placed.map(() => 201));
      const log = await h.ld.app.deps.store.auditLog(1000);
      assert.equal(log.filter((e) => e.action === 'note').length, 20);
      const stats = await h.call('GET', '/launches/yu7-2025/stats');
      assert.equal(stats.body.orders.firm, 40);
    } finally {
      await h.close();
    }
  });

  it('answers a retry with the order it took, with no new charge, even once sales are shut',
    async () => {
      const h = await harness();
      try {
        const b = await h.buyer(1);
        await h.tick(60);
        const first = await h.order(b.token, 'once', YU7_MAX);
        assert.equal(first.status, 201);
        const charged = h.payments.charges.size;
        // The operator moves the opening an hour ahead: sales are not open any more.
        const later = new Date(Date.parse('2025-06-26T15:00:00.000Z')).toISOString();
        const moved = await h.call('PATCH', '/admin/launches/yu7-2025',
          { token: ADMIN, body: { opens_at: later } });
        assert.equal(moved.status, 200);
        const retry = await h.order(b.token, 'once', YU7_MAX);
        assert.equal(retry.status, 200);
        assert.equal(retry.headers['idempotent-replay'], 'true');
        assert.equal(retry.body.order_id, first.body.order_id);
        const fresh = await h.order(b.token, 'another', YU7_MAX);
        assert.equal(fresh.status, 409);
        assert.equal(fresh.body.error.code, 'sales_not_open');
        assert.equal(h.payments.charges.size, charged, 'nobody was charged again');
      } finally {
        await h.close();
      }
    });

  it('writes the buffered background records (signals, last uses) on the writer thread, never '
    + 'on the event loop\'s own connection', async () => {
    // The event loop's connection pauses the writer and holds the loop while it writes: a
    // flush of a second's signals in a stampede held both (docs/benchmarks.md, session 11).
    const h = await harness();
    try {
      const b = await h.buyer(1);
      assert.equal((await h.tick(60)).status, 200);
      const placed = await h.order(b.token, 'writer-thread-1', YU7_MAX);
      assert.equal(placed.status, 201, JSON.stringify(placed.body));
      // A use of the session past the touch interval: a last use waits to be written.
      const limits = h.ld.app.deps.limits;
      assert.equal((await h.tick(limits.sessionTouchSeconds + 1)).status, 200);
      assert.equal((await h.call('GET', '/orders', { token: b.token })).status, 200);
      const store = h.ld.app.deps.store;
      const onLoop: string[] = [];
      const transaction = store.transaction.bind(store);
      // Every method called on the event loop's connection meanwhile, by name.
      store.transaction = ((fn: (tx: object) => Promise<unknown>) => transaction((tx) =>
        fn(new Proxy(tx, { get: (t, name, r) => {
          if (typeof name === 'string') onLoop.push(name);
          return Reflect.get(t, name, r);
        } })))) as typeof store.transaction;
      try {
        await h.ld.app.scalpers.flush();
        await h.ld.app.accounts.sessions.flushTouches();
      } finally {
        store.transaction = transaction;
      }
      assert.deepEqual(onLoop.filter((m) => m === 'insertSignals' || m === 'touchSessions'), []);
      // And written all the same.
      const signals = await store.signalsOfScope('launch:yu7-2025', 10);
      assert.deepEqual(signals.map((s) => s.subjectId), [placed.body.order_id]);
      const [session] = await store.sessionsOf(b.accountId, 10);
      assert.ok(session !== undefined && session.lastSeenAtMs > session.createdAtMs,
        JSON.stringify(session));
    } finally {
      await h.close();
    }
  });

  it('runs the waiting room\'s admitter rounds on the writer thread, never on the event '
    + 'loop\'s own connection', async () => {
    // A round (shuffle, expiry, admissions) wrote on the loop's connection once a round.
    const h = await harness();
    try {
      const put = await h.call('PUT', '/admin/waiting-rooms/loop', { token: ADMIN, body: {
        scope: 'launch', target_id: 'yu7-2025', enabled: true,
        opens_at: '2025-06-26T14:00:00.000Z', prequeue_at: '2025-06-26T13:50:00.000Z',
        admit_per_minute: 60, active_max: 3 } });
      assert.equal(put.status, 201, JSON.stringify(put.body));
      for (let i = 0; i < 4; i++) {
        assert.equal((await h.call('POST', '/waiting-rooms/loop/tickets')).status, 201);
      }
      assert.equal((await h.tick(60)).status, 200); // The opening: the shuffle is due.
      const store = h.ld.app.deps.store;
      const round = () => h.ld.app.waitingRooms.admitRound();
      assert.deepEqual(await onLoopDuring(store as never, round), []);
      // The operator's clock move is written on the loop (an audit entry): not in a round.
      assert.equal((await h.tick(2)).status, 200);
      assert.deepEqual(await onLoopDuring(store as never, round), []);
      // And written all the same: shuffled, and passes given at the room's rate.
      const overview = (await h.call('GET', '/admin/waiting-rooms/loop', { token: ADMIN })).body;
      assert.ok(overview.room.shuffled_at !== null, JSON.stringify(overview.room));
      assert.ok(overview.admitted >= 1, JSON.stringify(overview));
      assert.equal(overview.prequeue, 0);
    } finally {
      await h.close();
    }
  });

  it('opens no transaction on the event loop\'s own connection in an idle round of any timer',
    async () => {
      // The ready-stock sweep read its due sales in a write transaction every round.
      const h = await harness();
      try {
        assert.equal((await h.tick(120)).status, 200);
        const app = h.ld.app;
        // server.ts's timers, and every capability's (kernel/capability.ts).
        const rounds: Array<[string, () => Promise<unknown>]> = [
          ['orders.autoLockDue', () => app.orders.autoLockDue()],
          ['drops.sweep', () => app.drops.sweep()],
          ['payments.sendPayments', () => app.payments.sendPayments()],
          ['settlement.reconcilePayments', () => app.settlement.reconcilePayments()],
          ['production.flushShown', () => app.production.flushShown()],
          ...capabilityTimers.map((t): [string, () => Promise<unknown>] =>
            [t.name, () => t.run(app)]),
        ];
        const written: string[] = [];
        for (const [name, round] of rounds) {
          const onLoop = await onLoopDuring(app.deps.store as never, round);
          if (onLoop.length > 0) written.push(`${name}: ${onLoop.join(' ')}`);
        }
        assert.deepEqual(written, []);
      } finally {
        await h.close();
      }
    });
});
