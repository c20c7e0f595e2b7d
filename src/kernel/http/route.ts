// What a route is, and the small helpers every route file shares.
import type { IncomingHttpHeaders, ServerResponse } from 'node:http';
import { refuse, type Refusal, type Result } from '../outcomes.js';
import { isStoreUnavailable } from '../store/store-unavailable.js';
import type { Json } from './http-io.js';
import type { Clock } from '../clock.js';
import type { Limits } from '../config.js';
import type { Store } from '../store/store.js';
import type { StoreHealth } from './store-health.js';
import type { RouteContract } from './schema.js';
import type { PreparedJson } from './prepared-reply.js';

/**
 * What the HTTP shell and the routes see as `app` and `caller`: the composition fills these in
 * by declaration merging (src/launchday.ts: the facade of the capabilities' services, and
 * accounts' Caller), so that the kernel names no capability. Until then, the least the shell
 * itself needs.
 */
export interface HttpTypes {}

/**
 * What the HTTP shell itself (http-app.ts, health-routes.ts) needs of the application: the
 * kernel's Core and who a token stands for. The facade (src/launchday.ts) implements it.
 */
export interface KernelApp {
  readonly clock: Clock;
  readonly deps: { readonly limits: Limits; readonly store: Store;
    readonly log?: (line: string) => void };
  readonly committer: {
    readonly pendingCount: number; readonly batches: number; readonly commands: number;
    readonly refused: number;
  };
  readonly storeHealth: StoreHealth;
  readonly brokenBecause: Error | null;
  readonly closing: boolean;
  authenticate(token: string): Promise<KernelCaller | null>;
  refusalFor(err: unknown): Refusal | null;
}

export interface KernelCaller {
  readonly role: 'buyer' | 'admin';
}

export type App = HttpTypes extends { app: infer A } ? A : KernelApp;
export type Caller = HttpTypes extends { caller: infer C } ? C : KernelCaller;

export interface Ctx {
  readonly headers: IncomingHttpHeaders;
  /** The reply stream, for a route that writes its own reply; null when served by the lane. */
  readonly res: ServerResponse | null;
  readonly url: URL;
  readonly params: Readonly<Record<string, string>>;
  readonly caller: Caller | null;
  /** The client's network address (rate-limits.ts's clientAddress); '' when unknown. */
  readonly address: string;
  readonly app: App;
  /**
   * The JSON body, checked against the route's body schema (schema.ts): its fields have the
   * types and bounds the schema declares (an optional one may be null, which reads as not
   * given), or the refusal of the first that fails.
   */
  body(): Promise<Result<Json>>;
  /** The query parameters, checked against the route's query schema as `body()` is. */
  query(): Result<Readonly<Record<string, string | undefined>>>;
  /** The raw body, for a caller that signs it. */
  text(): Promise<Result<string>>;
}

/** A handler answers with a status and body, or a refusal; or writes the reply itself (null). */
export type Reply = { status: number; body: unknown; headers?: Record<string, string> } | Refusal;
export type Handler = (ctx: Ctx) => Promise<Reply | null>;
export type Access = 'public' | 'signed_in' | 'buyer' | 'admin';

export interface Route {
  readonly method: string;
  readonly path: string;
  readonly access: Access;
  readonly handler: Handler;
  /** Its request and reply shapes: validated (once compiled) and published (openapi.json). */
  readonly schema: RouteContract;
  /** A larger body than the default, for the few routes that need one. */
  readonly bodyLimit?: 'import';
  /** Writes its own reply as a stream (node:http only). */
  readonly stream?: true;
  /**
   * Every string this route keeps passes its field's own rule, which refuses NUL and other
   * control characters with the field's code (web/js/text-fields.js): its body skips the
   * body-wide NUL refusal (http-io.ts), so that `{"name": "Li\u0000"}` is `invalid_name`,
   * and an import reports it on its row instead of refusing every row.
   */
  readonly ownTextRules?: true;
  /**
   * A public GET whose reply is prepared once per change (prepared-reply.ts): the prepared reply
   * if it can be had now without waiting (what the handler would answer, from caches that are
   * current), else undefined and the handler answers. The lane writes it without the handler's
   * promise, context or serialisation (http-lane.ts, issue 19).
   */
  readonly prepared?: (params: Readonly<Record<string, string>>, app: App) =>
    PreparedJson | undefined;
}

export const reply = (status: number, body: unknown, headers?: Record<string, string>): Reply =>
  ({ status, body, ...(headers ? { headers } : {}) });

/**
 * Tells the log of a fault a route goes on past (admission-gate.ts settledWrite: a pass's
 * settle that threw after its write was made, whose answer is still the write's), with the
 * path and the error's stack.
 */
export const faultTold = (ctx: Ctx) => (err: unknown): void => {
  ctx.app.deps.log?.(`${ctx.url.pathname}: answered after a fault: ${
    err instanceof Error ? err.stack ?? err.message : String(err)}`);
};

/**
 * Runs what follows a committed write (its reply, read from the store; an operator's audit
 * entry). If the store goes away meanwhile, the write was made all the same, so the refusal is
 * `commit_unknown` (read it back), never `store_unavailable`, which says nothing was done: a
 * lock retried on that word meets "already locked".
 */
export async function afterWrite(build: () => Promise<Reply>): Promise<Reply> {
  try {
    return await build();
  } catch (err) {
    if (!isStoreUnavailable(err)) throw err;
    return refuse('commit_unknown', 'Your change was made, but our order database went away '
      + 'before its reply could be read: read the order back.');
  }
}
