// Launch figures as counters: every write of an order adds the difference between what the
// order contributed before and after, so the figures never need a scan of all orders.
import type { Launch } from '../launches/index.js';
import { countedStatus, type Order, type DepositState } from './order.js';

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
    // Past the lock every status counts as locked: an allocation moves no figure.
    const s = countedStatus(order.status);
    const l = order.launchId;
    this.add(l, `orders.${s}`, sign);
    this.add(l, `trim.${order.trim}.${s}`, sign);
    this.add(l, `city.${order.city}.${s}`, sign);
    this.add(l, 'deposits.received', sign * order.depositFen);
    this.add(l, `deposits.${order.depositState}`, sign * order.depositFen);
    if (s !== 'cancelled') this.add(l, 'revenue.potential', sign * order.priceFen);
    // Whatever its status: an order counts as taken in the second it was placed, so a change
    // of status takes back and adds the same key (net 0) and the series never rewrites history.
    this.add(placementsOf(l), String(Math.floor(order.createdAtMs / 1000)), sign);
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

/**
 * The counters holding a launch's orders by the second they were placed (key: Unix seconds,
 * value: orders taken in that second, cancelled ones included). They are kept as the counters
 * of a launch of their own name, `placed:<launch id>`, so that they are written in the same
 * transaction as the order, sharded the same way across processes, and never read with the
 * launch's own figures (which every estimate reads): the live series (live-series.ts) reads
 * them alone. Launch ids hold no `:`, so the name cannot meet a real launch.
 */
export const placementsOf = (launchId: string): string => `placed:${launchId}`;

/** Orders by counted status (countedStatus: `locked` includes every status past the lock). */
type StatusCounts = Record<ReturnType<typeof countedStatus>, number>;

/**
 * The night's money on the basis the carmaker's figures were reported on (DOMAIN.md: "289,000 x
 * 5,000 = 1.445 billion yuan of deposits; 289,000 x 253,500 = about 73 billion yuan of potential
 * revenue"), so that launchday's figures can be set beside them like for like. launchday's own
 * (`deposits_fen.received`, `potential_revenue_fen`) are gross deposits actually received,
 * whatever their amount (a switched-in SU7 Ultra order brought 20,000 yuan), and each standing
 * order's own list price with its options.
 */
export interface ReportedBasis {
  /** Orders taken into the launch: placed or switched in, cancelled ones included (fen: no). */
  readonly orders: number;
  /** The launch's deposit, in fen: the multiplier of `deposits_fen`. */
  readonly deposit_fen: number;
  /** The lowest trim's list price (Standard), in fen: the multiplier of the revenue. */
  readonly base_price_fen: number;
  /** `orders` x `deposit_fen`. */
  readonly deposits_fen: number;
  /** `orders` x `base_price_fen`. */
  readonly potential_revenue_fen: number;
}

export interface LaunchStats {
  readonly launch_id: string;
  readonly as_of: string;
  readonly orders: StatusCounts & { total: number };
  readonly by_trim: Record<string, StatusCounts>;
  readonly by_city: Record<string, StatusCounts>;
  readonly deposits_fen: Record<DepositState | 'received', number>;
  readonly potential_revenue_fen: number;
  /** The same night on the reported basis; present when the launch is known. */
  readonly reported_basis?: ReportedBasis;
}

/** The reported basis for `orders` orders taken into `launch` (see ReportedBasis). */
export function reportedBasis(launch: Launch, orders: number): ReportedBasis {
  const basePriceFen = Math.min(...launch.trims.map((t) => t.priceFen));
  return { orders, deposit_fen: launch.depositFen, base_price_fen: basePriceFen,
    deposits_fen: orders * launch.depositFen, potential_revenue_fen: orders * basePriceFen };
}

const zeroCounts = (): StatusCounts => ({ firm: 0, locked: 0, cancelled: 0 });

/**
 * Builds the public figures from the counters of one launch; with the launch, also its figures
 * on the reported basis.
 */
export function statsFromCounters(launchId: string, counters: ReadonlyMap<string, number>,
  nowMs: number, launch?: Launch): LaunchStats {
  const orders = { ...zeroCounts(), total: 0 };
  const byTrim: Record<string, StatusCounts> = {};
  const byCity: Record<string, StatusCounts> = {};
  const deposits = { received: 0, held: 0, refunded: 0, forfeited: 0, applied: 0 };
  let revenue = 0;
  for (const [key, value] of counters) {
    const parts = key.split('.');
    const status = parts[parts.length - 1] as keyof StatusCounts;
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
    by_city: byCity, deposits_fen: deposits, potential_revenue_fen: revenue,
    ...(launch ? { reported_basis: reportedBasis(launch, orders.total) } : {}) };
}
