// The auditor of the weeks after the night: from what the simulator sent and was answered (the
// cars it recorded, the allocations each run replied) and what the server holds (its orders,
// built cars, estimate changes, notification outbox and the estimates shown at lock), it checks
// the rules of issue 15 and counts the figures the report prints. Pure: the data comes in, the
// violations and figures go out (sim/production-store-reader.ts reads the store).
import { TRANSIT_WEEKS, WINDOW_WEEKS } from '../src/production/estimates.js';
import { weekOfDate } from '../src/production/plan.js';

/** An order as the store holds it. */
export interface AuditOrder {
  readonly orderId: string;
  readonly accountId: string;
  readonly launchId: string;
  readonly trim: string;
  /** Sorted, defaults filled in, as the store keeps them. */
  readonly options: readonly string[];
  /** `locked`, or `scheduled` once allocation sets it (either is a live locked order). */
  readonly status: string;
  /** Production sequence within launch and trim; null for an order never locked. */
  readonly trimSeq: number | null;
}

/** A built car: as recorded (the simulator's log) or as stored (with its placement). */
export interface AuditCar {
  readonly vin: string;
  readonly launchId: string;
  readonly trim: string;
  readonly options: readonly string[];
  /** `YYYY-MM-DD`, Beijing. */
  readonly builtOn: string;
  readonly orderId: string | null;
  readonly pooled: boolean;
}

/** One row of `GET /admin/estimate-changes` (or its table). */
export interface AuditChange {
  readonly replanId: string;
  readonly orderId: string;
  readonly accountId: string;
  /** Negative: earlier. */
  readonly weeksMoved: number;
}

/** One message of the outbox. */
export interface AuditMessage {
  readonly key: string;
  readonly kind: string;
  readonly accountId: string;
  readonly orderId: string | null;
}

export interface ProductionData {
  /** The target launch's orders, as stored. */
  readonly orders: readonly AuditOrder[];
  /** Every car the simulator recorded through POST /admin/production-runs. */
  readonly recorded: readonly AuditCar[];
  /** The allocations the runs' replies named, in reply order. */
  readonly replied: ReadonlyArray<{ readonly vin: string; readonly orderId: string }>;
  /** The built cars as stored. */
  readonly stored: readonly AuditCar[];
  readonly changes: readonly AuditChange[];
  readonly messages: readonly AuditMessage[];
  /** Handover week (of the grid) of the first estimate shown at each order's lock. */
  readonly shownAtLock: ReadonlyMap<string, number>;
  /**
   * Orders whose car deliveries released (a deferral, a lapsed balance, no-shows): they wait
   * by deliveries' rules, not the queue's, and a run's reply about their first car no longer
   * holds (delivery-auditor.ts checks them). None when the run stops at allocation.
   */
  readonly released?: ReadonlySet<string>;
}

/** What the server's own endpoints say, compared with what the data gives. */
export interface ServerFigures {
  /** `GET /admin/truth-audit`. */
  readonly truth: { readonly allocated: number; readonly shownAtLock: number;
    readonly inside: number };
  /** Rows `GET /admin/estimate-changes` listed, paging to the end. */
  readonly estimateChanges: number;
  /** The sum of `GET /admin/notifications` counts. */
  readonly outboxTotal: number;
}

export interface ProductionFigures {
  readonly built: number;
  readonly allocated: number;
  readonly readyStock: number;
  readonly movedEarlier: number;
  readonly movedLater: number;
  readonly estimateMessages: number;
  readonly scheduledMessages: number;
  readonly truth: { readonly allocated: number; readonly shownAtLock: number;
    readonly inside: number; readonly share: number | null };
}

export interface ProductionVerdict {
  readonly violations: ReadonlyArray<{ readonly kind: string; readonly detail: string }>;
  readonly figures: ProductionFigures;
}

/** Message kinds and keys as the composition writes them (src/launchday.ts). */
export const estimateMessageKey = (c: AuditChange): string =>
  `estimate_moved:${c.replanId}:${c.orderId}`;
export const scheduledMessageKey = (orderId: string): string => `order_scheduled:${orderId}`;

const LIVE = new Set(['locked', 'scheduled']);
/**
 * The configuration a car and an order must share: launch, trim and options. The auditor's own
 * (options sorted here), so that a server that compared them wrongly is caught.
 */
export const configurationKey = (x: { launchId: string; trim: string;
  options: readonly string[] }): string =>
  `${x.launchId}/${x.trim}/${[...x.options].sort().join(',')}`;
const sameConfiguration = (a: AuditCar | AuditOrder, b: AuditCar | AuditOrder): boolean =>
  configurationKey(a) === configurationKey(b);

/** Runs every check; `server` null skips the comparisons with the server's own figures. */
export function auditProduction(d: ProductionData, server: ServerFigures | null):
  ProductionVerdict {
  const violations: Array<{ kind: string; detail: string }> = [];
  const bad = (kind: string, detail: string): void => {
    violations.push({ kind, detail });
  };
  const orders = new Map(d.orders.map((o) => [o.orderId, o]));
  checkCars(d, orders, bad);
  checkQueueOrder(d, bad);
  checkBuilt(d, bad);
  const messages = checkMessages(d, orders, bad);
  const truth = truthShare(d);
  if (server !== null) {
    const t = server.truth;
    if (t.allocated !== truth.allocated || t.shownAtLock !== truth.shownAtLock
      || t.inside !== truth.inside) {
      bad('truth_audit', `GET /admin/truth-audit says ${t.inside}/${t.shownAtLock} of ` +
        `${t.allocated}; the store's cars and shown estimates give ${truth.inside}/` +
        `${truth.shownAtLock} of ${truth.allocated}`);
    }
    if (server.estimateChanges !== d.changes.length) {
      bad('notification_count', `GET /admin/estimate-changes lists ${server.estimateChanges}` +
        ` changes, the store holds ${d.changes.length}`);
    }
    if (server.outboxTotal !== d.messages.length) {
      bad('notification_count', `GET /admin/notifications counts ${server.outboxTotal} ` +
        `messages, the store holds ${d.messages.length}`);
    }
  }
  return { violations, figures: {
    built: d.stored.length,
    allocated: d.stored.filter((c) => c.orderId !== null).length,
    readyStock: d.stored.filter((c) => c.pooled).length,
    movedEarlier: d.changes.filter((c) => c.weeksMoved < 0).length,
    movedLater: d.changes.filter((c) => c.weeksMoved > 0).length,
    estimateMessages: messages.estimate, scheduledMessages: messages.scheduled, truth } };
}

/**
 * No car to two orders, no order with two cars, each car of its order's configuration and to a
 * live locked order, and the runs' replies the same as the store.
 */
function checkCars(d: ProductionData, orders: ReadonlyMap<string, AuditOrder>,
  bad: (kind: string, detail: string) => void): void {
  const carOfOrder = new Map<string, string>();
  const seenVin = new Set<string>();
  for (const c of d.stored) {
    if (seenVin.has(c.vin)) bad('double_allocation', `VIN ${c.vin} is stored twice`);
    seenVin.add(c.vin);
    if (c.orderId === null) continue;
    if (c.pooled) bad('double_allocation', `${c.vin} is both in ready stock and ${c.orderId}'s`);
    const other = carOfOrder.get(c.orderId);
    if (other !== undefined) {
      bad('double_allocation', `${c.orderId} has two cars: ${other} and ${c.vin}`);
    }
    carOfOrder.set(c.orderId, c.vin);
    const o = orders.get(c.orderId);
    if (o === undefined) {
      bad('allocation_state', `${c.vin} went to ${c.orderId}, which the launch does not hold`);
    } else if (!sameConfiguration(c, o)) {
      bad('allocation_configuration', `${c.vin} (${configurationKey(c)}) went to ${o.orderId} ` +
        `(${configurationKey(o)})`);
    } else if (!LIVE.has(o.status)) {
      bad('allocation_state', `${c.vin} went to ${o.orderId}, which is ${o.status}`);
    }
  }
  const byVin = new Map<string, string>();
  const byOrder = new Map<string, string>();
  for (const a of d.replied) {
    if (d.released?.has(a.orderId)) continue;
    const o = byVin.get(a.vin);
    if (o !== undefined && o !== a.orderId) {
      bad('double_allocation', `the runs' replies gave ${a.vin} to ${o} and to ${a.orderId}`);
    }
    const v = byOrder.get(a.orderId);
    if (v !== undefined && v !== a.vin) {
      bad('double_allocation', `the runs' replies gave ${a.orderId} ${v} and ${a.vin}`);
    }
    byVin.set(a.vin, a.orderId);
    byOrder.set(a.orderId, a.vin);
  }
  const storedByVin = new Map(d.stored.map((c) => [c.vin, c]));
  for (const [vin, orderId] of byVin) {
    const stored = storedByVin.get(vin);
    if (stored !== undefined && stored.orderId !== orderId) {
      bad('double_allocation', `a run's reply gave ${vin} to ${orderId}; the store says ` +
        `${stored.orderId ?? 'nobody'}`);
    }
  }
}

/**
 * Strictly in queue order per configuration: among the live locked orders of one configuration,
 * by production sequence, no order has a car while one locked before it has none.
 */
function checkQueueOrder(d: ProductionData, bad: (kind: string, detail: string) => void): void {
  const served = new Set(d.stored.map((c) => c.orderId).filter((x): x is string => x !== null));
  const queues = new Map<string, AuditOrder[]>();
  for (const o of d.orders) {
    if (!LIVE.has(o.status) || o.trimSeq === null || d.released?.has(o.orderId)) continue;
    const k = configurationKey(o);
    let q = queues.get(k);
    if (q === undefined) queues.set(k, q = []);
    q.push(o);
  }
  for (const [k, q] of queues) {
    q.sort((a, b) => a.trimSeq! - b.trimSeq!);
    let firstWaiting: AuditOrder | null = null;
    for (const o of q) {
      if (!served.has(o.orderId)) {
        firstWaiting ??= o;
      } else if (firstWaiting !== null) {
        bad('allocation_order', `${k}: ${o.orderId} (sequence ` +
          `${o.trimSeq}) got a car while ${firstWaiting.orderId} (sequence ` +
          `${firstWaiting.trimSeq}) still waits`);
        break;
      }
    }
  }
}

/** Allocations never exceed the cars built, per configuration, and go only to cars built. */
function checkBuilt(d: ProductionData, bad: (kind: string, detail: string) => void): void {
  const built = new Map<string, number>();
  const recorded = new Map(d.recorded.map((c) => [c.vin, c]));
  for (const c of d.recorded) {
    built.set(configurationKey(c), (built.get(configurationKey(c)) ?? 0) + 1);
  }
  const allocated = new Map<string, number>();
  for (const c of d.stored) {
    if (c.orderId === null) continue;
    if (!recorded.has(c.vin)) {
      bad('over_allocation', `${c.vin} was allocated to ${c.orderId} but never recorded as built`);
      continue;
    }
    allocated.set(configurationKey(c), (allocated.get(configurationKey(c)) ?? 0) + 1);
  }
  for (const [k, n] of allocated) {
    if (n > (built.get(k) ?? 0)) {
      bad('over_allocation', `${k}: ${n} allocated, ` +
        `${built.get(k) ?? 0} built`);
    }
  }
}

/**
 * Exactly one message per moved estimate per buyer (the key the composition writes), none for
 * an estimate that did not move, and one "scheduled" message per allocated order.
 */
function checkMessages(d: ProductionData, orders: ReadonlyMap<string, AuditOrder>,
  bad: (kind: string, detail: string) => void): { estimate: number; scheduled: number } {
  const byKey = new Map<string, AuditMessage[]>();
  let estimate = 0;
  let scheduled = 0;
  for (const m of d.messages) {
    if (m.kind === 'estimate_moved') estimate++;
    if (m.kind === 'order_scheduled') scheduled++;
    const list = byKey.get(m.key) ?? [];
    list.push(m);
    byKey.set(m.key, list);
  }
  const expected = new Set<string>();
  for (const c of d.changes) {
    const key = estimateMessageKey(c);
    expected.add(key);
    const found = byKey.get(key) ?? [];
    if (found.length !== 1) {
      bad('notification_count', `estimate of ${c.orderId} moved ${c.weeksMoved} weeks ` +
        `(${c.replanId}): ${found.length} messages`);
    } else if (found[0]!.accountId !== c.accountId) {
      bad('notification_count', `${key} went to ${found[0]!.accountId}, not the buyer ` +
        `${c.accountId}`);
    }
  }
  for (const m of d.messages) {
    if (m.kind === 'estimate_moved' && !expected.has(m.key)) {
      bad('notification_count', `${m.key}: a message for an estimate that did not move`);
    }
  }
  for (const c of d.stored) {
    if (c.orderId === null) continue;
    const found = byKey.get(scheduledMessageKey(c.orderId)) ?? [];
    const buyer = orders.get(c.orderId)?.accountId;
    if (found.length !== 1 || found[0]!.accountId !== buyer) {
      bad('notification_count', `${c.orderId} got ${c.vin}: ${found.length} "scheduled" ` +
        'messages to its buyer');
    }
  }
  return { estimate, scheduled };
}

/**
 * The truth share: of the allocated orders shown a plan's estimate at lock, those whose car can
 * be handed over (build week + transit) inside the window shown (handover week and the next).
 */
export function truthShare(d: Pick<ProductionData, 'stored' | 'shownAtLock'>):
  ProductionFigures['truth'] {
  let allocated = 0;
  let shownAtLock = 0;
  let inside = 0;
  for (const c of d.stored) {
    if (c.orderId === null) continue;
    allocated++;
    const shown = d.shownAtLock.get(c.orderId);
    if (shown === undefined) continue;
    shownAtLock++;
    const week = weekOfDate(c.builtOn) + TRANSIT_WEEKS;
    if (week >= shown && week < shown + WINDOW_WEEKS) inside++;
  }
  return { allocated, shownAtLock, inside, share: shownAtLock === 0 ? null : inside / shownAtLock };
}
