// Every group-commit handler by name: what a batch may run, in whichever thread runs it.
import { accountCommands } from '../../accounts/account-commands.js';
import type { BatchJob, JobOutcome } from './group-committer.js';
import { orderCommands, placeWire } from '../../orders/order-commands.js';

export interface BatchHandlerLimits {
  readonly autoLockBatchMax: number;
}

export function batchHandlers(limits: BatchHandlerLimits) {
  const { place, act, autoLock } = orderCommands(limits);
  const { register } = accountCommands();
  return { place, act, autoLock, register };
}

export type BatchHandlers = ReturnType<typeof batchHandlers>;

/**
 * How a handler's commands and results cross between threads in a compact form, where that
 * pays: the SQLite writer thread's batches (order-commands.ts, placeWire).
 */
interface Wire {
  encodeCommand(payload: any): unknown;
  decodeCommand(wire: unknown): any;
  encode(payload: any, result: any): unknown;
  decode(payload: any, wire: unknown, nowMs: number): unknown;
}

const wires: Readonly<Record<string, Wire>> = { place: placeWire };

/** The event loop's side: each job in the form it crosses in. */
export function encodeJobs(jobs: readonly BatchJob[]): BatchJob[] {
  return jobs.map((j) => {
    const wire = wires[j.handler];
    return wire === undefined ? j : { handler: j.handler, payload: wire.encodeCommand(j.payload) };
  });
}

/** The writer thread's side: each job as it was submitted. */
export function decodeJobs(jobs: readonly BatchJob[]): BatchJob[] {
  return jobs.map((j) => {
    const wire = wires[j.handler];
    return wire === undefined ? j : { handler: j.handler, payload: wire.decodeCommand(j.payload) };
  });
}

/** The writer thread's side: each outcome in the form it crosses in. */
export function encodeOutcomes(jobs: readonly BatchJob[], outcomes: JobOutcome[]): JobOutcome[] {
  return outcomes.map((o, i) => {
    const wire = wires[jobs[i]!.handler];
    return wire === undefined || !o.done ? o
      : { done: true, value: wire.encode(jobs[i]!.payload, o.value) };
  });
}

/** The event loop's side: each outcome as its handler returned it. */
export function decodeOutcomes(jobs: readonly BatchJob[], outcomes: JobOutcome[], nowMs: number):
  JobOutcome[] {
  return outcomes.map((o, i) => {
    const wire = wires[jobs[i]!.handler];
    return wire === undefined || !o.done ? o
      : { done: true, value: wire.decode(jobs[i]!.payload, o.value, nowMs) };
  });
}
