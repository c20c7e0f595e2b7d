import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { GroupCommitter, type BatchExecutor } from '../kernel/write/group-committer.js';
import { SimulatedClock } from '../kernel/clock.js';
import { DropsService, type DropHandlers, type DropsDeps } from './drops-service.js';
import type { Account } from '../accounts/index.js';

describe('DropsService lanes (PostgreSQL: one row lock order per batch)', () => {
  it('never sends the sweep in a batch with a drop\'s commands', async () => {
    // The sweep locks every drop with a hold past due, in sorted order; a drop's commands lock
    // theirs. In one batch the drop's lock could come first (drop b, then the sweep's a), and
    // the other process's sweep (a, then b) waited for it until deadlock_timeout.
    const batches: string[][] = [];
    const gates: Array<() => void> = [];
    const execute: BatchExecutor = async (jobs) => {
      batches.push(jobs.map((j) => j.handler));
      await new Promise<void>((r) => gates.push(r));
      return jobs.map((j) => ({ done: true as const,
        value: j.handler === 'dropSweep' ? 0 : { ok: false, code: 'hold_not_found' } }));
    };
    const committer = new GroupCommitter<DropHandlers>(execute, new SimulatedClock(0),
      { batchCommandsMax: 100, batchEarlyCommands: 100, batchIdleCommands: 100,
        batchesInFlightMax: 4, pendingCommandsMax: 1000, queueDelayMaxMs: 1000 });
    const deps = { limits: { dropHoldSeconds: 600, dropOfferSeconds: 600 } } as DropsDeps;
    const drops = new DropsService(deps, (h, p, e, lane) => committer.submit(h, p, e, lane));
    const buyer = { accountId: 'acc_1' } as Account;
    const answers = [drops.cancel(buyer, 'b', 'hld_1'), drops.sweep(),
      drops.cancel(buyer, 'a', 'hld_2')];
    for (let i = 0; i < 3; i++) await new Promise((r) => setImmediate(r));
    for (const b of batches) {
      assert.ok(!(b.includes('dropSweep') && b.length > 1),
        `the sweep shares a batch: ${JSON.stringify(batches)}`);
    }
    assert.equal(batches.flat().length, 3, 'every command went out');
    for (const g of gates) g();
    await Promise.all(answers);
    await committer.drained();
  });
});
