// The books: every figure the company runs on, folded from the ledger's sums (ledger.ts), so
// each is reproducible from the order history to the fen. Pure: the store sums the ledger by
// kind and trim and by kind and day since the opening (`LedgerSums`); `aggregateLedger` is the
// same sum over entries in memory (the contract test compares the two on both stores).
import type { LedgerEntry, LedgerKind } from './ledger.js';
import type { ProtectionRule } from './pricing.js';

export const DAY_MS = 86_400_000;
const WEEK_MS = 7 * DAY_MS;

/** The ledger of one launch summed: by kind and trim, by kind and day since the opening. */
export interface LedgerSums {
  readonly byTrim: ReadonlyArray<{ kind: LedgerKind; trim: string; fen: number; count: number }>;
  /** `day`: whole days from the launch's opening (entries before it count on day 0). */
  readonly byDay: ReadonlyArray<{ kind: LedgerKind; day: number; fen: number; count: number }>;
  /** Price credits of orders that have a balance due (they lower what is outstanding). */
  readonly creditsOnDueFen: number;
}

/** The same sums as the store's, over entries in memory (for tests and the rebuild). */
export function aggregateLedger(entries: readonly LedgerEntry[], opensAtMs: number): LedgerSums {
  const trim = new Map<string, { kind: LedgerKind; trim: string; fen: number; count: number }>();
  const day = new Map<string, { kind: LedgerKind; day: number; fen: number; count: number }>();
  const due = new Set(entries.filter((e) => e.kind === 'balance_due').map((e) => e.orderId));
  let creditsOnDueFen = 0;
  for (const e of entries) {
    const t = trim.get(`${e.kind}|${e.trim}`) ?? { kind: e.kind, trim: e.trim, fen: 0, count: 0 };
    trim.set(`${e.kind}|${e.trim}`, { ...t, fen: t.fen + e.amountFen, count: t.count + 1 });
    const d = dayOf(e.atMs, opensAtMs);
    const x = day.get(`${e.kind}|${d}`) ?? { kind: e.kind, day: d, fen: 0, count: 0 };
    day.set(`${e.kind}|${d}`, { ...x, fen: x.fen + e.amountFen, count: x.count + 1 });
    if (e.kind === 'price_credit' && due.has(e.orderId)) creditsOnDueFen += e.amountFen;
  }
  return sortSums({ byTrim: [...trim.values()], byDay: [...day.values()], creditsOnDueFen });
}

/** Code-point order: the same in JS and whatever collation the database has. */
const cmp = (a: string, b: string): number => (a < b ? -1 : a > b ? 1 : 0);

/** The sums in one order (kind, then trim or day), whichever produced them. */
export function sortSums(s: LedgerSums): LedgerSums {
  return { byTrim: [...s.byTrim].sort((a, b) => cmp(a.kind, b.kind) || cmp(a.trim, b.trim)),
    byDay: [...s.byDay].sort((a, b) => cmp(a.kind, b.kind) || a.day - b.day),
    creditsOnDueFen: s.creditsOnDueFen };
}

/** Whole days from the opening; before it counts as day 0. */
export const dayOf = (atMs: number, opensAtMs: number): number =>
  Math.max(0, Math.floor((atMs - opensAtMs) / DAY_MS));

/** The operator's settings for a launch's books. */
export interface BookSettings {
  /** What one car of each trim costs to build and deliver, fen (the margin's basis). */
  readonly costFenByTrim: Readonly<Record<string, number>>;
  /** Deliveries planned for the first year (SU7: 100,000). */
  readonly deliveriesPerYearTarget: number;
  /** The launch's price-protection rule (pricing.ts). */
  readonly protection: ProtectionRule;
}

/** A launch's settings before an operator sets them: protection on, 30 days; no costs. */
export const DEFAULT_BOOK_SETTINGS: BookSettings = Object.freeze({
  costFenByTrim: {}, deliveriesPerYearTarget: 100_000,
  protection: { undeliveredPaysLower: true, deliveredWithinDays: 30 } });

export interface Books {
  readonly launchId: string;
  readonly asOfMs: number;
  readonly deposits: { readonly receivedFen: number; readonly heldFen: number;
    readonly refundedFen: number; readonly forfeitedFen: number; readonly appliedFen: number;
    readonly orders: number };
  readonly balance: { readonly dueFen: number; readonly receivedFen: number;
    readonly outstandingFen: number };
  readonly revenue: { readonly recognisedFen: number; readonly protectionRefundsFen: number;
    readonly netFen: number; readonly deliveries: number;
    readonly readyStockReceivedFen: number; readonly readyStockRefundedFen: number };
  readonly orderBook: { readonly potentialRevenueFen: number; readonly priceCreditsFen: number };
  readonly margin: { readonly costFen: number; readonly grossMarginFen: number;
    /** Margin over net revenue in basis points (1/100 of a percent); null with no revenue. */
    readonly basisPoints: number | null;
    /** Trims delivered that have no cost set (their cars count no cost). */
    readonly trimsWithoutCost: readonly string[] };
  readonly weeks: ReadonlyArray<{ readonly week: number; readonly deliveries: number;
    readonly target: number; readonly cumulative: number; readonly cumulativeTarget: number }>;
}

/** One day of a launch's first days, cumulative, for comparing launches by elapsed time. */
export interface DayFigures {
  readonly day: number;
  readonly orders: number;
  readonly depositsFen: number;
  readonly deliveries: number;
}

const sumOf = (s: LedgerSums, kind: LedgerKind): number =>
  s.byTrim.filter((x) => x.kind === kind).reduce((a, x) => a + x.fen, 0);
const countOf = (s: LedgerSums, kind: LedgerKind): number =>
  s.byTrim.filter((x) => x.kind === kind).reduce((a, x) => a + x.count, 0);

/**
 * The books of a launch at `asOfMs` from its ledger sums. `weeksMax` bounds the weekly series
 * (Limits.booksWeeksMax). Deposits: held = received - refunded - forfeited - applied
 * (DOMAIN.md, Money). Potential revenue: the order book (booked, repriced, credited, less what
 * was cancelled or delivered). Net revenue: recognised at handover less protection refunds.
 */
export function computeBooks(launchId: string, opensAtMs: number, sums: LedgerSums,
  settings: BookSettings, asOfMs: number, weeksMax: number): Books {
  const received = sumOf(sums, 'deposit_received');
  const refunded = sumOf(sums, 'deposit_refunded');
  const forfeited = sumOf(sums, 'deposit_forfeited');
  const applied = sumOf(sums, 'deposit_applied');
  const due = sumOf(sums, 'balance_due');
  // Balance money returned (an excess part, or what a later credit made overpaid) is not paid.
  const paid = sumOf(sums, 'balance_received') - sumOf(sums, 'balance_refunded');
  const recognised = sumOf(sums, 'revenue_recognised');
  const protection = sumOf(sums, 'protection_refund');
  const credits = sumOf(sums, 'price_credit');
  const net = recognised - protection;
  let cost = 0;
  const missing: string[] = [];
  for (const x of sums.byTrim.filter((r) => r.kind === 'revenue_recognised')) {
    const c = settings.costFenByTrim[x.trim];
    if (c === undefined) missing.push(x.trim);
    else cost += c * x.count;
  }
  const margin = net - cost;
  return {
    launchId, asOfMs,
    deposits: { receivedFen: received, heldFen: received - refunded - forfeited - applied,
      refundedFen: refunded, forfeitedFen: forfeited, appliedFen: applied,
      orders: countOf(sums, 'order_booked') },
    balance: { dueFen: due, receivedFen: paid,
      outstandingFen: due - paid + sums.creditsOnDueFen },
    revenue: { recognisedFen: recognised, protectionRefundsFen: protection, netFen: net,
      deliveries: countOf(sums, 'revenue_recognised'),
      readyStockReceivedFen: sumOf(sums, 'ready_received'),
      readyStockRefundedFen: sumOf(sums, 'ready_refunded') },
    orderBook: { potentialRevenueFen: sumOf(sums, 'order_booked') + sumOf(sums, 'order_repriced')
      + sumOf(sums, 'order_unbooked') + credits, priceCreditsFen: -credits },
    margin: { costFen: cost, grossMarginFen: margin,
      basisPoints: net > 0 ? Math.round((margin * 10_000) / net) : null,
      trimsWithoutCost: missing.sort() },
    weeks: weekly(sums, opensAtMs, asOfMs, settings.deliveriesPerYearTarget, weeksMax),
  };
}

/** Deliveries per week since the opening against the year's target spread evenly (52 weeks). */
function weekly(sums: LedgerSums, opensAtMs: number, asOfMs: number, perYear: number,
  weeksMax: number): Books['weeks'] {
  const weeks = Math.min(weeksMax, Math.max(1, Math.floor((asOfMs - opensAtMs) / WEEK_MS) + 1));
  const per = new Array<number>(weeks).fill(0);
  for (const x of sums.byDay) {
    if (x.kind !== 'revenue_recognised') continue;
    const w = Math.floor(x.day / 7);
    if (w < weeks) per[w]! += x.count;
  }
  let cumulative = 0;
  return per.map((deliveries, week) => {
    cumulative += deliveries;
    // Whole cars: the cumulative target is rounded, and each week's is its share of it.
    const cumulativeTarget = Math.round((perYear * (week + 1)) / 52);
    const target = cumulativeTarget - Math.round((perYear * week) / 52);
    return { week: week + 1, deliveries, target, cumulative, cumulativeTarget };
  });
}

/** A launch's first `days` days (0 is the opening day), cumulative. */
export function dailyFigures(sums: LedgerSums, days: number): DayFigures[] {
  const out: DayFigures[] = [];
  let orders = 0;
  let depositsFen = 0;
  let deliveries = 0;
  const byDay = new Map<number, LedgerSums['byDay'][number][]>();
  for (const x of sums.byDay) byDay.set(x.day, [...(byDay.get(x.day) ?? []), x]);
  for (let day = 0; day < days; day++) {
    for (const x of byDay.get(day) ?? []) {
      if (x.kind === 'order_booked') orders += x.count;
      if (x.kind === 'deposit_received') depositsFen += x.fen;
      if (x.kind === 'revenue_recognised') deliveries += x.count;
    }
    out.push({ day, orders, depositsFen, deliveries });
  }
  return out;
}
