// Scalpers' group-commit handler: a flush of the buffered client events, hashed into signals
// (signalsOfChunk) and written in whichever thread runs the batch. On SQLite that is the writer
// thread, so the event loop neither hashes them nor writes them on its own connection (which
// waited on the writer's lock, holding the loop, and cost the order path about 30 us an order:
// docs/benchmarks.md, "session 11"). The events cross as a chunk (signal-buffer.ts): a few
// arrays, not an object per event (session 19).
import type { BatchHandler } from '../kernel/write/group-committer.js';
import { rowsOf, signalsOfChunk, type SignalChunk } from './signal-buffer.js';

/** One chunk of a flush: its events in the order they were recorded, and their ids' prefix. */
export interface RecordSignalsCommand {
  readonly chunk: SignalChunk;
}

/** Scalpers' batch handlers. `recordSignals` answers each command with its signal count. */
export function scalperCommands() {
  const recordSignals: BatchHandler<RecordSignalsCommand, number> = async (tx, cmds) => {
    const signals = cmds.flatMap((c) => signalsOfChunk(c.chunk));
    // A repeated flush (a chunk written again after a failure) writes each signal once: its id.
    await tx.insertSignals(signals);
    return cmds.map((c) => rowsOf(c.chunk));
  };
  return { recordSignals };
}

/** The handlers' type, for the composition's submit. */
export type ScalperHandlers = ReturnType<typeof scalperCommands>;
