// Prometheus metrics (prom-client): what the people running launch night put on dashboards and
// alert on. Requests are counted by route pattern (never the raw URL, so the series stay
// bounded) and status; the rest is read from the running parts when Prometheus scrapes.
import { timingSafeEqual } from 'node:crypto';
import {
  collectDefaultMetrics, Counter, Gauge, Histogram, Registry,
} from 'prom-client';
import { refuse } from './outcomes.js';
import { sha256 } from './ids.js';
import type { BatchObservation } from './write/group-committer.js';
import type { Route } from './http/route.js';
import { metrics as metricsContract } from './http/health-schemas.js';

/** Most pending payment operations counted at a scrape: the gauge saturates there. */
export const OUTBOX_COUNT_MAX = 1_000;
/** How long a scrape waits for the store's outbox count before reporting it unknown. */
const OUTBOX_COUNT_TIMEOUT_MS = 1_000;

/** Latency buckets in seconds: a reply within 1 ms to the client's 2.5 s give-up. */
const LATENCY_BUCKETS = [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5];
/** Commands per group-commit batch: powers of two up to the batch limit's default. */
const BATCH_BUCKETS = [1, 2, 4, 8, 16, 32, 64, 128, 256, 512, 1024, 2048];
/** How long the oldest command waited; shedding begins at the 100 ms default. */
const QUEUE_DELAY_BUCKETS = [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 1];

const METHODS = new Set(['GET', 'HEAD', 'POST', 'PUT', 'PATCH', 'DELETE', 'OPTIONS']);

/** The lane's plain counts (http-lane.ts), copied into the metrics at each scrape. */
export interface LaneCounts {
  readonly answered: number;
  readonly handedOver: number;
  /** Storms the storm guard began (storm-guard.ts). */
  readonly storms: number;
  /** Connections held for a storm window. */
  readonly held: number;
}

/** What the metrics read from the running parts at each scrape. */
export interface MetricsSources {
  /** 1 while the store takes reads and writes, 0 while it does not. Default: always 1. */
  readonly storeUp?: () => number;
  /** Live-screen viewers connected (LiveHub.viewerCount). */
  readonly liveViewers: () => number;
  /** Writes waiting for a group commit. */
  readonly pendingCommands: () => number;
  /** Payment operations not yet handed to the provider, counted up to OUTBOX_COUNT_MAX. */
  readonly outboxPending: () => Promise<number>;
  /** Messages to buyers per delivery state (queued, sending, sent, delivered, failed). */
  readonly notificationCounts?: () => Promise<Readonly<Record<string, number>>>;
}

type CounterChild = ReturnType<Counter<string>['labels']>;

/**
 * The series of one route (method and path pattern): replies by status, latency, and
 * refusals for load or rate. Every request counts a reply and its latency: those are plain
 * numbers here, copied into the exposition at each scrape (a prom-client child hashes its labels
 * again on each `inc` and `observe`: 7 us a request of the event loop in the storm's profile,
 * docs/benchmarks.md). Refusals are rare and counted in prom-client directly.
 */
export class RouteSeries {
  /** Replies by status code. */
  readonly byStatus = new Map<number, number>();
  /** Replies per latency bucket (LATENCY_BUCKETS, then one past the last), not cumulative. */
  readonly buckets = new Float64Array(LATENCY_BUCKETS.length + 1);
  /** Seconds of every reply's latency together, and replies counted in `buckets`. */
  sum = 0;
  count = 0;
  readonly #refusals = new Map<string, CounterChild>();

  constructor(private readonly metrics: Metrics, readonly method: string,
    readonly route: string) {}

  /** Counts a reply of `status` that took `seconds` from the request's arrival. */
  observe(status: number, seconds: number): void {
    this.byStatus.set(status, (this.byStatus.get(status) ?? 0) + 1);
    let b = 0;
    while (b < LATENCY_BUCKETS.length && seconds > LATENCY_BUCKETS[b]!) b++;
    this.buckets[b]!++;
    this.sum += seconds;
    this.count++;
  }

  /** Counts a refusal for load or rate (a 503 or 429) by its outcome code. */
  refused(code: string): void {
    let child = this.#refusals.get(code);
    if (child === undefined) {
      child = this.metrics.refusals.labels(this.method, this.route, code);
      this.#refusals.set(code, child);
    }
    child.inc();
  }
}

/** One sample of a metric as prom-client's registry writes it (a histogram's buckets etc.). */
interface Sample {
  readonly labels: Record<string, string | number>;
  readonly value: number;
  readonly metricName: string;
}

/**
 * The request latency histogram, read from the routes' plain counts at each scrape: the same
 * exposition as a prom-client Histogram labelled by method and route (`_bucket` with `le`,
 * cumulative; `_sum`; `_count`), registered as a metric of the registry.
 */
class LatencyHistogram {
  readonly type = 'histogram';
  readonly aggregator = 'sum';

  constructor(readonly name: string, readonly help: string,
    readonly series: () => Iterable<RouteSeries>) {}

  async get(): Promise<{ name: string; help: string; type: string; aggregator: string;
    values: Sample[] }> {
    const values: Sample[] = [];
    for (const s of this.series()) {
      if (s.count === 0) continue;
      const labels = { method: s.method, route: s.route };
      let cumulative = 0;
      LATENCY_BUCKETS.forEach((le, i) => {
        cumulative += s.buckets[i]!;
        values.push({ labels: { ...labels, le }, value: cumulative,
          metricName: `${this.name}_bucket` });
      });
      values.push({ labels: { ...labels, le: '+Inf' }, value: s.count,
        metricName: `${this.name}_bucket` });
      values.push({ labels, value: s.sum, metricName: `${this.name}_sum` });
      values.push({ labels, value: s.count, metricName: `${this.name}_count` });
    }
    return { name: this.name, help: this.help, type: this.type, aggregator: this.aggregator,
      values };
  }

  /** prom-client's registry resets its metrics on `resetMetrics`; these counts are the routes'. */
  reset(): void {}
}

/**
 * The process-wide metrics (event-loop delay, memory, CPU, GC): one registry per process,
 * however many launchdays a test process builds, since prom-client's collectors cannot be
 * stopped once started.
 */
let processRegistry: Registry | null = null;
function processMetrics(): Registry {
  if (processRegistry === null) {
    processRegistry = new Registry();
    collectDefaultMetrics({ register: processRegistry });
  }
  return processRegistry;
}

/**
 * launchday's metrics, in a registry of its own (several launchdays in one test process do not
 * share counters). Requests are counted by the HTTP shell through `series`, batches by the
 * group committer through `batch`; the rest is read from `sources` at each scrape.
 */
export class Metrics {
  readonly registry = new Registry();
  readonly refusals: Counter<string>;
  readonly #series = new Map<string, RouteSeries>();
  readonly #batches: Counter<string>;
  readonly #batchFailures: Counter<string>;
  readonly #batchCommands: Histogram<string>;
  readonly #queueDelay: Histogram<string>;
  readonly #commitSeconds: Histogram<string>;
  #lane: (() => LaneCounts) | null = null;
  #refusedConnections: (() => number) | null = null;

  constructor(sources: MetricsSources) {
    const registers = [this.registry];
    const series = (): Iterable<RouteSeries> => this.#series.values();
    // The routes' plain counts (RouteSeries), copied at each scrape.
    new Counter({ name: 'launchday_http_requests_total', registers,
      help: 'Requests answered, by method, route pattern and status code.',
      labelNames: ['method', 'route', 'status'],
      collect() {
        this.reset();
        for (const s of series()) {
          for (const [status, n] of s.byStatus) {
            this.labels(s.method, s.route, String(status)).inc(n);
          }
        }
      } });
    this.registry.registerMetric(new LatencyHistogram('launchday_http_request_duration_seconds',
      'Time from a request read to its reply written, by method and route pattern.',
      series) as never);
    this.refusals = new Counter({ name: 'launchday_http_refusals_total', registers,
      help: 'Requests refused for load or rate (503, 429), by route pattern and outcome code.',
      labelNames: ['method', 'route', 'code'] });
    this.#batches = new Counter({ name: 'launchday_commit_batches_total', registers,
      help: 'Group-commit batches written.' });
    this.#batchFailures = new Counter({ name: 'launchday_commit_batch_failures_total',
      registers, help: 'Group-commit batches whose execution failed (their requests got 500).' });
    this.#batchCommands = new Histogram({ name: 'launchday_commit_batch_commands', registers,
      help: 'Commands per group-commit batch.', buckets: BATCH_BUCKETS });
    this.#queueDelay = new Histogram({ name: 'launchday_commit_queue_delay_seconds', registers,
      help: 'How long the oldest command of each batch waited before its batch began.',
      buckets: QUEUE_DELAY_BUCKETS });
    this.#commitSeconds = new Histogram({ name: 'launchday_commit_duration_seconds', registers,
      help: 'Time to write and flush one group-commit batch.', buckets: LATENCY_BUCKETS });
    const storeUp = sources.storeUp ?? (() => 1);
    new Gauge({ name: 'launchday_store_up', registers,
      help: '1 while the store takes reads and writes, 0 while it does not.',
      collect() { this.set(storeUp()); } });
    new Gauge({ name: 'launchday_live_viewers', registers,
      help: 'Viewers connected to the live launch screen.',
      collect() { this.set(sources.liveViewers()); } });
    new Gauge({ name: 'launchday_commit_pending_commands', registers,
      help: 'Writes waiting for a group commit (refused with 503 beyond the limit).',
      collect() { this.set(sources.pendingCommands()); } });
    new Gauge({ name: 'launchday_payment_outbox_pending', registers,
      help: `Payment operations (refunds) not yet handed to the provider, counted up to ${
        OUTBOX_COUNT_MAX}; NaN when the store did not answer.`,
      async collect() { this.set(await withTimeout(sources.outboxPending())); } });
    const notificationCounts = sources.notificationCounts;
    if (notificationCounts) {
      new Gauge({ name: 'launchday_notifications', registers, labelNames: ['state'],
        help: 'Messages to buyers in the notification outbox, by delivery state; none when '
          + 'the store did not answer within 1 s.',
        async collect() {
          this.reset();
          const counts = await withTimeout(notificationCounts(), null);
          for (const [state, n] of Object.entries(counts ?? {})) this.labels(state).set(n);
        } });
    }
    const lane = (): LaneCounts =>
      this.#lane?.() ?? { answered: 0, handedOver: 0, storms: 0, held: 0 };
    // The lane keeps plain counts on its hot path; they are copied here at each scrape.
    new Counter({ name: 'launchday_lane_requests_total', registers,
      help: 'Requests answered by the lane (launchday\'s own HTTP/1.1 reader).',
      collect() { this.reset(); this.inc(lane().answered); } });
    new Counter({ name: 'launchday_lane_handovers_total', registers,
      help: 'Connections the lane gave to node:http (pages, streams, anything unusual).',
      collect() { this.reset(); this.inc(lane().handedOver); } });
    new Counter({ name: 'launchday_connection_storms_total', registers,
      help: 'Storms of new connections seen by the lane\'s storm guard (a long accept queue).',
      collect() { this.reset(); this.inc(lane().storms); } });
    new Counter({ name: 'launchday_storm_holds_total', registers,
      help: 'Kept-alive connections whose next request waited for the next storm window.',
      collect() { this.reset(); this.inc(lane().held); } });
    const refused = (): number => this.#refusedConnections?.() ?? 0;
    new Counter({ name: 'launchday_connections_refused_total', registers,
      help: 'New connections refused because their address or IPv6 /48 held too many already '
        + '(LAUNCHDAY_CONNECTIONS_PER_ADDRESS_MAX, LAUNCHDAY_CONNECTIONS_PER_NETWORK_MAX).',
      collect() { this.reset(); this.inc(refused()); } });
  }

  /** The series of a route; `route` is a path pattern or a fixed word, never a raw URL. */
  series(method: string, route: string): RouteSeries {
    const m = METHODS.has(method) ? method : 'OTHER';
    const key = `${m} ${route}`;
    let s = this.#series.get(key);
    if (s === undefined) this.#series.set(key, (s = new RouteSeries(this, m, route)));
    return s;
  }

  /** The group committer's hook: one call per batch. */
  readonly batch = (b: BatchObservation): void => {
    if (!b.ok) {
      this.#batchFailures.inc();
      return;
    }
    this.#batches.inc();
    this.#batchCommands.observe(b.commands);
    this.#queueDelay.observe(b.queueDelayMs / 1000);
    this.#commitSeconds.observe(b.durationMs / 1000);
  };

  /** Reads the lane's counts at each scrape (the lane exists only once a port is open). */
  watchLane(counts: () => LaneCounts): void {
    this.#lane = counts;
  }

  /** Reads the per-address refusals at each scrape (connection-gate.ts; once a port is open). */
  watchConnections(refused: () => number): void {
    this.#refusedConnections = refused;
  }

  get contentType(): string {
    return this.registry.contentType;
  }

  /** The exposition text: launchday's series, then the process's. */
  async text(): Promise<string> {
    const [own, proc] = await Promise.all([this.registry.metrics(),
      processMetrics().metrics()]);
    return `${own}\n${proc}`;
  }
}

async function withTimeout<T = number>(count: Promise<T>, unknown: T = Number.NaN as T):
  Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<T>((resolve) => {
    timer = setTimeout(() => resolve(unknown), OUTBOX_COUNT_TIMEOUT_MS);
  });
  try {
    return await Promise.race([count.catch(() => unknown), late]);
  } finally {
    clearTimeout(timer);
  }
}

const digest = (token: string): Buffer => Buffer.from(sha256(token), 'hex');

/**
 * GET /api/v1/metrics: the exposition text, for the operator's token or the metrics token
 * (LAUNCHDAY_METRICS_TOKEN), both as `Authorization: Bearer`. Refuses anyone else with
 * `unauthorized` (401) or, for a signed-in buyer, `admin_only` (403). Served by node:http
 * (the lane writes JSON only), so its connection leaves the lane: one per scraper.
 */
export function metricsRoute(metrics: Metrics, metricsToken: string | null): Route {
  const expected = metricsToken === null ? null : digest(metricsToken);
  return { method: 'GET', path: '/metrics', access: 'public', stream: true,
    schema: metricsContract, handler: async (ctx) => {
      const auth = ctx.headers.authorization;
      const bearer = auth?.startsWith('Bearer ') ? auth.slice(7).trim() : null;
      const scraper = expected !== null && bearer !== null
        && timingSafeEqual(digest(bearer), expected);
      if (!scraper && ctx.caller?.role !== 'admin') {
        return refuse(ctx.caller === null ? 'unauthorized' : 'admin_only');
      }
      const text = await metrics.text();
      ctx.res!.writeHead(200, { 'content-type': metrics.contentType,
        'content-length': Buffer.byteLength(text), 'cache-control': 'no-store' });
      ctx.res!.end(text);
      return null;
    } };
}
