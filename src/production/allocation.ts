// Allocation of built cars to locked orders: pure. A car goes to the locked order of exactly its
// configuration (launch, trim, options) that is first in queue order (production sequence) and
// has no car yet; a car no such order wants goes to the ready-stock pool.

/** A built car with its VIN and exact configuration, in the order it was recorded. */
export interface BuiltCar {
  readonly vin: string;
  readonly launchId: string;
  readonly trim: string;
  /** Option ids, sorted, defaults filled in (as an order's). */
  readonly options: readonly string[];
}

/** A locked order still waiting for a car. */
export interface WaitingOrder {
  readonly orderId: string;
  readonly launchId: string;
  readonly trim: string;
  readonly options: readonly string[];
  readonly trimSeq: number;
}

export interface AllocationResult {
  /** In the cars' order. */
  readonly allocations: ReadonlyArray<{ readonly vin: string; readonly orderId: string }>;
  /** Cars no waiting order wants: to the ready-stock pool. */
  readonly pooled: readonly string[];
}

/** The configuration a car and an order must share. */
export const configurationKey = (x: { launchId: string; trim: string;
  options: readonly string[] }): string => `${x.launchId}\u0000${x.trim}\u0000${x.options.join(',')}`;

/**
 * Gives each car, in order, to the first waiting order of its configuration by production
 * sequence (then order id); never one car to two orders nor two cars to one order, and never an
 * order ahead of one locked before it in the same configuration.
 */
export function allocate(cars: readonly BuiltCar[], waiting: readonly WaitingOrder[]):
  AllocationResult {
  const queues = new Map<string, WaitingOrder[]>();
  for (const o of waiting) {
    const k = configurationKey(o);
    let q = queues.get(k);
    if (q === undefined) queues.set(k, q = []);
    q.push(o);
  }
  for (const q of queues.values()) {
    q.sort((a, b) => a.trimSeq - b.trimSeq
      || (a.orderId < b.orderId ? -1 : a.orderId > b.orderId ? 1 : 0));
  }
  const next = new Map<string, number>();
  const allocations: Array<{ vin: string; orderId: string }> = [];
  const pooled: string[] = [];
  for (const car of cars) {
    const k = configurationKey(car);
    const q = queues.get(k);
    const i = next.get(k) ?? 0;
    if (q === undefined || i >= q.length) {
      pooled.push(car.vin);
      continue;
    }
    next.set(k, i + 1);
    allocations.push({ vin: car.vin, orderId: q[i]!.orderId });
  }
  return { allocations, pooled };
}
