// Production's endpoints: an operator's plans, delivery centres, re-plans and the estimate
// changes they found, production runs (built cars allocated in queue order), ready stock and
// the truth audit; and the public list of the cities a launch delivers to, with the centre
// serving each (docs/api.md). Every change an operator makes is written to the audit log. The
// shapes are production-schemas.ts's; the rules that need more than a shape are here and in the
// service.
import { quoted, refuse } from '../kernel/outcomes.js';
import type { Json } from '../kernel/http/http-io.js';
import { queryNumber } from '../kernel/http/schema.js';
import { reply, type Ctx, type Route } from '../kernel/http/route.js';
import { appendAfter, servingCentre } from './estimates.js';
import { iso } from '../kernel/iso-time.js';
import {
  beijingDate, beijingDateMs, weekOf, weekStartMs, type PlanRate,
} from './plan.js';
import { planWeeks } from './plan-weeks.js';
import * as Production from './production-schemas.js';
import { stateOf, type BuiltCarInput } from './production-service.js';
import type { CarRecord } from './production-store.js';
import { changeView, centreView, planView, replanView } from './production-views.js';

const actorOf = (ctx: Ctx): string => (ctx.caller?.role === 'admin' ? ctx.caller.actor : '?');
/** A city id as the catalogue spells them. */
const ID = /^[a-z0-9][a-z0-9-]{0,63}$/;

/** A body's field as its schema let it through: null (not given) reads as undefined. */
const given = <T>(b: Json, name: string): T | undefined => (b[name] ?? undefined) as T | undefined;

const carView = (c: CarRecord) => ({ vin: c.vin, launch_id: c.launchId, trim: c.trim,
  options: c.options, built_on: c.builtOn, order_id: c.orderId, pooled: c.pooled });

/**
 * Cars newest first as runs: a run is one recording (one request and transaction), so its cars
 * share the time, operator, launch and build day; within a run they are listed as recorded.
 */
function runsOf(cars: readonly CarRecord[]) {
  const runs: Array<{ launch_id: string; built_on: string; recorded_at: string;
    recorded_by: string; allocated: number; pooled: number;
    cars: Array<ReturnType<typeof carView>> }> = [];
  let key = '';
  for (const c of cars) {
    const k = `${c.recordedAtMs}\u0000${c.recordedBy}\u0000${c.launchId}\u0000${c.builtOn}`;
    if (k !== key) {
      runs.push({ launch_id: c.launchId, built_on: c.builtOn, recorded_at: iso(c.recordedAtMs)!,
        recorded_by: c.recordedBy, allocated: 0, pooled: 0, cars: [] });
      key = k;
    }
    const run = runs[runs.length - 1]!;
    run.cars.unshift(carView(c));
    if (c.orderId !== null) run.allocated++;
    if (c.pooled) run.pooled++;
  }
  return runs;
}

export const productionRoutes: Route[] = [
  // A week's run is thousands of cars: the import's body limit (2 MiB holds 5,000 with room).
  { method: 'POST', path: '/admin/production-runs', access: 'admin', bodyLimit: 'import',
    schema: Production.recordRun, handler: async (ctx) => {
      const b = await ctx.body();
      if (!b.ok) return b;
      const cars: BuiltCarInput[] = (b.value.cars as Array<Record<string, unknown>>).map((c) =>
        ({ vin: c.vin as string, trim: c.trim as string,
          options: (c.options as string[] | undefined) ?? [] }));
      const r = await ctx.app.production.recordRun(actorOf(ctx), b.value.launch_id as string,
        b.value.built_on as string, cars, b.value.reason as string);
      if (!r.ok) return r;
      return reply(201, { recorded: r.value.recorded, already_recorded: r.value.alreadyRecorded,
        allocated: r.value.allocations.map((a) => ({ vin: a.vin, order_id: a.orderId })),
        pooled: r.value.pooled });
    } },
  { method: 'GET', path: '/admin/truth-audit', access: 'admin', schema: Production.truthAudit,
    handler: async (ctx) => {
      const t = await ctx.app.production.truthShare();
      return reply(200, { allocated: t.allocated, shown_at_lock: t.shownAtLock,
        inside: t.inside, share: t.share });
    } },
  { method: 'GET', path: '/admin/ready-stock', access: 'admin', schema: Production.readyStock,
    handler: async (ctx) => reply(200, { cars: (await ctx.app.deps.store.readyStock(
      ctx.app.deps.limits.readyStockListMax)).map(carView) }) },
  { method: 'GET', path: '/admin/production-plans', access: 'admin', schema: Production.plans,
    handler: async (ctx) =>
      reply(200, { plans: (await ctx.app.deps.store.plansInForce()).map(planView) }) },
  { method: 'GET', path: '/admin/production-plans/:launch_id/:trim', access: 'admin',
    schema: Production.planVersions, handler: async (ctx) => {
      const versions = await ctx.app.deps.store.planVersions(ctx.params.launch_id!,
        ctx.params.trim!);
      if (versions.length === 0) return refuse('plan_not_found');
      return reply(200, { versions: versions.map(planView) });
    } },
  { method: 'POST', path: '/admin/production-plans', access: 'admin',
    schema: Production.putPlan, handler: async (ctx) => {
      const b = await ctx.body();
      if (!b.ok) return b;
      const rates: PlanRate[] = (b.value.rates as Array<Record<string, unknown>>).map((r) =>
        ({ fromDate: r.from as string, unitsPerWeek: r.units_per_week as number }));
      const r = await ctx.app.production.putPlan(actorOf(ctx), b.value.launch_id as string,
        b.value.trim as string, rates, b.value.reason as string);
      return r.ok ? reply(201, { plan: planView(r.value.plan),
        replan: replanView(r.value.replan) }) : r;
    } },
  { method: 'GET', path: '/admin/production-plans/:launch_id/:trim/weeks', access: 'admin',
    schema: Production.planWeeks, handler: async (ctx) => {
      const { launch_id: launchId, trim } = ctx.params as { launch_id: string; trim: string };
      const versions = await ctx.app.deps.store.planVersions(launchId, trim);
      const plan = versions[versions.length - 1];
      if (plan === undefined) return refuse('plan_not_found');
      // The counters the estimates read: the live locked orders of the trim, every city.
      const locked = (await ctx.app.orders.counters(launchId)).get(`trim.${trim}.locked`) ?? 0;
      // Where the buyers' estimates put them: the stored ones' build weeks, and those locked
      // since the last re-plan appended as "if you lock now" would (estimates.ts).
      const builds = (await ctx.app.deps.store.trimBuildWeeks())
        .filter(([l, t]) => l === launchId && t === trim);
      const tail = await ctx.app.production.trimTail(launchId, trim);
      const nowMs = ctx.app.clock.nowMs();
      const r = planWeeks(plan.rates, { stored: builds.map(([, , w, n]) => [w, n] as const),
        appended: { after: appendAfter(plan.rates, tail, nowMs),
          count: Math.max(0, locked - (tail?.orders ?? 0)) } }, weekOf(nowMs),
      ctx.app.deps.limits.planWeeksShownMax);
      return reply(200, { launch_id: launchId, trim, version: plan.version, locked,
        this_week: beijingDate(weekStartMs(weekOf(nowMs))),
        weeks: r.weeks.map((w) => ({ from: beijingDate(weekStartMs(w.week)),
          units_per_week: w.capacity, locked: w.locked })), beyond: r.beyond });
    } },
  { method: 'GET', path: '/admin/production-runs', access: 'admin',
    schema: Production.productionRuns, handler: async (ctx) => {
      const q = ctx.query();
      if (!q.ok) return q;
      const limit = queryNumber(q.value.limit, ctx.app.deps.limits.carsListMax);
      const cars = await ctx.app.deps.store.latestCars(limit);
      return reply(200, { runs: runsOf(cars), more: cars.length === limit });
    } },
  { method: 'GET', path: '/admin/delivery-centres', access: 'admin', schema: Production.centres,
    handler: async (ctx) =>
      reply(200, { centres: (await ctx.app.deps.store.centresInForce()).map(centreView) }) },
  { method: 'GET', path: '/admin/delivery-centres/:city_id', access: 'admin',
    schema: Production.centreVersions, handler: async (ctx) => {
      const versions = await ctx.app.deps.store.centreVersions(ctx.params.city_id!);
      if (versions.length === 0) return refuse('centre_not_found');
      return reply(200, { versions: versions.map(centreView) });
    } },
  { method: 'POST', path: '/admin/delivery-centres', access: 'admin',
    schema: Production.putCentre, handler: async (ctx) => {
      const b = await ctx.body();
      if (!b.ok) return b;
      const city = b.value.city_id as string;
      const opensOn = b.value.opens_on as string;
      const servedBy = given<string>(b.value, 'served_by');
      if (beijingDateMs(opensOn) === null) {
        return refuse('invalid_request', '"opens_on" must be a date YYYY-MM-DD.');
      }
      // Not a city id's shape: no launch can deliver there (the service's own refusal).
      for (const [field, id] of [['city_id', city], ['served_by', servedBy]] as const) {
        if (id !== undefined && !ID.test(id)) {
          return refuse('unknown_city', `"${field}" ${quoted(id)} is not a city id (lower-case `
            + 'letters, digits and -): list the cities with GET /launches.');
        }
      }
      const r = await ctx.app.production.putCentre(actorOf(ctx), { cityId: city,
        handoversPerWeek: b.value.handovers_per_week as number, opensOn,
        servedBy: servedBy ?? null, reason: b.value.reason as string });
      return r.ok ? reply(201, { centre: centreView(r.value.centre),
        replan: replanView(r.value.replan) }) : r;
    } },
  { method: 'POST', path: '/admin/replans', access: 'admin', schema: Production.replanNow,
    handler: async (ctx) => {
      const b = await ctx.body();
      if (!b.ok) return b;
      return reply(201, { replan: replanView(await ctx.app.production.replanNow(actorOf(ctx),
        b.value.reason as string)) });
    } },
  { method: 'GET', path: '/admin/replans', access: 'admin', schema: Production.replans,
    handler: async (ctx) => reply(200, { replans: (await ctx.app.deps.store.replans(
      ctx.app.deps.limits.replansListMax)).map(replanView) }) },
  { method: 'GET', path: '/admin/estimate-changes', access: 'admin',
    schema: Production.estimateChanges, handler: async (ctx) => {
      const q = ctx.query();
      if (!q.ok) return q;
      const max = ctx.app.deps.limits.estimateChangesPageMax;
      const limit = queryNumber(q.value.limit, max);
      const after = queryNumber(q.value.after, 0);
      const replanId = q.value.replan_id;
      const changes = replanId === undefined
        ? await ctx.app.deps.store.estimateChangesAfter(after, limit)
        : await ctx.app.deps.store.estimateChangesOfReplan(replanId, after, limit);
      return reply(200, { changes: changes.map(changeView),
        next_after: changes.length === limit ? changes[changes.length - 1]!.changeId : null });
    } },
  { method: 'GET', path: '/launches/:launch_id/delivery-cities', access: 'public',
    schema: Production.deliveryCities, handler: async (ctx) => {
      const launch = await ctx.app.launches.launch(ctx.params.launch_id!);
      if (!launch) return refuse('launch_not_found');
      const state = stateOf([], await ctx.app.deps.store.centresInForce());
      const week = weekOf(ctx.app.clock.nowMs());
      return reply(200, { launch_id: launch.launchId, cities: launch.cities.map((c) => {
        const own = state.centres.get(c.cityId);
        const now = servingCentre(state.centres, c.cityId, week);
        return { city_id: c.cityId, name: c.name, name_zh: c.nameZh,
          centre_opens_on: own?.opensOn ?? null,
          served_by: now.centre === null || now.week > week ? null : now.centre };
      }) });
    } },
];
