// `launchday faults` (`npm run faults`): the launch night of the simulator, played while its API
// processes are killed with SIGKILL at seeded random moments and started again (and, on
// PostgreSQL, the database itself is stopped hard and started again), then audited: every
// acknowledged order present exactly once, every idempotency key one order, the deposit ledger
// balanced and equal to the sum over orders, queue places unique and gap-free, cooling-off that
// ended during an outage applied at the right moment, refunds settled. Exit code: 0 passed,
// 1 differences found, 2 the run could not be made. TigerBeetle's VOPR and Jepsen do this to
// their systems; docs/reliability.md lists what it proves and the last long run's figures.
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { Auditor } from './auditor.js';
import { type Catalog } from './catalog.js';
import { coolingOffAcrossOutage } from './cooling-off-outage.js';
import { auditStore, type StoreAudit } from './fault-audit.js';
import { FaultServers } from './fault-servers.js';
import { HttpClient } from './http-client.js';
import { LaunchNight } from './launch-night.js';
import { privatePostgresUnavailable, startPrivatePostgres, type PrivatePostgres }
  from './private-postgres.js';
import { Random } from './random.js';
import { RunMetrics, counted, fmt } from './run-metrics.js';
import { finalAudit, readCatalogs, SWITCH_SOURCES } from './simulate.js';
import { buildWorkload } from './workload.js';

export type FaultStore = 'sqlite' | 'postgres';

/**
 * Retries of one step in a night under faults: with a kill every few seconds a server is down
 * for a good part of the time, and a phone keeps trying (at 0.25 to 1 s a retry, minutes).
 */
const NIGHT_RETRIES_MAX = 400;

export interface FaultsOptions {
  readonly seed: number;
  readonly scale: number;
  readonly speed: number;
  readonly stores: readonly FaultStore[];
  /** Mean real ms between kills of an API process. */
  readonly killMeanMs: number;
  /** Real ms a killed process stays down before it is started again, at most. */
  readonly downMsMax: number;
  /** Stops of the private PostgreSQL during a PostgreSQL night. */
  readonly postgresRestarts: number;
  /** Orders in the cooling-off-across-an-outage scenario (0: skip it). */
  readonly coolingOffOrders: number;
  readonly connections: number;
  readonly quiet: boolean;
}

/** `--short`: a fixed seed and about a minute on 2 cores; what CI runs (test/faults.test.ts). */
export const SHORT: FaultsOptions = Object.freeze({ seed: 1, scale: 0.002, speed: 240,
  stores: ['sqlite'] as FaultStore[], killMeanMs: 2_500, downMsMax: 400, postgresRestarts: 1,
  coolingOffOrders: 12, connections: 64, quiet: true });
/** The long form by hand: about five minutes a store on 2 cores. */
export const LONG: FaultsOptions = Object.freeze({ seed: 1, scale: 0.02, speed: 15,
  stores: ['sqlite', 'postgres'] as FaultStore[], killMeanMs: 6_000, downMsMax: 2_000,
  postgresRestarts: 3,
  coolingOffOrders: 40, connections: 256, quiet: false });

export const USAGE = `usage: launchday faults [options]
  --short            a fixed seed, about a minute, SQLite only (what CI runs)
  --store S          sqlite, postgres or both (default both; short: sqlite)
  --seed N           kills, outages and the workload are functions of the seed (default 1)
  --scale S          size of the night (default ${LONG.scale}; 1 = 289,000 orders)
  --speed X          time compression of the night (default ${LONG.speed})
  --kill-every MS    mean real ms between kills of an API process (default ${LONG.killMeanMs})
  --pg-restarts N    stops of the private PostgreSQL during its night (default ${
  LONG.postgresRestarts})`;

/** What one night under faults found; `passed` when nothing is wrong. */
export interface NightFigures {
  readonly store: FaultStore;
  readonly processes: number;
  readonly crashes: number;
  readonly postgresRestarts: number;
  readonly ordersChecked: number;
  readonly lost: number;
  readonly doubled: number;
  readonly serverErrors: number;
  readonly audit: StoreAudit;
  readonly violations: { kind: string; count: number; examples: string[] }[];
  readonly unplannedExits: readonly string[];
  readonly seconds: number;
  readonly passed: boolean;
}

export interface CoolingOffFigures {
  readonly store: FaultStore;
  readonly orders: number;
  readonly autoLocked: number;
  readonly crashes: number;
  readonly violations: string[];
  readonly passed: boolean;
}

export interface CampaignResult {
  readonly nights: NightFigures[];
  readonly coolingOff: CoolingOffFigures[];
  readonly passed: boolean;
}

export function parseFaultsOptions(argv: readonly string[]): FaultsOptions | string {
  let v;
  try {
    v = parseArgs({ args: [...argv], allowPositionals: false, options: {
      short: { type: 'boolean' }, store: { type: 'string' }, seed: { type: 'string' },
      scale: { type: 'string' }, speed: { type: 'string' }, 'kill-every': { type: 'string' },
      'pg-restarts': { type: 'string' }, quiet: { type: 'boolean' }, help: { type: 'boolean' },
    } }).values;
  } catch (e) {
    return (e as Error).message;
  }
  if (v.help) return '';
  const base = v.short ? SHORT : LONG;
  const num = (name: string, text: string | undefined, fallback: number, min: number,
    max: number): number | string => {
    if (text === undefined) return fallback;
    const n = Number(text);
    return Number.isFinite(n) && n >= min && n <= max ? n
      : `--${name} must be a number from ${min} to ${max}`;
  };
  const stores = v.store === undefined ? base.stores : v.store === 'both'
    ? ['sqlite', 'postgres'] as const : [v.store];
  if (!stores.every((s) => s === 'sqlite' || s === 'postgres')) {
    return '--store must be sqlite, postgres or both';
  }
  const seed = num('seed', v.seed, base.seed, 0, 2 ** 31);
  const scale = num('scale', v.scale, base.scale, 0.0001, 2);
  const speed = num('speed', v.speed, base.speed, 1, 3600);
  const kill = num('kill-every', v['kill-every'], base.killMeanMs, 100, 3_600_000);
  const pgRestarts = num('pg-restarts', v['pg-restarts'], base.postgresRestarts, 0, 100);
  for (const x of [seed, scale, speed, kill, pgRestarts]) if (typeof x === 'string') return x;
  return Object.freeze({ ...base, stores: stores as FaultStore[], seed: seed as number,
    scale: scale as number, speed: speed as number, killMeanMs: kill as number,
    postgresRestarts: pgRestarts as number, quiet: v.quiet ?? base.quiet });
}

export async function runFaults(argv: string[]): Promise<number> {
  const options = parseFaultsOptions(argv);
  if (typeof options === 'string') {
    console.error(options === '' ? USAGE : `${options}\n\n${USAGE}`);
    return options === '' ? 0 : 2;
  }
  try {
    const started = new Date();
    const result = await runCampaign(options);
    console.log(campaignReport(result, options, argv, started));
    return result.passed ? 0 : 1;
  } catch (e) {
    console.error(`faults: ${(e as Error).stack ?? e}`);
    return 2;
  }
}

/** Every store's night under faults, then the cooling-off outage on each. */
export async function runCampaign(options: FaultsOptions): Promise<CampaignResult> {
  const nights: NightFigures[] = [];
  const coolingOff: CoolingOffFigures[] = [];
  const log = (line: string): void => {
    if (!options.quiet) console.error(line);
  };
  for (const store of options.stores) {
    if (store === 'postgres') {
      const why = privatePostgresUnavailable();
      if (why !== null) throw new Error(`PostgreSQL night: ${why}`);
    }
    await withStore(store, options.seed, async (env, pg) => {
      nights.push(await faultyNight(store, env, pg, options, log));
    });
    if (options.coolingOffOrders > 0) {
      await withStore(store, options.seed, async (env) => {
        const r = await coolingOffAcrossOutage(env, options.seed, options.coolingOffOrders);
        coolingOff.push({ store, ...r, passed: r.violations.length === 0 });
        log(`faults: cooling-off across outages on ${store}: ${r.autoLocked} of ${r.orders} ` +
          `orders locked by the clock, ${r.violations.length} violations`);
      });
    }
  }
  return { nights, coolingOff,
    passed: nights.every((n) => n.passed) && coolingOff.every((c) => c.passed) };
}

/** A fresh store (a temporary SQLite folder, or a private PostgreSQL) for one scenario. */
async function withStore(store: FaultStore, seed: number,
  f: (env: Record<string, string>, pg: PrivatePostgres | null) => Promise<void>): Promise<void> {
  const env: Record<string, string> = { LAUNCHDAY_ADMIN_TOKEN:
    `faults-${randomBytes(16).toString('hex')}`,
    // A refund whose notification died with a killed process is asked about after a second,
    // not ten minutes, so that the audit sees reconciliation settle it within the run.
    LAUNCHDAY_REFUND_CONFIRM_AFTER_SECONDS: '1' };
  if (store === 'sqlite') {
    const dir = mkdtempSync(join(tmpdir(), 'launchday-faults-'));
    try {
      await f({ ...env, LAUNCHDAY_DATA_DIR: dir }, null);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
    return;
  }
  const pg = await startPrivatePostgres(seed);
  try {
    await f({ ...env, LAUNCHDAY_DATABASE_URL: pg.url }, pg);
  } finally {
    await pg.destroy();
  }
}

/** One launch night on `store` while processes (and PostgreSQL) are killed and restarted. */
async function faultyNight(store: FaultStore, env: Record<string, string>,
  pg: PrivatePostgres | null, options: FaultsOptions, log: (line: string) => void):
  Promise<NightFigures> {
  const startMs = performance.now();
  const processes = store === 'postgres' ? 2 : 1;
  const servers = await FaultServers.start(env, processes);
  const client = new HttpClient(servers.urls, options.connections);
  let pgRestarts = 0;
  try {
    const { catalogs, launchId } = await readCatalogs(client, 'yu7-2025');
    const workload = buildWorkload({ seed: options.seed, scale: options.scale, salt: 0,
      target: catalogs.get(launchId)!, switchSources: SWITCH_SOURCES.map((id) =>
        catalogs.get(id)).filter((c): c is Catalog => c !== undefined) });
    const auditor = new Auditor(catalogs);
    const metrics = new RunMetrics();
    const night = new LaunchNight(client, auditor, metrics, workload, catalogs, {
      speed: options.speed, adminToken: env.LAUNCHDAY_ADMIN_TOKEN!,
      connections: options.connections, playBudgetMs: (3600 / options.speed + 600) * 1000,
      log, switchAllows: ['model', 'trim', 'colour', 'wheels', 'extras'],
      retriesMax: NIGHT_RETRIES_MAX });
    log(`faults: ${store}, ${counted(processes, 'API process', 'API processes')}, ` +
      `seed ${options.seed}, ` +
      `${fmt(workload.ordersPlanned)} orders planned, speed ${options.speed}`);
    await night.prepare();
    await night.registerAccounts();
    const switchOrders = await night.prepareSwitchOrders();
    await night.open();
    // Faults only while the night plays: an import cut in half would meet its own phones again.
    const chaos = new Chaos(servers, pg, options, log);
    const chaosDone = chaos.run();
    await night.play(switchOrders);
    chaos.stop();
    await chaosDone;
    pgRestarts = chaos.postgresRestarts;
    for (let i = 0; i < servers.processes; i++) {
      if (!servers.alive(i)) await servers.restart(i);
    }
    const phases: string[] = [];
    const lines = await finalAudit(night, auditor, catalogs, launchId, phases);
    const audit = await auditStore(client, env.LAUNCHDAY_ADMIN_TOKEN!, launchId,
      [...auditor.orders.values()].filter((o) => o.depositState === 'refunded')
        .map((o) => o.orderId));
    for (const v of audit.violations) auditor.violation(v.kind, v.detail);
    for (const e of servers.unplannedExits) auditor.violation('unplanned_exit', e);
    if (night.wasStopped) auditor.violation('deadline', 'the night did not finish in time');
    const violations = auditor.violations();
    const count = (...kinds: string[]): number => violations.filter((v) =>
      kinds.includes(v.kind)).reduce((n, v) => n + v.count, 0);
    log(`faults: ${lines.join('; ')}`);
    return { store, processes, crashes: servers.kills, postgresRestarts: pgRestarts,
      ordersChecked: auditor.orders.size, lost: count('missing_order'),
      doubled: count('idempotency', 'unknown_order'), serverErrors: count('server_error'),
      audit, violations, unplannedExits: servers.unplannedExits,
      seconds: (performance.now() - startMs) / 1000, passed: auditor.violationCount === 0 };
  } finally {
    client.close();
    await servers.stop();
  }
}

/** Kills API processes (and stops PostgreSQL) at seeded moments until stopped. */
class Chaos {
  private stopped = false;
  private wake: () => void = () => {};
  postgresRestarts = 0;
  private readonly random: Random;

  constructor(private readonly servers: FaultServers, private readonly pg: PrivatePostgres | null,
    private readonly options: FaultsOptions, private readonly log: (line: string) => void) {
    this.random = Random.stream(options.seed, `chaos/${pg === null ? 'sqlite' : 'postgres'}`);
  }

  stop(): void {
    this.stopped = true;
    this.wake();
  }

  private pause(ms: number): Promise<void> {
    return new Promise((resolve) => {
      const t = setTimeout(resolve, ms);
      this.wake = () => {
        clearTimeout(t);
        resolve();
      };
    });
  }

  async run(): Promise<void> {
    // The PostgreSQL stops are spread over the kills: one chance in so many per round.
    const nightMs = 3600_000 / this.options.speed;
    const rounds = Math.max(1, nightMs / this.options.killMeanMs);
    const pgChance = this.pg === null ? 0 : Math.min(1, this.options.postgresRestarts / rounds);
    while (!this.stopped) {
      await this.pause(this.random.exponential(this.options.killMeanMs));
      if (this.stopped) return;
      // A process that ended by itself is started again, as its supervisor would.
      for (let i = 0; i < this.servers.processes; i++) {
        if (!this.servers.alive(i)) await this.servers.restart(i);
      }
      const down = this.random.int(this.options.downMsMax + 1);
      if (this.pg !== null && this.postgresRestarts < this.options.postgresRestarts &&
        this.random.chance(pgChance)) {
        this.postgresRestarts += 1;
        this.log(`faults: PostgreSQL stopped hard (-m immediate), down ${down} ms`);
        await this.pg.crash();
        await sleep(down);
        await this.pg.start();
        continue;
      }
      const i = this.random.int(this.servers.processes);
      this.log(`faults: SIGKILL API process ${i}, down ${down} ms`);
      await this.servers.kill(i);
      await sleep(down);
      await this.servers.restart(i);
    }
  }
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

/** The figures, for a person and for docs/reliability.md. */
export function campaignReport(r: CampaignResult, o: FaultsOptions, argv: readonly string[],
  started: Date): string {
  const out = [`launchday faults ${argv.join(' ')}`.trim(),
    `started ${started.toISOString()}, seed ${o.seed}, scale ${o.scale}, speed ${o.speed}, ` +
    `a kill every ${o.killMeanMs} ms on average`];
  for (const n of r.nights) {
    out.push(`${n.store} (${counted(n.processes, 'API process', 'API processes')}), ` +
      `${n.seconds.toFixed(0)} s: ` +
      `${n.crashes} SIGKILLs, ${n.postgresRestarts} PostgreSQL restarts, ` +
      `${fmt(n.ordersChecked)} orders checked, lost ${n.lost}, doubled ${n.doubled}, ` +
      `500s ${n.serverErrors}; ${n.audit.lines.join('; ')}: ${n.passed ? 'PASSED' : 'FAILED'}`);
    for (const v of n.violations) {
      out.push(`  ${v.kind}: ${v.count}`);
      for (const e of v.examples) out.push(`    ${e.split('\n').slice(0, 6).join('\n    ')}`);
    }
  }
  for (const c of r.coolingOff) {
    out.push(`${c.store} cooling-off across ${c.crashes} outages: ${c.autoLocked} of ` +
      `${c.orders} orders locked by the clock at the right moment: ` +
      `${c.passed ? 'PASSED' : 'FAILED'}`);
    for (const v of c.violations.slice(0, 5)) out.push(`  ${v}`);
  }
  out.push(r.passed ? 'verdict: PASSED' : 'verdict: FAILED');
  return out.join('\n');
}
