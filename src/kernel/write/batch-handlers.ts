// The batch-handler registry: every group-commit handler by name, what a batch may run, in
// whichever thread runs it. Capabilities contribute handlers (and wires) and the composition
// (src/stores.ts, writeComposition) merges them; the kernel names none.
import type { BatchJob, HandlerMap, JobOutcome } from './group-committer.js';

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
