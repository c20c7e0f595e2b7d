import { countedStatus } from './order.js';
/**
 * Sums counter changes as they come, so that a batch writes each counter once. Keyed by launch,
 * then by counter, so adding a change builds no compound key.
 */
export class CounterSums {
    #byLaunch = new Map();
    add(launchId, key, delta) {
        let sums = this.#byLaunch.get(launchId);
        if (sums === undefined)
            this.#byLaunch.set(launchId, sums = new Map());
        sums.set(key, (sums.get(key) ?? 0) + delta);
    }
    /** Adds what an order contributes to its launch's figures (`sign` 1), or takes it back (-1). */
    addOrder(order, sign) {
        // Past the lock every status counts as locked: an allocation moves no figure.
        const s = countedStatus(order.status);
        const l = order.launchId;
        this.add(l, `orders.${s}`, sign);
        this.add(l, `trim.${order.trim}.${s}`, sign);
        this.add(l, `city.${order.city}.${s}`, sign);
        this.add(l, 'deposits.received', sign * order.depositFen);
        this.add(l, `deposits.${order.depositState}`, sign * order.depositFen);
        if (s !== 'cancelled')
            this.add(l, 'revenue.potential', sign * order.priceFen);
        // Whatever its status: an order counts as taken in the second it was placed, so a change
        // of status takes back and adds the same key (net 0) and the series never rewrites history.
        this.add(placementsOf(l), String(Math.floor(order.createdAtMs / 1000)), sign);
    }
    /**
     * The sums other than zero, sorted by launch, then key (UTF-16 code units, as the default
     * sort), and starts over empty.
     */
    take() {
        const out = [];
        for (const launchId of [...this.#byLaunch.keys()].sort()) {
            const sums = this.#byLaunch.get(launchId);
            for (const key of [...sums.keys()].sort()) {
                const delta = sums.get(key);
                if (delta !== 0)
                    out.push({ launchId, key, delta });
            }
        }
        this.#byLaunch.clear();
        return out;
    }
}
/** Adds up many deltas so a batch writes each counter once, sorted by launch and key. */
export function mergeDeltas(deltas) {
    const sums = new CounterSums();
    for (const d of deltas)
        sums.add(d.launchId, d.key, d.delta);
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
export const placementsOf = (launchId) => `placed:${launchId}`;
/** The reported basis for `orders` orders taken into `launch` (see ReportedBasis). */
export function reportedBasis(launch, orders) {
    const basePriceFen = Math.min(...launch.trims.map((t) => t.priceFen));
    return { orders, deposit_fen: launch.depositFen, base_price_fen: basePriceFen,
        deposits_fen: orders * launch.depositFen, potential_revenue_fen: orders * basePriceFen };
}
const zeroCounts = () => ({ firm: 0, locked: 0, cancelled: 0 });
/**
 * Builds the public figures from the counters of one launch; with the launch, also its figures
 * on the reported basis.
 */
export function statsFromCounters(launchId, counters, nowMs, launch) {
    const orders = { ...zeroCounts(), total: 0 };
    const byTrim = {};
    const byCity = {};
    const deposits = { received: 0, held: 0, refunded: 0, forfeited: 0, applied: 0 };
    let revenue = 0;
    for (const [key, value] of counters) {
        const parts = key.split('.');
        const status = parts[parts.length - 1];
        if (parts[0] === 'orders')
            orders[status] = value;
        else if (parts[0] === 'trim' || parts[0] === 'city') {
            const table = parts[0] === 'trim' ? byTrim : byCity;
            const name = parts.slice(1, -1).join('.');
            (table[name] ??= zeroCounts())[status] = value;
        }
        else if (parts[0] === 'deposits')
            deposits[parts[1]] = value;
        else if (key === 'revenue.potential')
            revenue = value;
    }
    orders.total = orders.firm + orders.locked + orders.cancelled;
    return { launch_id: launchId, as_of: new Date(nowMs).toISOString(), orders, by_trim: byTrim,
        by_city: byCity, deposits_fen: deposits, potential_revenue_fen: revenue,
        ...(launch ? { reported_basis: reportedBasis(launch, orders.total) } : {}) };
}
//# sourceMappingURL=launch-stats.js.map