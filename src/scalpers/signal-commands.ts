// Scalpers' group-commit handler: a flush of the buffered client events, hashed into signals
// (signalOf) and written in whichever thread runs the batch. On SQLite that is the writer
// thread, so the event loop neither hashes them nor writes them on its own connection (which
// waited on the writer's lock, holding the loop, and cost the order path about 30 us an order:
// docs/benchmarks.md, "session 11").
import type { BatchHandler } from '../kernel/write/group-committer.js';
import type { ClientEvent } from '../kernel/http/client-signals.js';
import { signalOf } from './signals.js';

/** One flush: the events in the order they were recorded, each with its time-ordered id. */
export interface RecordSignalsCommand {
  readonly entries: ReadonlyArray<{ readonly signalId: string; readonly event: ClientEvent }>;
}

/** Scalpers' batch handlers. `recordSignals` answers each command with its signal count. */
export function scalperCommands() {
  const recordSignals: BatchHandler<RecordSignalsCommand, number> = async (tx, cmds) => {
    const signals = cmds.flatMap((c) => c.entries.map((e) => signalOf(e.signalId, e.event)));
    // A repeated flush (a batch retried after a failure) writes each signal once: its id.
    await tx.insertSignals(signals);
    return cmds.map((c) => c.entries.length);
  };
  return { recordSignals };
}

/** The handlers' type, for the composition's submit. */
export type ScalperHandlers = ReturnType<typeof scalperCommands>;
