// Launch figures as counters: every write of an order adds the difference between what the
// order contributed before and after, so the figures never need a scan of all orders.
import type { Order, OrderStatus, DepositState } from './order.js';

export interface CounterDelta {
  readonly launchId: string;
  readonly key: string;
  readonly delta: number;
}

function contributions(order: Order): Array<[string, number]> {
  const s = order.status;
  const out: Array<[string, number]> = [
    [`orders.${s}`, 1], [`trim.${order.trim}.${s}`, 1], [`city.${order.city}.${s}`, 1],
    ['deposits.received', order.depositFen], [`deposits.${order.depositState}`, order.depositFen],
  ];
  if (s !== 'cancelled') out.push(['revenue.potential', order.priceFen]);
  return out;
}

/** The counter changes that take the figures from `before` (null: new order) to `after`. */
export function counterDeltas(before: Order | null, after: Order): CounterDelta[] {
  const raw: CounterDelta[] = [];
  if (before) {
    for (const [key, v] of contributions(before)) {
      raw.push({ launchId: before.launchId, key, delta: -v });
    }
  }
  for (const [key, v] of contributions(after)) {
    raw.push({ launchId: after.launchId, key, delta: v });
  }
  return mergeDeltas(raw);
}

/** Adds up many deltas so a batch writes each counter once, sorted by launch and key. */
export function mergeDeltas(deltas: Iterable<CounterDelta>): CounterDelta[] {
  const sums = new Map<string, { launchId: string; key: string; delta: number }>();
  for (const d of deltas) {
    const id = `${d.launchId}\u0000${d.key}`;
    const sum = sums.get(id);
    if (sum) sum.delta += d.delta;
    else sums.set(id, { launchId: d.launchId, key: d.key, delta: d.delta });
  }
  // The default sort compares UTF-16 code units: launch first, then key.
  const out: CounterDelta[] = [];
  for (const id of [...sums.keys()].sort()) {
    const d = sums.get(id)!;
    if (d.delta !== 0) out.push(d);
  }
  return out;
}

type StatusCounts = Record<OrderStatus, number>;

export interface LaunchStats {
  readonly launch_id: string;
  readonly as_of: string;
  readonly orders: StatusCounts & { total: number };
  readonly by_trim: Record<string, StatusCounts>;
  readonly by_city: Record<string, StatusCounts>;
  readonly deposits_fen: Record<DepositState | 'received', number>;
  readonly potential_revenue_fen: number;
}

const zeroCounts = (): StatusCounts => ({ firm: 0, locked: 0, cancelled: 0 });

/** Builds the public figures from the counters of one launch. */
export function statsFromCounters(launchId: string, counters: ReadonlyMap<string, number>,
  nowMs: number): LaunchStats {
  const orders = { ...zeroCounts(), total: 0 };
  const byTrim: Record<string, StatusCounts> = {};
  const byCity: Record<string, StatusCounts> = {};
  const deposits = { received: 0, held: 0, refunded: 0, forfeited: 0, applied: 0 };
  let revenue = 0;
  for (const [key, value] of counters) {
    const parts = key.split('.');
    const status = parts[parts.length - 1] as OrderStatus;
    if (parts[0] === 'orders') orders[status] = value;
    else if (parts[0] === 'trim' || parts[0] === 'city') {
      const table = parts[0] === 'trim' ? byTrim : byCity;
      const name = parts.slice(1, -1).join('.');
      (table[name] ??= zeroCounts())[status] = value;
    } else if (parts[0] === 'deposits') deposits[parts[1] as keyof typeof deposits] = value;
    else if (key === 'revenue.potential') revenue = value;
  }
  orders.total = orders.firm + orders.locked + orders.cancelled;
  return { launch_id: launchId, as_of: new Date(nowMs).toISOString(), orders, by_trim: byTrim,
    by_city: byCity, deposits_fen: deposits, potential_revenue_fen: revenue };
}
