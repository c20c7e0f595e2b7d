// What a capability is, as the composition (src/capabilities.ts) sees it: its name, the
// capabilities it may use, and what it contributes through the kernel's extension points.
// Adding a capability is a folder whose index.ts exports one of these, and one line in
// src/capabilities.ts.
import type { Limits } from './config.js';
import type { App, Route } from './http/route.js';
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
  /**
   * Its group-commit handlers by name (kernel/write/batch-handlers.ts); `hooks` holds what the
   * capabilities listed after it implement of the hooks it declares.
   */
  readonly batchHandlers?: (limits: BatchHandlerLimits, hooks: Hooks) => HandlerMap;
  /** The compact forms some of its commands cross threads in. */
  readonly wires?: Readonly<Record<string, Wire>>;
  /** What it implements of hooks that capabilities it depends on declare (see `Hooks`). */
  readonly hooks?: readonly HookImpl[];
  /** Work it runs every so often while the server runs (started and stopped by server.ts). */
  readonly timers?: readonly CapabilityTimer[];
}

/**
 * A hook's name, carrying the type of its implementations. A capability declares a hook where
 * it calls out at a point of its own (orders' `ORDER_EVENTS_WRITTEN`: inside the transaction
 * that writes order events), and a capability that depends on it implements it: the call runs
 * against the dependency direction without an import that way.
 */
export type HookName<F> = string & { readonly __implementation?: F };

/** One implementation of a hook, as a capability lists it (`hook(NAME, fn)`). */
export interface HookImpl {
  readonly name: string;
  readonly fn: unknown;
}

/** An implementation of the hook `name`, typed by it. */
export const hook = <F>(name: HookName<F>, fn: F): HookImpl => ({ name, fn });

/** Every implementation of each hook, in the composition's order. */
export interface Hooks {
  all<F>(name: HookName<F>): readonly F[];
}

/** The hooks the capabilities implement; with no list, a composition without any. */
export function collectHooks(list: readonly Capability[] = []): Hooks {
  const impls = list.flatMap((c) => c.hooks ?? []);
  return { all: <F>(name: HookName<F>) => impls.filter((h) => h.name === name)
    .map((h) => h.fn as F) };
}

/**
 * Periodic work of a capability (notifications' delivery rounds): `run` every `intervalMs` of
 * real time. A run still under way when the next is due is the capability's to guard against.
 */
export interface CapabilityTimer {
  readonly name: string;
  intervalMs(limits: Limits): number;
  run(app: App): Promise<unknown>;
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
