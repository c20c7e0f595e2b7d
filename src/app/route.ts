// What a route is, and the small helpers every route file shares.
import type { IncomingHttpHeaders, ServerResponse } from 'node:http';
import type { Order } from '../domain/order.js';
import { ok, refuse, type Refusal, type Result } from '../domain/outcomes.js';
import { JsonText, type Json } from './http-io.js';
import type { OrderEvent } from '../store/store.js';
import type { Caller, Launchday } from './launchday.js';
import { orderViewJson } from './views.js';

export interface Ctx {
  readonly headers: IncomingHttpHeaders;
  /** The reply stream, for a route that writes its own reply; null when served by the lane. */
  readonly res: ServerResponse | null;
  readonly url: URL;
  readonly params: Readonly<Record<string, string>>;
  readonly caller: Caller | null;
  /** The client's network address (rate-limits.ts's clientAddress); '' when unknown. */
  readonly address: string;
  readonly app: Launchday;
  body(): Promise<Result<Json>>;
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
  /** A larger body than the default, for the few routes that need one. */
  readonly bodyLimit?: 'import';
  /** Writes its own reply as a stream (node:http only). */
  readonly stream?: true;
}

export const reply = (status: number, body: unknown, headers?: Record<string, string>): Reply =>
  ({ status, body, ...(headers ? { headers } : {}) });

/** The first refusal among field checks, or null when all passed. */
export function firstRefusal(...results: Array<Result<unknown>>): Refusal | null {
  for (const r of results) if (!r.ok) return r;
  return null;
}

export const parseTime = (name: string, v: string | undefined): Result<number | undefined> => {
  if (v === undefined) return ok(undefined);
  const ms = Date.parse(v);
  return Number.isNaN(ms)
    ? refuse('invalid_request', `"${name}" must be an ISO date-time.`) : ok(ms);
};

export async function orderReply(app: Launchday, order: Order, status = 200,
  headers?: Record<string, string>, history?: readonly OrderEvent[]): Promise<Reply> {
  return reply(status, new JsonText(orderViewJson(order, await app.orderExtras(order, history))),
    headers);
}

