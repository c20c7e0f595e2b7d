// Runs in a worker thread: the embedded store's writer. The event loop's thread sends it batches
// of named commands (group-committer.ts); it runs each in one transaction on its own connection,
// flushes the WAL, and answers, so the event loop only parses requests and writes replies.
// The store's own rare transactions (sign-in codes, operators' edits) ask it to pause first.
import { parentPort, workerData } from 'node:worker_threads';
import { SqliteWriter } from '../store/sqlite-store.js';
import { batchHandlers, type BatchHandlerLimits } from './batch-handlers.js';
import { executeBatch } from './group-committer.js';
import type { ToWorker, FromWorker } from './sqlite-batch-executor.js';

const { file, limits } = workerData as { file: string; limits: BatchHandlerLimits };
const writer = new SqliteWriter(file);
const handlers = batchHandlers(limits);
const port = parentPort!;
let resume: (() => void) | null = null;

const post = (m: FromWorker): void => port.postMessage(m);

port.on('message', (m: ToWorker) => {
  switch (m.type) {
    case 'batch':
      executeBatch((fn) => writer.transaction(fn), handlers, m.jobs, m.nowMs).then(
        (outcomes) => post({ type: 'batch', id: m.id, outcomes }),
        (err: unknown) => post({ type: 'failed', id: m.id, error: String(err) }));
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
});
