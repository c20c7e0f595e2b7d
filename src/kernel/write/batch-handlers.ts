// The batch-handler registry: every group-commit handler by name, what a batch may run, in
// whichever thread runs it. Capabilities contribute handlers (and wires) and the composition
// (src/stores.ts, writeComposition) merges them; the kernel names none.
import type { Store, StoreTx } from '../store/store.js';
import type { BatchHandler, BatchJob, HandlerMap, JobOutcome } from './group-committer.js';

/** The limits a handler may read; plain data, as they cross to the writer thread. */
export interface BatchHandlerLimits {
  readonly autoLockBatchMax: number;
}

/**
 * Everything the write path runs, as composed from the capabilities: the handlers by name, and
 * the compact forms some cross threads in. The SQLite writer thread imports it from the module
 * named by StoreComposition.module, as `writeComposition`.
 */
export interface WriteComposition<H extends HandlerMap = HandlerMap> {
  handlers(limits: BatchHandlerLimits): H;
  readonly wires: Readonly<Record<string, Wire>>;
}

/** One store method called in a batch: its name on StoreTx and its arguments (cloneable data). */
export interface StoreCallCommand {
  readonly method: string;
  readonly args: readonly unknown[];
}

/**
 * The kernel's own batch handler, `storeCall`: one StoreTx method called with its arguments, in
 * the batch's thread. For the writes a crowd makes that are not orders (sessions' last uses,
 * the estimates shown at lock, waiting-room joins, polls and pass claims): on SQLite they then
 * run on the writer thread, not on the event loop's own connection, which pauses the writer and
 * holds the loop while it writes (docs/benchmarks.md, session 11). The method name is always a
 * literal at the call site, never a request's input.
 */
export const kernelHandlers = {
  storeCall: (async (tx, cmds) => {
    const out: unknown[] = [];
    for (const c of cmds) {
      const method = (tx as unknown as Record<string, (...a: unknown[]) => Promise<unknown>>)[
        c.method];
      if (typeof method !== 'function') throw new Error(`no store method named ${c.method}`);
      out.push(await method.apply(tx, c.args as unknown[]));
    }
    return out;
  }) as BatchHandler<StoreCallCommand, unknown>,
};

type ArgsOf<K extends keyof StoreTx> = StoreTx[K] extends (...a: infer A) => Promise<unknown>
  ? A : never;
type ResultOfCall<K extends keyof StoreTx> =
  StoreTx[K] extends (...a: never[]) => Promise<infer R> ? R : never;

/**
 * Writes `tx[method](...args)` in a transaction of its own kind: `Core.writeInBatch` (group
 * commit, essential, so load never refuses it; on SQLite the writer thread), or, for a service
 * used without the kernel (a test, a benchmark), `transactionWrite`. Rejects as a transaction
 * would (StoreUnavailable when the store is out of reach); resolves to the method's result
 * (plain data: it may cross threads).
 */
export type BatchWrite = <K extends keyof StoreTx>(method: K, ...args: ArgsOf<K>) =>
  Promise<ResultOfCall<K>>;

/** A BatchWrite on the store's own transaction (the calling thread's connection). */
export function transactionWrite(store: Store): BatchWrite {
  return (method, ...args) => store.transaction((tx) =>
    (tx[method] as (...a: unknown[]) => Promise<never>).apply(tx, args));
}

/** Merges handler maps; two capabilities naming one handler is a composition error. */
export function mergeHandlers(maps: readonly HandlerMap[]): HandlerMap {
  const out: Record<string, HandlerMap[string]> = {};
  for (const m of maps) {
    for (const [name, h] of Object.entries(m)) {
      if (name in out) throw new Error(`two capabilities offer the batch handler ${name}`);
      out[name] = h;
    }
  }
  return out;
}

/**
 * How a handler's commands and results cross between threads in a compact form, where that
 * pays: the SQLite writer thread's batches (order-commands.ts, placeWire).
 */
export interface Wire {
  encodeCommand(payload: any): unknown;
  decodeCommand(wire: unknown): any;
  encode(payload: any, result: any): unknown;
  decode(payload: any, wire: unknown, nowMs: number): unknown;
}

/** The event loop's side: each job in the form it crosses in. */
export function encodeJobs(wires: WriteComposition['wires'], jobs: readonly BatchJob[]):
  BatchJob[] {
  return jobs.map((j) => {
    const wire = wires[j.handler];
    return wire === undefined ? j : { handler: j.handler, payload: wire.encodeCommand(j.payload) };
  });
}

/** The writer thread's side: each job as it was submitted. */
export function decodeJobs(wires: WriteComposition['wires'], jobs: readonly BatchJob[]):
  BatchJob[] {
  return jobs.map((j) => {
    const wire = wires[j.handler];
    return wire === undefined ? j : { handler: j.handler, payload: wire.decodeCommand(j.payload) };
  });
}

/** The writer thread's side: each outcome in the form it crosses in. */
export function encodeOutcomes(wires: WriteComposition['wires'], jobs: readonly BatchJob[],
  outcomes: JobOutcome[]): JobOutcome[] {
  return outcomes.map((o, i) => {
    const wire = wires[jobs[i]!.handler];
    return wire === undefined || !o.done ? o
      : { done: true, value: wire.encode(jobs[i]!.payload, o.value) };
  });
}

/** The event loop's side: each outcome as its handler returned it. */
export function decodeOutcomes(wires: WriteComposition['wires'], jobs: readonly BatchJob[],
  outcomes: JobOutcome[], nowMs: number): JobOutcome[] {
  return outcomes.map((o, i) => {
    const wire = wires[jobs[i]!.handler];
    return wire === undefined || !o.done ? o
      : { done: true, value: wire.decode(jobs[i]!.payload, o.value, nowMs) };
  });
}
