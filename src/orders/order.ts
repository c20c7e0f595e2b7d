// Order rules: pure functions of the order, the launch, the change windows and the time.
import {
  findTrim, locksOnPlacement, type Launch, type OptionSpec, type Trim,
} from '../launches/index.js';
import { ok, refuse, type Result } from '../kernel/outcomes.js';
import {
  CHANGE_ASPECTS, isWindowOpen, type ChangeAspect, type ChangeWindow,
} from '../launches/index.js';

// Change windows belong to launches (an operator opens one on a launch); the rules about what an
// order may change in one are here. Re-exported for the order rules' readers.
export { CHANGE_ASPECTS, isWindowOpen, type ChangeAspect, type ChangeWindow };

/**
 * An order's status. The sequence, in one place (DOMAIN.md lifecycle steps 2-7):
 *
 *   firm (placed; cooling off) -> locked -> scheduled -> [built -> ready -> delivered]
 *
 * `cancelled` may end it from `firm` (deposit refunded) or from any status past the lock
 * (deposit forfeited). `scheduled`: production allocated a built car (its VIN) to the order.
 * The bracketed statuses belong to the next issue (#16); adding one means: its name here and
 * in PAST_LOCK (it is still a locked firm order for every count and rule), the orders CHECK in a
 * new migration, the transition's pure rule beside `scheduledOrder`, and the schemas' enum.
 */
export type OrderStatus = 'firm' | 'locked' | 'scheduled' | 'cancelled';

/** The statuses in lifecycle order (cancelled aside), as pages draw the stage tracker. */
export const ORDER_STATUS_SEQUENCE: readonly OrderStatus[] = ['firm', 'locked', 'scheduled'];

/**
 * The statuses past the lock: the deposit is non-refundable, the configuration frozen, and the
 * order keeps its place in the production queue. Every rule and count that means "locked"
 * asks `isPastLock`, never `status === 'locked'`.
 */
const PAST_LOCK: ReadonlySet<OrderStatus> = new Set(['locked', 'scheduled']);

/** Whether an order with `status` is past its lock (see PAST_LOCK). */
export const isPastLock = (status: OrderStatus): boolean => PAST_LOCK.has(status);

/**
 * The status an order is counted under in the launch figures (launch-stats.ts): every status
 * past the lock counts as `locked`, so a car's allocation moves no figure.
 */
export const countedStatus = (status: OrderStatus): 'firm' | 'locked' | 'cancelled' =>
  (isPastLock(status) ? 'locked' : status as 'firm' | 'cancelled');
export type DepositState = 'held' | 'refunded' | 'forfeited' | 'applied';

export interface Configuration {
  readonly trim: string;
  /** Option ids, sorted, with the defaults of each single-choice group filled in. */
  readonly options: readonly string[];
  readonly city: string;
}

export interface Order extends Configuration {
  readonly orderId: string;
  readonly accountId: string;
  readonly launchId: string;
  readonly modelId: string;
  readonly status: OrderStatus;
  readonly priceFen: number;
  readonly depositFen: number;
  readonly depositState: DepositState;
  readonly createdAtMs: number;
  readonly coolingOffEndsAtMs: number;
  readonly lockedAtMs: number | null;
  readonly cancelledAtMs: number | null;
  /** When the order took its current queue place: the lock, or a later change that re-queued. */
  readonly queuedAtMs: number | null;
  readonly queuePlace: number | null;
  /** Production sequence among all locked orders of the same launch and trim. */
  readonly trimSeq: number | null;
  readonly changedInWindowId: string | null;
  readonly idempotencyKey: string;
  readonly requestHash: string;
  readonly version: number;
}

export interface ConfigurationRequest {
  readonly trim: string;
  readonly options: readonly string[];
  readonly city: string;
}

export const queueKey = (launchId: string, trim: string, city: string): string =>
  `${launchId}/${trim}/${city}`;
export const trimKey = (launchId: string, trim: string): string => `${launchId}/${trim}`;

/** Checks a configuration against the launch, fills defaults, and prices it. */
export function resolveConfiguration(launch: Launch, req: ConfigurationRequest):
  Result<{ config: Configuration; priceFen: number }> {
  const trim = findTrim(launch, req.trim);
  if (!trim) return refuse('unknown_trim', `The launch has no trim "${req.trim}"; pick one of ${
    launch.trims.map((t) => t.trim).join(', ')}.`);
  if (!launch.cities.some((c) => c.cityId === req.city)) {
    return refuse('unknown_city', `${launch.name} does not deliver to "${req.city}".`);
  }
  const chosen = new Map<string, OptionSpec>();
  for (const id of req.options) {
    const spec = launch.options.find((o) => o.optionId === id);
    if (!spec) return refuse('unknown_option', `${launch.name} has no option "${id}".`);
    chosen.set(id, spec);
  }
  for (const group of ['colour', 'wheels'] as const) {
    let picked = 0;
    for (const o of chosen.values()) if (o.group === group) picked++;
    if (picked > 1) return refuse('option_conflict', `Pick only one ${group} option.`);
    if (picked === 0) {
      const fallback = launch.options.find((o) => o.group === group && o.isDefault);
      if (fallback) chosen.set(fallback.optionId, fallback);
    }
  }
  let priceFen = trim.priceFen;
  for (const spec of chosen.values()) priceFen += spec.priceFen;
  const options = sortedIds([...chosen.keys()]);
  return ok({ config: { trim: trim.trim, options, city: req.city }, priceFen });
}

/**
 * The ids in sorted order, as `[...ids].sort()` gives them; the list itself when it is sorted
 * already (as a buyer's options usually are), which spares the copy on every order.
 */
export function sortedIds(ids: readonly string[]): readonly string[] {
  for (let i = 1; i < ids.length; i++) {
    if (ids[i - 1]! > ids[i]!) return [...ids].sort();
  }
  return ids;
}

export interface PlaceContext {
  readonly nowMs: number;
  /** Firm or locked orders this account already holds in the launch. */
  readonly activeOrders: number;
}

/** Whether the launch takes orders at `nowMs`. */
export function decideSalesOpen(launch: Launch, nowMs: number): Result<true> {
  if (nowMs < launch.opensAtMs) {
    return refuse('sales_not_open',
      `Sales open at ${new Date(launch.opensAtMs).toISOString()}; wait for the countdown.`);
  }
  return ok(true);
}

export function decidePlace(launch: Launch, ctx: PlaceContext): Result<true> {
  const open = decideSalesOpen(launch, ctx.nowMs);
  if (!open.ok) return open;
  if (ctx.activeOrders >= launch.perAccountLimit) {
    return refuse('per_account_limit_reached',
      `You already hold ${ctx.activeOrders} order(s); ${launch.name} allows ${
        launch.perAccountLimit} per person.`);
  }
  return ok(true);
}

export function newOrder(fields: {
  orderId: string; accountId: string; launch: Launch; config: Configuration; priceFen: number;
  nowMs: number; idempotencyKey: string; requestHash: string;
}): Order {
  const { launch, config, nowMs } = fields;
  return {
    orderId: fields.orderId, accountId: fields.accountId, launchId: launch.launchId,
    modelId: launch.modelId, ...config, status: 'firm', priceFen: fields.priceFen,
    depositFen: launch.depositFen, depositState: 'held', createdAtMs: nowMs,
    coolingOffEndsAtMs: locksOnPlacement(launch) ? nowMs
      : nowMs + launch.coolingOffHours * 3_600_000,
    lockedAtMs: null, cancelledAtMs: null, queuedAtMs: null, queuePlace: null, trimSeq: null,
    changedInWindowId: null, idempotencyKey: fields.idempotencyKey,
    requestHash: fields.requestHash, version: 1,
  };
}

export function decideLock(order: Order, confirm: boolean): Result<true> {
  if (order.status === 'cancelled') return refuse('order_cancelled');
  if (isPastLock(order.status)) return refuse('order_already_locked');
  if (!confirm) {
    return refuse('lock_needs_confirmation',
      'Locking is final: the deposit is no longer refundable, the configuration is frozen and '
      + 'the depositor can no longer change. Your order then takes its place in the production '
      + 'queue. Send {"confirm": true} to lock.');
  }
  return ok(true);
}

/** The order locked at `atMs`; the caller supplies the queue places reserved for it. */
export function lockedOrder(order: Order, atMs: number, place: number, trimSeq: number): Order {
  return { ...order, status: 'locked', lockedAtMs: atMs, queuedAtMs: atMs, queuePlace: place,
    trimSeq, version: order.version + 1 };
}

/**
 * The locked order scheduled: production allocated it a built car (the VIN and allocation week
 * are in the `scheduled` event the caller writes). Asserts the order is `locked`: allocation
 * only ever picks locked orders still waiting for a car.
 */
export function scheduledOrder(order: Order): Order {
  if (order.status !== 'locked') {
    throw new Error(`order ${order.orderId} is ${order.status}, not locked: cannot schedule`);
  }
  return { ...order, status: 'scheduled', version: order.version + 1 };
}

/**
 * The scheduled order whose car was taken back (deliveries: a deferral, an unpaid balance after
 * notice and grace, missed appointments): locked again, keeping its production sequence, to be
 * scheduled again by a later allocation. Asserts the order is `scheduled`.
 */
export function unscheduledOrder(order: Order): Order {
  if (order.status !== 'scheduled') {
    throw new Error(`order ${order.orderId} is ${order.status}, not scheduled: no car to take back`);
  }
  return { ...order, status: 'locked', version: order.version + 1 };
}

/**
 * Whether the car was handed over (deliveries' handover): the order's deposit is then `applied`
 * to the price paid. Nothing about such an order can change or be cancelled.
 */
export const isHandedOver = (order: Pick<Order, 'depositState'>): boolean =>
  order.depositState === 'applied';

/**
 * The scheduled order whose car was handed over: its deposit `applied` to the price (DOMAIN.md,
 * Money). Its status stays `scheduled` (the last production step orders keeps; deliveries keeps
 * the stages after it). Asserts the order is `scheduled` and not yet handed over.
 */
export function handedOverOrder(order: Order): Order {
  if (order.status !== 'scheduled' || isHandedOver(order)) {
    throw new Error(`order ${order.orderId} is ${order.status}/${order.depositState}: `
      + 'cannot hand over');
  }
  return { ...order, depositState: 'applied', version: order.version + 1 };
}

export function isDueForAutoLock(order: Order, nowMs: number): boolean {
  return order.status === 'firm' && order.coolingOffEndsAtMs <= nowMs;
}

export function decideCancel(order: Order, acceptForfeit: boolean, nowMs: number):
  Result<Order> {
  if (order.status === 'cancelled') return refuse('order_cancelled');
  // Handed over: the car is the buyer's and the deposit is part of what was paid for it.
  if (isHandedOver(order)) return refuse('already_delivered');
  if (isPastLock(order.status) && !acceptForfeit) {
    return refuse('forfeit_not_accepted',
      `The order is ${order.status}: cancelling forfeits the ${order.depositFen / 100} yuan `
      + 'deposit. Send {"accept_forfeit": true} to cancel anyway.');
  }
  return ok({ ...order, status: 'cancelled', cancelledAtMs: nowMs,
    depositState: order.status === 'firm' ? 'refunded' : 'forfeited',
    version: order.version + 1 });
}

/** A refund by an operator: only while the deposit is still refundable. */
export function decideRefund(order: Order, nowMs: number): Result<Order> {
  if (order.status === 'cancelled') return refuse('order_cancelled');
  if (order.status !== 'firm') return refuse('order_not_firm');
  return decideCancel(order, false, nowMs);
}

export interface ChangeRequest {
  readonly trim?: string;
  readonly options?: readonly string[];
  readonly city?: string;
  readonly launchId?: string;
}

function groupOf(launch: Launch, optionId: string): OptionSpec['group'] | undefined {
  return launch.options.find((o) => o.optionId === optionId)?.group;
}

/** Which aspects differ between two configurations (options compared group by group). */
export function changedAspects(before: Order, beforeLaunch: Launch, after: Configuration,
  afterLaunch: Launch): ChangeAspect[] {
  const aspects: ChangeAspect[] = [];
  if (afterLaunch.launchId !== beforeLaunch.launchId) aspects.push('model');
  if (after.trim !== before.trim) aspects.push('trim');
  for (const group of ['colour', 'wheels', 'extras'] as const) {
    const a = before.options.filter((o) => groupOf(beforeLaunch, o) === group).join(',');
    const b = after.options.filter((o) => groupOf(afterLaunch, o) === group).join(',');
    if (a !== b) aspects.push(group);
  }
  if (after.city !== before.city) aspects.push('city');
  return aspects;
}

export interface ChangeDecision {
  readonly order: Order;
  /** True when the order leaves its queue place and takes a new one at the end. */
  readonly requeue: boolean;
  readonly aspects: readonly ChangeAspect[];
}

/**
 * Decides a change. `target` is the launch the order ends up in (its own unless the request
 * names another). A firm order changes freely within its launch; a locked order, and any move
 * to another launch, needs an open window that allows every aspect that changes.
 */
export function decideChange(order: Order, own: Launch, target: Launch, req: ChangeRequest,
  windows: readonly ChangeWindow[], nowMs: number): Result<ChangeDecision> {
  if (order.status === 'cancelled') return refuse('order_cancelled');
  if (req.trim === undefined && req.options === undefined && req.city === undefined
    && req.launchId === undefined) return refuse('nothing_to_change');
  // A scheduled order has a built car of exactly its configuration: no window changes that.
  if (order.status === 'scheduled') {
    return refuse('change_not_allowed', 'A car is already built and allocated to this order: '
      + 'its configuration and city can no longer change.');
  }
  const switching = target.launchId !== own.launchId;
  const keep = (id: string): boolean => !switching || target.options.some((o) => o.optionId === id);
  const resolved = resolveConfiguration(target, {
    trim: req.trim ?? order.trim,
    options: req.options ?? order.options.filter(keep),
    city: req.city ?? order.city,
  });
  if (!resolved.ok) return resolved;
  const { config, priceFen } = resolved.value;
  const aspects = changedAspects(order, own, config, target);
  if (aspects.length === 0) {
    return refuse('nothing_to_change', 'That is the configuration already.');
  }
  if (order.status === 'firm' && !switching) {
    return ok({ order: { ...order, ...config, priceFen, version: order.version + 1 },
      requeue: false, aspects });
  }
  const open = windows.filter((w) => w.fromLaunchId === own.launchId && isWindowOpen(w, nowMs)
    && (!switching || w.toLaunchId === target.launchId));
  if (open.length === 0) return refuse('change_window_closed');
  // A new model is a new configuration: "model" covers its trim and options; the city is not
  // part of the car, so a move to another city still needs "city".
  const needed = switching ? aspects.filter((a) => a === 'model' || a === 'city') : aspects;
  const window = open.find((w) => needed.every((a) => w.allows.includes(a)));
  if (!window) {
    return refuse('change_not_allowed', `The open change window allows ${
      open[0]!.allows.join(', ')} but not ${needed.join(', ')}.`);
  }
  if (order.changedInWindowId === window.windowId) {
    return refuse('change_not_allowed',
      'This order was already changed in this window, and a change cannot be undone.');
  }
  // A switch is a way into the target launch: it opens to switched orders when it opens to new
  // ones, whatever window the operator opened earlier (DOMAIN.md: orders are taken from the
  // announced minute; nobody may take a queue place before buyers can order).
  if (switching) {
    const salesOpen = decideSalesOpen(target, nowMs);
    if (!salesOpen.ok) return salesOpen;
  }
  const changed: Order = {
    ...order, ...config, priceFen, launchId: target.launchId, modelId: target.modelId,
    changedInWindowId: window.windowId, version: order.version + 1,
  };
  return ok({ order: changed, requeue: isPastLock(order.status), aspects });
}

/**
 * The status an order has at `nowMs`: a firm order whose cooling-off has ended is locked, even
 * before the sweep has written its lock (a reply must not offer what the rules no longer allow).
 */
export function statusAt(order: Order, nowMs: number): OrderStatus {
  return isDueForAutoLock(order, nowMs) ? 'locked' : order.status;
}

/**
 * The actions the rules allow right now, for clients to offer and no others. `launches`, when
 * given, leaves out switches into a launch not yet open (see switchTargets).
 */
export function allowedActions(order: Order, windows: readonly ChangeWindow[], nowMs: number,
  launches?: ReadonlyMap<string, Launch>): string[] {
  if (order.status === 'cancelled' || isHandedOver(order)) return [];
  const open = windows.filter((w) => w.fromLaunchId === order.launchId && isWindowOpen(w, nowMs)
    && order.changedInWindowId !== w.windowId);
  const actions: string[] = [];
  if (statusAt(order, nowMs) === 'firm') actions.push('change', 'lock', 'cancel');
  else if (order.status === 'scheduled') return ['cancel_with_forfeit'];
  else {
    if (open.some((w) => w.allows.some((a) => a !== 'model'))) actions.push('change');
    actions.push('cancel_with_forfeit');
  }
  if (switchTargets(order, windows, nowMs, launches).length > 0) actions.push('switch_model');
  return actions;
}

/**
 * The launches an order may switch to right now, through open model-switch windows. With
 * `launches` (by id), a target that has not opened yet is left out: `decideChange` refuses a
 * switch into it with `sales_not_open`, so it is not offered.
 */
export function switchTargets(order: Order, windows: readonly ChangeWindow[], nowMs: number,
  launches?: ReadonlyMap<string, Launch>): string[] {
  if (order.status === 'cancelled' || order.status === 'scheduled') return [];
  const opened = (id: string): boolean => {
    const l = launches?.get(id);
    return l === undefined || decideSalesOpen(l, nowMs).ok;
  };
  return [...new Set(windows.filter((w) => w.fromLaunchId === order.launchId
    && isWindowOpen(w, nowMs) && w.allows.includes('model') && w.toLaunchId !== null
    && order.changedInWindowId !== w.windowId && opened(w.toLaunchId)).map((w) => w.toLaunchId!))];
}

export interface Estimate {
  readonly weeksMin: number;
  readonly weeksMax: number;
}

/** Spread of the shown range: production plans hold to within about three weeks. */
export const ESTIMATE_SPREAD_WEEKS = 3;

/** Weeks until delivery for a car with `aheadInTrim` locked orders of its trim before it. */
export function estimateWeeks(trim: Trim, aheadInTrim: number): Estimate {
  const weeksMin = trim.leadWeeks + Math.floor(aheadInTrim / Math.max(1, trim.capacityPerWeek));
  return { weeksMin, weeksMax: weeksMin + ESTIMATE_SPREAD_WEEKS };
}
