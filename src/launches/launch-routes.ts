// Launches' endpoints: the catalogue, its live figures, and an operator's edits to launches and
// change windows (docs/api.md). Every change an operator makes is written to the audit log.
import { iso } from '../kernel/iso-time.js';
import { newId } from '../kernel/ids.js';
import { ok, refuse, type Result } from '../kernel/outcomes.js';
import { field, type Json } from '../kernel/http/http-io.js';
import { firstRefusal, parseTime, reply, type Ctx, type Route } from '../kernel/http/route.js';
import {
  CHANGE_ASPECTS, type ChangeAspect, type ChangeWindow, type City, type Launch,
} from './launch.js';
import { launchView, windowView } from './launch-views.js';
import { liveSnapshotRoute } from './live-snapshot-route.js';

const actorOf = (ctx: Ctx): string => (ctx.caller?.role === 'admin' ? ctx.caller.actor : '?');

/** Applies a PATCH body to a launch, or refuses naming the field. */
function patchLaunch(l: Launch, b: Json, knownCities: ReadonlyMap<string, City>): Result<Launch> {
  const opensAt = field(b, 'opens_at', 'string');
  const deposit = field(b, 'deposit_fen', 'integer');
  const limit = field(b, 'per_account_limit', 'integer');
  const cooling = field(b, 'cooling_off_hours', 'integer');
  const cities = field(b, 'cities', 'string[]', { maxItems: 500, maxLength: 64 });
  const bad = firstRefusal(opensAt, deposit, limit, cooling, cities);
  if (bad || !opensAt.ok || !deposit.ok || !limit.ok || !cooling.ok || !cities.ok) return bad!;
  const opensAtMs = parseTime('opens_at', opensAt.value);
  if (!opensAtMs.ok) return opensAtMs;
  if (deposit.value !== undefined && (deposit.value < 100 || deposit.value > 100_000_00)) {
    return refuse('invalid_request', '"deposit_fen" must be from 100 to 10000000 fen.');
  }
  if (limit.value !== undefined && (limit.value < 1 || limit.value > 100)) {
    return refuse('invalid_request', '"per_account_limit" must be from 1 to 100.');
  }
  if (cooling.value !== undefined && (cooling.value < 0 || cooling.value > 24 * 60)) {
    return refuse('invalid_request', '"cooling_off_hours" must be from 0 to 1440.');
  }
  let trims = l.trims;
  const cap = b.capacity_per_week;
  if (cap !== undefined) {
    if (cap === null || typeof cap !== 'object' || Array.isArray(cap)) {
      return refuse('invalid_request', '"capacity_per_week" must be an object of trim: cars.');
    }
    for (const [t, n] of Object.entries(cap)) {
      if (!l.trims.some((x) => x.trim === t)) return refuse('unknown_trim');
      if (!Number.isInteger(n) || (n as number) < 1 || (n as number) > 1_000_000) {
        return refuse('invalid_request', `"capacity_per_week.${t}" must be from 1 to 1000000.`);
      }
    }
    trims = l.trims.map((t) => ({ ...t,
      capacityPerWeek: (cap as Record<string, number>)[t.trim] ?? t.capacityPerWeek }));
  }
  let cityList = l.cities;
  if (cities.value !== undefined) {
    const picked: City[] = [];
    for (const id of new Set(cities.value)) {
      const c = knownCities.get(id);
      if (!c) return refuse('unknown_city', `"${id}" is not a city launchday knows.`);
      picked.push(c);
    }
    if (picked.length === 0) return refuse('invalid_request', '"cities" must name at least one.');
    cityList = picked;
  }
  return ok({ ...l, trims, cities: cityList,
    ...(opensAtMs.value !== undefined ? { opensAtMs: opensAtMs.value } : {}),
    ...(deposit.value !== undefined ? { depositFen: deposit.value } : {}),
    ...(limit.value !== undefined ? { perAccountLimit: limit.value } : {}),
    ...(cooling.value !== undefined ? { coolingOffHours: cooling.value } : {}) });
}

async function newWindow(ctx: Ctx, b: Json): Promise<Result<ChangeWindow>> {
  const from = field(b, 'from_launch_id', 'string', { required: true, maxLength: 64 });
  const to = field(b, 'to_launch_id', 'string', { maxLength: 64 });
  const opensAt = field(b, 'opens_at', 'string', { required: true });
  const closesAt = field(b, 'closes_at', 'string', { required: true });
  const allows = field(b, 'allows', 'string[]', { required: true, maxItems: 6 });
  const bad = firstRefusal(from, to, opensAt, closesAt, allows);
  if (bad || !from.ok || !to.ok || !opensAt.ok || !closesAt.ok || !allows.ok) return bad!;
  const o = parseTime('opens_at', opensAt.value);
  const c = parseTime('closes_at', closesAt.value);
  if (!o.ok) return o;
  if (!c.ok) return c;
  if (!(await ctx.app.launches.launch(from.value!))) return refuse('launch_not_found');
  if (to.value !== undefined && !(await ctx.app.launches.launch(to.value))) {
    return refuse('launch_not_found');
  }
  const aspects = [...new Set(allows.value!)];
  if (aspects.length === 0 || !aspects.every((a) => CHANGE_ASPECTS.includes(a as ChangeAspect))) {
    return refuse('invalid_change_window', `"allows" takes some of ${CHANGE_ASPECTS.join(', ')}.`);
  }
  if (aspects.includes('model') !== (to.value !== undefined && to.value !== from.value)) {
    return refuse('invalid_change_window',
      'A model switch ("model" in allows) needs a to_launch_id other than the from launch.');
  }
  if (o.value! >= c.value!) {
    return refuse('invalid_change_window', 'opens_at must be before closes_at.');
  }
  return ok({ windowId: newId('win'), fromLaunchId: from.value!, toLaunchId: to.value ?? null,
    opensAtMs: o.value!, closesAtMs: c.value!, allows: aspects as ChangeAspect[],
    closedAtMs: null, createdBy: actorOf(ctx), createdAtMs: ctx.app.clock.nowMs() });
}

export const launchRoutes: Route[] = [
  { method: 'GET', path: '/launches', access: 'public', handler: async ({ app }) => {
    const now = app.clock.nowMs();
    return reply(200, { launches: (await app.launches.all()).map((l) => launchView(l, now)),
      server_time: iso(now) });
  } },
  { method: 'GET', path: '/launches/:launch_id', access: 'public', handler: async (ctx) => {
    const l = await ctx.app.launches.launch(ctx.params.launch_id!);
    return l ? reply(200, launchView(l, ctx.app.clock.nowMs())) : refuse('launch_not_found');
  } },
  { method: 'GET', path: '/launches/:launch_id/live', access: 'public', stream: true,
    handler: async (ctx) => {
      if (ctx.res === null) throw new Error('a live stream is served by node:http only');
      const id = ctx.params.launch_id!;
      if (!(await ctx.app.launches.launch(id))) return refuse('launch_not_found');
      if (!(await ctx.app.live.subscribe(id, ctx.res))) {
        return refuse('live_viewers_full', 'Too many viewers are watching the live stream: read '
          + `the snapshot instead (GET /api/v1/launches/${id}/live.json, the same figures, one `
          + 'second fresh).');
      }
      return null;
    } },
  liveSnapshotRoute,
  { method: 'PATCH', path: '/admin/launches/:launch_id', access: 'admin',
    handler: async (ctx) => {
      const l = await ctx.app.launches.launch(ctx.params.launch_id!);
      if (!l) return refuse('launch_not_found');
      const b = await ctx.body();
      if (!b.ok) return b;
      const known = new Map<string, City>();
      for (const x of await ctx.app.launches.all()) {
        for (const c of x.cities) known.set(c.cityId, c);
      }
      const next = patchLaunch(l, b.value, known);
      if (!next.ok) return next;
      await ctx.app.launches.putLaunch(actorOf(ctx), next.value, { fields: Object.keys(b.value) });
      return reply(200, launchView(next.value, ctx.app.clock.nowMs()));
    } },
  { method: 'POST', path: '/admin/change-windows', access: 'admin', handler: async (ctx) => {
    const b = await ctx.body();
    if (!b.ok) return b;
    const w = await newWindow(ctx, b.value);
    if (!w.ok) return w;
    await ctx.app.launches.putWindow(actorOf(ctx), w.value, 'change_window_opened');
    return reply(201, windowView(w.value, ctx.app.clock.nowMs()));
  } },
  { method: 'GET', path: '/admin/change-windows', access: 'admin', handler: async (ctx) => {
    await ctx.app.launches.refresh(true);
    const now = ctx.app.clock.nowMs();
    const windows = await ctx.app.launches.windows();
    return reply(200, { change_windows: windows.map((w) => windowView(w, now)) });
  } },
  { method: 'POST', path: '/admin/change-windows/:window_id/close', access: 'admin',
    handler: async (ctx) => {
        await ctx.app.launches.refresh(true);
        const w = (await ctx.app.launches.windows())
          .find((x) => x.windowId === ctx.params.window_id);
        if (!w) return refuse('change_window_not_found');
        const closed = { ...w, closedAtMs: w.closedAtMs ?? ctx.app.clock.nowMs() };
        await ctx.app.launches.putWindow(actorOf(ctx), closed, 'change_window_closed');
        return reply(200, windowView(closed, ctx.app.clock.nowMs()));
      } },
];
