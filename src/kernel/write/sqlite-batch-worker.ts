// Runs in a worker thread: the embedded store's writer. The event loop's thread sends it batches
// of named commands (group-committer.ts); it runs each in one transaction (batches that queued
// up together share one) on its own connection, flushes the WAL, and answers, so the event loop
// only parses requests and writes replies.
// The store's own rare transactions (sign-in codes, operators' edits) ask it to pause first.
import { parentPort, receiveMessageOnPort, workerData } from 'node:worker_threads';
import { SqliteWriter } from '../store/sqlite-store.js';
import {
  decodeJobs, encodeOutcomes, type BatchHandlerLimits, type WriteComposition,
} from './batch-handlers.js';
import { executeBatch, runGroups, type JobOutcome } from './group-committer.js';
import type { Store, StoreComposition } from '../store/store.js';
import { isStoreUnavailable } from '../store/store-unavailable.js';
import type { ToWorker, FromWorker } from './sqlite-batch-executor.js';

const { file, limits, module } = workerData as { file: string; limits: BatchHandlerLimits;
  module: string };
// The composition (src/stores.ts) names the capabilities' store parts and handlers; imported
// by the URL the store was opened with, so that the kernel imports no capability.
const composed = await import(module) as { storeComposition: StoreComposition;
  writeComposition: WriteComposition };
const writer = new SqliteWriter(file, composed.storeComposition, { flushInline: true });
const handlers = composed.writeComposition.handlers(limits);
const { wires } = composed.writeComposition;
const port = parentPort!;
let resume: (() => void) | null = null;

const post = (m: FromWorker): void => port.postMessage(m);

/** Most commands one merged transaction takes (see `batches`). */
const MERGED_COMMANDS_MAX = 4_000;

/**
 * Runs the batch sent and every batch already waiting behind it in one transaction, each at its
 * own time: batches queue here while the one before is written, and one commit for them all
 * writes the pages they share once. If that transaction fails, each batch runs on its own (and
 * within it, each command), so a bad command still fails alone.
 */
function batches(sent: Extract<ToWorker, { type: 'batch' }>): void {
  type Batch = typeof sent;
  // Commands cross in a compact form (batch-handlers.ts); the handlers see them as submitted.
  const decoded = (b: Batch): Batch => ({ ...b, jobs: decodeJobs(wires, b.jobs) });
  const first = decoded(sent);
  const merged = [first];
  let commands = first.jobs.length;
  let next: ToWorker | null = null;
  while (commands < MERGED_COMMANDS_MAX) {
    const waiting = receiveMessageOnPort(port);
    if (waiting === undefined) break;
    const m = waiting.message as ToWorker;
    if (m.type !== 'batch') {
      next = m;
      break;
    }
    merged.push(decoded(m));
    commands += m.jobs.length;
  }
  const answer = (b: Batch, outcomes: Promise<JobOutcome[]>): Promise<void> =>
    outcomes.then((o) => post({ type: 'batch', id: b.id,
      outcomes: encodeOutcomes(wires, b.jobs, o) }),
      (err: unknown) => post({ type: 'failed', id: b.id, error: String(err),
        unavailable: isStoreUnavailable(err) }));
  if (merged.length === 1) {
    void answer(first, executeBatch(tx, handlers, first.jobs, first.nowMs));
  } else {
    const together = tx(async (t) => {
      const out: unknown[][] = [];
      for (const b of merged) out.push(await runGroups(t, handlers, b.jobs, b.nowMs));
      return out;
    });
    merged.forEach((b, i) => void answer(b, together.then(
      (all) => all[i]!.map((value) => ({ done: true as const, value })),
      () => executeBatch(tx, handlers, b.jobs, b.nowMs))));
  }
  if (next !== null) receive(next);
}

const tx: Store['transaction'] = (fn) => writer.transaction(fn);

function receive(m: ToWorker): void {
  switch (m.type) {
    case 'batch':
      batches(m);
      return;
    case 'pause':
      void writer.pause().then((release) => {
        resume = release;
        post({ type: 'paused' });
      });
      return;
    case 'resume':
      resume?.();
      resume = null;
      return;
    case 'stop':
      void writer.close().then(() => {
        post({ type: 'stopped' });
        port.close();
      });
  }
}

port.on('message', receive);
