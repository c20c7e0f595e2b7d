// What a capability is, as the composition (src/capabilities.ts) sees it: its name, the
// capabilities it may use, and what it contributes through the kernel's extension points.
// Adding a capability is a folder whose index.ts exports one of these, and one line in
// src/capabilities.ts.
import type { Route } from './http/route.js';
import type { MigrationPiece } from './store/migrations.js';
import type { PostgresPart } from './store/postgres-store.js';
import type { SqlitePart } from './store/sqlite-store.js';
import type { BatchHandlerLimits, Wire } from './write/batch-handlers.js';
import type { HandlerMap } from './write/group-committer.js';

export interface Capability {
  /** Its folder's name under src/. */
  readonly name: string;
  /**
   * The capabilities whose index.ts it may import (test/capability-boundaries.test.ts checks
   * every import against this; a cycle is refused by `checkCapabilities`).
   */
  readonly dependsOn: readonly string[];
  /** Its API routes, served under /api/v1 (kernel/http/http-app.ts). */
  readonly routes: readonly Route[];
  /** Its pieces of the global migrations (kernel/store/migrations.ts). */
  readonly migrations: readonly MigrationPiece[];
  /** Its part of each store (kernel/store/store.ts, composeParts). */
  readonly sqlite: SqlitePart<object, object>;
  readonly postgres: PostgresPart<object, object>;
  /** Its group-commit handlers by name (kernel/write/batch-handlers.ts). */
  readonly batchHandlers?: (limits: BatchHandlerLimits) => HandlerMap;
  /** The compact forms some of its commands cross threads in. */
  readonly wires?: Readonly<Record<string, Wire>>;
}

/**
 * Checks a composition: names unique, each capability listed after every capability it
 * depends on (so the order is a topological one and no cycle can hide in it).
 */
export function checkCapabilities(list: readonly Capability[]): void {
  const seen = new Set<string>();
  for (const c of list) {
    if (seen.has(c.name)) throw new Error(`capability ${c.name} is listed twice`);
    for (const d of c.dependsOn) {
      if (!seen.has(d)) {
        throw new Error(`capability ${c.name} depends on ${d}, which is not listed before it`);
      }
    }
    seen.add(c.name);
  }
}
