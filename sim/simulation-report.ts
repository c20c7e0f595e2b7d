// The final report of a simulation: what was played, how fast the server answered, what went
// wrong, the audit verdict, and the night's figures beside the YU7 launch's reported ones.
import type { LatencyHistogram } from './latency-histogram.js';
import {
  SU7_DAY_ORDERS, SU7_ORDERS_BY, YU7_FIRST_HOUR_ORDERS, YU7_ORDERS_2_MIN, YU7_ORDERS_3_MIN,
} from './demand-curve.js';
import { errorsText, fmt, type RunMetrics } from './run-metrics.js';

export interface SimulationSummary {
  readonly setup: string;
  readonly phases: readonly string[];
  readonly playSeconds: number;
  readonly plannedSeconds: number;
  readonly metrics: RunMetrics;
  readonly violations: readonly { kind: string; count: number; examples: string[] }[];
  readonly auditLines: readonly string[];
  readonly passed: boolean;
  readonly scale: number;
  readonly targetStats: any;
  readonly ordersPlanned: number;
  /** The night played: the SU7 day (`--launch su7`) is compared with SU7's figures. */
  readonly night?: 'yu7' | 'su7';
  /** Simulated seconds per real second (`--speed`); absent: every mark is taken as measured. */
  readonly speed?: number;
}

/**
 * Whether orders confirmed by simulated second `markSeconds` can be counted: a confirmation's
 * simulated time is its real reply time times the speed, so a median order reply must span at
 * most a tenth of the mark. At the after-night runs' speed (36,000) one real millisecond is 36
 * simulated seconds: every reply came "after" the first minutes, which then read 0.
 */
export function markMeasured(markSeconds: number, speed: number | undefined,
  orderP50Ms: number): boolean {
  return speed === undefined || (orderP50Ms * speed) / 1000 <= markSeconds / 10;
}

/** The count for a mark, or why it was not measured. */
function markCount(n: number, markSeconds: number, s: Pick<SimulationSummary, 'metrics'
  | 'speed'>, perScale?: (n: number) => string): [string, string] {
  if (!markMeasured(markSeconds, s.speed, s.metrics.orderLatency?.percentileMs(0.5) ?? 0)) {
    return ['not measured ***', 'not measured ***'];
  }
  return [fmt(n), perScale ? perScale(n) : fmt(n)];
}

/** The footnote of a mark not measured, or nothing. */
function unmeasuredNote(rows: readonly (readonly string[])[],
  s: Pick<SimulationSummary, 'metrics' | 'speed'>): string[] {
  if (!rows.some((r) => r.includes('not measured ***'))) return [];
  const p50 = s.metrics.orderLatency?.percentileMs(0.5) ?? 0;
  return [`  *** not measured: at speed ${fmt(s.speed ?? 0)} a median order reply ` +
    `(${p50.toFixed(1)} ms) spans ${fmt(Math.round((p50 * (s.speed ?? 0)) / 1000))} simulated ` +
    'seconds, more than a tenth of the window; play the night slower to count it'];
}

export function latencyLine(h: LatencyHistogram): string {
  const p = (q: number): string => `${h.percentileMs(q).toFixed(1)}`;
  return `p50 ${p(0.5)} ms, p90 ${p(0.9)}, p99 ${p(0.99)}, p99.9 ${p(0.999)}, max ` +
    `${h.maxMs.toFixed(1)} (${fmt(h.count)} requests)`;
}

export function reportText(s: SimulationSummary): string {
  const m = s.metrics;
  const out: string[] = [];
  out.push('', `launchday simulate: ${s.setup}`);
  for (const p of s.phases) out.push(`  ${p}`);
  out.push(`  the hour took ${s.playSeconds.toFixed(1)} s of real time (planned ` +
    `${s.plannedSeconds.toFixed(1)} s)`);
  out.push('throughput:');
  out.push(`  ${fmt(m.requests)} requests, ${fmt(m.requests / s.playSeconds)}/s over the hour; ` +
    `${fmt(m.targetOrders)} orders (${fmt(m.ordersPlaced)} new, ${fmt(m.switches)} switched), ` +
    `${fmt(m.targetOrders / s.playSeconds)}/s`);
  out.push(`  ${fmt(m.locks)} early locks, ${fmt(m.changes)} changes, ${fmt(m.cancels)} ` +
    `cancellations, ${fmt(m.retries)} retries`);
  out.push('latency:');
  out.push(`  all requests   ${latencyLine(m.latency)}`);
  out.push(`  POST /orders   ${latencyLine(m.orderLatency)}`);
  out.push(`errors by code: ${errorsText(m.errorsByCode)}`);
  out.push(`  (sales_not_open, unknown_trim, per_account_limit_reached, lock_needs_confirmation, ` +
    `forfeit_not_accepted and impatient_timeout are provoked on purpose; a timeout is a request ` +
    `unanswered in 30 s, counted in the latencies as 30 s)`);
  out.push(`audit: ${s.passed ? 'PASSED' : 'FAILED'}`);
  for (const l of s.auditLines) out.push(`  ${l}`);
  for (const v of s.violations) {
    out.push(`  ${v.kind}: ${fmt(v.count)}`);
    for (const e of v.examples) out.push(`    - ${e}`);
  }
  out.push(...figuresTable(s));
  return out.join('\n');
}

/** The YU7 money figures as reported (DOMAIN.md): orders x deposit, orders x Standard price. */
export const YU7_REPORTED_DEPOSITS_FEN = YU7_FIRST_HOUR_ORDERS * 5_000 * 100;
export const YU7_REPORTED_REVENUE_FEN = YU7_FIRST_HOUR_ORDERS * 253_500 * 100;

/**
 * The night's figures beside YU7's. Each money figure twice: on the basis YU7's was reported
 * on (orders x the deposit, orders x the Standard price; the stats reply's `reported_basis`),
 * which is the one to compare, and on launchday's own (gross deposits received, each standing
 * order's own list price), which YU7 did not report.
 */
export function figuresTable(s: Pick<SimulationSummary, 'metrics' | 'targetStats' | 'scale'
  | 'ordersPlanned' | 'night' | 'speed'>): string[] {
  if (s.night === 'su7') return su7FiguresTable(s);
  const m = s.metrics;
  const stats = s.targetStats ?? {};
  const received = stats.deposits_fen?.received ?? 0;
  const revenue = stats.potential_revenue_fen ?? 0;
  const basis = stats.reported_basis ?? {};
  const yuan = (fen: number): string => `${(fen / 100 / 1e9).toFixed(3)} bn yuan`;
  const perScale = (n: number): string => fmt(n / s.scale);
  const money = (label: string, reported: string, fen: number): [string, string, string,
    string] => [label, reported, yuan(fen), yuan(fen / s.scale)];
  const rows: [string, string, string, string][] = [
    ['', 'YU7 (reported)', 'this run', 'this run / scale'],
    ['orders in first 2 minutes', fmt(YU7_ORDERS_2_MIN),
      ...markCount(m.confirmedBy.s120, 120, s, perScale)],
    ['orders in first 3 minutes', `over ${fmt(YU7_ORDERS_3_MIN)}`,
      ...markCount(m.confirmedBy.s180, 180, s, perScale)],
    ['orders in the hour', fmt(YU7_FIRST_HOUR_ORDERS),
      ...markCount(m.confirmedBy.s3600, 3600, s, perScale)],
    ['orders taken (reported basis)', fmt(YU7_FIRST_HOUR_ORDERS), fmt(basis.orders ?? 0),
      perScale(basis.orders ?? 0)],
    money('deposits, reported basis *', yuan(YU7_REPORTED_DEPOSITS_FEN),
      basis.deposits_fen ?? 0),
    money('deposits, launchday basis **', 'not reported', received),
    money('revenue, reported basis *', `about ${yuan(YU7_REPORTED_REVENUE_FEN)}`,
      basis.potential_revenue_fen ?? 0),
    money('revenue, launchday basis **', 'not reported', revenue),
  ];
  const w = [30, 22, 18, 18];
  const lines = rows.map((r) => r.map((c, i) => c.padEnd(w[i]!)).join(' ').trimEnd());
  return ['figures (orders counted when the server confirmed them, in simulated time; the plan ' +
    `had ${fmt(s.ordersPlanned)}):`, ...lines.map((l) => `  ${l}`),
  '  * as YU7 reported them: orders taken (placed or switched in, cancelled included) x the ' +
    'launch\'s deposit, and x the Standard trim\'s list price; compare these',
  '  ** launchday\'s own: every deposit received as paid (refunded, forfeited and switched-in ' +
    'included, a switched SU7 Ultra\'s 20,000 yuan too), and each standing order\'s own list ' +
    'price with options', ...unmeasuredNote(rows, s)];
}

/**
 * The SU7 day beside SU7's reported figures (DOMAIN.md): orders confirmed by 4, 7 and 27
 * minutes and within the day, and orders taken. SU7's money was not reported; the run's own is
 * shown on launchday's basis.
 */
function su7FiguresTable(s: Pick<SimulationSummary, 'metrics' | 'targetStats' | 'scale'
  | 'ordersPlanned' | 'speed'>): string[] {
  const c = s.metrics.confirmedBySu7;
  const stats = s.targetStats ?? {};
  const perScale = (n: number): string => fmt(n / s.scale);
  const yuan = (fen: number): string => `${(fen / 100 / 1e9).toFixed(3)} bn yuan`;
  const count = (label: string, reported: number, n: number, markSeconds?: number):
    [string, string, string, string] => [label, fmt(reported),
    ...(markSeconds === undefined ? [fmt(n), perScale(n)] as [string, string]
      : markCount(n, markSeconds, s, perScale))];
  const received = stats.deposits_fen?.received ?? 0;
  const revenue = stats.potential_revenue_fen ?? 0;
  const rows: [string, string, string, string][] = [
    ['', 'SU7 (reported)', 'this run', 'this run / scale'],
    count('orders in first 4 minutes', SU7_ORDERS_BY.s240, c.s240, 240),
    count('orders in first 7 minutes', SU7_ORDERS_BY.s420, c.s420, 420),
    count('orders in first 27 minutes', SU7_ORDERS_BY.s1620, c.s1620, 1620),
    count('orders in the day', SU7_DAY_ORDERS, c.s86400, 86_400),
    count('orders taken', SU7_DAY_ORDERS, stats.reported_basis?.orders ?? 0),
    ['deposits received', 'not reported', yuan(received), yuan(received / s.scale)],
    ['potential revenue', 'not reported', yuan(revenue), yuan(revenue / s.scale)],
  ];
  const w = [30, 22, 18, 18];
  return ['figures (orders counted when the server confirmed them, in simulated time; the plan ' +
    `had ${fmt(s.ordersPlanned)}):`,
  ...rows.map((r) => `  ${r.map((x, i) => x.padEnd(w[i]!)).join(' ').trimEnd()}`),
  ...unmeasuredNote(rows, s)];
}
