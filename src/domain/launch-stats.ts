// Launch figures as counters: every write of an order adds the difference between what the
// order contributed before and after, so the figures never need a scan of all orders.
import type { Order, OrderStatus, DepositState } from './order.js';

export interface CounterDelta {
  readonly launchId: string;
  readonly key: string;
  readonly delta: number;
}

/**
 * Sums counter changes as they come, so that a batch writes each counter once. Keyed by launch,
 * then by counter, so adding a change builds no compound key.
 */
export class CounterSums {
  readonly #byLaunch = new Map<string, Map<string, number>>();

  add(launchId: string, key: string, delta: number): void {
    let sums = this.#byLaunch.get(launchId);
    if (sums === undefined) this.#byLaunch.set(launchId, sums = new Map());
    sums.set(key, (sums.get(key) ?? 0) + delta);
  }

  /** Adds what an order contributes to its launch's figures (`sign` 1), or takes it back (-1). */
  addOrder(order: Order, sign: 1 | -1): void {
    const s = order.status;
    const l = order.launchId;
    this.add(l, `orders.${s}`, sign);
    this.add(l, `trim.${order.trim}.${s}`, sign);
    this.add(l, `city.${order.city}.${s}`, sign);
    this.add(l, 'deposits.received', sign * order.depositFen);
    this.add(l, `deposits.${order.depositState}`, sign * order.depositFen);
    if (s !== 'cancelled') this.add(l, 'revenue.potential', sign * order.priceFen);
  }

  /**
   * The sums other than zero, sorted by launch, then key (UTF-16 code units, as the default
   * sort), and starts over empty.
   */
  take(): CounterDelta[] {
    const out: CounterDelta[] = [];
    for (const launchId of [...this.#byLaunch.keys()].sort()) {
      const sums = this.#byLaunch.get(launchId)!;
      for (const key of [...sums.keys()].sort()) {
        const delta = sums.get(key)!;
        if (delta !== 0) out.push({ launchId, key, delta });
      }
    }
    this.#byLaunch.clear();
    return out;
  }
}

/** Adds up many deltas so a batch writes each counter once, sorted by launch and key. */
export function mergeDeltas(deltas: Iterable<CounterDelta>): CounterDelta[] {
  const sums = new CounterSums();
  for (const d of deltas) sums.add(d.launchId, d.key, d.delta);
  return sums.take();
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
