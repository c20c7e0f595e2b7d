// The HTTP shell: routing, authentication and the mapping of results to replies. It decides
// nothing itself; the rules live in domain/ and the use cases in launchday.ts.
import type { IncomingMessage, ServerResponse } from 'node:http';
import { SimulatedClock } from '../domain/clock.js';
import { refuse, type Refusal } from '../domain/outcomes.js';
import { adminRoutes } from './admin-routes.js';
import { buyerRoutes } from './buyer-routes.js';
import { field, readJson, readText, sendJson, sendRefusal } from './http-io.js';
import type { Caller, Launchday } from './launchday.js';
import type { LiveHub } from './live-hub.js';
import { reply, type Access, type Ctx, type Route } from './route.js';
import type { StaticFiles } from './static-files.js';
import { iso, isoNow } from './views.js';

const API_PREFIX = '/api/v1/';


interface CompiledRoute extends Route { readonly parts: readonly string[] }

function compile(routes: readonly Route[]): CompiledRoute[] {
  return routes.map((r) => ({ ...r, parts: r.path.split('/').filter(Boolean) }));
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
  readonly app: Launchday;
  readonly live: LiveHub;
  readonly files: StaticFiles;
  readonly log: (line: string) => void;
}

/** Builds the request listener. Only the entry point binds it to a port. */
export function httpApp(deps: HttpAppDeps): (req: IncomingMessage, res: ServerResponse) => void {
  const { app, live, files } = deps;
  const liveRoute: Route = { method: 'GET', path: '/launches/:launch_id/live', access: 'public',
    handler: async (ctx) => {
      if (!(await app.launch(ctx.params.launch_id!))) return refuse('launch_not_found');
      if (!(await live.subscribe(ctx.params.launch_id!, ctx.res))) return refuse('overloaded');
      return null;
    } };
  const routes = compile([...buyerRoutes, liveRoute, ...adminRoutes(newClockRoute())]);
  const retryAfter = app.deps.limits.retryAfterSeconds;

  // Routes without parameters are found by one lookup; the rest by matching, in order.
  const exact = new Map<string, CompiledRoute>();
  for (const r of routes) {
    if (!r.path.includes(':')) exact.set(`${r.method} ${r.parts.join('/')}`, r);
  }

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    res.setHeader('x-server-time', isoNow(app.clock.nowMs()));
    const raw = req.url ?? '/';
    if (!raw.startsWith(API_PREFIX)) {
      const url = new URL(raw, 'http://launchday.local');
      const page = req.method === 'GET' || req.method === 'HEAD';
      if (page && await files.serve(req, res, url.pathname)) return;
      return sendRefusal(res, refuse('route_not_found'), retryAfter);
    }
    const query = raw.indexOf('?');
    const path = (query < 0 ? raw : raw.slice(0, query)).slice(API_PREFIX.length).split('/')
      .filter(Boolean);
    const found = exact.get(`${req.method} ${path.join('/')}`);
    if (found) return run(found, {}, req, res, raw);
    let allowed = false;
    for (const route of routes) {
      const params = match(route.parts, path);
      if (!params) continue;
      if (route.method !== req.method) { allowed = true; continue; }
      return run(route, params, req, res, raw);
    }
    sendRefusal(res, refuse(allowed ? 'method_not_allowed' : 'route_not_found'), retryAfter);
  }

  async function run(route: CompiledRoute, params: Record<string, string>, req: IncomingMessage,
    res: ServerResponse, raw: string): Promise<void> {
    const caller = await identify(req);
    const denied = checkAccess(route.access, caller);
    if (denied) return sendRefusal(res, denied, retryAfter);
    const limit = route.bodyLimit === 'import' ? app.deps.limits.importBodyBytesMax
      : app.deps.limits.bodyBytesMax;
    let url: URL | null = null;
    const ctx: Ctx = { req, res, params, caller, app,
      // Parsed only by the routes that read the query.
      get url() { return (url ??= new URL(raw, 'http://launchday.local')); },
      body: () => readJson(req, limit), text: () => readText(req, limit) };
    const out = await route.handler(ctx);
    if (out === null) return;
    if ('ok' in out) return sendRefusal(res, out, retryAfter);
    return sendJson(res, out.status, out.body, out.headers);
  }

  async function identify(req: IncomingMessage): Promise<Caller | null> {
    const h = req.headers.authorization;
    if (!h || !h.startsWith('Bearer ') || h.length > 256) return null;
    return app.authenticate(h.slice(7).trim());
  }

  return (req, res) => {
    handle(req, res).catch((err: unknown) => {
      const detail = (err as Error)?.stack ?? String(err);
      deps.log(`internal error on ${req.method} ${req.url}: ${detail}`);
      if (!res.headersSent) sendRefusal(res, refuse('internal_error'), retryAfter);
      else res.end();
    });
  };
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

function newClockRoute(): Route {
  return { method: 'POST', path: '/admin/clock', access: 'admin', handler: async (ctx) => {
    const clock = ctx.app.clock;
    if (!(clock instanceof SimulatedClock)) return refuse('clock_not_simulated');
    const b = await ctx.body();
    if (!b.ok) return b;
    const s = field(b.value, 'advance_seconds', 'integer', { required: true });
    if (!s.ok) return s;
    if (s.value! < 0 || s.value! > ctx.app.deps.limits.clockAdvanceSecondsMax) {
      return refuse('invalid_request', '"advance_seconds" must be from 0 to '
        + `${ctx.app.deps.limits.clockAdvanceSecondsMax}.`);
    }
    clock.tick(s.value! * 1000);
    const locked = await ctx.app.autoLockDue();
    await ctx.app.audit(ctx.caller!.role === 'admin' ? ctx.caller!.actor : '?', 'clock_advanced',
      { advance_seconds: s.value, now: iso(clock.nowMs()) });
    return reply(200, { now: iso(clock.nowMs()), auto_locked: locked });
  } };
}
