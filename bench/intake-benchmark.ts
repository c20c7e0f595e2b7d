// The intake benchmark (`npm run bench`): how many orders a second launchday takes on this
// machine, next to what a bare node:http server answers for the same request at the same
// concurrency with the same load tool, measured in the same run. Absolute numbers drift on a
// shared machine; the ratios are the result. It never fails: a missing tool is reported, not thrown.
//
//   npm run bench [-- --seconds 10 --connections 256 --rounds 1 --database-url postgres://...]
//     [--cpu-prof DIR]   (the intake's launchday servers' CPU profiles, every thread, into DIR)
//   npm run bench -- --only reads [--quick] [--storm 10000] [--backlog 511]
//   npm run bench -- --only storm [--server-env LAUNCHDAY_STORM_QUEUE_MIN=0]
//   npm run bench -- --only live [--seconds 5]
//
// After the intake comes the read section (read-benchmark.ts): each read against a bare GET,
// with and without If-None-Match, and the opening second's connection storm; then the live
// stream's effect on order p99 (live-viewers.ts). `--only intake`, `--only reads` or
// `--only live` runs one of them; `--quick` measures 2 s per figure, for development.
//
// With --rounds N, (a) and (b) are measured N times in turn, a, b, a, b, ...: this machine's
// speed drifts by 10% or more within minutes, and a ratio from neighbouring measurements, the
// median of N, holds up better than one pair.
import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import os from 'node:os';
import { dirname, join } from 'node:path';
import { parseArgs } from 'node:util';
import { fileURLToPath } from 'node:url';
import { HttpClient, whileOverloaded } from '../sim/http-client.js';
import { phoneNumber, identityNumber, personName } from '../sim/identity-generator.js';
import { Random } from '../sim/random.js';
import { startServers, stopChild, type StartedServers } from '../sim/server-process.js';
import { cpuPerRequest, cpuSample } from './proc-cpu.js';
import { readSection } from './read-benchmark.js';
import { runWrk, wrkVersion, type LoadResult } from './wrk-runner.js';

/** A load's result with the server's CPU per request (all its processes), when /proc tells. */
interface Measured extends LoadResult {
  readonly cpu: { totalUs: number; mainUs: number } | null;
}

const LIMITS = Object.freeze({
  accounts: 20_000,
  /** Raised from the launch's 2 so that 20,000 accounts can place up to a million orders. */
  perAccountLimit: 50,
  warmupSeconds: 3,
  /** Accounts registering at once before the load (each keeps its own token). */
  registerConcurrency: 8,
});
const LAUNCH = 'yu7-2025';

interface Options {
  seconds: number;
  connections: number;
  rounds: number;
  databaseUrl: string | null;
  /** Node flags for the measured launchday servers (`--cpu-prof DIR` sets them). */
  nodeFlags: readonly string[];
}

/** Most rounds one run takes: each costs two loads and a server start. */
const ROUNDS_MAX = 9;

async function main(): Promise<void> {
  const { values } = parseArgs({ options: { seconds: { type: 'string' },
    connections: { type: 'string' }, rounds: { type: 'string' },
    'database-url': { type: 'string' }, only: { type: 'string' }, quick: { type: 'boolean' },
    storm: { type: 'string' }, backlog: { type: 'string' }, 'cpu-prof': { type: 'string' },
    'server-env': { type: 'string', multiple: true } } });
  const only = values.only ?? 'all';
  if (!['all', 'intake', 'reads', 'storm', 'live'].includes(only)) {
    console.log('--only is intake, reads, storm or live; nothing measured.');
    return;
  }
  const opts: Options = { seconds: Number(values.seconds ?? (values.quick ? 2 : 10)),
    connections: Number(values.connections ?? 256), rounds: Number(values.rounds ?? 1),
    databaseUrl: values['database-url'] ?? null,
    nodeFlags: values['cpu-prof'] === undefined ? []
      : ['--cpu-prof', `--cpu-prof-dir=${values['cpu-prof']}`] };
  const serverEnv = values['server-env'] ?? [];
  const malformed = serverEnv.find((e) => !/^LAUNCHDAY_[A-Z0-9_]+=/.test(e));
  if (malformed !== undefined) {
    console.log(`--server-env takes LAUNCHDAY_NAME=VALUE, not ${JSON.stringify(malformed)}; `
      + 'nothing measured.');
    return;
  }
  if (values['cpu-prof'] !== undefined && only !== 'intake' && only !== 'all') {
    console.log('--cpu-prof profiles the intake\'s servers: use it with --only intake (or none); '
      + 'nothing measured.');
    return;
  }
  if (!Number.isInteger(opts.rounds) || opts.rounds < 1 || opts.rounds > ROUNDS_MAX) {
    console.log(`--rounds must be a whole number from 1 to ${ROUNDS_MAX}; nothing measured.`);
    return;
  }
  const cpus = os.cpus();
  console.log(`machine: ${cpus[0]?.model ?? 'unknown CPU'}, ${cpus.length} cores, ` +
    `${(os.totalmem() / 2 ** 30).toFixed(1)} GiB memory, node ${process.version}, ` +
    `${os.type()} ${os.release()}`);
  const wrk = wrkVersion();
  if (wrk === null) {
    console.log('wrk is not installed (Debian: apt-get install -y wrk); nothing measured.');
    return;
  }
  console.log(`load: ${wrk}`);
  const bodies = orderBodies();
  if (only !== 'intake') {
    const storm = Number(values.storm ?? 10_000);
    const backlog = values.backlog === undefined ? null : Number(values.backlog);
    const readOpts = { seconds: values.seconds === undefined ? (values.quick ? 2 : 5)
      : opts.seconds, connections: opts.connections, stormConnections: storm, backlog,
      stormOnly: only === 'storm', serverEnv: Object.fromEntries(serverEnv
        .map((e) => [e.slice(0, e.indexOf('=')), e.slice(e.indexOf('=') + 1)])) };
    const intakeOpts = { ...opts, seconds: 6 };
    // The intake first, then the reads, then the live stream: one load at a time on a shared
    // machine.
    if (only === 'all') await runIntake(opts, bodies);
    if (only !== 'live') {
      await readSection(readOpts, {
        prepare: (url, adminToken, accounts) => prepare(url, adminToken, bodies[0]!, accounts),
        orders: async (url, tokens, seconds, ratePerSecond) => (await load([url], [],
          { ...intakeOpts, seconds }, tokens, bodies, 0, ratePerSecond)),
      });
    }
    if (only === 'storm') return;
    // The stream's effect on order p99 (live-viewers.ts, also `npm run bench:live`), in its own
    // process: it holds 10,000 viewer sockets, which this process should not carry after.
    await liveSection(readOpts.seconds);
    return;
  }
  await runIntake(opts, bodies);
}

/**
 * The stream's windows: never under 5 s, and three rounds (a, b, a, b, a, b, a), even with
 * --quick. One round's ratio is one p99 set against two others, each moved by whatever else
 * the shared machine did in its window: single rounds ranged from 0.88 to 1.53 in one hour
 * (docs/benchmarks.md, "The live stream's effect on orders"); the median of three holds better.
 */
const LIVE_WINDOW_SECONDS_MIN = 5;
const LIVE_ROUNDS = 3;

/** Runs bench/live-viewers.ts for `seconds` per window, its output in line with this one's. */
function liveSection(seconds: number): Promise<void> {
  const script = fileURLToPath(new URL('./live-viewers.js', import.meta.url));
  const windowSeconds = Math.max(LIVE_WINDOW_SECONDS_MIN, seconds);
  return new Promise((resolve) => {
    spawn(process.execPath, [script, '--seconds', String(windowSeconds), '--rounds',
      String(LIVE_ROUNDS)], { stdio: 'inherit' })
      .on('exit', () => resolve()).on('error', (err) => {
        console.log(`live stream: not measured (${err.message})`);
        resolve();
      });
  });
}

async function runIntake(opts: Options, bodies: readonly string[]): Promise<void> {
  console.log(`intake: ${opts.connections} connections, ${LIMITS.warmupSeconds} s warm-up `
    + `then ${opts.seconds} s measured, POST /api/v1/orders with a new Idempotency-Key each`);
  const ratios: number[] = [];
  let sqlite: Measured | null = null;
  for (let round = 1; round <= opts.rounds; round++) {
    const tag = opts.rounds > 1 ? ` [round ${round} of ${opts.rounds}]` : '';
    const bare = await measureBare(opts, bodies);
    report(`(a) bare node:http${tag}`, bare);
    sqlite = await measureLaunchday(opts, bodies, null, 1);
    report(`(b) launchday, SQLite${tag}`, sqlite);
    ratios.push(sqlite.ratePerSecond / bare.ratePerSecond);
    console.log(`ratio (b)/(a)${tag}: ${ratios.at(-1)!.toFixed(2)}`);
  }
  if (opts.rounds > 1) {
    console.log(`ratio (b)/(a): ${median(ratios).toFixed(2)}, the median of ${opts.rounds} ` +
      `rounds (from ${Math.min(...ratios).toFixed(2)} to ${Math.max(...ratios).toFixed(2)})`);
  }
  console.log('target for (b)/(a): at least 0.50, with p99 under 50 ms');
  if (opts.databaseUrl !== null && sqlite !== null) {
    const pg = await measureLaunchday(opts, bodies, opts.databaseUrl, 2);
    report('(c) launchday, PostgreSQL, 2 processes', pg);
    console.log(`ratio (c)/(b): ${(pg.ratePerSecond / sqlite.ratePerSecond).toFixed(2)} ` +
      '(target at least 0.40)');
  }
}

function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
}

function report(label: string, r: Measured): void {
  const errors = r.non2xx + r.socketErrors;
  const share = errors / Math.max(1, r.requests);
  console.log(`${label}: ${Math.round(r.ratePerSecond).toLocaleString('en-US')} requests/s, ` +
    `p50 ${r.latencyMsP50.toFixed(1)} ms, p99 ${r.latencyMsP99.toFixed(1)} ms, max ` +
    `${r.latencyMsMax.toFixed(1)} ms, ${r.requests.toLocaleString('en-US')} requests, ` +
    `${errors} not 2xx or failed${share > 0.01 ? ' (OVER 1%: the rate is not of orders)' : ''}`);
  if (r.cpu !== null) {
    console.log(`    server CPU per request: ${r.cpu.totalUs.toFixed(0)} us in all, ` +
      `${r.cpu.mainUs.toFixed(0)} us on the event loop's thread`);
  }
}

/** A few configurations, so the server's per-trim and per-city work is not one hot row. */
function orderBodies(): string[] {
  const trims = ['standard', 'pro', 'max'];
  const cities = ['beijing', 'shanghai', 'shenzhen', 'chengdu', 'hangzhou'];
  const out: string[] = [];
  for (const trim of trims) {
    for (const city of cities) {
      out.push(JSON.stringify({ launch_id: LAUNCH, trim, city,
        options: ['colour-pearl-white', 'wheels-19'] }));
    }
  }
  return out;
}

async function load(urls: readonly string[], pids: readonly number[], opts: Options,
  tokens: readonly string[], bodies: readonly string[],
  warmupSeconds: number = LIMITS.warmupSeconds, ratePerSecond?: number): Promise<Measured> {
  const run = (seconds: number, tag: string): Promise<LoadResult[]> => Promise.all(urls.map(
    (url, i) => runWrk({ url, connections: Math.floor(opts.connections / urls.length),
      threads: Math.max(1, Math.floor(Math.min(2, os.cpus().length) / urls.length)), seconds,
      tokens, bodies, keyPrefix: `${tag}${i}${randomBytes(4).toString('hex')}`,
      ratePerSecond: ratePerSecond === undefined ? undefined : ratePerSecond / urls.length })));
  if (warmupSeconds > 0) await run(warmupSeconds, 'w');
  const before = cpuSample(pids);
  const parts = await run(opts.seconds, 'm');
  const after = cpuSample(pids);
  // Several processes are loaded by one wrk each: rates add up; for latency the worst is shown.
  const sum = parts.reduce((a, b) => ({ requests: a.requests + b.requests,
    seconds: Math.max(a.seconds, b.seconds), ratePerSecond: a.ratePerSecond + b.ratePerSecond,
    non2xx: a.non2xx + b.non2xx, socketErrors: a.socketErrors + b.socketErrors,
    latencyMsP50: Math.max(a.latencyMsP50, b.latencyMsP50),
    latencyMsP99: Math.max(a.latencyMsP99, b.latencyMsP99),
    latencyMsMax: Math.max(a.latencyMsMax, b.latencyMsMax) }));
  return { ...sum, cpu: cpuPerRequest(before, after, sum.requests) };
}

async function measureBare(opts: Options, bodies: readonly string[]): Promise<Measured> {
  const main = join(dirname(fileURLToPath(import.meta.url)), 'bare-server.js');
  const child = spawn(process.execPath, [main], { stdio: ['ignore', 'pipe', 'inherit'] });
  try {
    const url = await new Promise<string>((resolve, reject) => {
      child.stdout!.setEncoding('utf8').on('data', (c: string) => {
        const m = /listening on (\S+)/.exec(c);
        if (m !== null) resolve(m[1]!);
      });
      child.on('exit', () => reject(new Error('bare server exited')));
    });
    return await load([url], [child.pid ?? 0], opts, ['bare-token'], bodies);
  } finally {
    await stopChild(child);
  }
}

async function measureLaunchday(opts: Options, bodies: readonly string[],
  databaseUrl: string | null, processes: number): Promise<Measured> {
  const adminToken = `bench-${randomBytes(16).toString('hex')}`;
  // 20,000 accounts from one machine each order many times a second: no rate limit could pass
  // that, so the measured server runs without them (and says so in its log).
  const servers: StartedServers = await startServers({ processes, databaseUrl, adminToken,
    keepData: false, extraEnv: { LAUNCHDAY_RATE_LIMITS: 'off' }, nodeFlags: opts.nodeFlags });
  try {
    const tokens = await prepare(servers.urls[0]!, adminToken, bodies[0]!);
    return await load(servers.urls, servers.pids, opts, tokens, bodies);
  } finally {
    await servers.stop();
  }
}

/** How often a request of the preparation asks again after `503 overloaded`. */
const PREPARE_RETRIES_MAX = 10;

/** Accounts for the load, the per-account limit raised, and one order that must succeed. */
async function prepare(url: string, adminToken: string, body: string,
  accounts: number = LIMITS.accounts): Promise<string[]> {
  const client = new HttpClient([url], 8);
  const must = async (method: string, path: string, b: unknown, token = adminToken,
    headers?: Record<string, string>): Promise<any> => {
    // A loaded machine may answer 503 overloaded while the accounts are made: wait as told
    // and ask again, rather than give the run up.
    const o = await whileOverloaded(() => client.request(method, path,
      { token, body: b, headers, timeoutMs: 60_000 }), PREPARE_RETRIES_MAX);
    if (o.kind !== 'reply' || o.status >= 300) {
      throw new Error(`${method} ${path}: ${o.kind === 'reply'
        ? `${o.status} ${JSON.stringify(o.body)}` : o.message}`);
    }
    return o.body;
  };
  try {
    await must('PATCH', `/admin/launches/${LAUNCH}`, { per_account_limit: LIMITS.perAccountLimit });
    const r = new Random(2025);
    // Each buyer registers itself and keeps the token of its own session: an operator's import
    // hands out no credentials.
    const tokens: string[] = new Array(accounts);
    let next = 0;
    const register = async (): Promise<void> => {
      for (let j = next++; j < accounts; j = next++) {
        const created = await must('POST', '/accounts', { phone: phoneNumber(j, 0),
          name: personName(r), id_number: identityNumber(j, 0, r) });
        tokens[j] = created.token;
      }
    };
    await Promise.all(Array.from({ length: LIMITS.registerConcurrency }, register));
    if (tokens.filter(Boolean).length < accounts) {
      throw new Error(`only ${tokens.filter(Boolean).length} of ${accounts} registered`);
    }
    // The load must measure orders taken, not refusals: one order first, checked by hand.
    await must('POST', '/orders', JSON.parse(body), tokens[0], { 'idempotency-key': 'bench-probe' });
    return tokens;
  } finally {
    client.close();
  }
}

main().catch((e) => {
  // A benchmark reports; it does not fail a run.
  console.log(`benchmark could not complete: ${(e as Error).message}`);
});
