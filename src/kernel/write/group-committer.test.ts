import { strict as assert } from 'node:assert';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { baseMigrations } from '../store/base-migrations.js';
import { composeMigrations } from '../store/migrations.js';
import { SqliteStore } from '../store/sqlite-store.js';
import type { StoreComposition } from '../store/store.js';

/** A store with the kernel's tables only: the committer needs no capability. */
const kernelOnly: StoreComposition = { sqlite: [], postgres: [], module: '',
  migrations: composeMigrations([{ version: 1, name: 'base' }, { version: 3, name: 'rates' }],
    [baseMigrations]) };
import { SimulatedClock } from '../clock.js';
import {
  AtCommit, executeBatch, GroupCommitter, localExecutor, outcomeError, Overloaded,
  type BatchExecutor,
  type BatchHandler, type BatchObservation, type JobOutcome,
} from './group-committer.js';
import type { Store } from '../store/store.js';
import {
  CommitUnknown, isCommitUnknown, ResultUnread, StoreUnavailable,
} from '../store/store-unavailable.js';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe('group commit', () => {
  it('tells its listener of each committed batch before any command is answered', async () => {
    const seen: string[] = [];
    const execute: BatchExecutor = async (jobs) =>
      jobs.map((j) => ({ done: true, value: (j.payload as number) * 10 }));
    const committer = new GroupCommitter<{ echo: BatchHandler<number, number> }>(execute,
      new SimulatedClock(0), { batchCommandsMax: 100, batchEarlyCommands: 100,
        batchIdleCommands: 100, batchesInFlightMax: 1, pendingCommandsMax: 1000,
        queueDelayMaxMs: 1000 });
    // With each command's result, so that a cache is dropped only when the batch moved it.
    committer.onCommit((jobs, results) => seen.push(`commit ${jobs.map((j) => j.payload)
      .join(',')} -> ${results?.join(',')}`));
    await Promise.all([1, 2].map(async (x) => {
      await committer.submit('echo', x);
      seen.push(`answered ${x}`);
    }));
    assert.deepEqual(seen, ['commit 1,2 -> 10,20', 'answered 1', 'answered 2']);
  });

  it('sends a batch before the turn ends once enough wait (fewer while none is under way), '
    + 'within the batches allowed in flight',
    async () => {
      const sizes: number[] = [];
      let running = 0;
      let mostRunning = 0;
      const execute: BatchExecutor = async (jobs) => {
        sizes.push(jobs.length);
        mostRunning = Math.max(mostRunning, ++running);
        await sleep(5);
        running--;
        return jobs.map((j) => ({ done: true, value: j.payload }));
      };
      const committer = new GroupCommitter<{ echo: BatchHandler<number, number> }>(execute,
        new SimulatedClock(0), { batchCommandsMax: 100, batchEarlyCommands: 3,
          batchIdleCommands: 2, batchesInFlightMax: 2, pendingCommandsMax: 1000,
          queueDelayMaxMs: 1000 });
      const xs = [1, 2, 3, 4, 5, 6, 7];
      // All submitted in one turn: the first batch goes at two (nothing under way), the next
      // at three, and the rest wait for a free slot.
      const started = xs.map((x) => committer.submit('echo', x));
      assert.deepEqual(sizes, [2, 3]);
      assert.deepEqual(await Promise.all(started), xs);
      assert.deepEqual(sizes, [2, 3, 2]);
      assert.equal(mostRunning, 2);
    });

  it('shares a transaction, retries a failed batch one by one, and sheds load by queue age',
    async () => {
      const dir = mkdtempSync(join(tmpdir(), 'launchday-committer-'));
      const store = new SqliteStore(dir, kernelOnly);
      try {
        const batchSizes: number[] = [];
        const times: number[] = [];
        const echo: BatchHandler<number, number> = async (tx, xs, nowMs) => {
          batchSizes.push(xs.length);
          times.push(nowMs);
          if (xs.includes(-1)) throw new Error('a bad command');
          await tx.setMeta(`last`, String(xs.at(-1)));
          return xs.map((x) => x * 2);
        };
        // The slow batch runs until the test lets it go, not for a fixed time: on a loaded
        // machine a fixed sleep could end before the refusal it is there to cause.
        let release!: () => void;
        const gate = new Promise<void>((resolve) => { release = resolve; });
        const slow: BatchHandler<number, number> = async (_tx, xs) => {
          await gate;
          return [...xs];
        };
        const clock = new SimulatedClock(1_000);
        const committer = new GroupCommitter(localExecutor(store, { echo, slow }), clock,
          { batchCommandsMax: 100, batchEarlyCommands: 100, batchIdleCommands: 100,
            batchesInFlightMax: 1,
            pendingCommandsMax: 1000, queueDelayMaxMs: 20 });
        // Submitted in one turn of the event loop: one transaction.
        assert.deepEqual(await Promise.all([1, 2, 3].map((x) => committer.submit('echo', x))),
          [2, 4, 6]);
        assert.deepEqual(batchSizes, [3]);
        // A batch runs at the committer's clock, read when the batch starts.
        clock.tick(500);
        // One failing command fails alone; its batch-mates commit.
        const mixed = await Promise.allSettled([4, -1, 5].map((x) => committer.submit('echo', x)));
        assert.deepEqual(mixed.map((r) => r.status), ['fulfilled', 'rejected', 'fulfilled']);
        assert.deepEqual(times, [1_000, 1_500, 1_500, 1_500, 1_500]);
        // A slow batch: new commands are refused once the oldest waiting one is too old.
        const running = committer.submit('slow', 1);
        await sleep(1);
        const waiting = committer.submit('slow', 2);
        await sleep(40);
        await assert.rejects(committer.submit('slow', 3), Overloaded);
        const essential = committer.submit('slow', 4, true);
        release();
        assert.deepEqual(await Promise.all([running, waiting, essential]), [1, 2, 4]);
        assert.equal(committer.refused, 1);
        await committer.drained();
      } finally {
        await store.close();
        rmSync(dir, { recursive: true, force: true });
      }
    });

  it('tells its observer of every batch: its size, and whether it ran', async () => {
    const execute: BatchExecutor = async (jobs) => {
      if (jobs.some((j) => j.payload === -1)) throw new Error('the store went away');
      return jobs.map((j) => ({ done: true, value: j.payload }));
    };
    const committer = new GroupCommitter<{ echo: BatchHandler<number, number> }>(execute,
      new SimulatedClock(0), { batchCommandsMax: 100, batchEarlyCommands: 100,
        batchIdleCommands: 100, batchesInFlightMax: 1, pendingCommandsMax: 1000,
        queueDelayMaxMs: 1000 });
    const seen: BatchObservation[] = [];
    committer.onBatch = (b) => seen.push(b);
    // [commands submitted in one turn, whether their batch runs]
    const table: Array<[number[], boolean]> = [[[1, 2, 3], true], [[4, -1], false], [[5], true]];
    for (const [xs] of table) {
      await Promise.allSettled(xs.map((x) => committer.submit('echo', x)));
    }
    assert.deepEqual(seen.map((b) => [b.commands, b.ok]),
      table.map(([xs, ran]) => [xs.length, ran]));
    for (const b of seen) assert.ok(b.queueDelayMs >= 0 && b.durationMs >= 0);
  });
});

describe('group commit lanes', () => {
  /** An executor whose batches end when the test says: `gates[i]()` ends the i-th. */
  function gated() {
    const batches: unknown[][] = [];
    const gates: Array<() => void> = [];
    const execute: BatchExecutor = async (jobs) => {
      batches.push(jobs.map((j) => j.payload));
      await new Promise<void>((r) => gates.push(r));
      return jobs.map((j) => ({ done: true, value: j.payload }));
    };
    return { batches, gates, execute };
  }
  const limits = { batchCommandsMax: 100, batchEarlyCommands: 100, batchIdleCommands: 100,
    batchesInFlightMax: 4, pendingCommandsMax: 1000, queueDelayMaxMs: 20 };
  const turn = () => new Promise((r) => setImmediate(r));

  it('keeps one batch of a lane in flight: its next commands wait and go together, others '
    + 'flow past', async () => {
    const { batches, gates, execute } = gated();
    const committer = new GroupCommitter<{ echo: BatchHandler<string, string> }>(execute,
      new SimulatedClock(0), limits);
    const answers = [committer.submit('echo', 'a1', false, 'drop:a'),
      committer.submit('echo', 'o1')];
    await turn();
    assert.deepEqual(batches, [['a1', 'o1']]);
    // While a1's batch is under way: a2 and a3 wait for it; o2 and b1 (another lane) do not.
    answers.push(committer.submit('echo', 'a2', false, 'drop:a'),
      committer.submit('echo', 'o2'), committer.submit('echo', 'b1', false, 'drop:b'),
      committer.submit('echo', 'a3', false, 'drop:a'));
    await turn();
    assert.deepEqual(batches, [['a1', 'o1'], ['o2', 'b1']]);
    assert.equal(committer.pendingCount, 2);
    // Waiting for its lane is not queue delay: nothing is refused for it.
    await sleep(40);
    assert.equal(committer.queueDelayMs, 0);
    answers.push(committer.submit('echo', 'o3'));
    await turn();
    assert.deepEqual(batches.at(-1), ['o3']);
    gates[0]!();
    await turn();
    await turn();
    // a1's batch ended: a2 and a3 go in one batch.
    assert.deepEqual(batches.at(-1), ['a2', 'a3']);
    for (const g of gates.slice(1)) g();
    await turn();
    gates.at(-1)!();
    assert.deepEqual(await Promise.all(answers), ['a1', 'o1', 'a2', 'o2', 'b1', 'a3', 'o3']);
    await committer.drained();
    assert.equal(committer.pendingCount, 0);
    assert.equal(committer.refused, 0);
  });

  it('never puts two lanes in one batch: each lane\'s commands take a row lock of their own',
    async () => {
    // Two drops' commands in one batch locked the two drops handler by handler; another
    // process's batch in the other order waited on it until PostgreSQL's deadlock_timeout.
    const { batches, gates, execute } = gated();
    const committer = new GroupCommitter<{ echo: BatchHandler<string, string> }>(execute,
      new SimulatedClock(0), limits);
    const answers = [committer.submit('echo', 'a1', false, 'drop:a'),
      committer.submit('echo', 'b1', false, 'drop:b'), committer.submit('echo', 'o1'),
      committer.submit('echo', 'a2', false, 'drop:a'), committer.submit('echo', 'b2', false,
        'drop:b')];
    await turn();
    await turn();
    // The oldest lane (a) with the commands of none; b in a batch of its own, beside it.
    assert.deepEqual(batches, [['a1', 'o1', 'a2'], ['b1', 'b2']]);
    for (const g of gates) g();
    assert.deepEqual(await Promise.all(answers), ['a1', 'b1', 'o1', 'a2', 'b2']);
    await committer.drained();
    assert.equal(committer.pendingCount, 0);
  });

  it('counts as queue delay a wait for a slot, not for the lane\'s batch under way', async () => {
    const { batches, gates, execute } = gated();
    const committer = new GroupCommitter<{ echo: BatchHandler<string, string> }>(execute,
      new SimulatedClock(0), { ...limits, batchesInFlightMax: 1 });
    const observed: number[] = [];
    committer.onBatch = (b) => observed.push(b.queueDelayMs);
    const answers = [committer.submit('echo', 'a1', false, 'drop:a')];
    await turn();
    answers.push(committer.submit('echo', 'a2', false, 'drop:a'));
    await sleep(40);
    assert.equal(committer.queueDelayMs, 0, 'a2 waits for its lane');
    // b1 is of another lane, free: it waits for the one slot, and that is queue delay.
    answers.push(committer.submit('echo', 'b1', false, 'drop:b'));
    await sleep(40);
    assert.ok(committer.queueDelayMs >= 30, `waited ${committer.queueDelayMs} ms`);
    await assert.rejects(committer.submit('echo', 'o1'), Overloaded);
    gates[0]!();
    await answers[0];
    await turn();
    // Two lanes never share a batch: a2's (the older) goes first, then b1's.
    assert.deepEqual(batches, [['a1'], ['a2']]);
    gates[1]!();
    await answers[1];
    await turn();
    assert.deepEqual(batches, [['a1'], ['a2'], ['b1']]);
    gates[2]!();
    assert.deepEqual(await Promise.all(answers), ['a1', 'a2', 'b1']);
    assert.equal(committer.refused, 1);
    // The batches' observed queue delay counts the same way: a2 waited 80 ms, all of it for
    // its lane's batch under way (about 0); b1 waited 40 ms for the one slot.
    assert.equal(observed.length, 3);
    assert.ok(observed[1]! < 40, `a2's batch observed ${observed[1]} ms`);
    assert.ok(observed[2]! >= 30, `b1's batch observed ${observed[2]} ms`);
  });

  it('ignores lanes when made without them (SQLite\'s writer thread)', async () => {
    const { batches, gates, execute } = gated();
    const committer = new GroupCommitter<{ echo: BatchHandler<string, string> }>(execute,
      new SimulatedClock(0), limits, false);
    const answers = [committer.submit('echo', 'a1', false, 'drop:a')];
    await turn();
    answers.push(committer.submit('echo', 'a2', false, 'drop:a'));
    await turn();
    assert.deepEqual(batches, [['a1'], ['a2']]);
    for (const g of gates) g();
    assert.deepEqual(await Promise.all(answers), ['a1', 'a2']);
  });
});

describe('a batch whose COMMIT was lost', () => {
  it('answers each command "may have been written", never "not written"', async () => {
    const lost = new CommitUnknown('the connection was lost during COMMIT');
    const table: Array<[string, unknown, boolean]> = [
      ['lost during the COMMIT', lost, true],
      ['lost before it', new StoreUnavailable('connection refused'), false],
    ];
    for (const [what, thrown, unknown] of table) {
      const transaction = (async () => { throw thrown; }) as Store['transaction'];
      const outcomes = await executeBatch(transaction, {}, [
        { handler: 'act', payload: 1 }, { handler: 'act', payload: 2 }], 0);
      for (const o of outcomes) {
        assert.ok(!o.done, what);
        assert.equal(isCommitUnknown(outcomeError(o as Extract<JobOutcome, { done: false }>)),
          unknown, what);
      }
    }
  });
});

describe('a batch committed whose result cannot be read', () => {
  it('fails only that command: commit_unknown, the store not said away', async () => {
    const transaction = (async (fn: (tx: never) => Promise<unknown>) => fn(undefined as never)) as
      unknown as Store['transaction'];
    const outcomes = await executeBatch(transaction, { act: async (_tx, payloads) =>
      payloads.map((p) => new AtCommit(() => {
        if (p === 2) throw new Error('no result');
        return p;
      })) }, [{ handler: 'act', payload: 1 }, { handler: 'act', payload: 2 }], 0);
    assert.deepEqual(outcomes[0], { done: true, value: 1 });
    const o = outcomes[1] as Extract<JobOutcome, { done: false }>;
    assert.ok(!o.done && o.resultUnread === true);
    const err = outcomeError(o);
    assert.ok(err instanceof ResultUnread && isCommitUnknown(err), String(err));
  });
});
