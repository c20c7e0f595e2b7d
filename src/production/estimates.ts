// Delivery estimates from the production plan, the delivery centres and the queue: a pure
// function, so that the same plan, centres and queue give the same estimates whatever happened
// before (README, "Delivery estimates from the plan", has the formula in words).
import {
  weekOf, weekOfDate, weekStartMs, DAY_MS, beijingDate, type CentreVersion, type PlanRate,
  type PlanVersion,
} from './plan.js';

/** Weeks from the line to the delivery centre: a car built in week b can be handed over from b+1. */
export const TRANSIT_WEEKS = 1;
/** The window shown: the handover week and the week after it ("between 12 and 25 January"). */
export const WINDOW_WEEKS = 2;

/** A locked order as the estimates see it: its trim's production sequence and its city. */
export interface QueuedOrder {
  readonly orderId: string;
  readonly accountId: string;
  readonly launchId: string;
  readonly trim: string;
  readonly city: string;
  /** Production sequence within launch and trim (orders' lock order; gaps where orders left). */
  readonly trimSeq: number;
  /** When it took its place: orders of different trims meet at a centre in this order. */
  readonly queuedAtMs: number;
}

/** The plan in force per `launch/trim` and the centre in force per city. */
export interface PlanningState {
  readonly plans: ReadonlyMap<string, PlanVersion>;
  readonly centres: ReadonlyMap<string, CentreVersion>;
}

/** One locked order's estimate, in weeks of the grid (plan.ts). */
export interface OrderEstimate {
  readonly orderId: string;
  readonly accountId: string;
  readonly launchId: string;
  readonly trim: string;
  readonly city: string;
  /** 1-based place among the live locked orders of its launch and trim. */
  readonly position: number;
  /** Its production sequence in the queue estimated (QueuedOrder's trimSeq; 0 if appended). */
  readonly trimSeq: number;
  readonly buildWeek: number;
  /** The week it can first be handed over at its centre (transit, or the centre's opening). */
  readonly arrivalWeek: number;
  /** The city whose centre hands it over; null when its city has no centre on record. */
  readonly centre: string | null;
  readonly handoverWeek: number;
  /** The plan version it was computed from. */
  readonly planVersion: number;
}

export const planKey = (launchId: string, trim: string): string => `${launchId}/${trim}`;

/** A plan's rates as weeks of the grid: [first week, units per week], in date order. */
type Segments = ReadonlyArray<readonly [number, number]>;

const segmentsOf = (rates: readonly PlanRate[]): Segments =>
  rates.map((r) => [weekOfDate(r.fromDate), r.unitsPerWeek] as const);

/**
 * The week the `position`-th car of a trim is built: the first week by whose end the plan's
 * rates add up to `position`. Rates count from the week holding their date; before the first
 * rate nothing is built. Null when the plan never gets there (its last rate is 0).
 */
export function buildWeek(rates: readonly PlanRate[], position: number): number | null {
  return buildWeekOf(segmentsOf(rates), position);
}

/**
 * Units a plan's rates build from their first week through week `week` (0 before the first
 * rate's week). Infinity never: the last rate runs for ever, but only to `week`.
 */
export function capacityThrough(rates: readonly PlanRate[], week: number): number {
  return capacityOf(segmentsOf(rates), week);
}

function capacityOf(segments: Segments, week: number): number {
  let built = 0;
  for (let i = 0; i < segments.length; i++) {
    const [start, units] = segments[i]!;
    if (start > week) break;
    const end = i + 1 < segments.length ? Math.min(segments[i + 1]![0], week + 1) : week + 1;
    built += units * (end - start);
  }
  return built;
}

/**
 * The production slot of the next order of a trim: after the slot before it (`previous`, 0 for
 * the first), and never in a week before the one it took its place in (`queuedAtMs`): the
 * plan's units of the weeks before that were built before the order existed (for the orders then
 * queued, or not at all), so a plan begun weeks earlier gave a car locked today a build week, and
 * a window, in the past. Slots within a build week are then consecutive from that week's first
 * unit (see `trimTails`).
 */
function nextSlot(segments: Segments, previous: number, queuedAtMs: number): number {
  return Math.max(previous + 1, capacityOf(segments, weekOf(queuedAtMs) - 1) + 1);
}

function buildWeekOf(segments: Segments, position: number): number | null {
  let built = 0;
  for (let i = 0; i < segments.length; i++) {
    const [start, units] = segments[i]!;
    const weeks = i + 1 < segments.length ? segments[i + 1]![0] - start : Infinity;
    if (units > 0 && built + units * weeks >= position) {
      return start + Math.ceil((position - built) / units) - 1;
    }
    if (weeks !== Infinity) built += units * weeks;
  }
  return null;
}

/**
 * Which centre hands over an order of `city` that could first be handed over in week `arrival`,
 * and from which week: the city's own centre once it is open; before that, its named serving
 * centre if that one is open; otherwise the city's own from its opening week. A city without a
 * centre on record is not held up by handovers (centre null).
 */
export function servingCentre(centres: ReadonlyMap<string, CentreVersion>, city: string,
  arrival: number): { centre: string | null; week: number } {
  return serving(centres, city, arrival, (c) => weekOfDate(c.opensOn));
}

/** `servingCentre` with the opening weeks looked up by `opens` (a re-plan computes them once). */
function serving(centres: ReadonlyMap<string, CentreVersion>, city: string, arrival: number,
  opens: (c: CentreVersion) => number): { centre: string | null; week: number } {
  const own = centres.get(city);
  if (own === undefined) return { centre: null, week: arrival };
  const ownOpens = opens(own);
  if (ownOpens <= arrival) return { centre: city, week: arrival };
  const by = own.servedBy === null ? undefined : centres.get(own.servedBy);
  if (by !== undefined && opens(by) <= arrival) return { centre: by.cityId, week: arrival };
  return { centre: city, week: ownOpens };
}

/** Where an order stands before its centre's handovers are shared out. */
interface Arrival {
  readonly order: QueuedOrder;
  readonly position: number;
  readonly buildWeek: number;
  readonly week: number;
  readonly centre: string | null;
  readonly planVersion: number;
}

/** Centre queue order: arrival week, then lock time, then the sequence, then the id. */
function byArrival(a: Arrival, b: Arrival): number {
  return a.week - b.week || a.order.queuedAtMs - b.order.queuedAtMs
    || (a.order.launchId < b.order.launchId ? -1 : a.order.launchId > b.order.launchId ? 1 : 0)
    || a.order.trimSeq - b.order.trimSeq
    || (a.order.orderId < b.order.orderId ? -1 : a.order.orderId > b.order.orderId ? 1 : 0);
}

/**
 * Every locked order's estimate, for the orders whose trim has a plan (the others are absent:
 * orders keep the weekly-capacity estimate for them). Pure: depends only on its arguments, not
 * on the order of `queue`.
 *
 * 1. position: the order's place among the live locked orders of its launch and trim, by trimSeq;
 * 2. slot: its unit of the plan, `max(slot before + 1, capacityThrough(plan, L - 1) + 1)` with L
 *    the week it was queued in (`nextSlot`: no car is built before its order's week); build
 *    week: `buildWeek(plan, slot)`;
 * 3. arrival: build week + TRANSIT_WEEKS, at `servingCentre` (which may push it to an opening);
 * 4. handover: each centre hands over at most `handoversPerWeek` cars a week, first come first
 *    served in arrival week, then lock time (`byArrival`); a car waits for the first week
 *    with room.
 */
export function estimateQueue(state: PlanningState, queue: readonly QueuedOrder[]):
  Map<string, OrderEstimate> {
  const byTrim = new Map<string, QueuedOrder[]>();
  for (const o of queue) {
    const k = planKey(o.launchId, o.trim);
    if (!state.plans.has(k)) continue;
    let list = byTrim.get(k);
    if (list === undefined) byTrim.set(k, list = []);
    list.push(o);
  }
  const byCentre = new Map<string | null, Arrival[]>();
  // Dates become weeks once per re-plan, not once per order.
  const opening = new Map([...state.centres.values()].map((c) => [c, weekOfDate(c.opensOn)]));
  const opens = (c: CentreVersion): number => opening.get(c)!;
  for (const [k, list] of byTrim) {
    const plan = state.plans.get(k)!;
    const segments = segmentsOf(plan.rates);
    list.sort((a, b) => a.trimSeq - b.trimSeq
      || (a.orderId < b.orderId ? -1 : a.orderId > b.orderId ? 1 : 0));
    let slot = 0;
    for (let i = 0; i < list.length; i++) {
      slot = nextSlot(segments, slot, list[i]!.queuedAtMs);
      const b = buildWeekOf(segments, slot);
      // The plan never gets there (it ends at 0): nor does any order behind it.
      if (b === null) continue;
      const at = serving(state.centres, list[i]!.city, b + TRANSIT_WEEKS, opens);
      let group = byCentre.get(at.centre);
      if (group === undefined) byCentre.set(at.centre, group = []);
      group.push({ order: list[i]!, position: i + 1, buildWeek: b, week: at.week,
        centre: at.centre, planVersion: plan.version });
    }
  }
  const out = new Map<string, OrderEstimate>();
  for (const [centre, group] of byCentre) {
    const perWeek = centre === null ? Infinity : state.centres.get(centre)!.handoversPerWeek;
    group.sort(byArrival);
    let week = -Infinity;
    let used = 0;
    for (const a of group) {
      if (a.week > week) {
        week = a.week;
        used = 0;
      } else if (used >= perWeek) {
        week++;
        used = 0;
      }
      used++;
      const o = a.order;
      out.set(o.orderId, { orderId: o.orderId, accountId: o.accountId, launchId: o.launchId,
        trim: o.trim, city: o.city, position: a.position, trimSeq: o.trimSeq,
        buildWeek: a.buildWeek,
        arrivalWeek: a.week, centre, handoverWeek: week, planVersion: a.planVersion });
    }
  }
  return out;
}

/** Cars arriving per week at one centre, by arrival week ascending: [week, cars]. */
export type CentreLoad = ReadonlyArray<readonly [number, number]>;

/**
 * Where a trim's estimated orders end: the last one's build week, how many are built in that
 * week, and its production sequence. Its last slot follows: slots within a build week are
 * consecutive from the week's first unit (`nextSlot`), so it is the plan's units through the
 * week before, plus `inLastWeek`. `orders`: the live locked orders at or before it in the queue;
 * as the estimates were stored, their count; now, its sequence less the sequences released
 * below it (an order cancelled, or re-queued at the end by a change, since).
 */
export interface TrimTail {
  readonly orders: number;
  readonly lastBuildWeek: number;
  readonly inLastWeek: number;
  readonly lastSeq: number;
}

/** Stored estimates of one trim and build week (production-store, trimBuildWeeks). */
export type BuildWeekRow = readonly [launchId: string, trim: string, buildWeek: number,
  orders: number, maxTrimSeq: number];

/** The tails of the trims of stored estimates, by `planKey`, `orders` their count. */
export function trimTails(rows: Iterable<BuildWeekRow>): Map<string, TrimTail> {
  const out = new Map<string, TrimTail>();
  for (const [launchId, trim, week, n, seq] of rows) {
    const k = planKey(launchId, trim);
    const t = out.get(k);
    const later = t === undefined || week > t.lastBuildWeek;
    out.set(k, { orders: (t?.orders ?? 0) + n,
      lastBuildWeek: later ? week : t.lastBuildWeek,
      inLastWeek: later ? n : week === t.lastBuildWeek ? t.inLastWeek + n : t.inLastWeek,
      lastSeq: Math.max(t?.lastSeq ?? 0, seq) });
  }
  return out;
}

/**
 * The slot after which an order queued at `queuedAtMs` is appended to its trim whose stored
 * estimates end at `tail`: after the tail's last slot (the plan's units through the week before
 * its last build week, plus the orders built in that week), and after every unit of the weeks
 * before the order's own. The k-th order appended takes slot `appendAfter(...) + k`.
 */
export function appendAfter(rates: readonly PlanRate[], tail: TrimTail | undefined,
  queuedAtMs: number): number {
  return appendAfterOf(segmentsOf(rates), tail, queuedAtMs);
}

function appendAfterOf(segments: Segments, tail: TrimTail | undefined, queuedAtMs: number):
  number {
  const last = tail === undefined || tail.orders === 0 ? 0
    : capacityOf(segments, tail.lastBuildWeek - 1) + tail.inLastWeek;
  return Math.max(last, capacityOf(segments, weekOf(queuedAtMs) - 1));
}

/**
 * The estimate of one more order at the end of the queue, queued at `queuedAtMs`: position
 * `position` in its trim (the live locked orders ahead + 1), its slot after the trim's `tails`
 * and not before its week, and, at its centre, behind every car of `loads` that arrives in its
 * week or before (they locked earlier). For the last queue estimated by `estimateQueue` (its
 * tails and loads), this is exactly what `estimateQueue` would give the order appended to it
 * ("if you lock now"). Orders queued since (position beyond the tail's `orders` + 1, re-queued
 * ones included) are counted as if queued in the same week as this one, which never puts it
 * earlier than the re-plan will.
 * Null when the trim has no plan, or the plan never builds that many.
 */
export function estimateAppended(state: PlanningState,
  loads: ReadonlyMap<string, CentreLoad>, tails: ReadonlyMap<string, TrimTail>,
  launchId: string, trim: string, city: string, position: number, queuedAtMs: number):
  Omit<OrderEstimate, 'orderId' | 'accountId' | 'trimSeq'> | null {
  const plan = state.plans.get(planKey(launchId, trim));
  if (plan === undefined) return null;
  const segments = segmentsOf(plan.rates);
  const tail = tails.get(planKey(launchId, trim));
  const ahead = Math.max(1, position - (tail?.orders ?? 0));
  const b = buildWeekOf(segments, appendAfterOf(segments, tail, queuedAtMs) + ahead);
  if (b === null) return null;
  const at = servingCentre(state.centres, city, b + TRANSIT_WEEKS);
  let handover = at.week;
  if (at.centre !== null) {
    const perWeek = state.centres.get(at.centre)!.handoversPerWeek;
    let week = -Infinity;
    let used = 0;
    for (const [w, cars] of loads.get(at.centre) ?? []) {
      if (w > at.week) break;
      if (w > week) {
        week = w;
        used = 0;
      }
      // `cars` more, first come first served: fill this week, then the next ones.
      const total = used + cars;
      week += Math.floor((total - 1) / perWeek);
      used = ((total - 1) % perWeek) + 1;
    }
    handover = at.week > week ? at.week : used >= perWeek ? week + 1 : week;
  }
  return { launchId, trim, city, position, buildWeek: b, arrivalWeek: at.week,
    centre: at.centre, handoverWeek: handover, planVersion: plan.version };
}

/** The centres' loads of a set of estimates (what `estimateAppended` queues behind). */
export function centreLoads(estimates: Iterable<Pick<OrderEstimate, 'centre' | 'arrivalWeek'>>):
  Map<string, CentreLoad> {
  const counts = new Map<string, Map<number, number>>();
  for (const e of estimates) {
    if (e.centre === null) continue;
    let m = counts.get(e.centre);
    if (m === undefined) counts.set(e.centre, m = new Map());
    m.set(e.arrivalWeek, (m.get(e.arrivalWeek) ?? 0) + 1);
  }
  const out = new Map<string, CentreLoad>();
  for (const [c, m] of counts) out.set(c, [...m].sort((a, b) => a[0] - b[0]));
  return out;
}

/** The calendar window of a handover week: its Monday to the Sunday of the week after. */
export function windowOf(handoverWeek: number): { from: string; to: string } {
  return { from: beijingDate(weekStartMs(handoverWeek)),
    to: beijingDate(weekStartMs(handoverWeek + WINDOW_WEEKS) - DAY_MS) };
}

/**
 * The window as weeks from `nowMs` (what the order reply's `weeks_min`/`weeks_max` say): whole
 * weeks until it opens and until it closes, never below 0.
 */
export function weeksFromNow(handoverWeek: number, nowMs: number):
  { weeksMin: number; weeksMax: number } {
  const weeksMin = Math.max(0, Math.ceil((weekStartMs(handoverWeek) - nowMs) / (7 * DAY_MS)));
  const weeksMax = Math.max(weeksMin,
    Math.ceil((weekStartMs(handoverWeek + WINDOW_WEEKS) - nowMs) / (7 * DAY_MS)));
  return { weeksMin, weeksMax };
}
