// The launch-night workload, derived only from the seed, the scale and the launch catalogues:
// who buys, when, what, and what each buyer does afterwards. The runner plays it; the auditor
// checks the replies. Shares marked "reported" come from DOMAIN.md; the others are ours.
import type { Catalog } from './catalog.js';
import { DemandCurve, YU7_FIRST_HOUR_ORDERS } from './demand-curve.js';
import { identityNumber, personName, phoneNumber } from './identity-generator.js';
import { Random } from './random.js';

export const SHARES = Object.freeze({
  /** Reported: under 15% of YU7 orders were switched from locked SU7 / SU7 Ultra orders. */
  switched: 0.12,
  switchedFromUltra: 0.2,
  /** Reported: about 125,000 of the first 196,000 orders were locked within two minutes. */
  earlyLock: 0.64,
  lockMeanDelaySeconds: 60,
  /** Share of early lockers whose app first sends the lock without the final confirmation. */
  lockWithoutConfirm: 0.1,
  /** Firm orders cancelled within the cooling-off period (refunded). */
  cancelFirm: 0.05,
  cancelMeanDelaySeconds: 900,
  /** Locked orders cancelled anyway (deposit forfeited); half first forget `accept_forfeit`. */
  cancelLocked: 0.01,
  cancelWithoutAccept: 0.5,
  /** Firm orders whose configuration changes during the cooling-off (free). */
  changeFirm: 0.05,
  changeMeanDelaySeconds: 120,
  buyersWithTwoOrders: 0.06,
  /** Scalpers try a third order and must meet `per_account_limit_reached` (limit 2). */
  scalpers: 0.005,
  /** Clients that give up after a few milliseconds and retry with the same key. */
  impatient: 0.03,
  /** Clients pressing "order" a second and a half before the opening (`sales_not_open`). */
  earlyClick: 0.002,
  /** A first attempt naming a trim the launch does not have (`unknown_trim`). */
  invalidTrim: 0.002,
});

/** Reported trim mix, the one the seeded capacities were chosen from (catalogue.ts). */
const TRIM_MIX: Readonly<Record<string, number>> = { standard: 0.26, pro: 0.3, max: 0.44 };

export const PER_ACCOUNT_LIMIT = 2;

export interface Configuration {
  readonly trim: string;
  readonly options: readonly string[];
  readonly city: string;
}

export interface OrderPlan {
  readonly buyer: number;
  readonly key: string;
  /** Seconds after the opening when the buyer presses "order" (or "switch"). */
  readonly arrivalSeconds: number;
  readonly config: Configuration;
  /** A switch: the buyer's locked order on `from.launchId` moves to the target launch. */
  readonly switchFrom: (Configuration & { readonly launchId: string }) | null;
  readonly impatient: boolean;
  readonly earlyClick: boolean;
  readonly invalidTrimFirst: boolean;
  /** The scalper's attempt beyond the limit: refused, creates nothing. */
  readonly beyondLimit: boolean;
  readonly change: { readonly atSeconds: number; readonly config: Configuration } | null;
  readonly lock: { readonly atSeconds: number; readonly withoutConfirmFirst: boolean } | null;
  readonly cancel: { readonly atSeconds: number; readonly withoutAcceptFirst: boolean } | null;
}

export interface BuyerPlan {
  readonly index: number;
  readonly phone: string;
  readonly name: string;
  readonly idNumber: string;
  /** In arrival order; placed one after another. */
  readonly orders: readonly OrderPlan[];
}

export interface Workload {
  readonly seed: number;
  readonly scale: number;
  readonly targetLaunchId: string;
  /** Orders the hour brings to the target launch (new plus switched). */
  readonly ordersPlanned: number;
  readonly buyers: readonly BuyerPlan[];
}

export interface WorkloadInput {
  readonly seed: number;
  readonly scale: number;
  /** Varies phones, identity numbers and keys between runs on one server; 0 for a fresh one. */
  readonly salt: number;
  readonly target: Catalog;
  readonly switchSources: readonly Catalog[];
  readonly curve?: DemandCurve;
  /** The night's orders at scale 1 (default YU7's first hour, 289,000). */
  readonly orders?: number;
}

export function buildWorkload(input: WorkloadInput): Workload {
  const ordersPlanned = Math.max(1, Math.round((input.orders ?? YU7_FIRST_HOUR_ORDERS) * input.scale));
  const curve = input.curve ?? new DemandCurve();
  const arrivals = arrivalTimes(ordersPlanned, curve, Random.stream(input.seed, 'arrivals'));
  const people = Random.stream(input.seed, 'people');
  const choices = Random.stream(input.seed, 'choices');
  const switches = input.switchSources.length === 0 ? 0 : Math.round(SHARES.switched * ordersPlanned);
  const buyers: BuyerPlan[] = [];
  let next = 0;
  while (next < ordersPlanned) {
    const index = buyers.length;
    const isSwitch = next < switches;
    const scalper = !isSwitch && choices.chance(SHARES.scalpers);
    const want = isSwitch ? 1 : scalper || choices.chance(SHARES.buyersWithTwoOrders) ? 2 : 1;
    const count = Math.min(want, ordersPlanned - next);
    const times = arrivals.slice(next, next + count).sort((a, b) => a - b);
    next += count;
    let orders: OrderPlan[] = times.map((t, seq) => orderPlan(input, choices, index, seq, t,
      isSwitch, curve.durationSeconds));
    if (scalper && count === PER_ACCOUNT_LIMIT) {
      // A scalper keeps every order, so the attempt beyond the limit must be refused.
      orders = orders.map((o) => ({ ...o, cancel: null }));
      const last = orders[orders.length - 1]!;
      orders.push({ ...plainOrder(input, choices, index, orders.length, last.arrivalSeconds),
        beyondLimit: true });
    }
    buyers.push({ index, phone: phoneNumber(index, input.salt), name: personName(people),
      idNumber: identityNumber(index, input.salt, people), orders });
  }
  return Object.freeze({ seed: input.seed, scale: input.scale,
    targetLaunchId: input.target.launchId, ordersPlanned, buyers });
}

/**
 * Stratified inverse-CDF sampling: the i-th of n arrivals falls in the i-th n-quantile of the
 * curve, so even a small run follows the curve closely. Shuffled, so that which buyer comes first
 * is random while the counts per second stay on the curve.
 */
export function arrivalTimes(n: number, curve: DemandCurve, random: Random): number[] {
  const times: number[] = [];
  for (let i = 0; i < n; i++) times.push(curve.inverse((i + random.next()) / n));
  for (let i = n - 1; i > 0; i--) {
    const j = random.int(i + 1);
    [times[i], times[j]] = [times[j]!, times[i]!];
  }
  return times;
}

function plainOrder(input: WorkloadInput, r: Random, buyer: number, seq: number,
  arrivalSeconds: number): OrderPlan {
  return {
    buyer, key: `s${input.seed}r${input.salt}b${buyer}o${seq}`, arrivalSeconds,
    config: configuration(input.target, r), switchFrom: null, impatient: false,
    earlyClick: false, invalidTrimFirst: false, beyondLimit: false, change: null, lock: null,
    cancel: null,
  };
}

function orderPlan(input: WorkloadInput, r: Random, buyer: number, seq: number,
  arrivalSeconds: number, isSwitch: boolean, endSeconds: number): OrderPlan {
  const base = plainOrder(input, r, buyer, seq, arrivalSeconds);
  if (isSwitch) {
    const ultra = input.switchSources.find((c) => c.trims.length === 1);
    const source = ultra !== undefined && r.chance(SHARES.switchedFromUltra) ? ultra
      : input.switchSources[0]!;
    const from = { ...configuration(source, r, input.target.cities), launchId: source.launchId };
    // The car moves to the target launch; the buyer keeps their city.
    return { ...base, config: { ...base.config, city: from.city }, switchFrom: from };
  }
  const at = (after: number, mean: number): number =>
    Math.min(endSeconds, after + r.exponential(mean));
  let t = arrivalSeconds;
  let change: OrderPlan['change'] = null;
  if (r.chance(SHARES.changeFirm)) {
    t = at(t, SHARES.changeMeanDelaySeconds);
    change = { atSeconds: t, config: differentConfiguration(input.target, r, base.config) };
  }
  let lock: OrderPlan['lock'] = null;
  let cancel: OrderPlan['cancel'] = null;
  if (r.chance(SHARES.earlyLock)) {
    t = at(t, SHARES.lockMeanDelaySeconds);
    lock = { atSeconds: t, withoutConfirmFirst: r.chance(SHARES.lockWithoutConfirm) };
    if (r.chance(SHARES.cancelLocked)) {
      cancel = { atSeconds: at(t, SHARES.cancelMeanDelaySeconds),
        withoutAcceptFirst: r.chance(SHARES.cancelWithoutAccept) };
    }
  } else if (r.chance(SHARES.cancelFirm)) {
    cancel = { atSeconds: at(t, SHARES.cancelMeanDelaySeconds), withoutAcceptFirst: false };
  }
  return {
    ...base, change, lock, cancel,
    impatient: r.chance(SHARES.impatient),
    earlyClick: r.chance(SHARES.earlyClick),
    invalidTrimFirst: r.chance(SHARES.invalidTrim),
  };
}

/** A new configuration in the same city that differs from `current` (else nothing changes). */
function differentConfiguration(catalog: Catalog, r: Random, current: Configuration):
  Configuration {
  const next = { ...configuration(catalog, r), city: current.city };
  if (next.trim !== current.trim || next.options.join() !== current.options.join()) return next;
  const trims = catalog.trims.map((t) => t.trim);
  return { ...next, trim: trims[(trims.indexOf(next.trim) + 1) % trims.length]! };
}

/** A configuration: trim by the reported mix, one colour, one set of wheels, some extras. */
export function configuration(catalog: Catalog, r: Random,
  allowedCities?: readonly string[]): Configuration {
  const trims = catalog.trims.map((t) => t.trim);
  const trim = r.weighted(trims, trims.map((t) => TRIM_MIX[t] ?? 1 / trims.length));
  const options: string[] = [];
  for (const group of ['colour', 'wheels'] as const) {
    const choices = catalog.options.filter((o) => o.group === group);
    if (choices.length === 0) continue;
    // The default is what most buyers keep.
    const pick = r.weighted(choices, choices.map((o) => (o.isDefault ? choices.length : 1)));
    options.push(pick.optionId);
  }
  for (const extra of catalog.options.filter((o) => o.group === 'extras')) {
    if (r.chance(0.2)) options.push(extra.optionId);
  }
  const cities = catalog.cities.filter((c) => allowedCities?.includes(c) ?? true);
  // Demand concentrates in the largest cities, listed first (a Zipf-like fall-off).
  const city = r.weighted(cities, cities.map((_, i) => 1 / (i + 1) ** 0.8));
  return { trim, options: options.sort(), city };
}
