// Launches' endpoints: the catalogue, its live figures, and an operator's edits to launches and
// change windows (docs/api.md). Every change an operator makes is written to the audit log.
import { iso } from '../kernel/iso-time.js';
import { newId } from '../kernel/ids.js';
import { ok, quoted, refuse, type Result } from '../kernel/outcomes.js';
import type { Json } from '../kernel/http/http-io.js';
import { reply, type Ctx, type Route } from '../kernel/http/route.js';
import { parseIsoTime } from '../kernel/iso-time.js';
import type { NoticedRoom } from '../kernel/room-notice.js';
import {
  CHANGE_ASPECTS, launchNotFound, type ChangeAspect, type ChangeWindow, type City, type Launch,
} from './launch.js';
import { launchChanges } from './launch-changes.js';
import { launchView, windowView } from './launch-views.js';
import * as Launches from './launch-schemas.js';
import { liveSnapshotRoute } from './live-snapshot-route.js';

const actorOf = (ctx: Ctx): string => (ctx.caller?.role === 'admin' ? ctx.caller.actor : '?');

/** A body's field as its schema let it through: null (not given) reads as undefined. */
const given = <T>(b: Json, name: string): T | undefined => (b[name] ?? undefined) as T | undefined;

/** A time its schema passed (`time()`: the strict parser's), in ms; undefined stays so. */
const timeMs = (v: string | undefined): number | undefined =>
  (v === undefined ? undefined : parseIsoTime(v)!);

/**
 * Applies a PATCH body its schema passed (launch-schemas.ts's patchLaunch) to a launch, or
 * refuses by the rules that need the launch: trims and cities it knows.
 */
function patchLaunch(l: Launch, b: Json, knownCities: ReadonlyMap<string, City>): Result<Launch> {
  const opensAtMs = timeMs(given<string>(b, 'opens_at'));
  const deposit = given<number>(b, 'deposit_fen');
  const limit = given<number>(b, 'per_account_limit');
  const cooling = given<number>(b, 'cooling_off_hours');
  const cities = given<string[]>(b, 'cities');
  let trims = l.trims;
  const cap = b.capacity_per_week as Record<string, unknown> | undefined;
  if (cap !== undefined) {
    // Each entry names a trim of this launch before its number is checked.
    for (const [t, n] of Object.entries(cap)) {
      if (!l.trims.some((x) => x.trim === t)) {
        return refuse('unknown_trim', `"capacity_per_week" names the trim ${quoted(t)}, which `
          + `${l.launchId} does not have; its trims are ${l.trims.map((x) => x.trim).join(', ')}.`);
      }
      if (!Number.isInteger(n) || (n as number) < 1 || (n as number) > 1_000_000) {
        return refuse('invalid_request', `"capacity_per_week.${t}" must be from 1 to 1000000.`);
      }
    }
    trims = l.trims.map((t) => ({ ...t,
      capacityPerWeek: (cap as Record<string, number>)[t.trim] ?? t.capacityPerWeek }));
  }
  let cityList = l.cities;
  if (cities !== undefined) {
    const picked: City[] = [];
    for (const id of new Set(cities)) {
      const c = knownCities.get(id);
      if (!c) return refuse('unknown_city', `"${id}" is not a city launchday knows.`);
      picked.push(c);
    }
    if (picked.length === 0) return refuse('invalid_request', '"cities" must name at least one.');
    cityList = picked;
  }
  return ok({ ...l, trims, cities: cityList,
    ...(opensAtMs !== undefined ? { opensAtMs } : {}),
    ...(deposit !== undefined ? { depositFen: deposit } : {}),
    ...(limit !== undefined ? { perAccountLimit: limit } : {}),
    ...(cooling !== undefined ? { coolingOffHours: cooling } : {}) });
}

/** A change window from a body its schema passed (launch-schemas.ts's openWindow). */
async function newWindow(ctx: Ctx, b: Json): Promise<Result<ChangeWindow>> {
  const from = b.from_launch_id as string;
  const to = given<string>(b, 'to_launch_id');
  const o = timeMs(b.opens_at as string)!;
  const c = timeMs(b.closes_at as string)!;
  if (!(await ctx.app.launches.launch(from))) return launchNotFound('from_launch_id', from);
  if (to !== undefined && !(await ctx.app.launches.launch(to))) {
    return launchNotFound('to_launch_id', to);
  }
  const aspects = [...new Set(b.allows as string[])];
  if (aspects.length === 0 || !aspects.every((a) => CHANGE_ASPECTS.includes(a as ChangeAspect))) {
    return refuse('invalid_change_window', `"allows" takes some of ${CHANGE_ASPECTS.join(', ')}.`);
  }
  if (aspects.includes('model') !== (to !== undefined && to !== from)) {
    return refuse('invalid_change_window',
      'A model switch ("model" in allows) needs a to_launch_id other than the from launch.');
  }
  if (o >= c) {
    return refuse('invalid_change_window', 'opens_at must be before closes_at.');
  }
  return ok({ windowId: newId('win'), fromLaunchId: from, toLaunchId: to ?? null,
    opensAtMs: o, closesAtMs: c, allows: aspects as ChangeAspect[],
    closedAtMs: null, createdBy: actorOf(ctx), createdAtMs: ctx.app.clock.nowMs() });
}

export const launchRoutes: Route[] = [
  // The public reads are prepared once per change, with an ETag (prepared-launches.ts).
  { method: 'GET', path: '/launches', access: 'public', schema: Launches.launches,
    prepared: (_params, app) => {
      const launches = app.launches.cachedAll();
      const rooms = launches?.map((l) => app.roomNotices.cachedNotice('launch', l.launchId));
      return launches && rooms && !rooms.includes(undefined)
        ? app.launches.prepared.list(launches, app.clock.nowMs(), rooms as NoticedRoom[])
        : undefined;
    },
    handler: async ({ app }) => {
    const launches = await app.launches.all();
    const rooms = [];
    for (const l of launches) rooms.push(await app.roomNotices.notice('launch', l.launchId));
    return reply(200, app.launches.prepared.list(launches, app.clock.nowMs(), rooms));
  } },
  { method: 'GET', path: '/launches/:launch_id', access: 'public', schema: Launches.launch,
    // An unknown launch (null) is the handler's to refuse; a stale copy of the rooms
    // (undefined) is the handler's to read again.
    prepared: (params, app) => {
      const l = app.launches.cachedLaunch(params.launch_id!);
      const room = l && app.roomNotices.cachedNotice('launch', l.launchId);
      return l && room !== undefined ? app.launches.prepared.launch(l, app.clock.nowMs(), room)
        : undefined;
    },
    handler: async (ctx) => {
    const l = await ctx.app.launches.launch(ctx.params.launch_id!);
    return l ? reply(200, ctx.app.launches.prepared.launch(l, ctx.app.clock.nowMs(),
      await ctx.app.roomNotices.notice('launch', l.launchId))) : refuse('launch_not_found');
  } },
  { method: 'GET', path: '/launches/:launch_id/live', access: 'public', stream: true,
    schema: Launches.liveStream, handler: async (ctx) => {
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
    schema: Launches.patchLaunch, handler: async (ctx) => {
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
      await ctx.app.launches.putLaunch(actorOf(ctx), next.value, {
        fields: Object.keys(b.value), changes: launchChanges(l, next.value) });
      return reply(200, launchView(next.value, ctx.app.clock.nowMs(),
        await ctx.app.roomNotices.notice('launch', next.value.launchId)));
    } },
  { method: 'POST', path: '/admin/change-windows', access: 'admin',
    schema: Launches.openWindow, handler: async (ctx) => {
    const b = await ctx.body();
    if (!b.ok) return b;
    const w = await newWindow(ctx, b.value);
    if (!w.ok) return w;
    await ctx.app.launches.putWindow(actorOf(ctx), w.value, 'change_window_opened');
    return reply(201, windowView(w.value, ctx.app.clock.nowMs()));
  } },
  { method: 'GET', path: '/admin/change-windows', access: 'admin', schema: Launches.windows,
    handler: async (ctx) => {
    await ctx.app.launches.refresh(true);
    const now = ctx.app.clock.nowMs();
    const windows = await ctx.app.launches.windows();
    return reply(200, { change_windows: windows.map((w) => windowView(w, now)) });
  } },
  { method: 'POST', path: '/admin/change-windows/:window_id/close', access: 'admin',
    schema: Launches.closeWindow, handler: async (ctx) => {
        await ctx.app.launches.refresh(true);
        const w = (await ctx.app.launches.windows())
          .find((x) => x.windowId === ctx.params.window_id);
        if (!w) return refuse('change_window_not_found');
        const closed = { ...w, closedAtMs: w.closedAtMs ?? ctx.app.clock.nowMs() };
        await ctx.app.launches.putWindow(actorOf(ctx), closed, 'change_window_closed',
          { closed_at: { from: iso(w.closedAtMs), to: iso(closed.closedAtMs) } });
        return reply(200, windowView(closed, ctx.app.clock.nowMs()));
      } },
];
