// What the SQLite writer thread, its flushing thread (sqlite-sync-worker.ts) and the event
// loop's side (sqlite-batch-executor.ts) share: two 64-bit slots of a SharedArrayBuffer, and the
// messages the flushing thread sends the event loop.

/** Slot: the number of the writer's last commit (1, 2, ...), which it asks to have flushed. */
export const SYNC_REQUESTED = 0;
/** Slot: non-zero once the flushing thread should end. */
export const SYNC_STOP = 1;

/** A new pair of slots, both zero. */
export function newSyncCounters(): SharedArrayBuffer {
  return new SharedArrayBuffer(2 * BigInt64Array.BYTES_PER_ELEMENT);
}

/**
 * From the flushing thread: every commit numbered up to `upTo` is on disk, or (`syncFailed`)
 * the flush that should have put them there failed, so they may not be.
 */
export type SyncMessage =
  | { readonly type: 'durable'; readonly upTo: number }
  | { readonly type: 'syncFailed'; readonly upTo: number; readonly error: string };

/** The writer's side: asks for commit `commit` (and all before it) to be flushed. */
export function requestSync(counters: BigInt64Array, commit: number): void {
  Atomics.store(counters, SYNC_REQUESTED, BigInt(commit));
  Atomics.notify(counters, SYNC_REQUESTED);
}

/** The executor's side: ends the flushing thread once it has finished its flush under way. */
export function stopSync(counters: BigInt64Array): void {
  Atomics.store(counters, SYNC_STOP, 1n);
  Atomics.notify(counters, SYNC_REQUESTED);
}
