// What the report shows: requests and their latencies, replies by code, and firm orders counted
// by the simulated minute in which the server confirmed them.
import { LatencyHistogram } from './latency-histogram.js';

export class RunMetrics {
  readonly latency = new LatencyHistogram();
  readonly orderLatency = new LatencyHistogram();
  private interval = new LatencyHistogram();
  readonly errorsByCode = new Map<string, number>();
  requests = 0;
  ordersPlaced = 0;
  switches = 0;
  locks = 0;
  cancels = 0;
  changes = 0;
  retries = 0;
  /** Target-launch orders (new or switched) confirmed by simulated second 120, 180, 3600. */
  readonly confirmedBy = { s120: 0, s180: 0, s3600: 0, later: 0 };
  /** The same by SU7's reported marks: 4, 7 and 27 minutes, and the day. */
  readonly confirmedBySu7 = { s240: 0, s420: 0, s1620: 0, s86400: 0 };
  private lastOrders = 0;
  private lastAtMs = performance.now();
  readonly startedAtMs = performance.now();

  recordRequest(latencyMs: number, isOrder: boolean): void {
    this.requests += 1;
    this.latency.record(latencyMs);
    this.interval.record(latencyMs);
    if (isOrder) this.orderLatency.record(latencyMs);
  }

  recordError(code: string): void {
    this.errorsByCode.set(code, (this.errorsByCode.get(code) ?? 0) + 1);
  }

  /** A new or switched order of the target launch, confirmed at simulated second `t`. */
  recordConfirmed(t: number): void {
    if (t <= 120) this.confirmedBy.s120 += 1;
    if (t <= 180) this.confirmedBy.s180 += 1;
    if (t <= 3600) this.confirmedBy.s3600 += 1;
    else this.confirmedBy.later += 1;
    if (t <= 240) this.confirmedBySu7.s240 += 1;
    if (t <= 420) this.confirmedBySu7.s420 += 1;
    if (t <= 1620) this.confirmedBySu7.s1620 += 1;
    if (t <= 86_400) this.confirmedBySu7.s86400 += 1;
  }

  get targetOrders(): number {
    return this.ordersPlaced + this.switches;
  }

  /** One progress line; resets the per-interval figures. */
  progressLine(simSeconds: number, backlog: number): string {
    const now = performance.now();
    const rate = ((this.targetOrders - this.lastOrders) * 1000) / Math.max(1, now - this.lastAtMs);
    this.lastOrders = this.targetOrders;
    this.lastAtMs = now;
    const p99 = this.interval.percentileMs(0.99);
    this.interval = new LatencyHistogram();
    const t = Math.max(0, Math.floor(simSeconds));
    const clock = `${String(Math.floor(t / 60)).padStart(2, '0')}:${String(t % 60).padStart(2, '0')}`;
    return `[sim ${clock}] orders ${fmt(this.targetOrders)} (${fmt(rate)}/s) locks ` +
      `${fmt(this.locks)} cancels ${fmt(this.cancels)} p99 ${p99.toFixed(1)} ms backlog ` +
      `${fmt(backlog)} errors ${errorsText(this.errorsByCode)}`;
  }
}

export function fmt(n: number): string {
  return Math.round(n).toLocaleString('en-US');
}

/** `n` and its noun, singular for exactly one: "1 API process", "2 API processes". */
export function counted(n: number, noun: string, nouns = `${noun}s`): string {
  return `${fmt(n)} ${n === 1 ? noun : nouns}`;
}

export function errorsText(errors: ReadonlyMap<string, number>): string {
  if (errors.size === 0) return 'none';
  return [...errors].sort((a, b) => b[1] - a[1]).map(([c, n]) => `${c} ${fmt(n)}`).join(', ');
}
