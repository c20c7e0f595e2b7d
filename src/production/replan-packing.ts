// A re-plan's result in a compact form that crosses between threads cheaply: the estimates to
// write as one Int32Array (transferred, not copied) and two joined strings, with the few
// distinct launch, trim, city and centre names in a dictionary. A re-plan computed off the event
// loop (replan-worker.ts) sends it; the event loop unpacks one slice at a time as it writes.
import type { OrderEstimate } from './estimates.js';
import type { MovedEstimate, ReplanResult } from './replan.js';

/** Int32 fields per estimate: launch, trim, city, centre (dictionary; -1 none), the numbers. */
const FIELDS = 10;
const SEP = '\n';

export interface PackedReplan {
  /** Estimates to write, in queue order (launch, trim, position): order ids joined by SEP. */
  readonly orderIds: string;
  readonly accountIds: string;
  readonly names: readonly string[];
  /** FIELDS per estimate, see `pack`. */
  readonly ints: Int32Array;
  /** Index into the estimates to write of each moved one, increasing, and its old week. */
  readonly moved: Int32Array;
  readonly movedFromWeek: Int32Array;
  /** Order ids whose stored estimate goes (left the queue), joined by SEP. */
  readonly remove: string;
  readonly estimated: number;
  readonly earlier: number;
  readonly later: number;
}

const byQueue = (a: OrderEstimate, b: OrderEstimate): number =>
  (a.launchId < b.launchId ? -1 : a.launchId > b.launchId ? 1 : 0)
  || (a.trim < b.trim ? -1 : a.trim > b.trim ? 1 : 0) || a.position - b.position;

/**
 * Packs a re-plan's result. The estimates to write are put in queue order, so that the moved
 * ones among them (a subset) come in the order `replan` lists them and change rows are numbered
 * in that order whichever slice writes them.
 */
export function pack(r: ReplanResult): PackedReplan {
  const write = [...r.write].sort(byQueue);
  const names: string[] = [];
  const index = new Map<string, number>();
  const name = (s: string | null): number => {
    if (s === null) return -1;
    let i = index.get(s);
    if (i === undefined) {
      i = names.push(s) - 1;
      index.set(s, i);
    }
    return i;
  };
  const ints = new Int32Array(write.length * FIELDS);
  const at = new Map<string, number>();
  write.forEach((e, i) => {
    at.set(e.orderId, i);
    ints.set([name(e.launchId), name(e.trim), name(e.city), name(e.centre), e.position,
      e.buildWeek, e.arrivalWeek, e.handoverWeek, e.planVersion, e.trimSeq], i * FIELDS);
  });
  const movedAt = r.moved.map((m) => [at.get(m.after.orderId)!, m.before.handoverWeek] as const)
    .sort((a, b) => a[0] - b[0]);
  return { orderIds: write.map((e) => e.orderId).join(SEP),
    accountIds: write.map((e) => e.accountId).join(SEP), names, ints,
    moved: Int32Array.from(movedAt.map((m) => m[0])),
    movedFromWeek: Int32Array.from(movedAt.map((m) => m[1])),
    remove: r.remove.join(SEP), estimated: r.estimates.size, earlier: r.earlier, later: r.later };
}

/** The packed estimates unpacked by slice, and the moved ones of each slice. */
export class UnpackedReplan {
  readonly #orderIds: string[];
  readonly #accountIds: string[];

  constructor(readonly p: PackedReplan) {
    this.#orderIds = p.orderIds === '' ? [] : p.orderIds.split(SEP);
    this.#accountIds = p.accountIds === '' ? [] : p.accountIds.split(SEP);
  }

  /** How many estimates to write. */
  get size(): number {
    return this.#orderIds.length;
  }

  get remove(): string[] {
    return this.p.remove === '' ? [] : this.p.remove.split(SEP);
  }

  estimate(i: number): OrderEstimate {
    const v = this.p.ints.subarray(i * FIELDS, (i + 1) * FIELDS);
    const n = this.p.names;
    return { orderId: this.#orderIds[i]!, accountId: this.#accountIds[i]!,
      launchId: n[v[0]!]!, trim: n[v[1]!]!, city: n[v[2]!]!,
      centre: v[3]! < 0 ? null : n[v[3]!]!, position: v[4]!, buildWeek: v[5]!,
      arrivalWeek: v[6]!, handoverWeek: v[7]!, planVersion: v[8]!, trimSeq: v[9]! };
  }

  /**
   * Estimates `from` (included) to `to` (excluded), and the moved ones among them, in order.
   * A moved one's `before` is its `after` with the old handover week: the week is all a change
   * row reads of it (replan.ts changeRow).
   */
  slice(from: number, to: number): { write: OrderEstimate[]; moved: MovedEstimate[] } {
    const write: OrderEstimate[] = [];
    for (let i = from; i < to; i++) write.push(this.estimate(i));
    const moved: MovedEstimate[] = [];
    const m = this.p.moved;
    // Moved indexes increase: find this slice's first by binary search.
    let lo = 0;
    let hi = m.length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (m[mid]! < from) lo = mid + 1;
      else hi = mid;
    }
    for (let k = lo; k < m.length && m[k]! < to; k++) {
      const after = write[m[k]! - from]!;
      moved.push({ before: { ...after, handoverWeek: this.p.movedFromWeek[k]! }, after });
    }
    return { write, moved };
  }
}
