// Allocation of built cars to locked orders: pure. A car goes to the locked order of exactly its
// configuration (launch, trim, options) that is first in queue order (production sequence) and
// has no car yet; a car no such order wants goes to the ready-stock pool.
/** The configuration a car and an order must share. */
export const configurationKey = (x) => `${x.launchId}\u0000${x.trim}\u0000${x.options.join(',')}`;
/**
 * Gives each car, in order, to the first waiting order of its configuration by production
 * sequence (then order id); never one car to two orders nor two cars to one order, and never an
 * order ahead of one locked before it in the same configuration.
 */
export function allocate(cars, waiting) {
    const queues = new Map();
    for (const o of waiting) {
        const k = configurationKey(o);
        let q = queues.get(k);
        if (q === undefined)
            queues.set(k, q = []);
        q.push(o);
    }
    for (const q of queues.values()) {
        q.sort((a, b) => a.trimSeq - b.trimSeq
            || (a.orderId < b.orderId ? -1 : a.orderId > b.orderId ? 1 : 0));
    }
    const next = new Map();
    const allocations = [];
    const pooled = [];
    for (const car of cars) {
        const k = configurationKey(car);
        const q = queues.get(k);
        const i = next.get(k) ?? 0;
        if (q === undefined || i >= q.length) {
            pooled.push(car.vin);
            continue;
        }
        next.set(k, i + 1);
        allocations.push({ vin: car.vin, orderId: q[i].orderId });
    }
    return { allocations, pooled };
}
//# sourceMappingURL=allocation.js.map