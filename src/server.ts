// The server shell: opens the store, seeds it, builds the app, listens, runs the timers, and
// shuts down in order. Everything it wires is a plain object built from the configuration.
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import { SimulatedClock, systemClock, type Clock } from './kernel/clock.js';
import { DEMO_LAUNCH_ID, seedChangeWindows, seedLaunches } from './launches/catalogue.js';
import type { Config } from './kernel/config.js';
import { addAcceptHandles, type AcceptHandles } from './kernel/http/accept-handles.js';
import { answerClientError } from './kernel/http/client-errors.js';
import { ConnectionGate } from './kernel/http/connection-gate.js';
import { httpApp, type HttpApp } from './kernel/http/http-app.js';
import {
  HttpLane, laneLimitsOf, type LaneApi, type LaneLimits,
} from './kernel/http/http-lane.js';
import { listenQueueReader } from './kernel/http/listen-queue.js';
import { newId } from './kernel/ids.js';
import { Launchday } from './launchday.js';
import type { LiveHub } from './launches/index.js';
import { capabilityRoutes, capabilityTimers } from './capabilities.js';
import type { CapabilityTimer } from './kernel/capability.js';
import { createLogger, type Logger } from './kernel/logger.js';
import { Metrics, OUTBOX_COUNT_MAX } from './kernel/metrics.js';
import { RequestTelemetry } from './kernel/http/request-telemetry.js';
import { SandboxPaymentProvider, type PaymentProvider } from './payments/payments.js';
import { SandboxSmsSender, type SmsSender } from './accounts/sms.js';
import {
  SandboxMessageProvider, SmsMessageProvider, type MessageProvider,
} from './notifications/index.js';
import { TwilioSmsSender } from './accounts/twilio-sms-sender.js';
import { StaticFiles } from './kernel/http/static-files.js';
import { SqliteStore } from './stores.js';
import type { Store } from './kernel/store/store.js';

/** How often node:http looks for requests past their time (requestTimeout), ms. */
const CONNECTIONS_CHECK_MS = 2_000;

/** How often launchday asks the provider about unconfirmed refunds and unheld charges. */
const RECONCILE_INTERVAL_MS = 10_000;

/**
 * The timers the shell runs beside the capabilities' own, each round as its name says; a
 * round's failure is logged (`timer failed`, with the name) and the next round tries again.
 * Listed here so that a test can run every round (test/writer-thread.test.ts).
 */
export const serverTimers: readonly CapabilityTimer[] = [
  { name: 'orders.autoLockDue', intervalMs: () => 1_000, run: (app) => app.orders.autoLockDue() },
  // Holds and waitlist offers past their deadline return their units even when no buyer
  // writes to the drop (every drop batch also ends the due ones before it decides).
  { name: 'drops.sweep', intervalMs: () => 1_000, run: (app) => app.drops.sweep() },
  { name: 'payments.sendPayments', intervalMs: () => 2_000,
    run: (app) => app.payments.sendPayments() },
  { name: 'settlement.reconcilePayments', intervalMs: () => RECONCILE_INTERVAL_MS,
    run: (app) => app.settlement.reconcilePayments() },
  { name: 'production.flushShown', intervalMs: () => 1_000,
    run: (app) => app.production.flushShown() },
];

export interface RunningServer {
  readonly url: string;
  readonly app: Launchday;
  /** The bootstrap operator's token when known on this start (configured or just generated). */
  readonly adminToken: string | null;
  /** True when the operator token was generated on this start and should be shown. */
  readonly adminTokenGenerated: boolean;
  close(): Promise<void>;
  /** Every API route, for the tools that must cover them all (access matrix, fuzz). */
  readonly routes: HttpApp['routes'];
}

export interface ServerParts {
  readonly clock?: Clock;
  readonly payments?: PaymentProvider;
  readonly sms?: SmsSender;
  /**
   * Carries messages to buyers; by default the configured SMS gateway (Twilio) through
   * sms-message-provider.ts, or the sandbox (sandbox-message-provider.ts).
   */
  readonly messages?: MessageProvider;
  /** The rate limits' clock (real time when absent): for tests that move their windows. */
  readonly rateClock?: Clock;
  /** Where launchday logs; by default a new logger at the configured level, to stdout. */
  readonly logger?: Logger;
  /**
   * 1 while the store takes reads and writes, 0 while it does not, for the `launchday_store_up`
   * gauge. Default: 0 once the writer thread has died (`Launchday.broken`), else 1.
   */
  readonly storeUp?: () => number;
}

export async function openStore(config: Config): Promise<Store> {
  if (config.databaseUrl) {
    const { PostgresStore } = await import('./stores.js');
    return PostgresStore.open(config.databaseUrl,
      config.databaseSchema ? { schema: config.databaseSchema } : {});
  }
  return new SqliteStore(config.dataDir, config.limits.rateKeysMax);
}

/** Seeds the catalogue once, and re-schedules the demonstration launch while it has no orders. */
async function seed(store: Store, config: Config, nowMs: number): Promise<void> {
  const demoOpensAtMs = nowMs + config.demoDelaySeconds * 1000;
  const seeded = await store.meta('seeded_at');
  const launches = seedLaunches(demoOpensAtMs)
    .filter((l) => config.demoLaunch || l.launchId !== DEMO_LAUNCH_ID);
  const demo = launches.find((l) => l.launchId === DEMO_LAUNCH_ID);
  const demoCounters = demo ? await store.counters(DEMO_LAUNCH_ID) : new Map();
  const existing = new Map((await store.launches()).map((l) => [l.launchId, l]));
  await store.transaction(async (tx) => {
    if (!seeded) {
      for (const l of launches) await tx.putLaunch(l);
      for (const w of seedChangeWindows()) await tx.putChangeWindow(w);
      await tx.setMeta('seeded_at', new Date(nowMs).toISOString());
    } else if (demo && demoCounters.size === 0) {
      const current = existing.get(DEMO_LAUNCH_ID) ?? demo;
      await tx.putLaunch({ ...current, opensAtMs: demoOpensAtMs });
    }
  });
}

/** A configured secret, or the one kept in the store, or a new one kept there from now on. */
async function secret(store: Store, configured: string | null, key: string, prefix: string):
  Promise<{ token: string; generated: boolean }> {
  if (configured) return { token: configured, generated: false };
  const stored = await store.meta(key);
  if (stored) return { token: stored, generated: false };
  const token = newId(prefix);
  await store.transaction((tx) => tx.setMeta(key, token));
  return { token, generated: true };
}

export interface LaunchdayInstance {
  readonly app: Launchday;
  /** The request listener: give it to a node:http server, or to `inject` in tests. */
  readonly handler: (req: IncomingMessage, res: ServerResponse) => void;
  /** The same API for the lane, which reads requests off the socket itself (http-lane.ts). */
  readonly api: HttpApp;
  readonly live: LiveHub;
  readonly adminToken: string | null;
  readonly adminTokenGenerated: boolean;
  readonly paymentSecret: string;
  readonly payments: PaymentProvider;
  readonly logger: Logger;
  /** The Prometheus metrics served at GET /api/v1/metrics. */
  readonly metrics: Metrics;
  /** The web pages, read and compressed at first use or by `prepare` (static-files.ts). */
  readonly files: StaticFiles;
  /**
   * Stops the background rounds (serverTimers and the capabilities' timers) and leaves the rest
   * serving: for a test that runs each round itself and counts what that round did, which a
   * round of the app's own could otherwise take first. Rounds already under way finish.
   */
  stopTimers(): void;
  /** Stops the timers, the live streams, waits for the commits in flight, closes the store. */
  close(): Promise<void>;
}

/** The configured SMS provider: the sandbox, or Twilio (twilio-sms-sender.ts). */
function smsSender(config: Config, clock: Clock): SmsSender {
  if (config.sms.provider === 'twilio') return new TwilioSmsSender(config.sms, config.limits);
  return new SandboxSmsSender(config.limits.sandboxSmsKept, () => clock.nowMs());
}

/** Builds launchday from its configuration without listening anywhere. */
export async function createLaunchday(config: Config, parts: ServerParts = {}):
  Promise<LaunchdayInstance> {
  const logger = parts.logger ?? createLogger({ level: config.logLevel });
  const clock = parts.clock ?? (config.clock === 'simulated'
    ? new SimulatedClock(config.clockStartMs ?? Date.now()) : systemClock);
  const store = await openStore(config);
  await seed(store, config, clock.nowMs());
  const paymentSecret =
    (await secret(store, config.paymentSecret, 'payment_secret', 'ldpay')).token;
  const waitingRoomSecret =
    (await secret(store, config.waitingRoomSecret, 'waiting_room_secret', 'ldwr')).token;
  const payments = parts.payments ?? new SandboxPaymentProvider({
    collectFailureShare: config.sandboxCollectFailurePercent / 100 });
  const sms = parts.sms ?? smsSender(config, clock);
  // One configured gateway texts both sign-in codes and messages; the sandbox stands in for it.
  const messages: MessageProvider = parts.messages ?? (config.sms.provider === 'twilio'
    ? new SmsMessageProvider(sms) : new SandboxMessageProvider());
  const app = new Launchday({
    store, clock, sms, messages, limits: config.limits, paymentSecret, payments, waitingRoomSecret,
    log: (line: string) => logger.warn(line),
    // Only a sandbox has codes to show, and only in the explicit development setting.
    showCodes: config.devShowCodes && sms instanceof SandboxSmsSender,
    rateLimitMode: config.rateLimits, ...(parts.rateClock ? { rateClock: parts.rateClock } : {}),
  });
  const admin = await app.accounts.sessions.bootstrap(config.adminToken,
    await store.meta('admin_token'));
  if (config.rateLimits !== 'on') {
    logger.warn(`WARNING: LAUNCHDAY_RATE_LIMITS=${config.rateLimits}: ${
      config.rateLimits === 'off' ? 'NO rate limits apply' : 'per-address rate limits are OFF'
    }. For load tests only; never on launch night.`);
  }
  // Orders whose cooling-off ended while the server was down lock before anyone is served.
  await app.orders.autoLockDue();
  await app.payments.sendPayments();
  // Charges a crash left without their order are voided, and lost refunds found, at start-up.
  await app.settlement.reconcilePayments()
    .catch((err) => logger.error({ err }, 'payment reconciliation failed'));
  const live = app.live;
  // The shell's timers and the capabilities' own (kernel/capability.ts, CapabilityTimer).
  const timers = [...serverTimers, ...capabilityTimers].map((t) => setInterval(() => void t.run(app)
    .catch((err) => logger.error({ err, timer: t.name }, 'timer failed')),
  t.intervalMs(config.limits)));
  const metrics = new Metrics({
    storeUp: parts.storeUp ?? (() => (app.brokenBecause === null
      && app.storeHealth.state === 'reachable' ? 1 : 0)),
    liveViewers: () => live.viewerCount,
    pendingCommands: () => app.committer.pendingCount,
    // Read at each scrape (every 15 s or so), never on a request's path; bounded.
    outboxPending: async () => (await store.pendingPayments(OUTBOX_COUNT_MAX)).length,
    notificationCounts: () => store.notificationCounts(),
  });
  app.committer.onBatch = metrics.batch;
  const telemetry = new RequestTelemetry(logger, metrics);
  const files = new StaticFiles(config.webDir);
  const web = httpApp({ app, routes: capabilityRoutes, files, telemetry,
    metricsToken: config.metricsToken, trustProxy: config.trustProxy });
  return {
    app, live, adminToken: admin.token, adminTokenGenerated: admin.generated, paymentSecret,
    payments, logger, metrics, files,
    handler: web.listener,
    api: web,
    stopTimers() {
      for (const t of timers) clearInterval(t);
    },
    async close() {
      for (const t of timers) clearInterval(t);
      if (payments instanceof SandboxPaymentProvider) payments.close();
      live.close();
      // The round under way may wait for the sandbox's timers: they stop after it.
      await app.close();
      messages.close?.();
      await store.close();
    },
  };
}

/**
 * Puts the per-address gate (null: none), then the lane (null: none), in front of node:http:
 * a connection the gate admits is the lane's until it meets a request only node:http serves,
 * when node:http's own connection listener takes it over.
 */
function takeConnections(server: Server, gate: ConnectionGate | null,
  lane: { api: LaneApi; limits: LaneLimits } | null): HttpLane | null {
  const listeners = server.listeners('connection');
  if (listeners.length !== 1) throw new Error('node:http has an unexpected connection listener');
  const nodeConnection = listeners[0] as (socket: Socket) => void;
  server.removeListener('connection', nodeConnection);
  const toNode = (socket: Socket): void => nodeConnection.call(server, socket);
  const http = lane === null ? null : new HttpLane(lane.api, toNode, lane.limits);
  const serve = http === null ? toNode : (socket: Socket) => http.accept(socket);
  server.on('connection', gate === null ? serve
    : (socket: Socket) => { if (gate.admit(socket)) serve(socket); });
  return http;
}

/** Builds launchday and serves it on the configured host and port. */
export async function startServer(config: Config, parts: ServerParts = {}):
  Promise<RunningServer> {
  const ld = await createLaunchday(config, parts);
  const laneLimits = laneLimitsOf(config.limits);
  const server: Server = createServer({ keepAliveTimeout: laneLimits.keepAliveMs,
    requestTimeout: laneLimits.requestMs, maxHeaderSize: laneLimits.headBytesMax,
    // node:http checks its request timeout this often (30 s by default), so a trickling body
    // could last nearly twice the 30 s; the lane keeps its own deadline exactly.
    connectionsCheckingInterval: CONNECTIONS_CHECK_MS },
    ld.handler);
  server.maxConnections = config.limits.connectionsMax;
  server.maxHeadersCount = laneLimits.headersMax;
  // A connection with no traffic either way for this long is closed, as the lane closes its
  // own: a peer that stopped reading its replies would otherwise hold its socket for ever.
  server.timeout = laneLimits.keepAliveMs;
  // Malformed heads, heads too large, requests not received in time: refused with the JSON
  // error body, as the lane refuses them (client-errors.ts), not node:http's bare status line.
  server.on('clientError', answerClientError);
  // Behind a proxy every connection is the proxy's: the cap per client is the proxy's to keep.
  const gate = config.trustProxy ? null
    : new ConnectionGate(config.limits.connectionsPerAddressMax,
      config.limits.connectionsPerNetworkMax, config.limits.retryAfterSeconds);
  const lane = takeConnections(server, gate,
    config.httpLane ? { api: ld.api, limits: laneLimits } : null);
  if (lane !== null) {
    ld.metrics.watchLane(() => ({ answered: lane.answered, handedOver: lane.handedOver,
      storms: lane.storm?.storms ?? 0, held: lane.held }));
  }
  if (gate !== null) ld.metrics.watchConnections(() => gate.refused);
  // The pages are compressed in the thread pool now rather than for the night's first buyers,
  // and are the lane's to answer from the start. Before the port opens: while the thread pool
  // compresses, a store probe's flush waits behind it (a health check said 503 "degraded" for
  // a moment before the log said "listening"); a process that is not ready refuses connections.
  await ld.files.prepare();
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    // The opening second's storm of new connections waits in this queue while the event loop
    // is busy; the kernel caps it at net.core.somaxconn (docs/benchmarks.md, "connections").
    server.listen({ port: config.port, host: config.host,
      backlog: config.limits.listenBacklog }, () => resolve());
  });
  // More than one new connection accepted per event-loop turn (accept-handles.ts). Behind a
  // proxy its few kept-alive connections arrive once: the storm is the proxy's to absorb.
  const accept: AcceptHandles = await addAcceptHandles(server,
    config.trustProxy ? 1 : config.limits.acceptHandles, config.limits.listenBacklog,
    (line) => ld.logger.warn(line));
  // Behind a proxy each kept-alive connection carries many buyers' requests: holding one for a
  // window would hold them all, and the storm is the proxy's to absorb. The guard is off there.
  if (lane !== null && !config.trustProxy) {
    const address = server.address() as AddressInfo;
    lane.watchQueue(listenQueueReader(address.port, address.family));
  }
  const { port } = server.address() as AddressInfo;
  const host = config.host.includes(':') ? `[${config.host}]` : config.host;
  const url = `http://${host}:${port}`;
  // The sandbox provider posts its notifications to this server, as the real one would.
  if (ld.payments instanceof SandboxPaymentProvider) {
    ld.payments.connect(ld.paymentSecret, async (body, headers) => (await fetch(
      `${url}/api/v1/payments/notifications`, { method: 'POST', body, headers })).status,
    async (body, headers) => (await fetch(`${url}/api/v1/payments/balance-notifications`,
      { method: 'POST', body, headers })).status);
  }
  return {
    url,
    app: ld.app,
    adminToken: ld.adminToken,
    adminTokenGenerated: ld.adminTokenGenerated,
    routes: ld.api.routes,
    async close() {
      // Readiness says 503 from now on, while the requests in flight finish.
      ld.app.beginClosing();
      // Live streams first: the server waits for every open connection, and a stream's never
      // ends by itself (a viewer kept a stopping process alive for up to a minute).
      ld.live.close();
      await new Promise<void>((resolve) => {
        server.close(() => resolve());
        accept.close();
        server.closeIdleConnections();
        lane?.close();
      });
      await ld.close();
    },
  };
}
