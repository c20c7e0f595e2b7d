// The live stream's effect on orders (`npm run bench:live`): order p99 with no live viewers, then
// with 10,000 viewers of the stream connected and reading, then with none again, on one
// launchday (SQLite), with the same load tool in the same run. Target (issue #19): the viewers
// raise order p99 by less than 20%. The server's event-loop delay over each window is read from
// its /metrics (prom-client's monitorEventLoopDelay, reset at each read), which shows whether a
// tick's writes hold the loop. It never fails: a missing tool is reported, not thrown.
//
//   npm run bench:live [-- --seconds 5 --viewers 10000 --connections 256 --rounds 1]
//   npm run bench:live -- --hub-only       # (d) alone, with a frame of a night 10 min old
//
// Absolute numbers drift on a shared machine; the ratio to the neighbouring runs without
// viewers is the result: with --rounds N the runs go a, b, a, b, ..., a, each b set against the
// mean of the runs on either side, and the median ratio is the result.
//
// Then, in this process, one tick of the hub itself to the same number of viewers on local
// sockets: how long its writes take in all and the longest slice of them that held the event
// loop, sliced (as served) and in one burst (as before issue #19), for the same frame.
import { randomBytes } from 'node:crypto';
import { createServer } from 'node:http';
import { connect, type AddressInfo, type Socket } from 'node:net';
import os from 'node:os';
import { parseArgs } from 'node:util';
import { HttpClient } from '../sim/http-client.js';
import { identityNumber, personName, phoneNumber } from '../sim/identity-generator.js';
import { Random } from '../sim/random.js';
import { startServers } from '../sim/server-process.js';
import { LiveHub, liveFigures, SLICE_MS, type LiveFrame } from '../src/launches/index.js';
import { statsFromCounters } from '../src/orders/index.js';
import { cpuPerRequest, cpuSample } from './proc-cpu.js';
import { runWrk, wrkVersion, type LoadResult } from './wrk-runner.js';

const LIMITS = Object.freeze({
  /** 5,000 buyers of 100 orders each: room for every run's orders at 17,000 a second. */
  accounts: 5_000,
  perAccountLimit: 100,
  warmupSeconds: 2,
  registerConcurrency: 8,
  /** Viewers connecting at once while the stream fills up. */
  connectConcurrency: 200,
  /** The server's own limit (Limits.liveViewersMax): the most the bench opens. */
  viewersMax: 10_000,
  roundsMax: 5,
  /** Ticks of the hub measured in this process, each way. */
  ticks: 5,
});
const LAUNCH = 'yu7-2025';

interface Options {
  seconds: number;
  viewers: number;
  connections: number;
  rounds: number;
}

/** Event-loop delay over a window, in ms, from the server's /metrics. */
interface LoopDelay {
  readonly p99Ms: number;
  readonly maxMs: number;
}

async function main(): Promise<void> {
  const { values } = parseArgs({ options: { seconds: { type: 'string' },
    viewers: { type: 'string' }, connections: { type: 'string' }, rounds: { type: 'string' },
    'hub-only': { type: 'boolean' } } });
  const opts: Options = { seconds: Number(values.seconds ?? 5),
    viewers: Math.min(LIMITS.viewersMax, Number(values.viewers ?? LIMITS.viewersMax)),
    connections: Number(values.connections ?? 256), rounds: Number(values.rounds ?? 1) };
  if (!Number.isInteger(opts.rounds) || opts.rounds < 1 || opts.rounds > LIMITS.roundsMax) {
    console.log(`--rounds must be a whole number from 1 to ${LIMITS.roundsMax}; nothing measured.`);
    return;
  }
  const cpus = os.cpus();
  console.log(`machine: ${cpus[0]?.model ?? 'unknown CPU'}, ${cpus.length} cores, ` +
    `${(os.totalmem() / 2 ** 30).toFixed(1)} GiB memory, node ${process.version}, load ` +
    `average ${os.loadavg().map((l) => l.toFixed(1)).join(' ')} (a shared machine: compare ` +
    'ratios, not absolute figures)');
  if (values['hub-only'] === true) {
    const opensAtMs = Date.parse('2025-06-26T14:00:00Z');
    const placed = new Map(Array.from({ length: 600 }, (_, i) =>
      [String(opensAtMs / 1000 + i), 300] as [string, number]));
    const stats = statsFromCounters(LAUNCH, new Map([['orders.firm', 180_000]]),
      opensAtMs + 600_000);
    await measureTicks(opts.viewers, { ...stats, ...liveFigures(placed, opensAtMs,
      opensAtMs + 600_000) });
    return;
  }
  const wrk = wrkVersion();
  if (wrk === null) {
    console.log('wrk is not installed (Debian: apt-get install -y wrk); nothing measured.');
    return;
  }
  console.log(`load: ${wrk}, ${opts.connections} connections, ${LIMITS.warmupSeconds} s warm-up ` +
    `then ${opts.seconds} s measured, POST /api/v1/orders; ${opts.viewers} viewers of ` +
    `GET /api/v1/launches/${LAUNCH}/live in the second run`);
  const adminToken = `bench-${randomBytes(16).toString('hex')}`;
  const servers = await startServers({ processes: 1, databaseUrl: null, adminToken,
    keepData: false, extraEnv: { LAUNCHDAY_RATE_LIMITS: 'off' } });
  const url = servers.urls[0]!;
  // The frame the viewers got at the end, for the hub's own measurement (d).
  let frame: Buffer | null = null;
  try {
    const tokens = await prepare(url, adminToken);
    const bodies = [JSON.stringify({ launch_id: LAUNCH, trim: 'max', city: 'beijing',
      options: [] }), JSON.stringify({ launch_id: LAUNCH, trim: 'standard', city: 'shanghai',
      options: [] })];
    const measure = async (tag: string): Promise<Window> => {
      await runWrk({ url, connections: opts.connections, threads: 2,
        seconds: LIMITS.warmupSeconds, tokens, bodies, keyPrefix: `w${tag}${rnd()}` });
      await loopDelay(url, adminToken); // resets the server's histogram
      const before = cpuSample(servers.pids);
      const r = await runWrk({ url, connections: opts.connections, threads: 2,
        seconds: opts.seconds, tokens, bodies, keyPrefix: `m${tag}${rnd()}` });
      const cpu = cpuPerRequest(before, cpuSample(servers.pids), r.requests);
      return [r, await loopDelay(url, adminToken), cpu === null ? null : cpu.totalUs];
    };
    const without: LoadResult[] = [];
    const withViewers: LoadResult[] = [];
    for (let round = 1; round <= opts.rounds + 1; round++) {
      const tag = opts.rounds > 1 ? ` [round ${round}]` : '';
      const a = await measure(`a${round}`);
      report(`(a) orders, no live viewers${tag}`, a);
      without.push(a[0]);
      if (round > opts.rounds) break;
      const viewers = await openViewers(url, opts.viewers);
      console.log(`    ${viewers.open()} viewers connected and reading ` +
        `(${viewers.refused} refused)`);
      const framesBefore = viewers.frames();
      const b = await measure(`b${round}`);
      report(`(b) orders, ${viewers.open()} live viewers${tag}`, b);
      withViewers.push(b[0]);
      console.log(`    frames received by the viewers while measured: ${
        (viewers.frames() - framesBefore).toLocaleString('en-GB')}`);
      viewers.close();
      await new Promise((r) => setTimeout(r, 1000));
    }
    const ratios = withViewers.map((b, i) =>
      b.latencyMsP99 / ((without[i]!.latencyMsP99 + without[i + 1]!.latencyMsP99) / 2));
    ratios.sort((x, y) => x - y);
    // Of an even count, the mean of the middle two: the upper one alone made two rounds' figure
    // their maximum.
    const mid = Math.floor(ratios.length / 2);
    const median = ratios.length % 2 === 1 ? ratios[mid]! : (ratios[mid - 1]! + ratios[mid]!) / 2;
    console.log(`order p99 with viewers / without (the runs either side; median of ${
      ratios.length}): ${median.toFixed(2)} (a rise of ${(100 * (median - 1)).toFixed(0)}%; ` +
      `target: under 20%)${ratios.length > 1 ? `; each round: ${
        ratios.map((r) => r.toFixed(2)).join(', ')}` : ''}`);
    frame = Buffer.from(await (await fetch(`${url}/api/v1/launches/${LAUNCH}/live.json`)).text());
  } finally {
    await servers.stop();
  }
  if (frame !== null) await measureTicks(opts.viewers, JSON.parse(frame.toString()) as LiveFrame);
}

const rnd = (): string => randomBytes(4).toString('hex');

/**
 * One tick of the hub to `n` viewers on local sockets, in this process, sliced (as
 * served) and in one burst: the writes' time in all and the longest run that held the loop.
 */
async function measureTicks(n: number, frame: LiveFrame): Promise<void> {
  for (const [label, sliceMs] of [[`sliced at ${SLICE_MS} ms`, SLICE_MS],
    ['in one burst', Infinity]] as const) {
    const hub = new LiveHub(async () => frame, n, 30, 3_600_000, sliceMs);
    const server = createServer((req, res) => void hub.subscribe(LAUNCH, res));
    server.maxConnections = n + 100;
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
    const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    const viewers = await openViewers(url, n);
    const ticks: Array<LiveHub['lastTick']> = [];
    for (let i = 0; i < LIMITS.ticks; i++) {
      await hub.tick();
      ticks.push(hub.lastTick);
      await new Promise((r) => setTimeout(r, 200));
    }
    const med = (f: (t: typeof ticks[number]) => number): number =>
      ticks.map(f).sort((x, y) => x - y)[Math.floor(ticks.length / 2)]!;
    const tail = JSON.stringify({ ...frame, series: { ...frame.series,
      counts: frame.series.counts.slice(-15) } }).length;
    console.log(`(d) one tick of the hub to ${viewers.open()} viewers, ${label} (median of ${
      LIMITS.ticks}; a frame of ${tail} bytes): ${med((t) => t.cpuMs).toFixed(0)} ms of CPU in ` +
      `${med((t) => t.slices)} slices, the longest ${med((t) => t.longestSliceCpuMs).toFixed(2)} ` +
      `ms of CPU (${med((t) => t.longestSliceMs).toFixed(1)} ms by the clock, which counts the ` +
      'time this process waited for a core)');
    viewers.close();
    hub.close();
    server.closeAllConnections();
    await new Promise((r) => server.close(r));
  }
}

/** One measured window: wrk's figures, the server's loop delay, its CPU per order (us). */
type Window = [LoadResult, LoopDelay | null, number | null];

function report(label: string, [r, loop, cpuUs]: Window): void {
  console.log(`${label}: ${Math.round(r.ratePerSecond).toLocaleString('en-GB')}/s, p50 ${
    r.latencyMsP50.toFixed(1)} ms, p99 ${r.latencyMsP99.toFixed(1)} ms (wrk's, ` +
    `corrected for coordinated omission as read-benchmark.ts says), max ${
      r.latencyMsMax.toFixed(0)} ms, ${r.non2xx} not 2xx` +
    (cpuUs === null ? '' : `; server CPU ${cpuUs.toFixed(0)} us/order`) +
    (loop ? `; server event-loop delay p99 ${loop.p99Ms.toFixed(1)} ms, max ${
      loop.maxMs.toFixed(1)} ms` : ''));
}

/** The server's event-loop delay since the last read (prom-client resets it at each scrape). */
async function loopDelay(url: string, adminToken: string): Promise<LoopDelay | null> {
  const r = await fetch(`${url}/api/v1/metrics`,
    { headers: { authorization: `Bearer ${adminToken}` } }).catch(() => null);
  if (r === null || !r.ok) return null;
  const text = await r.text();
  const value = (name: string): number | null => {
    const m = new RegExp(`^${name} ([\\d.e+-]+)`, 'm').exec(text);
    return m ? Number(m[1]) * 1000 : null;
  };
  const p99Ms = value('nodejs_eventloop_lag_p99_seconds');
  const maxMs = value('nodejs_eventloop_lag_max_seconds');
  return p99Ms === null || maxMs === null ? null : { p99Ms, maxMs };
}

/**
 * Opens `n` stream viewers as raw sockets that read everything sent (a viewer that does not
 * read is skipped by the hub, which would flatter the result) and count the frames.
 */
async function openViewers(url: string, n: number): Promise<{ open(): number; frames(): number;
  refused: number; close(): void }> {
  const { hostname, port } = new URL(url);
  const sockets: Socket[] = [];
  let frames = 0;
  let refused = 0;
  const request = `GET /api/v1/launches/${LAUNCH}/live HTTP/1.1\r\nHost: ${hostname}\r\n` +
    'Accept: text/event-stream\r\n\r\n';
  const one = (): Promise<void> => new Promise((resolve) => {
    const s = connect(Number(port), hostname);
    s.setEncoding('latin1');
    let first = true;
    s.on('data', (chunk: string) => {
      if (first) {
        first = false;
        if (!chunk.startsWith('HTTP/1.1 200')) refused++;
        else sockets.push(s);
        resolve();
      }
      const mark = 'event: stats';
      for (let i = chunk.indexOf(mark); i >= 0; i = chunk.indexOf(mark, i + 1)) frames++;
    });
    s.on('error', () => resolve());
    s.on('close', () => resolve());
    s.write(request);
  });
  let next = 0;
  await Promise.all(Array.from({ length: LIMITS.connectConcurrency }, async () => {
    while (next++ < n) await one();
  }));
  return { open: () => sockets.filter((s) => !s.destroyed).length, frames: () => frames,
    refused, close: () => { for (const s of sockets) s.destroy(); } };
}

/** Buyers for the load, each with its own session, and the per-account limit raised. */
async function prepare(url: string, adminToken: string): Promise<string[]> {
  const client = new HttpClient([url], LIMITS.registerConcurrency);
  const must = async (method: string, path: string, b: unknown, token = adminToken):
    Promise<any> => {
    const o = await client.request(method, path, { token, body: b, timeoutMs: 60_000 });
    if (o.kind !== 'reply' || o.status >= 300) {
      throw new Error(`${method} ${path}: ${o.kind === 'reply'
        ? `${o.status} ${JSON.stringify(o.body)}` : o.message}`);
    }
    return o.body;
  };
  try {
    await must('PATCH', `/admin/launches/${LAUNCH}`, { per_account_limit: LIMITS.perAccountLimit });
    const r = new Random(2025);
    const tokens: string[] = new Array(LIMITS.accounts);
    let next = 0;
    await Promise.all(Array.from({ length: LIMITS.registerConcurrency }, async () => {
      for (let j = next++; j < LIMITS.accounts; j = next++) {
        tokens[j] = (await must('POST', '/accounts', { phone: phoneNumber(j, 0),
          name: personName(r), id_number: identityNumber(j, 0, r) })).token;
      }
    }));
    return tokens;
  } finally {
    client.close();
  }
}

main().catch((e) => {
  // A benchmark reports; it does not fail a run.
  console.log(`benchmark could not complete: ${(e as Error).message}`);
});
