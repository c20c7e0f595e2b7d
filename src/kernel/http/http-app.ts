// The HTTP shell: routing, authentication and the mapping of results to replies. It decides
// nothing itself; the routes come from the capabilities (src/capabilities.ts), their rules and
// use cases live in each capability's folder.
import type { IncomingHttpHeaders, IncomingMessage, ServerResponse } from 'node:http';
import type { Socket } from 'node:net';
import { ok, refuse, type Refusal, type Result } from '../outcomes.js';
import { healthRoutes } from './health-routes.js';
import {
  codingRefusal, jsonText, notWellFormed, notWellFormedAt, parseJsonBody, readText, refusalReply, sendJson,
  sendRefusal, type Json,
} from './http-io.js';
import {
  closedFields, compileFields, queryObject, type FieldCheck, type RouteSchema,
} from './schema.js';
import { openApiDocument } from './openapi.js';
import * as Kernel from './health-schemas.js';
import { clientAddress } from '../rate-limits.js';
import { requestIdOf } from '../logger.js';
import { metricsRoute, type RouteSeries } from '../metrics.js';
import { PreparedJson, writeServed } from './prepared-reply.js';
import type { RequestTelemetry } from './request-telemetry.js';
import {
  reply, type Access, type App, type Caller, type Ctx, type Reply, type Route,
} from './route.js';
import type { StaticFiles } from './static-files.js';
import type { Limits } from '../config.js';
import { iso, isoNow } from '../iso-time.js';

const API_PREFIX = '/api/v1/';
/** The API's version as the OpenAPI document gives it. */
const API_VERSION = '1.0.0';
const ORIGIN = 'http://launchday.local';

/**
 * A request target as a URL, or null when it is none. An origin-form target ('/...') is put
 * after the origin rather than resolved against it: resolved, '//' or '//x' would be a
 * scheme-relative URL naming another host, and '//' one with no host at all, which throws.
 */
export function targetUrl(raw: string): URL | null {
  try {
    return new URL(raw.startsWith('/') ? `${ORIGIN}${raw}` : raw);
  } catch {
    return null;
  }
}

/** The 500 of a request that failed unexpectedly: only a read can say nothing was changed. */
function internalError(method: string | undefined): Refusal {
  return method === 'GET' || method === 'HEAD'
    ? refuse('internal_error', 'Something went wrong on our side; nothing was changed. '
      + 'Retry shortly.')
    : refuse('internal_error');
}

/**
 * What a route's handler sees of its request. A class, so that the lazy `url` is one getter on
 * the prototype: as an object literal, each request's context carried a getter of its own, and
 * V8 kept every such context (and all it reached: headers, body, caller, the order) alive past
 * two young-generation collections, into the old generation: about 0.6 KB a request on
 * `GET /time`, where with the class nothing is promoted (docs/benchmarks.md, session 7).
 */
class RequestCtx implements Ctx {
  #url: URL | null = null;

  constructor(readonly headers: IncomingHttpHeaders, readonly res: ServerResponse | null,
    readonly params: Readonly<Record<string, string>>, readonly caller: Caller | null,
    readonly app: App, private readonly raw: string,
    private readonly readBody: () => Promise<Result<string>>,
    private readonly remoteAddress: string | undefined, private readonly trustProxy: boolean,
    private readonly route: CompiledRoute) {}

  // Worked out only by the routes that count it (rate limits).
  get address(): string {
    return clientAddress(this.remoteAddress, this.headers['x-forwarded-for'], this.trustProxy);
  }

  // Parsed only by the routes that read the query.
  get url(): URL {
    // `raw` starts with the API prefix, so it is always a URL after the origin.
    return (this.#url ??= targetUrl(this.raw)!);
  }

  text(): Promise<Result<string>> {
    return this.readBody();
  }

  async body(): Promise<Result<Json>> {
    const t = await this.readBody();
    if (!t.ok) return t;
    const b = parseJsonBody(this.headers['content-type'], t.value,
      this.route.ownTextRules === true);
    if (!b.ok || this.route.checkBody === null) return b;
    return this.route.checkBody(b.value) ?? b;
  }

  query(): Result<Readonly<Record<string, string | undefined>>> {
    const q = queryObject(this.url);
    // URL decoding turns an encoded surrogate into U+FFFD, so this never finds one today; it
    // holds the rule (text_not_well_formed) if the query is ever read another way.
    const at = notWellFormedAt(q);
    if (at !== null) return notWellFormed(at);
    return (this.route.checkQuery === null ? null : this.route.checkQuery(q))
      ?? ok(q as Record<string, string>);
  }
}

interface CompiledRoute extends Route {
  readonly parts: readonly string[];
  /** The route's declared contract, built from this process's limits. */
  readonly contract: RouteSchema;
  /** Its body's and query's checks, compiled once here (schema.ts). */
  readonly checkBody: FieldCheck | null;
  readonly checkQuery: FieldCheck | null;
}

/** Each route with its path's parts and its contract's checks, compiled once, at start. */
function compile(routes: readonly Route[], limits: Limits): CompiledRoute[] {
  return routes.map((r) => {
    const declared = r.schema(limits);
    // Closed here, once for every route: the checks and the document say the same. A query is
    // closed as a body is (`?limt=1` was the default page, said nowhere); a route that declares
    // no query reads none.
    const contract = { ...declared,
      ...(declared.body ? { body: closedFields(declared.body) } : {}),
      ...(declared.query ? { query: closedFields(declared.query) } : {}) };
    return { ...r, parts: r.path.split('/').filter(Boolean), contract,
      checkBody: contract.body ? compileFields(contract.body) : null,
      checkQuery: contract.query ? compileFields(contract.query, 'parameter') : null };
  });
}

// eslint-disable-next-line no-control-regex
const CONTROL_CHAR = /[\u0000-\u001f\u007f]/;

/**
 * A path's segments, each percent-decoded (RFC 3986: `/drops/te%65` is `/drops/tee`, an id
 * as any client may escape it; it was looked up as "te%65" and not found); null when one does
 * not decode (`%ff`, `%`) or decodes to a slash or a control character, which names
 * nothing: `404 route_not_found`, as for a page.
 */

function pathParts(path: string): string[] | null {
  const parts = path.split('/').filter(Boolean);
  for (let i = 0; i < parts.length; i++) {
    const p = parts[i]!;
    if (!p.includes('%')) continue;
    let decoded: string;
    try {
      decoded = decodeURIComponent(p);
    } catch {
      return null;
    }
    // An escaped slash is no separator: `admin%2Faudit-log` would otherwise be one segment
    // that the exact lookup (segments joined by '/') reads as two. No id holds a slash, nor a
    // control character: `%00` reached PostgreSQL, which refuses NUL in text (a 500).
    if (decoded.includes('/') || CONTROL_CHAR.test(decoded)) return null;
    parts[i] = decoded;
  }
  return parts;
}

function match(parts: readonly string[], path: readonly string[]): Record<string, string> | null {
  if (parts.length !== path.length) return null;
  const params: Record<string, string> = {};
  for (let i = 0; i < parts.length; i++) {
    const p = parts[i]!;
    if (p.startsWith(':')) params[p.slice(1)] = path[i]!;
    else if (p !== path[i]) return null;
  }
  return params;
}

export interface HttpAppDeps {
  readonly app: App;
  /** The capabilities' routes, in the composition's order (src/capabilities.ts). */
  readonly routes: readonly Route[];
  readonly files: StaticFiles;
  /** Counts every reply and logs what is worth a line (request-telemetry.ts). */
  readonly telemetry: RequestTelemetry;
  /** Besides the operator's, the bearer token that may read /metrics; null: none. */
  readonly metricsToken: string | null;
  /** Whether X-Forwarded-For names the client (config.ts's trustProxy). */
  readonly trustProxy?: boolean;
}

/**
 * A JSON reply, serialised: what the lane writes after its own status line. The body is text,
 * or bytes already compressed (its headers then name the encoding); a 304's is empty.
 */
export interface JsonReply {
  readonly status: number;
  readonly headers: Readonly<Record<string, string>>;
  readonly body: string | Buffer;
}

/**
 * A reply the lane writes at once from bytes prepared before the request (a launch, the
 * figures, a page): no promise, no context, no serialisation. `headers` is one object for every
 * reply of one version and encoding, so the lane keeps what it rendered of them (http-lane.ts).
 */
export interface ReadyReply {
  readonly status: 200 | 304;
  /** etag, cache-control, vary, and the type and encoding of a body; never the two below. */
  readonly headers: Readonly<Record<string, string>>;
  /** Null for a 304. */
  readonly body: Buffer | null;
  /** X-Server-Time. */
  readonly timeIso: string;
  /** X-Request-Id. */
  readonly requestId: string;
}

/** An API route as the lane sees it: how much body to read, and how to answer. */
export interface LaneRoute {
  readonly bodyLimit: number;
  /** `remoteAddress`: the socket's, for the rate limits. */
  /** `body`: the body read whole as text, or its refusal (http-io.ts utf8Text). */
  answer(headers: IncomingHttpHeaders, body: Result<string>, remoteAddress?: string):
    Promise<JsonReply>;
  /**
   * The reply now, from prepared bytes, when the route has them ready (Route.prepared, a file
   * in memory); null when `answer` must. Counted in the metrics as `answer` is.
   */
  ready?(headers: Readonly<Record<string, string>>): ReadyReply | null;
}

export interface HttpApp {
  /** node:http's request listener: pages, live streams, and any API request. */
  readonly listener: (req: IncomingMessage, res: ServerResponse) => void;
  /**
   * The route of an API request the lane may answer itself, found once for the lane to read
   * its body and answer; null when node:http must (a page, a stream, no API path at all).
   */
  laneRoute(method: string, url: string): LaneRoute | null;
  /** Every API route, for the tests that must cover them all (access matrix, fuzz). */
  readonly routes: readonly (Route & { readonly contract: RouteSchema })[];
}

type Found = { readonly route: CompiledRoute; readonly params: Record<string, string> } | Refusal;

/** Who may keep GET /api/v1/openapi.json, and how long (s). */
const OPENAPI_CACHE_CONTROL = 'public, max-age=300';

/** Builds the request listener and the lane's entry. Only the entry point binds them to a port. */
export function httpApp(deps: HttpAppDeps): HttpApp {
  const { app, files } = deps;
  const { telemetry } = deps;
  // The document is built from the very routes served, itself included, once: its bytes (and
  // their gzip) are prepared here and sent as they are, with an ETag. It changes only with the
  // code, so a client or a CDN may keep it five minutes and then revalidate (about 190 KB).
  let document = new PreparedJson(null, OPENAPI_CACHE_CONTROL);
  const openApiRoute: Route = { method: 'GET', path: '/openapi.json', access: 'public',
    schema: Kernel.openapi, handler: async () => reply(200, document) };
  const routes = compile([timeRoute, ...deps.routes,
    metricsRoute(telemetry.metrics, deps.metricsToken), ...healthRoutes, openApiRoute],
  app.deps.limits);
  document = new PreparedJson(openApiDocument(routes, API_VERSION), OPENAPI_CACHE_CONTROL);
  const retryAfter = app.deps.limits.retryAfterSeconds;
  // Each route's metric series, found by the route itself: labelled by its path pattern,
  // never the raw URL, so that the series stay as few as the routes.
  const seriesOf = new Map(routes.map((r) => [r as Route,
    telemetry.series(r.method, `${API_PREFIX.slice(0, -1)}${r.path}`)]));
  const seriesFor = (method: string, found: Found | null): RouteSeries => (found === null
    ? telemetry.series(method, 'page') : 'ok' in found ? telemetry.series(method, 'unmatched')
    : seriesOf.get(found.route)!);

  // Routes without parameters are found by one lookup; the rest by matching, in order, among
  // the routes of the request's method and number of path parts only (a drop's purchase tried
  // all 100 routes, unoptimised at a drop's opening: 8 ms of the event loop in its first wave).
  const exact = new Map<string, CompiledRoute>();
  const byShape = new Map<string, CompiledRoute[]>();
  for (const r of routes) {
    if (!r.path.includes(':')) exact.set(`${r.method} ${r.parts.join('/')}`, r);
    const shape = `${r.method} ${r.parts.length}`;
    byShape.set(shape, [...(byShape.get(shape) ?? []), r]);
  }

  /**
   * The route for an API path (`raw` starts with the prefix), or why there is none. HEAD is
   * answered by the GET route (node:http sends its headers without the body), except a stream,
   * which would hold the connection for a body never sent. A method the path does not take is
   * `method_not_allowed` with the methods it does take (Allow).
   */
  function find(method: string, raw: string): Found {
    const query = raw.indexOf('?');
    const path = pathParts((query < 0 ? raw : raw.slice(0, query)).slice(API_PREFIX.length));
    if (path === null) return refuse('route_not_found');
    const head = method === 'HEAD';
    const wanted = head ? 'GET' : method;
    const found = exact.get(`${wanted} ${path.join('/')}`);
    if (found && !(head && found.stream)) return { route: found, params: {} };
    for (const route of byShape.get(`${wanted} ${path.length}`) ?? []) {
      if (head && route.stream) continue;
      const params = match(route.parts, path);
      if (params) return { route, params };
    }
    // No route of the method: which methods the path does take (Allow).
    const allow: string[] = [];
    for (const route of routes) {
      const params = match(route.parts, path);
      if (!params) continue;
      if (route.method === wanted && !(head && route.stream)) return { route, params };
      allow.push(route.method);
      if (route.method === 'GET' && !route.stream) allow.push('HEAD');
    }
    if (allow.length === 0) return refuse('route_not_found');
    return { ...refuse('method_not_allowed'), allow: [...new Set(allow)] };
  }

  const bodyLimit = (route: Route): number => (route.bodyLimit === 'import'
    ? app.deps.limits.importBodyBytesMax : app.deps.limits.bodyBytesMax);

  /** Runs a route: who calls, whether they may, then its handler. */
  async function respond(found: Found, headers: IncomingHttpHeaders, raw: string,
    res: ServerResponse | null, text: (limit: number) => Promise<Result<string>>,
    remoteAddress: string | undefined): Promise<Reply | null> {
    if ('ok' in found) return found;
    // A body coded in a way not decoded here would be read as if it were plain (http-io.ts).
    const coded = codingRefusal(headers);
    if (coded !== null) return coded;
    const { route, params } = found;
    const caller = await identify(headers.authorization);
    const denied = checkAccess(route.access, caller);
    if (denied) return denied;
    const limit = bodyLimit(route);
    return route.handler(new RequestCtx(headers, res, params, caller, app, raw,
      () => text(limit), remoteAddress, deps.trustProxy === true, route));
  }

  /** Answers a request; the refusal's code if it was refused (for the metrics), else null. */
  async function handle(req: IncomingMessage, res: ServerResponse, raw: string,
    found: Found | null): Promise<string | null> {
    res.setHeader('x-server-time', isoNow(app.clock.nowMs()));
    if (found === null) {
      const url = targetUrl(raw);
      const page = req.method === 'GET' || req.method === 'HEAD';
      if (url !== null && page && await files.serve(req, res, url.pathname, url.search)) {
        return null;
      }
      if (url !== null && page && await files.serveNotFoundPage(req, res, url.pathname)) {
        return 'route_not_found';
      }
      sendRefusal(res, refuse('route_not_found'), retryAfter);
      return 'route_not_found';
    }
    const out = await respond(found, req.headers, raw, res,
      (limit) => readText(req, limit), req.socket?.remoteAddress);
    if (out === null) return null;
    if ('ok' in out) {
      sendRefusal(res, out, retryAfter);
      return out.code;
    }
    if (out.body instanceof PreparedJson) {
      writeServed(res, out.body.serve(req.headers, isoNow(app.clock.nowMs())));
    } else {
      sendJson(res, out.status, out.body, out.headers);
    }
    return null;
  }

  async function identify(authorization: string | undefined): Promise<Caller | null> {
    if (!authorization || !authorization.startsWith('Bearer ') || authorization.length > 256) {
      return null;
    }
    return app.authenticate(authorization.slice(7).trim());
  }

  const serialise = (status: number, body: unknown, headers: Record<string, string> = {},
    atMs: number, requestId: string, request: Readonly<Record<string, string>>): JsonReply => {
    const common = { 'x-server-time': isoNow(atMs), 'x-request-id': requestId };
    if (!(body instanceof PreparedJson)) {
      return { status, body: jsonText(body), headers: { ...common, ...headers } };
    }
    const served = body.serve(request, isoNow(atMs));
    return { status: served.status, body: served.body ?? '',
      headers: { ...common, ...served.headers } };
  };

  /**
   * A page or script the lane may answer: one already in memory (static-files.ts), with the
   * same headers node:http's reply carries. A page is most of what a phone opens first.
   */
  const fileRoute = (url: string): LaneRoute => ({
    bodyLimit: 0,
    ready(headers) {
      const startedMs = performance.now();
      const r = files.ready(url, headers);
      if (r === null) return null;
      const requestId = requestIdOf(headers['x-request-id']);
      telemetry.replied(seriesFor('GET', null), requestId, r.status, null, startedMs);
      return { status: r.status, headers: r.headers, body: r.body,
        timeIso: isoNow(app.clock.nowMs()), requestId };
    },
    async answer(headers) {
      const atMs = app.clock.nowMs();
      const startedMs = performance.now();
      const requestId = requestIdOf(headers['x-request-id']);
      const r = files.ready(url, headers);
      const common = { 'x-server-time': isoNow(atMs), 'x-request-id': requestId };
      const out: JsonReply = r === null ? serialise(404, refusalReply(refuse('route_not_found'),
        retryAfter).body, {}, atMs, requestId, {})
        : { status: r.status, headers: { ...common, ...r.headers }, body: r.body ?? '' };
      telemetry.replied(seriesFor('GET', null), requestId, out.status,
        r === null ? 'route_not_found' : null, startedMs);
      return out;
    },
  });

  // node:http reads pipelined requests ahead of their replies and starts each as it reads it;
  // past this many unanswered on one connection, the rest are refused unstarted.
  const inFlight = new WeakMap<Socket, number>();
  const inFlightMax = app.deps.limits.connectionRequestsMax;
  /** GET targets' lane routes, found once (Limits.laneGetRoutesKeptMax). */
  const keptGets = new Map<string, LaneRoute>();
  const keptGetsMax = app.deps.limits.laneGetRoutesKeptMax;

  return {
    routes,
    listener: (req, res) => {
      const startedMs = performance.now();
      const requestId = requestIdOf(req.headers['x-request-id']);
      res.setHeader('x-request-id', requestId);
      const raw = req.url ?? '/';
      const found = raw.startsWith(API_PREFIX) ? find(req.method ?? '', raw) : null;
      const series = seriesFor(req.method ?? '', found);
      const socket = req.socket;
      const n = (inFlight.get(socket) ?? 0) + 1;
      inFlight.set(socket, n);
      res.once('close', () => inFlight.set(socket, (inFlight.get(socket) ?? 1) - 1));
      if (n > inFlightMax) {
        // Every request node:http has parsed holds its objects and its queued reply until the
        // peer reads: a peer that keeps pipelining past twice the limit without reading is
        // dropped, or each such connection would hold megabytes (refusals included).
        if (n > 2 * inFlightMax) {
          socket.destroy();
          return;
        }
        sendRefusal(res, refuse('overloaded', `At most ${inFlightMax} requests may wait `
          + 'for their replies on one connection; read the replies first.'), retryAfter);
        telemetry.replied(series, requestId, res.statusCode, 'overloaded', startedMs);
        return;
      }
      handle(req, res, raw, found).then((code) => {
        telemetry.replied(series, requestId, res.statusCode, code, startedMs);
      }, (err: unknown) => {
        const expected = app.refusalFor(err);
        if (expected === null) telemetry.failed(series, requestId, err);
        else telemetry.storeUnavailable(series, requestId, err);
        if (!res.headersSent) sendRefusal(res, expected ?? internalError(req.method), retryAfter);
        else res.end();
        telemetry.replied(series, requestId, res.statusCode, expected?.code ?? 'internal_error',
          startedMs);
      });
    },
    laneRoute(method, url) {
      if (method !== 'GET') return laneRouteOf(method, url);
      // The same few reads are asked for over and over: each target's route is found once.
      const kept = keptGets.get(url);
      if (kept !== undefined) return kept;
      const r = laneRouteOf(method, url);
      if (r === null) return null;
      if (keptGets.size >= keptGetsMax) keptGets.clear();
      keptGets.set(url, r);
      return r;
    },
  };

  function laneRouteOf(method: string, url: string): LaneRoute | null {
    if (!url.startsWith(API_PREFIX)) {
      return method === 'GET' && files.isReady(url) ? fileRoute(url) : null;
    }
    const found = find(method, url);
    if (!('ok' in found) && found.route.stream === true) return null;
    const prepared = 'ok' in found ? undefined : found.route.prepared;
    return {
      bodyLimit: 'ok' in found ? app.deps.limits.bodyBytesMax : bodyLimit(found.route),
      ready: prepared === undefined || 'ok' in found ? undefined : (headers) => {
        const startedMs = performance.now();
        const p = prepared(found.params, app);
        if (p === undefined) return null;
        // A signed-in phone sends its token with every read: the session is still touched
        // (its "7 days unused" counts from here), as the handler's path does, without the
        // public reply waiting for it.
        if (headers.authorization !== undefined) {
          void identify(headers.authorization).catch(() => null);
        }
        const timeIso = isoNow(app.clock.nowMs());
        const served = p.serve(headers, timeIso);
        const requestId = requestIdOf(headers['x-request-id']);
        telemetry.replied(seriesOf.get(found.route)!, requestId, served.status, null,
          startedMs);
        return { status: served.status, headers: served.headers, body: served.body, timeIso,
          requestId };
      },
      async answer(headers, body, remoteAddress) {
        const atMs = app.clock.nowMs();
        const startedMs = performance.now();
        const requestId = requestIdOf(headers['x-request-id']);
        const series = seriesFor(method, found);
        let out: Reply | null;
        try {
          // The lane has read the body whole, within this route's limit.
          out = await respond(found, headers, url, null, async () => body,
            remoteAddress);
          if (out === null) throw new Error('a route answered nothing off node:http');
        } catch (err) {
          const expected = app.refusalFor(err);
          if (expected === null) telemetry.failed(series, requestId, err);
          else telemetry.storeUnavailable(series, requestId, err);
          out = expected ?? internalError(method);
        }
        const r = 'ok' in out ? refusalReply(out, retryAfter) : out;
        telemetry.replied(series, requestId, r.status, 'ok' in out ? out.code : null,
          startedMs);
        return serialise(r.status, r.body, r.headers, atMs, requestId,
          headers as Readonly<Record<string, string>>);
      },
    };
  }
}

function checkAccess(access: Access, caller: Caller | null): Refusal | null {
  if (access === 'public') return null;
  if (!caller) return refuse('unauthorized');
  if (access === 'admin' && caller.role !== 'admin') return refuse('admin_only');
  if (access === 'buyer' && caller.role !== 'buyer') {
    return refuse('invalid_request', 'This endpoint acts for a buyer; sign in as one.');
  }
  return null;
}

/** The server's time, for a client to set its own clock by. */
const timeRoute: Route = { method: 'GET', path: '/time', access: 'public', schema: Kernel.time,
  handler: async ({ app }) => reply(200, { server_time: iso(app.clock.nowMs()) }) };
