// A flushing thread for tests (in place of src/kernel/write/sqlite-sync-worker.ts): it reports
// the writer's commits on disk only once a file named `${walPath}.go` exists, so a test can
// see what the writer does while its flush is under way. It flushes nothing itself.
import { existsSync } from 'node:fs';
import { parentPort, workerData } from 'node:worker_threads';
import { SYNC_REQUESTED, SYNC_STOP } from '../src/kernel/write/sync-counters.js';

const { walPath, counters } = workerData as { walPath: string; counters: SharedArrayBuffer };
const shared = new BigInt64Array(counters);
let reported = 0n;
const timer = setInterval(() => {
  if (Atomics.load(shared, SYNC_STOP) !== 0n) {
    clearInterval(timer);
    parentPort!.close();
    return;
  }
  const upTo = Atomics.load(shared, SYNC_REQUESTED);
  if (upTo > reported && existsSync(`${walPath}.go`)) {
    reported = upTo;
    parentPort!.postMessage({ type: 'durable', upTo: Number(upTo) });
  }
}, 5);
