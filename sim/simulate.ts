// `launchday simulate`: replays a launch night against a server (started here, or given with
// --url), audits every reply and the final state, and prints a report. Exit code 0 means the
// audit passed; 1 that it found differences; 2 that the run could not be made.
import { randomBytes } from 'node:crypto';
import { writeFileSync } from 'node:fs';
import { AfterNight } from './after-night.js';
import { DeliveryWeeks } from './delivery-weeks.js';
import {
  auditDeliveryRun, deliveriesJson, deliveriesText, readServerBooks,
} from './delivery-report.js';
import { readDeliveryStore } from './delivery-store-reader.js';
import { defaultLimits } from '../src/kernel/config.js';
import { afterNightJson, afterNightText, auditAfterNight } from './after-night-report.js';
import { Auditor } from './auditor.js';
import { catalogFromLaunch, type Catalog } from './catalog.js';
import { nightOf, SU7_DAY_ORDERS } from './demand-curve.js';
import { HttpClient } from './http-client.js';
import { LaunchNight } from './launch-night.js';
import { RunMetrics, counted, fmt } from './run-metrics.js';
import { startServers, type StartedServers } from './server-process.js';
import { parseSimulateOptions, USAGE, type SimulateOptions } from './simulate-options.js';
import { reportText, type SimulationSummary } from './simulation-report.js';
import { buildWorkload } from './workload.js';
import { DROP_NIGHT_SERVER_ENV, DropNight } from './drop-night.js';
import { runWaitingRoomNight, WAITING_ROOM_LIMITS } from './waiting-room-night.js';

/** Earlier launches whose locked orders may switch to the target (the seeds' SU7 -> YU7). */
export const SWITCH_SOURCES = ['su7-2024', 'su7-ultra-2025'];
/**
 * The weeks after the night move the server's clock: it starts simulated, ten minutes before
 * the SU7 opening of 28 March 2024 (22:00 in Beijing), and only the simulator moves it.
 */
const AFTER_NIGHT_ENV = Object.freeze({ LAUNCHDAY_CLOCK: 'simulated',
  LAUNCHDAY_CLOCK_START: '2024-03-28T13:50:00Z', LAUNCHDAY_DEMO_LAUNCH: 'off' });
/**
 * On to the keys, the buyers act months after the night with the tokens they signed in with:
 * their sessions last the year (the most the settings allow) instead of a week unused; and the
 * sandbox fails one balance part in twenty, so buyers pay again.
 */
const DELIVERIES_ENV = Object.freeze({ ...AFTER_NIGHT_ENV,
  LAUNCHDAY_SANDBOX_COLLECT_FAILURE_PERCENT: '5',
  LAUNCHDAY_SESSION_IDLE_SECONDS: String(365 * 86_400),
  LAUNCHDAY_SESSION_ABSOLUTE_SECONDS: String(365 * 86_400) });
const PROGRESS_INTERVAL_MS = 1000;
/** Allocated orders, and as many waiting ones, read as their buyers see them after the weeks. */
const AFTER_NIGHT_VIEWS_SAMPLED = 500;

export async function runSimulate(argv: string[]): Promise<number> {
  const options = parseSimulateOptions(argv);
  if (typeof options === 'string') {
    console.error(options === '' ? USAGE : `${options}\n\n${USAGE}`);
    return options === '' ? 0 : 2;
  }
  let servers: StartedServers | null = null;
  try {
    const adminToken = options.adminToken ?? `sim-${randomBytes(16).toString('hex')}`;
    let urls = options.urls;
    let setup = `${urls.length} running server(s) at ${urls.join(', ')}`;
    if (urls.length === 0) {
      servers = await startServers({ processes: options.processes, port: options.port,
        databaseUrl: options.databaseUrl, adminToken, keepData: options.keepData,
        ...(options.drop !== null ? { extraEnv: DROP_NIGHT_SERVER_ENV }
          : options.untilDeliveries !== null ? { extraEnv: DELIVERIES_ENV }
            : options.untilAllocations !== null ? { extraEnv: AFTER_NIGHT_ENV } : {}) });
      const started = servers;
      // Interrupted, the simulator still stops the servers it started and removes their data.
      for (const signal of ['SIGINT', 'SIGTERM'] as const) {
        process.once(signal, () => {
          console.error(`simulate: ${signal}, stopping the servers it started`);
          void started.stop().finally(() => process.exit(130));
        });
      }
      urls = servers.urls;
      setup = `${counted(servers.urls.length, 'API process', 'API processes')} started on `
        + servers.store;
    }
    if (options.drop !== null) return await simulateDrop(options, urls, adminToken, setup);
    if (options.mode === 'waiting-room') {
      return await waitingRoom(options, urls, adminToken, setup);
    }
    return await simulate(options, urls, adminToken, setup, servers);
  } catch (e) {
    console.error(`simulate: ${(e as Error).stack ?? e}`);
    return 2;
  } finally {
    await servers?.stop();
  }
}

async function simulate(options: SimulateOptions, urls: readonly string[], adminToken: string,
  setupText: string, servers: StartedServers | null): Promise<number> {
  const fresh = servers !== null;
  const log = (line: string): void => {
    if (!options.quiet) console.error(line);
  };
  const client = new HttpClient(urls, options.connections);
  try {
    const { catalogs, launchId } = await readCatalogs(client, options.launchId);
    // On a server of our own the identities can be the same every run; on a shared one they must
    // differ from earlier runs, or registration would meet phones it already has.
    const salt = fresh ? 0 : Date.now() % 1_000_000_007;
    const target = catalogs.get(launchId)!;
    // Orders switch only to a later launch (SU7 -> YU7), never back to the SU7 night.
    const nightShape = nightOf(launchId);
    const workload = buildWorkload({ seed: options.seed, scale: options.scale, salt, target,
      switchSources: SWITCH_SOURCES.map((id) => catalogs.get(id)).filter(
        (c): c is Catalog => c !== undefined && c.launchId !== launchId
          && Date.parse(c.opensAt) < Date.parse(target.opensAt)),
      curve: nightShape.curve, orders: nightShape.orders,
    });
    const setup = `seed ${options.seed}, scale ${options.scale} (${fmt(workload.ordersPlanned)} ` +
      `orders, ${fmt(workload.buyers.length)} buyers), speed ${options.speed}, ` +
      `${options.connections} connections, ${setupText}`;
    log(`simulate: ${setup}`);
    const auditor = new Auditor(catalogs);
    const metrics = new RunMetrics();
    const playBudgetMs = options.maxSeconds * 1000;
    const night = new LaunchNight(client, auditor, metrics, workload, catalogs, {
      speed: options.speed, adminToken, connections: options.connections,
      playBudgetMs, log, switchAllows: options.switchAllows,
    });
    const phases: string[] = [];
    const timed = async <T>(label: (r: T, s: string) => string, f: () => Promise<T>): Promise<T> => {
      const start = performance.now();
      const r = await f();
      phases.push(label(r, ((performance.now() - start) / 1000).toFixed(1)));
      return r;
    };
    let serverDied = false;
    void servers?.died.then((text) => {
      serverDied = true;
      console.error(`simulate: ${text}`);
      night.abort(text);
    });
    await night.prepare();
    // The plan and the delivery centres are published before the opening, as a carmaker does.
    const after = options.untilAllocations === null ? null : new AfterNight(night, auditor,
      workload, adminToken, options.untilAllocations, log);
    await after?.setUp();
    const toKeys = after === null || options.untilDeliveries === null ? null
      : new DeliveryWeeks(after, auditor, target, options.seed, options.scale,
        options.untilDeliveries, log);
    if (after !== null && toKeys !== null) {
      after.afterWeek = toKeys;
      await toKeys.setUp();
    }
    await timed((_, s) => `${fmt(night.accounts.size)} accounts registered in ${s} s`,
      () => night.registerAccounts());
    const switchOrders = await timed((r, s) => `${fmt(r.size)} SU7 / SU7 Ultra orders placed ` +
      `and locked in ${s} s`, () => night.prepareSwitchOrders());
    const timeline = await night.open();
    const plannedSeconds = nightShape.curve.durationSeconds / options.speed;
    const progress = options.quiet ? null : setInterval(() => {
      log(metrics.progressLine(timeline.simSeconds(), night.limiter.backlog));
    }, PROGRESS_INTERVAL_MS);
    await night.play(switchOrders);
    if (progress !== null) clearInterval(progress);
    const playSeconds = (performance.now() - timeline.openingMs) / 1000;
    log(metrics.progressLine(timeline.simSeconds(), 0));
    // With a server gone there is nothing left to read back; the report says why.
    const auditLines = serverDied ? ['no read-back: an API process died']
      : await finalAudit(night, auditor, catalogs, workload.targetLaunchId, phases);
    let afterText: string | null = null;
    let afterJson: Record<string, unknown> | null = null;
    if (after !== null && servers !== null && !serverDied && !night.wasStopped) {
      const weeks = await after.run();
      const call = (method: string, path: string) => night.call(method, path,
        { token: adminToken, timeoutMs: 120_000 });
      const history = toKeys === null ? null
        : await readDeliveryStore(servers.dataLocation, launchId);
      // Orders whose car deliveries released, and those that got such a car: their cars are
      // no longer the ones the runs named (the delivery auditor checks them).
      const released = new Set(history?.releases.flatMap((r) => (r.toOrderId === null
        ? [r.orderId] : [r.orderId, r.toOrderId])));
      const viewsRead = await after.checkOrderViews(AFTER_NIGHT_VIEWS_SAMPLED, released);
      const verdict = await auditAfterNight(call, servers.dataLocation, launchId, weeks, auditor,
        released);
      afterText = afterNightText(weeks, verdict, options.scale, viewsRead);
      afterJson = afterNightJson(weeks, verdict);
      if (toKeys !== null && history !== null) {
        const books = await readServerBooks(call, urls[0]!, adminToken, launchId);
        const rules = { defaultSlotCapacity: defaultLimits.slotCapacity,
          deferralMaxDays: defaultLimits.deferralMaxDays,
          graceDays: defaultLimits.balanceGraceDays, ...toKeys.settings,
          opensAtMs: Date.parse(target.opensAt) };
        const keys = auditDeliveryRun(history, rules, books, auditor);
        afterText += `\n${deliveriesText(toKeys.figures, keys, toKeys.target)}`;
        afterJson = { ...afterJson, deliveries: deliveriesJson(toKeys.figures, keys) };
      }
    }
    if (night.wasStopped && !serverDied) {
      auditor.violation('deadline', `the hour was stopped after ${options.maxSeconds} s with ` +
        `${night.unfinishedBuyers} buyers unfinished`);
    }
    const targetStats = serverDied ? null : await night.stats(workload.targetLaunchId);
    const summary: SimulationSummary = { setup, phases, playSeconds, plannedSeconds, metrics,
      violations: auditor.violations(), auditLines, passed: auditor.violationCount === 0,
      scale: options.scale, targetStats, ordersPlanned: workload.ordersPlanned,
      night: nightShape.orders === SU7_DAY_ORDERS ? 'su7' : 'yu7', speed: options.speed };
    console.log(reportText(summary));
    if (afterText !== null) console.log(afterText);
    if (options.reportFile !== null) writeReportFile(options.reportFile, summary, afterJson);
    return summary.passed ? 0 : 1;
  } finally {
    client.close();
  }
}

/** `--waiting-room`: a launch behind a room, audited (waiting-room-night.ts). */
async function waitingRoom(options: SimulateOptions, urls: readonly string[], adminToken: string,
  setupText: string): Promise<number> {
  const client = new HttpClient(urls, options.connections);
  try {
    const { launchId } = await readCatalogs(client, options.launchId);
    const buyers = Math.min(WAITING_ROOM_LIMITS.buyersMax, Math.max(WAITING_ROOM_LIMITS.buyersMin,
      Math.round(options.scale * 100_000)));
    const setup = `launch ${launchId} behind a waiting room: ${fmt(buyers)} buyers, seed `
      + `${options.seed}, ${setupText}`;
    console.error(`simulate --waiting-room: ${setup}`);
    const r = await runWaitingRoomNight(client, adminToken, { buyers, seed: options.seed,
      launchId, log: (line) => { if (!options.quiet) console.error(line); } });
    console.log(r.lines.join('\n'));
    const violations = [...r.violations].map(([kind, list]) =>
      `${kind}: ${list.length}; e.g. ${list.slice(0, 5).join(' | ')}`);
    for (const v of violations) console.log(`VIOLATION ${v}`);
    console.log(violations.length === 0 ? 'audit: passed' : 'audit: FAILED');
    if (options.reportFile !== null) {
      writeModeReport(options.reportFile, { mode: options.mode, setup, report: r.lines,
        passed: violations.length === 0, violations });
    }
    return violations.length === 0 ? 0 : 1;
  } finally {
    client.close();
  }
}

/**
 * The catalogues of the target launch and the switch sources. The target may be named by its
 * launch id (`yu7-2025`) or by its model (`yu7`): a model's first launch is its launch night.
 */
export async function readCatalogs(client: HttpClient, named: string):
  Promise<{ catalogs: Map<string, Catalog>; launchId: string }> {
  const o = await client.request('GET', '/launches', { timeoutMs: 30_000 });
  if (o.kind !== 'reply' || o.status !== 200 || !Array.isArray(o.body?.launches)) {
    throw new Error(`GET /launches failed: ${o.kind === 'reply' ? o.status : o.message}`);
  }
  const launches = o.body.launches as Array<{ launch_id: string; model_id: string;
    opens_at: string }>;
  const ofModel = launches.filter((l) => l.model_id === named)
    .sort((a, b) => Date.parse(a.opens_at) - Date.parse(b.opens_at));
  const target = launches.some((l) => l.launch_id === named) ? named
    : ofModel[0]?.launch_id ?? named;
  const catalogs = new Map<string, Catalog>();
  for (const l of o.body.launches) {
    if (l.launch_id === target || SWITCH_SOURCES.includes(l.launch_id)) {
      catalogs.set(l.launch_id, catalogFromLaunch(l));
    }
  }
  if (!catalogs.has(target)) throw new Error(`the server has no launch or model ${named}`);
  return { catalogs, launchId: target };
}

/** Read-back of every order, queue checks, and the statistics of every launch we touched. */
export async function finalAudit(night: LaunchNight, auditor: Auditor,
  catalogs: ReadonlyMap<string, Catalog>, target: string, phases: string[]): Promise<string[]> {
  const lines: string[] = [];
  const start = performance.now();
  const back = await night.readBack();
  phases.push(`read back ${fmt(back.orders)} orders of ${fmt(back.accounts)} accounts in ` +
    `${((performance.now() - start) / 1000).toFixed(1)} s`);
  if (back.adopted > 0) lines.push(`${back.adopted} orders of unanswered attempts adopted`);
  const baselineLocked = new Map<string, number>();
  for (const [id, b] of night.baseline) baselineLocked.set(id, b?.orders?.locked ?? 0);
  const q = auditor.checkQueues(baselineLocked);
  lines.push(`${fmt(auditor.orders.size)} orders modelled; ${fmt(q.places)} queue places in ` +
    `${q.queues} queues checked (unique, gaps explained, in lock order)`);
  for (const id of catalogs.keys()) {
    let diffs = auditor.compareStats(id, await night.stats(id), night.baseline.get(id));
    if (diffs.length > 0) {
      // The live figures may be a tick behind; one second later they must agree.
      await new Promise((r) => setTimeout(r, 1500));
      diffs = auditor.compareStats(id, await night.stats(id), night.baseline.get(id));
    }
    if (diffs.length === 0) {
      lines.push(`stats of ${id} equal the model${id === target ? '' : ' (switch source)'}`);
    }
    for (const d of diffs) auditor.violation('stats', d);
  }
  lines.push(`${fmt(auditor.checks)} checks`);
  return lines;
}

function writeReportFile(path: string, s: SimulationSummary,
  afterNight: Record<string, unknown> | null = null): void {
  const m = s.metrics;
  const lat = (h: typeof m.latency): Record<string, number> => ({ p50: h.percentileMs(0.5),
    p90: h.percentileMs(0.9), p99: h.percentileMs(0.99), p999: h.percentileMs(0.999),
    max: h.maxMs, count: h.count });
  writeFileSync(path, JSON.stringify({ setup: s.setup, phases: s.phases,
    play_seconds: s.playSeconds, planned_seconds: s.plannedSeconds, requests: m.requests,
    orders: m.targetOrders, confirmed_by: m.confirmedBy, latency_ms: lat(m.latency),
    order_latency_ms: lat(m.orderLatency), errors_by_code: Object.fromEntries(m.errorsByCode),
    passed: s.passed, violations: s.violations, target_stats: s.targetStats,
    ...(afterNight === null ? {} : { after_night: afterNight }) }, null, 2));
}

/**
 * `--report-file` of the modes other than the launch night: what the run printed, whether its
 * audit passed and why not, as JSON (`mode`, `setup`, `report`: the report's lines, `passed`,
 * `violations`, and the mode's own figures). The launch night writes its own (writeReportFile).
 */
function writeModeReport(path: string, r: { mode: string; setup: string;
  report: readonly string[]; passed: boolean; violations: readonly string[] } &
  Record<string, unknown>): void {
  writeFileSync(path, JSON.stringify(r, null, 2));
}

/** `--drop jacket` (behind a room with `--waiting-room`): the drop, its audit and the rings. */
async function simulateDrop(options: SimulateOptions, urls: readonly string[],
  adminToken: string, setupText: string): Promise<number> {
  const night = new DropNight(urls, { seed: options.seed, buyers: options.dropBuyers,
    rings: options.rings, connections: options.connections, adminToken,
    room: options.mode === 'drop-room',
    log: (line) => { if (!options.quiet) console.error(line); } });
  try {
    const r = await night.run();
    const setup = `drop jacket${options.mode === 'drop-room' ? ' behind a waiting room' : ''}: `
      + `seed ${options.seed}, ${counted(options.dropBuyers, 'honest buyer')}, `
      + `${counted(options.rings, 'ring')}, ${counted(options.connections, 'connection')}, `
      + setupText;
    console.log([setup, ...r.lines, r.passed ? 'audit: passed'
      : `audit: FAILED\n  ${r.violations.slice(0, 20).join('\n  ')}`].join('\n'));
    if (options.reportFile !== null) {
      const a = r.audit;
      writeModeReport(options.reportFile, { mode: options.mode, setup, report: r.lines,
        passed: r.passed, violations: r.violations, variants: r.ends,
        rings: { planted: a.ringsPlanted, judged: a.ringsJudged, found: a.ringsFound,
          honest_flagged: a.honestFlagged },
        offers: a.offers });
    }
    return r.passed ? 0 : 1;
  } finally {
    night.close();
  }
}
