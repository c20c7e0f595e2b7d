// Scalpers' part of the storage port: the client signals the suspicious-pattern report reads.
// Both adapters implement it (scalpers-sqlite.ts, scalpers-postgres.ts) and pass its contract
// (scalpers-store.contract.ts). The composed Store and StoreTx (kernel/store/store.ts) take
// these methods by declaration merging.
import type { Signal } from './signals.js';

/** Scalpers' writes inside one transaction (see StoreTx). */
export interface ScalpersTx {
  /** Stores signals; one already stored (same id) is left as it is. */
  insertSignals(signals: readonly Signal[]): Promise<void>;
}

/** Scalpers' reads of committed data (see Store). */
export interface ScalpersReads {
  /** The signals of a scope (`launch:<id>`, `drop:<id>`), oldest first, at most `limit`. */
  signalsOfScope(scope: string, limit: number): Promise<Signal[]>;
  /** The registration signals of these accounts. */
  registrationSignals(accountIds: readonly string[]): Promise<Signal[]>;
}

declare module '../kernel/store/store.js' {
  interface StoreTx extends ScalpersTx {}
  interface Store extends ScalpersReads {}
}
