// The read section of `npm run bench`: the reads every phone repeats on launch night, each
// against a bare node:http server answering a body of the same length (the GET ceiling of this
// machine and runtime), measured in the same run with the same tool and concurrency, with and
// without a conditional request; then the opening second's storm of new connections while
// orders flow. Each figure is printed beside its target (issue 19). Latency is given twice:
// wrk's, corrected for coordinated omission (wrk adds samples for requests a stalled connection
// would have sent), and a probe's, uncorrected (one more connection sending one request after
// another and timing each).
import { spawn, type ChildProcess } from 'node:child_process';
import { readFileSync } from 'node:fs';
import http from 'node:http';
import { randomBytes } from 'node:crypto';
import os from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { startServers, stopChild } from '../sim/server-process.js';
import { connectionStorm, percentile, type StormResult } from './connection-storm.js';
import { cpuPerRequest, cpuSample } from './proc-cpu.js';
import { runWrkGet } from './wrk-get.js';
import type { LoadResult } from './wrk-runner.js';

export interface ReadOptions {
  readonly seconds: number;
  readonly connections: number;
  /** New connections in the storm, opened within one second. */
  readonly stormConnections: number;
  /** launchday's listen backlog for this run (LAUNCHDAY_LISTEN_BACKLOG); null: its default. */
  readonly backlog: number | null;
  /** Only the storm (no read figures, no bare server's storm): `--only storm`. */
  readonly stormOnly?: boolean;
  /** Settings for launchday beyond the bench's own (`--server-env NAME=VALUE`). */
  readonly serverEnv?: Readonly<Record<string, string>>;
}

export interface ReadHelpers {
  /** Registers `accounts` buyers and returns their tokens (intake-benchmark.ts's). */
  prepare(url: string, adminToken: string, accounts: number): Promise<string[]>;
  /**
   * Orders at the intake's concurrency for `seconds`: as fast as replies come, or paced at
   * `ratePerSecond` in all (open loop, wrk-runner.ts).
   */
  orders(url: string, tokens: readonly string[], seconds: number, ratePerSecond?: number):
    Promise<LoadResult>;
}

const WARMUP_SECONDS = 1;
/**
 * Buyers for the orders beside the storm: at 50 orders each (intake-benchmark.ts), room for the
 * capacity run and three 6 s runs at up to about 15,000 orders a second.
 */
const STORM_ACCOUNTS = 6_000;
const PATH_LAUNCH = '/api/v1/launches/yu7-2025';

interface Probe { p50: number; p99: number; max: number; n: number }

/** One connection sending one request after another for `ms`, each timed (no correction). */
function probe(url: string, headers: Record<string, string>, ms: number): Promise<Probe> {
  const agent = new http.Agent({ keepAlive: true, maxSockets: 1 });
  const times: number[] = [];
  const until = performance.now() + ms;
  const once = (): Promise<void> => new Promise((resolve) => {
    const t = performance.now();
    http.get(url, { agent, headers }, (res) => {
      res.resume();
      res.on('end', () => { times.push(performance.now() - t); resolve(); });
    }).on('error', () => resolve());
  });
  return (async () => {
    while (performance.now() < until) await once();
    agent.destroy();
    const s = times.sort((a, b) => a - b);
    return { p50: percentile(s, 50), p99: percentile(s, 99), max: s.at(-1) ?? NaN, n: s.length };
  })();
}

async function startBare(bodyBytes: number, backlog = 511): Promise<{ url: string;
  child: ChildProcess }> {
  const main = join(dirname(fileURLToPath(import.meta.url)), 'bare-get-server.js');
  const child = spawn(process.execPath, [main], { stdio: ['ignore', 'pipe', 'inherit'],
    env: { ...process.env, BARE_BODY_BYTES: String(bodyBytes), BARE_BACKLOG: String(backlog) } });
  const url = await new Promise<string>((resolve, reject) => {
    child.stdout!.setEncoding('utf8').on('data', (c: string) => {
      const m = /listening on (\S+)/.exec(c);
      if (m !== null) resolve(m[1]!);
    });
    child.on('exit', () => reject(new Error('bare server exited')));
  });
  return { url, child };
}

const fmt = (n: number): string => Math.round(n).toLocaleString('en-US');

interface Measured {
  readonly wrk: LoadResult;
  readonly probe: Probe;
  /** The server's CPU per request (wrk's and the probe's), when /proc tells. */
  readonly cpuUs: number | null;
}

async function measure(url: string, headers: Record<string, string>, opts: ReadOptions,
  pids: readonly number[]): Promise<Measured> {
  const threads = Math.min(2, os.cpus().length);
  await runWrkGet({ url, connections: opts.connections, threads, seconds: WARMUP_SECONDS,
    headers });
  const before = cpuSample(pids);
  const [wrk, p] = await Promise.all([runWrkGet({ url, connections: opts.connections, threads,
    seconds: opts.seconds, headers }), probe(url, headers, opts.seconds * 1000 - 200)]);
  const cpu = cpuPerRequest(before, cpuSample(pids), wrk.requests + p.n);
  return { wrk, probe: p, cpuUs: cpu === null ? null : cpu.totalUs };
}

// CPU per request holds up on a shared machine better than the rate does (proc-cpu.ts).
const latency = (m: Measured): string =>
  `${m.cpuUs === null ? '' : `server CPU ${m.cpuUs.toFixed(0)} us/request; `}`
  + `wrk p50/p99 ${m.wrk.latencyMsP50.toFixed(1)}/${m.wrk.latencyMsP99.toFixed(1)} ms `
  + `(corrected); probe p50/p99/max ${m.probe.p50.toFixed(1)}/${m.probe.p99.toFixed(1)}/`
  + `${m.probe.max.toFixed(1)} ms (uncorrected, ${fmt(m.probe.n)} requests)`
  + (m.wrk.non2xx + m.wrk.socketErrors > 0
    ? `; ${m.wrk.non2xx + m.wrk.socketErrors} failed or over 399` : '');

/**
 * The bare server's CPU per request over launchday's: the ratio of rates the machine would give
 * if the server had the cores to itself, and one that a loaded machine moves much less.
 */
const cpuRatio = (bare: Measured, ours: Measured): string =>
  (bare.cpuUs === null || ours.cpuUs === null ? ''
    : `, by CPU per request ${(bare.cpuUs / ours.cpuUs).toFixed(2)}`);

interface ReadPath {
  readonly label: string;
  readonly path: string;
  /** Target ratio to bare: plain, conditional. */
  readonly target: readonly [number, number];
}

function stormLine(label: string, s: StormResult): string {
  return `${label}: ${fmt(s.answered)} of ${fmt(s.count)} answered, ${s.failed} not; time to `
    + `first byte p50 ${s.ttfbMsP50.toFixed(0)} ms, p99 ${s.ttfbMsP99.toFixed(0)} ms `
    + `(target under 1,000), max ${s.ttfbMsMax.toFixed(0)} ms, ${s.overOneSecond} after a `
    + 'second or more (uncorrected)\n'
    + `        where it went: TCP handshake p99 ${s.connectMsP99.toFixed(0)} ms; kernel: `
    + (s.kernel === null ? 'unknown' : `${fmt(s.kernel.listenDrops)} SYNs dropped on a full `
      + `accept queue, ${fmt(s.kernel.synRetrans)} sent again`)
    + `; the client opened its last connection ${s.openLateMsMax.toFixed(0)} ms late and used `
    + `${fmt(s.clientCpuMs)} ms of CPU`;
}

/** Shares of the measured order capacity at which the storm is also measured (open loop). */
const STORM_ORDER_SHARES = [0.5, 0.8] as const;
const STORM_ORDER_SECONDS = 6;
/** The storm starts this long after the orders, so that it meets them at their pace. */
const STORM_AFTER_MS = 2500;

/**
 * The storm while orders flow: at shares of the capacity (paced, open loop), then as fast as
 * replies come (closed loop, saturated), each beside the orders' own figures meanwhile.
 */
/** Connections of the order probe beside the storm (order-probe.ts). */
const PROBE_CONNECTIONS = 4;

/** Runs order-probe.ts for `seconds`; resolves with its samples ([start, ms, status]). */
function orderProbe(base: string, tokens: readonly string[], seconds: number):
  Promise<Array<[number, number, number]>> {
  const main = join(dirname(fileURLToPath(import.meta.url)), 'order-probe.js');
  const child = spawn(process.execPath, [main], { stdio: ['ignore', 'pipe', 'inherit'],
    env: { ...process.env, PROBE_URL: base, PROBE_TOKENS: JSON.stringify(tokens),
      PROBE_BODY: ORDER_BODY, PROBE_CONNECTIONS: String(PROBE_CONNECTIONS),
      PROBE_SECONDS: String(seconds) } });
  let out = '';
  child.stdout!.setEncoding('utf8').on('data', (c: string) => { out += c; });
  return new Promise((resolve) => {
    child.on('exit', () => {
      const line = out.split('\n').find((l) => l.startsWith('PROBEJSON '));
      resolve(line === undefined ? [] : JSON.parse(line.slice(10)).samples);
    });
  });
}

const ORDER_BODY = JSON.stringify({ launch_id: 'yu7-2025', trim: 'standard', city: 'beijing',
  options: ['colour-pearl-white', 'wheels-19'] });

/** The probe's orders begun within [from, to): how many, p50, p99, max, and not 2xx. */
function ordersWithin(samples: ReadonlyArray<[number, number, number]>, from: number,
  to: number): string {
  const within = samples.filter(([s]) => s >= from && s < to);
  const ms = within.map(([, t]) => t).sort((a, b) => a - b);
  const bad = within.filter(([, , status]) => status < 200 || status > 299).length;
  return `${ms.length} orders, p50 ${percentile(ms, 50).toFixed(0)} ms, p99 `
    + `${percentile(ms, 99).toFixed(0)} ms, max ${(ms.at(-1) ?? NaN).toFixed(0)} ms`
    + (bad > 0 ? `, ${bad} not 2xx` : '');
}

async function stormWhileOrdersFlow(base: string, tokens: readonly string[],
  opts: ReadOptions, helpers: ReadHelpers): Promise<void> {
  const capacity = await helpers.orders(base, tokens, 3);
  console.log(`    order capacity (no storm, as fast as replies come): `
    + `${fmt(capacity.ratePerSecond)}/s, wrk p99 ${capacity.latencyMsP99.toFixed(1)} ms`);
  const runs: Array<[string, number | undefined]> = [
    ...STORM_ORDER_SHARES.map((share): [string, number] => [
      `while orders are offered at ${share * 100}% of capacity`, share * capacity.ratePerSecond]),
    ['while orders flow as fast as replies come (saturated)', undefined],
  ];
  for (const [label, rate] of runs) {
    const orders = helpers.orders(base, tokens, STORM_ORDER_SECONDS, rate);
    // Tokens of their own, from the end: wrk takes its buyers in turn from the start.
    const probe = orderProbe(base, tokens.slice(-500), STORM_ORDER_SECONDS);
    await new Promise((r) => setTimeout(r, STORM_AFTER_MS));
    const storm = await connectionStorm(base, PATH_LAUNCH, opts.stormConnections, 1000);
    const o = await orders;
    const samples = await probe;
    console.log(stormLine(`    launchday, ${label}`, storm));
    console.log(`        orders during the storm (probe, ${PROBE_CONNECTIONS} connections, `
      + `uncorrected): ${ordersWithin(samples, storm.startMs, storm.endMs)}; in the `
      + `${(STORM_AFTER_MS / 1000).toFixed(1)} s before it: `
      + `${ordersWithin(samples, storm.startMs - STORM_AFTER_MS + 500, storm.startMs)}`);
    console.log(`        the orders meanwhile: ${fmt(o.ratePerSecond)}/s`
      + `${rate === undefined ? '' : ` (offered ${fmt(rate)}/s)`}, wrk p99 `
      + `${o.latencyMsP99.toFixed(1)} ms (corrected), ${o.non2xx + o.socketErrors} not 2xx`);
  }
}

/** The read section; prints as it goes, never throws past a measurement it could not make. */
export async function readSection(opts: ReadOptions, helpers: ReadHelpers): Promise<void> {
  const adminToken = `bench-${randomBytes(16).toString('hex')}`;
  const backlogEnv: Record<string, string> = { ...opts.serverEnv, ...(opts.backlog === null
    ? {} : { LAUNCHDAY_LISTEN_BACKLOG: String(opts.backlog) }) };
  if (opts.serverEnv !== undefined && Object.keys(opts.serverEnv).length > 0) {
    console.log(`launchday's settings for this run: ${Object.entries(opts.serverEnv)
      .map(([k, v]) => `${k}=${v}`).join(' ')}`);
  }
  console.log(opts.stormOnly === true
    ? `\nthe connection storm alone (no reads measured, no bare node:http storm); somaxconn `
      + `${somaxconn()}`
    : `\nreads: ${opts.connections} connections, ${WARMUP_SECONDS} s warm-up then `
      + `${opts.seconds} s measured per figure; bare node:http answers a body of the same `
      + `length; somaxconn ${somaxconn()}`);
  const servers = await startServers({ processes: 1, databaseUrl: null, adminToken,
    keepData: false, extraEnv: { LAUNCHDAY_RATE_LIMITS: 'off', ...backlogEnv } });
  try {
    const base = servers.urls[0]!;
    const version = /\?v=([A-Za-z0-9_-]+)/.exec(await (await fetch(`${base}/`)).text())?.[1];
    const paths: ReadPath[] = [
      { label: 'GET /launches/{id}', path: PATH_LAUNCH, target: [0.8, 0.9] },
      { label: 'GET /launches', path: '/api/v1/launches', target: [0.8, 0.9] },
      { label: 'GET /launches/{id}/stats', path: `${PATH_LAUNCH}/stats`, target: [0.8, 0.9] },
      { label: 'GET / (page)', path: '/', target: [0.8, 0.8] },
      { label: 'GET /js/launch-page.js?v=', path: `/js/launch-page.js?v=${version}`,
        target: [0.8, 0.8] },
    ];
    for (const p of opts.stormOnly === true ? [] : paths) {
      const first = await fetch(base + p.path);
      const bytes = (await first.arrayBuffer()).byteLength;
      const etag = first.headers.get('etag') ?? '';
      const bare = await startBare(bytes);
      let ceiling: Measured;
      try {
        ceiling = await measure(bare.url, {}, opts, [bare.child.pid ?? 0]);
      } finally {
        await stopChild(bare.child);
      }
      const plain = await measure(base + p.path, {}, opts, servers.pids);
      const cond = await measure(base + p.path, { 'If-None-Match': etag }, opts, servers.pids);
      console.log(`${p.label} (${fmt(bytes)} bytes)\n`
        + `    bare node:http GET: ${fmt(ceiling.wrk.ratePerSecond)}/s; ${latency(ceiling)}\n`
        + `    launchday: ${fmt(plain.wrk.ratePerSecond)}/s, ratio ${(plain.wrk.ratePerSecond
          / ceiling.wrk.ratePerSecond).toFixed(2)}${cpuRatio(ceiling, plain)} (target `
        + `${p.target[0]}); ${latency(plain)}\n`
        + `    launchday, If-None-Match (304): ${fmt(cond.wrk.ratePerSecond)}/s, ratio `
        + `${(cond.wrk.ratePerSecond / ceiling.wrk.ratePerSecond).toFixed(2)}`
        + `${cpuRatio(ceiling, cond)} (target ${p.target[1]}); ${latency(cond)}`);
    }
    console.log(`\nconnection storm: ${fmt(opts.stormConnections)} new connections within one `
      + `second, each GET ${PATH_LAUNCH} (target: every one answered, p99 time to first byte `
      + 'under 1 s)');
    const tokens = await helpers.prepare(base, adminToken, STORM_ACCOUNTS);
    const idle = await connectionStorm(base, PATH_LAUNCH, opts.stormConnections, 1000);
    console.log(stormLine('    launchday, no other load', idle));
    await stormWhileOrdersFlow(base, tokens, opts, helpers);
    console.log(`    the storm guard, all the storms above together: `
      + `${await stormCounts(base, adminToken)}`);
  } finally {
    await servers.stop();
  }
  if (opts.stormOnly === true) return;
  const bare = await startBare(6908);
  try {
    const load = runWrkGet({ url: bare.url, connections: opts.connections, threads: 2,
      seconds: 5, headers: {} });
    await new Promise((r) => setTimeout(r, STORM_AFTER_MS));
    const s = await connectionStorm(bare.url, '/', opts.stormConnections, 1000);
    await load;
    console.log(stormLine('    bare node:http (backlog 511) while GETs flow', s));
  } finally {
    await stopChild(bare.child);
  }
}

/** The storm guard's counts from the metrics (storms seen, connections held). */
async function stormCounts(base: string, adminToken: string): Promise<string> {
  try {
    const text = await (await fetch(`${base}/api/v1/metrics`,
      { headers: { authorization: `Bearer ${adminToken}` } })).text();
    const count = (name: string): string => new RegExp(`^${name} (\\S+)`, 'm').exec(text)?.[1]
      ?? '?';
    return `${count('launchday_connection_storms_total')} storms, `
      + `${count('launchday_storm_holds_total')} holds of a kept-alive connection`;
  } catch {
    return 'unknown';
  }
}

function somaxconn(): string {
  try {
    return String(Number(readFileSync('/proc/sys/net/core/somaxconn', 'utf8')));
  } catch {
    return 'unknown';
  }
}
