// Runs in a worker thread: a re-plan's reading and computing, off the event loop (SQLite). It
// opens its own read-only connection to the store's file and, for each request, reads the plans,
// centres, queue and stored estimates in one read transaction (a consistent snapshot: WAL
// readers never wait for the writer), computes the re-plan (replan.ts, pure) and answers with
// the result packed (replan-packing.ts). The event loop writes it in slices.
import { parentPort, workerData } from 'node:worker_threads';
import Database from 'better-sqlite3';
import { composeParts, type StoreComposition, type StoreTx } from '../kernel/store/store.js';
import { pack } from './replan-packing.js';
import { replan } from './replan.js';
import { stateOf } from './production-service.js';

export type ToReplanWorker = { readonly type: 'replan'; readonly id: number };
export type FromReplanWorker =
  | { readonly type: 'replanned'; readonly id: number;
      readonly packed: ReturnType<typeof pack> }
  | { readonly type: 'failed'; readonly id: number; readonly error: string };

const { file, module } = workerData as { file: string; module: string };
// The composition names every capability's store part; the worker reads through the same
// statements the event loop's writer runs (orders' lockedQueue among them), on its connection.
const composed = await import(module) as { storeComposition: StoreComposition };
const db = new Database(file, { readonly: true, fileMustExist: true });
db.pragma('busy_timeout = 5000');
const tx = composeParts(composed.storeComposition.sqlite.map((p) => p.writes(db))) as StoreTx;
const port = parentPort!;

async function run(id: number): Promise<void> {
  db.exec('BEGIN');
  let read;
  try {
    read = { plans: await tx.plansInForce(), centres: await tx.centresInForce(),
      queue: await tx.lockedQueue(), stored: await tx.storedEstimates(),
      withCars: await tx.ordersWithCars() };
  } finally {
    db.exec('COMMIT');
  }
  const r = replan(stateOf(read.plans, read.centres), read.queue, read.stored,
    new Set(read.withCars));
  const packed = pack(r);
  port.postMessage({ type: 'replanned', id, packed } satisfies FromReplanWorker,
    [packed.ints.buffer as ArrayBuffer, packed.moved.buffer as ArrayBuffer,
      packed.movedFromWeek.buffer as ArrayBuffer]);
}

port.on('message', (m: ToReplanWorker) => {
  run(m.id).catch((err: unknown) => port.postMessage({ type: 'failed', id: m.id,
    error: String(err) } satisfies FromReplanWorker));
});
