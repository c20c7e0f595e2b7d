// Rows of production's tables as both adapters read them, turned into records.
import type {
  CarRecord, EstimateChange, Replan, ShownEstimate, StoredEstimate,
} from './production-store.js';
import type { CentreVersion, PlanVersion } from './plan.js';

/** Column lists, the same on both stores. */
export const PLAN_COLUMNS = 'launch_id, trim, version, rates, created_by, created_at_ms, reason';
export const CENTRE_COLUMNS = 'city_id, version, handovers_per_week, opens_on, served_by, '
  + 'created_by, created_at_ms, reason';
export const ESTIMATE_COLUMNS = 'order_id, account_id, launch_id, trim, city, position, '
  + 'build_week, arrival_week, centre, handover_week, plan_version, trim_seq';
export const CHANGE_COLUMNS = 'change_id, replan_id, order_id, account_id, launch_id, trim, '
  + 'old_from, old_to, new_from, new_to, weeks_moved, at_ms';
export const REPLAN_COLUMNS = 'replan_id, at_ms, actor, cause, reason, orders_estimated, '
  + 'moved_earlier, moved_later';

type Row = Record<string, unknown>;
const n = (v: unknown): number => Number(v);

export const planFromRow = (r: Row): PlanVersion => ({ launchId: r.launch_id as string,
  trim: r.trim as string, version: n(r.version),
  rates: (JSON.parse(r.rates as string) as Array<{ from: string; units_per_week: number }>)
    .map((x) => ({ fromDate: x.from, unitsPerWeek: x.units_per_week })),
  createdBy: r.created_by as string, createdAtMs: n(r.created_at_ms), reason: r.reason as string });

/** The rates as stored: the API's own field names. */
export const ratesText = (p: PlanVersion): string =>
  JSON.stringify(p.rates.map((x) => ({ from: x.fromDate, units_per_week: x.unitsPerWeek })));

export const centreFromRow = (r: Row): CentreVersion => ({ cityId: r.city_id as string,
  version: n(r.version), handoversPerWeek: n(r.handovers_per_week),
  opensOn: r.opens_on as string, servedBy: (r.served_by as string | null) ?? null,
  createdBy: r.created_by as string, createdAtMs: n(r.created_at_ms), reason: r.reason as string });

export const estimateFromRow = (r: Row): StoredEstimate => ({ orderId: r.order_id as string,
  accountId: r.account_id as string, launchId: r.launch_id as string, trim: r.trim as string,
  city: r.city as string, position: n(r.position), buildWeek: n(r.build_week),
  arrivalWeek: n(r.arrival_week), centre: (r.centre as string | null) ?? null,
  handoverWeek: n(r.handover_week), planVersion: n(r.plan_version), trimSeq: n(r.trim_seq) });

export const changeFromRow = (r: Row): EstimateChange => ({ changeId: n(r.change_id),
  replanId: r.replan_id as string, orderId: r.order_id as string,
  accountId: r.account_id as string, launchId: r.launch_id as string, trim: r.trim as string,
  oldFrom: r.old_from as string, oldTo: r.old_to as string, newFrom: r.new_from as string,
  newTo: r.new_to as string, weeksMoved: n(r.weeks_moved), atMs: n(r.at_ms) });

export const replanFromRow = (r: Row): Replan => ({ replanId: r.replan_id as string,
  atMs: n(r.at_ms), actor: r.actor as string, cause: r.cause as string, reason: r.reason as string,
  ordersEstimated: n(r.orders_estimated), movedEarlier: n(r.moved_earlier),
  movedLater: n(r.moved_later) });

export const shownFromRow = (r: Row): ShownEstimate => ({ orderId: r.order_id as string,
  shownAtMs: n(r.shown_at_ms), handoverWeek: n(r.handover_week),
  windowFrom: r.window_from as string, windowTo: r.window_to as string,
  occasion: r.occasion as string });

export const CAR_COLUMNS = 'vin, launch_id, trim, options, built_on, recorded_at_ms, recorded_by, '
  + 'order_id, placed_at_ms, pooled';

export const carFromRow = (r: Row): CarRecord => ({ vin: r.vin as string,
  launchId: r.launch_id as string, trim: r.trim as string,
  options: r.options === '' ? [] : (r.options as string).split(','),
  builtOn: r.built_on as string, recordedAtMs: n(r.recorded_at_ms),
  recordedBy: r.recorded_by as string, orderId: (r.order_id as string | null) ?? null,
  placedAtMs: r.placed_at_ms === null ? null : n(r.placed_at_ms), pooled: n(r.pooled) === 1 });

/** Allocated cars with the handover week of the first estimate shown at their order's lock. */
export const ALLOCATED_WITH_SHOWN = 'SELECT c.order_id, c.built_on, (SELECT s.handover_week '
  + 'FROM shown_estimates s WHERE s.order_id = c.order_id ORDER BY s.shown_id LIMIT 1) AS week '
  + 'FROM built_cars c WHERE c.order_id IS NOT NULL ORDER BY c.car_seq';
