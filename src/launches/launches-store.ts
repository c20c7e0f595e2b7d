// Launches' part of the storage port: launches and their change windows. Both adapters implement
// it (launches-sqlite.ts, launches-postgres.ts) and pass its contract (launches-
// store.contract.ts). The composed Store and StoreTx (kernel/store/store.ts) take these methods by
// declaration merging.
import type { ChangeWindow, Launch } from './launch.js';

/** Launches' reads and writes inside one transaction (see StoreTx). */
export interface LaunchesTx {
  putLaunch(launch: Launch): Promise<void>;
  /**
   * The launch as committed, its row locked until the transaction ends (PostgreSQL `FOR
   * UPDATE`; SQLite's one writer serialises transactions already); null when there is none.
   * A write that must agree with a launch's opening (its waiting room's) reads it here, not
   * from a process's cached copy, which another process may have changed.
   */
  lockLaunch(launchId: string): Promise<Launch | null>;
  putChangeWindow(window: ChangeWindow): Promise<void>;
  changeWindows(): Promise<ChangeWindow[]>;
}

/** Launches' reads of committed data (see Store). */
export interface LaunchesReads {
  launches(): Promise<Launch[]>;
  changeWindows(): Promise<ChangeWindow[]>;
}

declare module '../kernel/store/store.js' {
  interface StoreTx extends LaunchesTx {}
  interface Store extends LaunchesReads {}
}
