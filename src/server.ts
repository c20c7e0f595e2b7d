// The server shell: opens the store, seeds it, builds the app, listens, runs the timers, and
// shuts down in order. Everything it wires is a plain object built from the configuration.
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { SimulatedClock, systemClock, type Clock } from './domain/clock.js';
import { DEMO_LAUNCH_ID, seedLaunches } from './domain/catalogue.js';
import type { Config } from './config.js';
import { httpApp } from './app/http-app.js';
import { newId } from './app/ids.js';
import { Launchday } from './app/launchday.js';
import { LiveHub } from './app/live-hub.js';
import { SandboxPaymentProvider, type PaymentProvider } from './app/payments.js';
import { SandboxSmsSender, type SmsSender } from './app/sms.js';
import { StaticFiles } from './app/static-files.js';
import { SqliteStore } from './store/sqlite-store.js';
import type { Store } from './store/store.js';

export interface RunningServer {
  readonly url: string;
  readonly app: Launchday;
  readonly adminToken: string;
  /** True when the operator token was generated on this start and should be shown. */
  readonly adminTokenGenerated: boolean;
  close(): Promise<void>;
}

export interface ServerParts {
  readonly clock?: Clock;
  readonly payments?: PaymentProvider;
  readonly sms?: SmsSender;
  readonly log?: (line: string) => void;
}

export async function openStore(config: Config): Promise<Store> {
  if (config.databaseUrl) {
    const { PostgresStore } = await import('./store/postgres-store.js');
    return PostgresStore.open(config.databaseUrl);
  }
  return new SqliteStore(config.dataDir);
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
      await tx.setMeta('seeded_at', new Date(nowMs).toISOString());
    } else if (demo && demoCounters.size === 0) {
      const current = existing.get(DEMO_LAUNCH_ID) ?? demo;
      await tx.putLaunch({ ...current, opensAtMs: demoOpensAtMs });
    }
  });
}

async function operatorToken(store: Store, config: Config):
  Promise<{ token: string; generated: boolean }> {
  if (config.adminToken) return { token: config.adminToken, generated: false };
  const stored = await store.meta('admin_token');
  if (stored) return { token: stored, generated: false };
  const token = newId('ldadmin');
  await store.transaction((tx) => tx.setMeta('admin_token', token));
  return { token, generated: true };
}

export async function startServer(config: Config, parts: ServerParts = {}):
  Promise<RunningServer> {
  const log = parts.log ?? ((line: string) => console.error(line));
  const clock = parts.clock ?? (config.clock === 'simulated'
    ? new SimulatedClock(config.clockStartMs ?? Date.now()) : systemClock);
  const store = await openStore(config);
  await seed(store, config, clock.nowMs());
  const admin = await operatorToken(store, config);
  const sms = parts.sms ?? new SandboxSmsSender();
  const app = new Launchday({
    store, clock, sms, limits: config.limits, adminToken: admin.token,
    payments: parts.payments ?? new SandboxPaymentProvider(),
    showCodes: sms instanceof SandboxSmsSender,
  });
  // Orders whose cooling-off ended while the server was down lock before anyone is served.
  await app.autoLockDue();
  await app.sendPayments();
  const live = new LiveHub(async (launchId) => {
    const s = await app.stats(launchId);
    return s.ok ? s.value : null;
  }, config.limits.liveViewersMax);
  const server: Server = createServer({ keepAliveTimeout: 65_000, requestTimeout: 30_000 },
    httpApp({ app, live, files: new StaticFiles(config.webDir), log }));
  server.maxHeadersCount = 64;
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(config.port, config.host, () => resolve());
  });
  const timers = [
    setInterval(() => void app.autoLockDue().catch((e) => log(`auto-lock: ${String(e)}`)), 1_000),
    setInterval(() => void app.sendPayments().catch((e) => log(`payments: ${String(e)}`)), 2_000),
  ];
  const { port } = server.address() as AddressInfo;
  const host = config.host.includes(':') ? `[${config.host}]` : config.host;
  return {
    url: `http://${host}:${port}`,
    app,
    adminToken: admin.token,
    adminTokenGenerated: admin.generated,
    async close() {
      for (const t of timers) clearInterval(t);
      live.close();
      await new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeIdleConnections();
      });
      await app.committer.drained();
      await store.close();
    },
  };
}
