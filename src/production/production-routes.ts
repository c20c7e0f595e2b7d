// Production's endpoints: an operator's plans, delivery centres, re-plans and the estimate
// changes they found; and the public list of the cities a launch delivers to, with the centre
// serving each (docs/api.md). Every change an operator makes is written to the audit log.
import { operatorReason } from '../accounts/index.js';
import { ok, refuse, type Result } from '../kernel/outcomes.js';
import { field, type Json } from '../kernel/http/http-io.js';
import { queryInteger } from '../kernel/http/query-params.js';
import { firstRefusal, reply, type Ctx, type Route } from '../kernel/http/route.js';
import { servingCentre } from './estimates.js';
import { beijingDateMs, weekOf, type PlanRate } from './plan.js';
import { changeView, centreView, planView, replanView } from './production-views.js';
import { stateOf, type BuiltCarInput } from './production-service.js';
import type { CarRecord } from './production-store.js';

const actorOf = (ctx: Ctx): string => (ctx.caller?.role === 'admin' ? ctx.caller.actor : '?');
/** A launch, trim or city id as the catalogue spells them. */
const ID = /^[a-z0-9][a-z0-9-]{0,63}$/;

/** `rates`: a list of `{from, units_per_week}`, at most `max` (checked before reading them). */
function ratesOf(body: Json, max: number): Result<PlanRate[]> {
  const v = body.rates;
  if (!Array.isArray(v) || v.length === 0 || v.length > max) {
    return refuse('invalid_request', `"rates" must be a list of 1 to ${max} rates.`);
  }
  const out: PlanRate[] = [];
  for (const [i, r] of v.entries()) {
    if (r === null || typeof r !== 'object' || Array.isArray(r)) {
      return refuse('invalid_request', `"rates[${i}]" must be {"from", "units_per_week"}.`);
    }
    const from = field(r as Json, 'from', 'string', { required: true, maxLength: 10 });
    const units = field(r as Json, 'units_per_week', 'integer', { required: true });
    const bad = firstRefusal(from, units);
    if (bad) return refuse('invalid_request', `rates[${i}]: ${bad.message}`);
    out.push({ fromDate: from.ok ? from.value! : '', unitsPerWeek: units.ok ? units.value! : 0 });
  }
  return ok(out);
}

/** `cars`: a list of `{vin, trim, options?}`, at most `max` (checked before reading them). */
function carsOf(body: Json, max: number, optionsMax: number): Result<BuiltCarInput[]> {
  const v = body.cars;
  if (!Array.isArray(v) || v.length === 0 || v.length > max) {
    return refuse('invalid_request', `"cars" must be a list of 1 to ${max} cars.`);
  }
  const out: BuiltCarInput[] = [];
  for (const [i, c] of v.entries()) {
    if (c === null || typeof c !== 'object' || Array.isArray(c)) {
      return refuse('invalid_request', `"cars[${i}]" must be {"vin", "trim", "options"}.`);
    }
    const vin = field(c as Json, 'vin', 'string', { required: true, maxLength: 17 });
    const trim = field(c as Json, 'trim', 'string', { required: true, maxLength: 64 });
    const options = field(c as Json, 'options', 'string[]', { maxLength: 64,
      maxItems: optionsMax });
    const bad = firstRefusal(vin, trim, options);
    if (bad || !vin.ok || !trim.ok || !options.ok) {
      return refuse('invalid_request', `cars[${i}]: ${bad!.message}`);
    }
    out.push({ vin: vin.value!, trim: trim.value!, options: options.value ?? [] });
  }
  return ok(out);
}

const carView = (c: CarRecord) => ({ vin: c.vin, launch_id: c.launchId, trim: c.trim,
  options: c.options, built_on: c.builtOn, order_id: c.orderId, pooled: c.pooled });

export const productionRoutes: Route[] = [
  // A week's run is thousands of cars: the import's body limit (2 MiB holds 5,000 with room).
  { method: 'POST', path: '/admin/production-runs', access: 'admin', bodyLimit: 'import',
    handler: async (ctx) => {
    const b = await ctx.body();
    if (!b.ok) return b;
    const launchId = field(b.value, 'launch_id', 'string', { required: true, maxLength: 64 });
    const builtOn = field(b.value, 'built_on', 'string', { required: true, maxLength: 10 });
    const bad = firstRefusal(launchId, builtOn);
    if (bad || !launchId.ok || !builtOn.ok) return bad!;
    const cars = carsOf(b.value, ctx.app.deps.limits.carsPerRunMax,
      ctx.app.deps.limits.optionsPerOrderMax);
    if (!cars.ok) return cars;
    const reason = operatorReason(ctx, b.value);
    if (!reason.ok) return reason;
    const r = await ctx.app.production.recordRun(actorOf(ctx), launchId.value!, builtOn.value!,
      cars.value, reason.value);
    if (!r.ok) return r;
    return reply(201, { recorded: r.value.recorded, already_recorded: r.value.alreadyRecorded,
      allocated: r.value.allocations.map((a) => ({ vin: a.vin, order_id: a.orderId })),
      pooled: r.value.pooled });
  } },
  { method: 'GET', path: '/admin/truth-audit', access: 'admin', handler: async (ctx) => {
    const t = await ctx.app.production.truthShare();
    return reply(200, { allocated: t.allocated, shown_at_lock: t.shownAtLock, inside: t.inside,
      share: t.share });
  } },
  { method: 'GET', path: '/admin/ready-stock', access: 'admin', handler: async (ctx) =>
    reply(200, { cars: (await ctx.app.deps.store.readyStock(
      ctx.app.deps.limits.readyStockListMax)).map(carView) }) },
  { method: 'GET', path: '/admin/production-plans', access: 'admin', handler: async (ctx) =>
    reply(200, { plans: (await ctx.app.deps.store.plansInForce()).map(planView) }) },
  { method: 'GET', path: '/admin/production-plans/:launch_id/:trim', access: 'admin',
    handler: async (ctx) => {
      const versions = await ctx.app.deps.store.planVersions(ctx.params.launch_id!,
        ctx.params.trim!);
      if (versions.length === 0) return refuse('plan_not_found');
      return reply(200, { versions: versions.map(planView) });
    } },
  { method: 'POST', path: '/admin/production-plans', access: 'admin', handler: async (ctx) => {
    const b = await ctx.body();
    if (!b.ok) return b;
    const launchId = field(b.value, 'launch_id', 'string', { required: true, maxLength: 64 });
    const trim = field(b.value, 'trim', 'string', { required: true, maxLength: 64 });
    const bad = firstRefusal(launchId, trim);
    if (bad || !launchId.ok || !trim.ok) return bad!;
    const rates = ratesOf(b.value, ctx.app.deps.limits.planRatesMax);
    if (!rates.ok) return rates;
    const reason = operatorReason(ctx, b.value);
    if (!reason.ok) return reason;
    const r = await ctx.app.production.putPlan(actorOf(ctx), launchId.value!, trim.value!,
      rates.value, reason.value);
    return r.ok ? reply(201, { plan: planView(r.value.plan), replan: replanView(r.value.replan) })
      : r;
  } },
  { method: 'GET', path: '/admin/delivery-centres', access: 'admin', handler: async (ctx) =>
    reply(200, { centres: (await ctx.app.deps.store.centresInForce()).map(centreView) }) },
  { method: 'GET', path: '/admin/delivery-centres/:city_id', access: 'admin',
    handler: async (ctx) => {
      const versions = await ctx.app.deps.store.centreVersions(ctx.params.city_id!);
      if (versions.length === 0) return refuse('centre_not_found');
      return reply(200, { versions: versions.map(centreView) });
    } },
  { method: 'POST', path: '/admin/delivery-centres', access: 'admin', handler: async (ctx) => {
    const b = await ctx.body();
    if (!b.ok) return b;
    const city = field(b.value, 'city_id', 'string', { required: true, maxLength: 64 });
    const perWeek = field(b.value, 'handovers_per_week', 'integer', { required: true });
    const opensOn = field(b.value, 'opens_on', 'string', { required: true, maxLength: 10 });
    const servedBy = field(b.value, 'served_by', 'string', { maxLength: 64 });
    const bad = firstRefusal(city, perWeek, opensOn, servedBy);
    if (bad || !city.ok || !perWeek.ok || !opensOn.ok || !servedBy.ok) return bad!;
    const max = ctx.app.deps.limits.handoversPerWeekMax;
    if (perWeek.value! < 1 || perWeek.value! > max) {
      return refuse('invalid_request', `"handovers_per_week" must be from 1 to ${max}.`);
    }
    if (beijingDateMs(opensOn.value!) === null) {
      return refuse('invalid_request', '"opens_on" must be a date YYYY-MM-DD.');
    }
    if (!ID.test(city.value!) || (servedBy.value !== undefined && !ID.test(servedBy.value))) {
      return refuse('unknown_city');
    }
    const reason = operatorReason(ctx, b.value);
    if (!reason.ok) return reason;
    const r = await ctx.app.production.putCentre(actorOf(ctx), { cityId: city.value!,
      handoversPerWeek: perWeek.value!, opensOn: opensOn.value!,
      servedBy: servedBy.value ?? null, reason: reason.value });
    return r.ok ? reply(201, { centre: centreView(r.value.centre),
      replan: replanView(r.value.replan) }) : r;
  } },
  { method: 'POST', path: '/admin/replans', access: 'admin', handler: async (ctx) => {
    const b = await ctx.body();
    if (!b.ok) return b;
    const reason = operatorReason(ctx, b.value);
    if (!reason.ok) return reason;
    return reply(201, { replan: replanView(await ctx.app.production.replanNow(actorOf(ctx),
      reason.value)) });
  } },
  { method: 'GET', path: '/admin/replans', access: 'admin', handler: async (ctx) =>
    reply(200, { replans: (await ctx.app.deps.store.replans(
      ctx.app.deps.limits.replansListMax)).map(replanView) }) },
  { method: 'GET', path: '/admin/estimate-changes', access: 'admin', handler: async (ctx) => {
    const after = queryInteger(ctx.url, 'after', { min: 0, max: Number.MAX_SAFE_INTEGER,
      fallback: 0 });
    if (!after.ok) return after;
    const max = ctx.app.deps.limits.estimateChangesPageMax;
    const limit = queryInteger(ctx.url, 'limit', { min: 1, max, fallback: max });
    if (!limit.ok) return limit;
    const changes = await ctx.app.deps.store.estimateChangesAfter(after.value, limit.value);
    return reply(200, { changes: changes.map(changeView),
      next_after: changes.length === limit.value ? changes[changes.length - 1]!.changeId
        : null });
  } },
  { method: 'GET', path: '/launches/:launch_id/delivery-cities', access: 'public',
    handler: async (ctx) => {
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
