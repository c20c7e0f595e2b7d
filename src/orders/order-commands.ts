// The write side: batch handlers that run inside a group-commit transaction. Each loads what it
// needs, lets the pure rules (order.ts) decide, and writes the outcome; an expected refusal is a
// result, never an exception, so it cannot fail the batch-mates.
import { CounterSums } from './launch-stats.js';
import { locksOnPlacement, type Launch } from '../launches/index.js';
import {
  decideCancel, decideChange, decideLock, decidePlace, decideRefund, lockedOrder, newOrder,
  queueKey, scheduledOrder, trimKey, unscheduledOrder, handedOverOrder, type ChangeRequest, type Order,
} from './order.js';
import type { HookName, Hooks } from '../kernel/capability.js';
import { ok, refuse, type Refusal, type Result } from '../kernel/outcomes.js';
import type { StoreTx } from '../kernel/store/store.js';
import type { OrderEvent } from './orders-store.js';
import type { BatchHandler } from '../kernel/write/group-committer.js';
import { newId, newTimeOrderedId } from '../kernel/ids.js';
import { depositReference } from '../payments/index.js';

/** The refusal of an order whose Idempotency-Key named an order of another body. */
export const orderKeyReused = () => refuse('idempotency_key_reused',
  'This Idempotency-Key was already used for a different order; use a new key.');

export interface PlaceCommand {
  readonly accountId: string;
  readonly launch: Launch;
  readonly config: { trim: string; options: readonly string[]; city: string };
  readonly priceFen: number;
  readonly idempotencyKey: string;
  readonly requestHash: string;
  /** The deposit's reference at the provider (depositReference of the three above). */
  readonly paymentReference: string;
  /** Set when nothing was paid: the command only looks for an earlier order with its key. */
  readonly refusal?: Refusal;
}

export interface PlaceOutcome {
  readonly order: Order;
  /** True when the key was seen before: the earlier order is returned and nothing is created. */
  readonly replay: boolean;
  /** A new order's whole history, so the reply need not read it back. */
  readonly history?: readonly OrderEvent[];
}

/** An order event and the order as that write left it. */
export interface OrderChange {
  readonly event: OrderEvent;
  readonly order: Order;
}

/**
 * Orders' hook, called inside every transaction that writes order events, with the events just
 * written (before COMMIT): a capability that depends on orders writes what follows from them
 * (notifications' outbox) in the same transaction, so both commit or neither does. A hook that
 * throws fails the transaction (its commands are then retried one by one), so a hook only
 * writes rows of its own.
 */
export type OrderEventsWritten = (tx: StoreTx, changes: readonly OrderChange[]) =>
  Promise<void>;
export const ORDER_EVENTS_WRITTEN: HookName<OrderEventsWritten> = 'orders.eventsWritten';

export type OrderAction =
  | { readonly kind: 'lock'; readonly confirm: boolean }
  /**
   * `reason`: an operator's, kept in the event (and told to the buyer); empty for a buyer.
   * `flagged`: an operator's cancel of a suspicious order (the suspicious-pattern report's),
   * recorded in the event so that the order keeps counting against the buyer's limit.
   */
  | { readonly kind: 'cancel'; readonly acceptForfeit: boolean; readonly reason?: string;
      readonly flagged?: boolean }
  | { readonly kind: 'refund'; readonly reason?: string }
  | { readonly kind: 'change'; readonly change: ChangeRequest; readonly target: Launch;
      readonly own: Launch };

export interface OrderCommand {
  readonly orderId: string;
  /** The buyer acting, or null when an operator acts (who may touch any order). */
  readonly accountId: string | null;
  readonly actor: string;
  readonly action: OrderAction;
}

/** What one transaction writes, gathered so each table is written once per batch. */
class Writes {
  constructor(private readonly eventHooks: readonly OrderEventsWritten[]) {}

  readonly inserted: Order[] = [];
  readonly updated = new Map<string, Order>();
  readonly events: OrderEvent[] = [];
  /** The order as each event of `events` left it (for the hooks). */
  readonly eventOrders: Order[] = [];
  readonly counters = new CounterSums();

  change(before: Order | null, after: Order, event: Omit<OrderEvent, 'orderId'>): void {
    if (before === null) this.inserted.push(after);
    else this.updated.set(after.orderId, after);
    this.events.push({ orderId: after.orderId, ...event });
    if (this.eventHooks.length > 0) this.eventOrders.push(after);
    if (before !== null) this.counters.addOrder(before, -1);
    this.counters.addOrder(after, 1);
  }

  /** Writes the orders and events so far; the counter changes wait for `flush`. */
  async flushRows(tx: StoreTx): Promise<void> {
    if (this.inserted.length > 0) await tx.insertOrders(this.inserted.splice(0));
    if (this.updated.size > 0) await tx.updateOrders([...this.updated.values()]);
    this.updated.clear();
    if (this.events.length === 0) return;
    const events = this.events.splice(0);
    await tx.insertEvents(events);
    if (this.eventHooks.length === 0) return;
    const orders = this.eventOrders.splice(0);
    const changes = events.map((event, i) => ({ event, order: orders[i]! }));
    for (const h of this.eventHooks) await h(tx, changes);
  }

  /**
   * Writes everything, the counters once per transaction and in one order (`take` sorts),
   * so that transactions on other connections never wait for each other's counter rows in a
   * cycle.
   */
  async flush(tx: StoreTx): Promise<void> {
    await this.flushRows(tx);
    const merged = this.counters.take();
    if (merged.length > 0) await tx.addCounters(merged);
  }
}

/**
 * Gives each order, in the order given, the next place in its queue and the next production
 * sequence of its trim, taking each sequence's numbers in one step.
 */
async function assignPlaces(tx: StoreTx, orders: readonly Order[]):
  Promise<Array<{ place: number; trimSeq: number }>> {
  const need = new Map<string, number>();
  for (const o of orders) {
    for (const k of [`queue:${queueKey(o.launchId, o.trim, o.city)}`,
      `trim:${trimKey(o.launchId, o.trim)}`]) need.set(k, (need.get(k) ?? 0) + 1);
  }
  const next = new Map<string, number>();
  for (const k of [...need.keys()].sort()) next.set(k, await tx.takeNumbers(k, need.get(k)!));
  const take = (k: string): number => {
    const n = next.get(k)!;
    next.set(k, n + 1);
    return n;
  };
  return orders.map((o) => ({
    place: take(`queue:${queueKey(o.launchId, o.trim, o.city)}`),
    trimSeq: take(`trim:${trimKey(o.launchId, o.trim)}`),
  }));
}

const configDetail = (o: Order): Record<string, unknown> =>
  ({ launch_id: o.launchId, trim: o.trim, options: o.options, city: o.city,
    price_fen: o.priceFen });

/**
 * Locks, in one global order, the orders a batch acts on and the queue sequences its locks and
 * changes may take numbers from. Taken command by command, two batches on two processes could
 * each hold one sequence and wait for the other's until the database broke the deadlock.
 */
async function lockWhatTheBatchNeeds(tx: StoreTx, cmds: readonly OrderCommand[]): Promise<void> {
  const orders = new Map((await tx.ordersForUpdate([...new Set(cmds.map((c) => c.orderId))]
    .sort())).map((o) => [o.orderId, o]));
  const names = new Set<string>();
  const need = (launchId: string, trim: string, city: string): void => {
    names.add(`queue:${queueKey(launchId, trim, city)}`);
    names.add(`trim:${trimKey(launchId, trim)}`);
  };
  for (const c of cmds) {
    const o = orders.get(c.orderId);
    if (!o) continue;
    if (c.action.kind === 'lock') need(o.launchId, o.trim, o.city);
    if (c.action.kind === 'change') {
      const { target, change } = c.action;
      need(target.launchId, change.trim ?? o.trim, change.city ?? o.city);
    }
  }
  await tx.lockSequences([...names].sort());
}

type NewOrderOutcome = PlaceOutcome & { readonly history: readonly [OrderEvent] };

/** The order a place command creates, before any queue place. */
function newPlacedOrder(c: PlaceCommand, orderId: string, nowMs: number): Order {
  return newOrder({ orderId, accountId: c.accountId, launch: c.launch, config: c.config,
    priceFen: c.priceFen, nowMs, idempotencyKey: c.idempotencyKey, requestHash: c.requestHash });
}

/** A new firm order's outcome: the order and the event that records it. */
function placedOutcome(c: PlaceCommand, order: Order, nowMs: number): NewOrderOutcome {
  return { order, replay: false, history: [{ orderId: order.orderId, atMs: nowMs,
    type: 'placed', actor: `buyer:${c.accountId}`, detail: { ...configDetail(order),
      deposit_fen: order.depositFen, payment_reference: c.paymentReference } }] };
}

/** A new order that locked on payment (founder's editions), with the places it took. */
function placedAndLockedOutcome(c: PlaceCommand, order: Order, nowMs: number,
  p: { place: number; trimSeq: number }): NewOrderOutcome {
  const locked = lockedOrder(order, nowMs, p.place, p.trimSeq);
  return { order: locked, replay: false, history: [{ orderId: locked.orderId, atMs: nowMs,
    type: 'placed_and_locked', actor: `buyer:${c.accountId}`,
    detail: { ...configDetail(locked), queue_place: locked.queuePlace } }] };
}

/**
 * How a place outcome crosses from the writer thread to the event loop. A new order is
 * everything its command says plus an id and the batch's time, so only the id (and the places
 * of an order locked on payment) crosses; the event loop rebuilds the rest with the same
 * builders. Copying whole orders between threads took about a tenth of each thread's time per
 * order (docs/benchmarks.md, session 5). Replays and refusals cross as they are. Commands
 * cross as flat lists.
 */
export const placeWire = {
  /** The command as a flat list, which crosses at less than half the cost of the object. */
  encodeCommand(c: PlaceCommand): unknown {
    return [c.accountId, c.launch, c.config.trim, c.config.options, c.config.city, c.priceFen,
      c.idempotencyKey, c.requestHash, c.paymentReference, c.refusal ?? null];
  },
  decodeCommand(wire: unknown): PlaceCommand {
    const [accountId, launch, trim, options, city, priceFen, idempotencyKey, requestHash,
      paymentReference, refusal] = wire as [string, Launch, string, readonly string[], string,
      number, string, string, string, Refusal | null];
    return { accountId, launch, config: { trim, options, city }, priceFen, idempotencyKey,
      requestHash, paymentReference, ...(refusal === null ? {} : { refusal }) };
  },
  encode(c: PlaceCommand, r: Result<PlaceOutcome>): unknown {
    if (!r.ok || r.value.replay) return r;
    const o = r.value.order;
    return o.status === 'locked' ? [o.orderId, o.queuePlace, o.trimSeq] : [o.orderId];
  },
  decode(c: PlaceCommand, wire: unknown, nowMs: number): Result<PlaceOutcome> {
    if (!Array.isArray(wire)) return wire as Result<PlaceOutcome>;
    const [orderId, place, trimSeq] = wire as [string, number?, number?];
    const order = newPlacedOrder(c, orderId, nowMs);
    return ok(place === undefined ? placedOutcome(c, order, nowMs)
      : placedAndLockedOutcome(c, order, nowMs, { place, trimSeq: trimSeq! }));
  },
};

/**
 * Orders' group-commit handlers. `hooks`: the implementations of ORDER_EVENTS_WRITTEN (none
 * when absent).
 */
export function orderCommands(limits: { autoLockBatchMax: number }, hooks?: Hooks) {
  const eventHooks = hooks?.all(ORDER_EVENTS_WRITTEN) ?? [];
  const newWrites = (): Writes => new Writes(eventHooks);
  /** Locks, at the moment their cooling-off ended, the firm orders now past it. */
  async function sweepDue(tx: StoreTx, writes: Writes, nowMs: number): Promise<number> {
    const due = await tx.dueFirmOrders(nowMs, limits.autoLockBatchMax);
    const places = await assignPlaces(tx, due);
    due.forEach((o, i) => {
      const p = places[i]!;
      const locked = lockedOrder(o, o.coolingOffEndsAtMs, p.place, p.trimSeq);
      writes.change(o, locked, { atMs: o.coolingOffEndsAtMs, type: 'locked', actor: 'system',
        detail: { reason: 'cooling_off_ended', queue_place: p.place } });
    });
    return due.length;
  }

  const place: BatchHandler<PlaceCommand, Result<PlaceOutcome>> = async (tx, cmds, nowMs) => {
    const accountIds = [...new Set(cmds.map((c) => c.accountId))].sort();
    await tx.lockAccounts(accountIds);
    const known = new Map<string, Order>();
    for (const o of await tx.ordersByIdempotency(cmds.map((c) =>
      ({ accountId: c.accountId, key: c.idempotencyKey })))) {
      known.set(`${o.accountId}\u0000${o.idempotencyKey}`, o);
    }
    const active = new Map<string, number>();
    for (const launchId of new Set(cmds.map((c) => c.launch.launchId))) {
      const ids = [...new Set(cmds.filter((c) => c.launch.launchId === launchId)
        .map((c) => c.accountId))];
      for (const [acc, n] of await tx.activeOrderCounts(launchId, ids)) {
        active.set(`${launchId}\u0000${acc}`, n);
      }
    }
    const writes = newWrites();
    const lockNow: Array<{ at: number; command: PlaceCommand; order: Order }> = [];
    const results = cmds.map((c, at): Result<PlaceOutcome> => {
      const idKey = `${c.accountId}\u0000${c.idempotencyKey}`;
      const prior = known.get(idKey);
      if (prior) {
        return prior.requestHash === c.requestHash ? ok({ order: prior, replay: true })
          : orderKeyReused();
      }
      if (c.refusal !== undefined) return c.refusal;
      const activeKey = `${c.launch.launchId}\u0000${c.accountId}`;
      const activeOrders = active.get(activeKey) ?? 0;
      const decision = decidePlace(c.launch, { nowMs, activeOrders });
      if (!decision.ok) return decision;
      const order = newPlacedOrder(c, newTimeOrderedId('ord', nowMs), nowMs);
      known.set(idKey, order);
      active.set(activeKey, activeOrders + 1);
      // A founder's edition, or a launch without cooling-off: the order is locked as placed.
      if (locksOnPlacement(c.launch)) {
        lockNow.push({ at, command: c, order });
        return ok({ order, replay: false });
      }
      const placed = placedOutcome(c, order, nowMs);
      writes.change(null, order, placed.history[0]);
      return ok(placed);
    });
    // Orders that lock on placement take their queue place in the same transaction, after
    // any order whose cooling-off ended earlier, so queue places follow lock times.
    if (lockNow.length > 0) {
      await sweepDue(tx, writes, nowMs);
      await writes.flushRows(tx);
    }
    const places = await assignPlaces(tx, lockNow.map((l) => l.order));
    lockNow.forEach(({ at, command, order }, i) => {
      const locked = placedAndLockedOutcome(command, order, nowMs, places[i]!);
      writes.change(null, locked.order, locked.history[0]);
      results[at] = ok(locked);
    });
    await writes.flush(tx);
    return results;
  };

  async function applyAction(tx: StoreTx, writes: Writes, order: Order, cmd: OrderCommand,
    nowMs: number): Promise<Result<Order>> {
    const a = cmd.action;
    const actor = cmd.actor;
    if (a.kind === 'lock') {
      const d = decideLock(order, a.confirm);
      if (!d.ok) return d;
      const [p] = await assignPlaces(tx, [order]);
      const locked = lockedOrder(order, nowMs, p!.place, p!.trimSeq);
      writes.change(order, locked, { atMs: nowMs, type: 'locked', actor,
        detail: { reason: 'early_lock', queue_place: p!.place } });
      return ok(locked);
    }
    if (a.kind === 'cancel' || a.kind === 'refund') {
      const d = a.kind === 'refund' ? decideRefund(order, nowMs)
        : decideCancel(order, a.acceptForfeit, nowMs);
      if (!d.ok) return d;
      if (order.trimSeq !== null) {
        await tx.releaseSeq(trimKey(order.launchId, order.trim), order.trimSeq);
      }
      if (d.value.depositState === 'refunded') {
        await tx.queuePayment({ opId: newId('pop'), kind: 'refund', orderId: order.orderId,
          reference: depositReference(order.accountId, order.idempotencyKey, order.requestHash),
          amountFen: order.depositFen, createdAtMs: nowMs });
      }
      // An operator's reason goes into the order's own history, so that the buyer reads why
      // (the order view's `cancel_reason`) without the audit log, which is operators' only.
      // `from_status`: what the audit log says the cancel changed (a scheduled order is past
      // its lock as a locked one is, but its car went back: cancel-changes.ts).
      writes.change(order, d.value, { atMs: nowMs, type: 'cancelled', actor,
        detail: { deposit_state: d.value.depositState, deposit_fen: order.depositFen,
          from_status: order.status, ...(a.reason ? { reason: a.reason } : {}),
          ...(a.kind === 'cancel' && a.flagged ? { flagged: true } : {}) } });
      return ok(d.value);
    }
    const d = decideChange(order, a.own, a.target, a.change, await tx.changeWindows(), nowMs);
    if (!d.ok) return d;
    let changed = d.value.order;
    if (changed.launchId !== order.launchId) {
      // As `place` does: another process placing for this buyer waits, and is waited for, so
      // neither counts before the other's order is in.
      await tx.lockAccounts([order.accountId]);
      const counts = await tx.activeOrderCounts(changed.launchId, [order.accountId]);
      if ((counts.get(order.accountId) ?? 0) >= a.target.perAccountLimit) {
        return refuse('per_account_limit_reached');
      }
    }
    if (d.value.requeue) {
      await tx.releaseSeq(trimKey(order.launchId, order.trim), order.trimSeq!);
      const [p] = await assignPlaces(tx, [changed]);
      changed = { ...changed, queuedAtMs: nowMs, queuePlace: p!.place, trimSeq: p!.trimSeq };
    }
    writes.change(order, changed, { atMs: nowMs, type: 'changed', actor,
      detail: { aspects: d.value.aspects, from: configDetail(order), to: configDetail(changed),
        requeued: d.value.requeue, queue_place: changed.queuePlace } });
    return ok(changed);
  }

  const act: BatchHandler<OrderCommand, Result<Order>> = async (tx, cmds, nowMs) => {
    const writes = newWrites();
    // Due orders lock first, so queue places always follow lock times.
    await sweepDue(tx, writes, nowMs);
    await writes.flushRows(tx);
    await lockWhatTheBatchNeeds(tx, cmds);
    const results: Array<Result<Order>> = [];
    for (const cmd of cmds) {
      const [order] = await tx.ordersForUpdate([cmd.orderId]);
      if (!order || (cmd.accountId !== null && order.accountId !== cmd.accountId)) {
        results.push(refuse('order_not_found'));
        continue;
      }
      // Each command's rows are written before the next reads them.
      results.push(await applyAction(tx, writes, order, cmd, nowMs));
      await writes.flushRows(tx);
    }
    await writes.flush(tx);
    return results;
  };

  const autoLock: BatchHandler<null, number> = async (tx, cmds, nowMs) => {
    const writes = newWrites();
    const n = await sweepDue(tx, writes, nowMs);
    await writes.flush(tx);
    return cmds.map(() => n);
  };

  return { place, act, autoLock };
}

/**
 * Moves each order named in `items` by `next` (a transition of order.ts that asserts its rule),
 * in the caller's transaction, with one event each (`type`, its `detail` from the item): the
 * orders locked in id order, every event written together. Production's and deliveries' steps
 * (scheduled, car released, handed over) share it. An unknown order fails the transaction.
 */
async function moveOrders<T extends { readonly orderId: string }>(tx: StoreTx,
  items: readonly T[], next: (o: Order) => Order, type: string,
  detail: (item: T) => Record<string, unknown>, atMs: number, actor: string): Promise<Order[]> {
  if (items.length === 0) return [];
  const byId = new Map((await tx.ordersForUpdate([...new Set(items.map((i) => i.orderId))]
    .sort())).map((o) => [o.orderId, o]));
  const writes = new Writes([]);
  const out: Order[] = [];
  for (const item of items) {
    const before = byId.get(item.orderId);
    if (before === undefined) throw new Error(`order ${item.orderId} does not exist (${type})`);
    const after = next(before);
    byId.set(item.orderId, after);
    writes.change(before, after, { atMs, type, actor, detail: detail(item) });
    out.push(after);
  }
  await writes.flush(tx);
  return out;
}

/** A built car allocated to a locked order, as production hands it to `scheduleOrders`. */
export interface CarAllocation {
  readonly orderId: string;
  readonly vin: string;
  /** `YYYY-MM-DD`, Beijing: the day the car left the line. */
  readonly builtOn: string;
  /**
   * The build slot the order took: the week of `builtOn` as production numbers weeks (weeks
   * since Monday 1 January 2024, Beijing; production/plan.ts `weekOfDate`).
   */
  readonly allocationWeek: number;
}

/**
 * Makes each allocated order `scheduled` (scheduledOrder), in the caller's transaction: the
 * production run's, so that the car's allocation and the order's status commit together. Each
 * gets a `scheduled` event with its VIN and allocation week; the figures do not move (a
 * scheduled order counts as locked). Every order must be locked (allocation picks only those):
 * anything else is a bug and fails the transaction. Orders' event hooks are not called: the
 * buyer's message about the car is production's (its CarsAllocatedHook), keyed by the VIN.
 */
export async function scheduleOrders(tx: StoreTx, allocations: readonly CarAllocation[],
  atMs: number, actor = 'system'): Promise<Order[]> {
  return moveOrders(tx, allocations, scheduledOrder, 'scheduled', (a) => ({ vin: a.vin,
    built_on: a.builtOn, allocation_week: a.allocationWeek }), atMs, actor);
}

/**
 * Takes each order's car back (`unscheduledOrder`: scheduled -> locked), in the caller's
 * transaction: production's, as it unplaces the car. A `car_released` event names the VIN and
 * why (`reason`: the deliveries rule that released it); the figures do not move (both statuses
 * count as locked). Orders not `scheduled` are a bug and fail the transaction.
 */
export async function unscheduleOrders(tx: StoreTx,
  releases: ReadonlyArray<{ orderId: string; vin: string }>, reason: string, atMs: number,
  actor = 'system'): Promise<Order[]> {
  return moveOrders(tx, releases, unscheduledOrder, 'car_released',
    (r) => ({ vin: r.vin, reason }), atMs, actor);
}

/**
 * Marks each order handed over (`handedOverOrder`: its deposit applied), in the caller's
 * transaction: deliveries' handover, so that the keys and the order's state commit together and
 * the order can no longer be cancelled (a cancel after handover once forfeited an applied
 * deposit and sent the buyer's car back to stock). A `delivered` event names the VIN.
 */
export async function handOverOrders(tx: StoreTx,
  handovers: ReadonlyArray<{ orderId: string; vin: string }>, atMs: number, actor = 'system'):
  Promise<Order[]> {
  return moveOrders(tx, handovers, handedOverOrder, 'delivered', (h) => ({ vin: h.vin }), atMs,
    actor);
}
