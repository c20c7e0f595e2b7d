// Runs in a worker thread: flushes the WAL for the SQLite writer thread (sqlite-batch-worker.ts),
// so that the writer goes on to the next batch while the one before is being flushed. Before,
// the writer flushed each commit itself and sat blocked in fdatasync for about 12% of its time
// under `npm run bench -- --only intake`, while the event loop waited with the next batch
// (docs/benchmarks.md, session 13).
//
// The two threads share two counters (sync-counters.ts): the writer stores
// its last commit's number there and wakes this thread; this thread flushes, then tells the
// event loop's thread directly, by message, which commits are on disk, so that a reply never
// waits on the writer's own event loop (busy with the next transaction's synchronous SQL).
// One fdatasync covers every commit written before it began, as in group-sync.ts.
import { closeSync, fdatasyncSync, openSync } from 'node:fs';
import { parentPort, workerData } from 'node:worker_threads';
import { SYNC_REQUESTED, SYNC_STOP, type SyncMessage } from './sync-counters.js';

const { walPath, counters } = workerData as { walPath: string; counters: SharedArrayBuffer };
const shared = new BigInt64Array(counters);
const port = parentPort!;
let fd: number | null = null;
let synced = 0n;

const post = (m: SyncMessage): void => port.postMessage(m);

/**
 * How long one wait lasts at most (ms). A thread asleep in Atomics.wait is not woken when its
 * process ends, and the process waits for it: without a bound, a process whose executor was
 * never closed would never exit (seen in the tests).
 */
const WAIT_MAX_MS = 100;

for (;;) {
  // Sleeps until the writer asks for more than is on disk, or the executor says stop.
  Atomics.wait(shared, SYNC_REQUESTED, synced, WAIT_MAX_MS);
  if (Atomics.load(shared, SYNC_STOP) !== 0n) break;
  const upTo = Atomics.load(shared, SYNC_REQUESTED);
  if (upTo <= synced) continue;
  try {
    // The writer has committed, so its WAL file exists; kept open for the thread's life.
    fd ??= openSync(walPath, 'r');
    fdatasyncSync(fd);
    synced = upTo;
    post({ type: 'durable', upTo: Number(upTo) });
  } catch (err) {
    // The disk refused: these commits may or may not be on disk. Said once; the next request
    // tries again.
    synced = upTo;
    post({ type: 'syncFailed', upTo: Number(upTo), error: String(err) });
  }
}
if (fd !== null) closeSync(fd);
port.close();
