// Instructions per request of the reads, counted by valgrind's callgrind: launchday against a
// bare node:http server answering a body of the same length, the same requests from the same
// client. A count of instructions does not move with the machine's load the way a rate does
// (the machine this project is measured on is shared), so it is the figure to compare between
// two builds; it counts every thread of the server (the event loop, the GC's and libuv's).
//
//   node dist/bench/read-instructions.js [--requests 4000] [--connections 16] [--port 30850]
//
// Each server runs under callgrind with instrumentation off while it starts and warms up (the
// same requests, so that V8 has optimised what it will), then on; the counters are zeroed, the
// measured requests sent, and the counters dumped. What the process did between the zero and
// the dump besides the requests (a timer or two) is counted too: a few thousand instructions,
// against millions for the requests.
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import http from 'node:http';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { ONE_ADDRESS_LOAD_ENV, SERVER_NODE_FLAGS } from '../sim/server-process.js';

const here = dirname(fileURLToPath(import.meta.url));
const SERVER_ENTRY = join(here, '..', 'sim', 'server-entry.js');
const BARE = join(here, 'bare-get-server.js');

function arg(name: string, fallback: number): number {
  const at = process.argv.indexOf(`--${name}`);
  return at < 0 ? fallback : Number(process.argv[at + 1]);
}
const REQUESTS = arg('requests', 4000);
const WARMUP = arg('warmup', 3000);
const CONNECTIONS = arg('connections', 16);
const PORT = arg('port', 30850);
const ONLY = (() => {
  const at = process.argv.indexOf('--only');
  return at < 0 ? null : process.argv[at + 1]!.split(',');
})();

interface Server { child: ChildProcess; url: string; out: string; dir: string }

/** Starts `args` under callgrind, instrumentation off, and waits for it to listen. */
async function underCallgrind(args: string[], env: Record<string, string>, port: number,
  listening: RegExp): Promise<Server> {
  const dir = mkdtempSync(join(tmpdir(), 'reads-cg-'));
  const out = join(dir, 'cg.out');
  const child = spawn('valgrind', ['--tool=callgrind', '--instr-atstart=no', '--smc-check=all-non-file',
    `--callgrind-out-file=${out}`, process.execPath, ...SERVER_NODE_FLAGS, ...args],
  { stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, ...env } });
  let text = '';
  await new Promise<void>((resolve, reject) => {
    const onText = (c: Buffer): void => {
      text += c.toString();
      if (listening.test(text)) resolve();
    };
    child.stdout!.on('data', onText);
    child.stderr!.on('data', (c: Buffer) => { text += c.toString(); });
    child.on('exit', () => reject(new Error(`server exited:\n${text.slice(-2000)}`)));
  });
  return { child, url: `http://127.0.0.1:${port}`, out, dir };
}

/** Sends `n` GETs of `path` with `headers` over `connections` kept-alive connections. */
async function send(url: string, path: string, headers: Record<string, string>, n: number,
  connections: number): Promise<{ statuses: Map<number, number>; bytes: number }> {
  const agent = new http.Agent({ keepAlive: true, maxSockets: connections });
  const statuses = new Map<number, number>();
  let bytes = 0;
  let left = n;
  const one = (): Promise<void> => new Promise((resolve, reject) => {
    http.get(url + path, { agent, headers }, (res) => {
      statuses.set(res.statusCode!, (statuses.get(res.statusCode!) ?? 0) + 1);
      res.on('data', (c: Buffer) => { bytes += c.length; });
      res.on('end', resolve);
    }).on('error', reject);
  });
  const worker = async (): Promise<void> => {
    while (left > 0) {
      left--;
      await one();
    }
  };
  await Promise.all(Array.from({ length: connections }, worker));
  agent.destroy();
  return { statuses, bytes };
}

function control(pid: number, ...args: string[]): void {
  const r = spawnSync('callgrind_control', [...args, String(pid)], { encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`callgrind_control ${args.join(' ')}: ${r.stderr}`);
}

/** The instructions in the dumps made since the zero (callgrind names them out.N). */
function dumpedInstructions(dir: string): number {
  let total = 0;
  for (const f of readdirSync(dir)) {
    if (!f.startsWith('cg.out.')) continue;
    const m = /^summary: (\d+)/m.exec(readFileSync(join(dir, f), 'utf8'));
    if (m !== null) total += Number(m[1]);
  }
  return total;
}

interface Case { label: string; path: string; headers: Record<string, string> }

/** Instructions per request of each case on one server started by `start`. */
async function count(start: () => Promise<Server>, cases: readonly Case[]):
  Promise<Map<string, { perRequest: number; status: string; bytesPerReply: number }>> {
  const server = await start();
  const results = new Map<string, { perRequest: number; status: string;
    bytesPerReply: number }>();
  try {
    const pid = server.child.pid!;
    for (const c of cases) {
      await send(server.url, c.path, c.headers, WARMUP, CONNECTIONS);
    }
    control(pid, '-i', 'on');
    for (const c of cases) {
      // A first round instrumented, so that valgrind has translated the code before counting.
      await send(server.url, c.path, c.headers, 300, CONNECTIONS);
      control(pid, '-z');
      const sent = await send(server.url, c.path, c.headers, REQUESTS, CONNECTIONS);
      for (const f of readdirSync(server.dir)) {
        if (f.startsWith('cg.out.')) rmSync(join(server.dir, f));
      }
      control(pid, '-d');
      const ir = dumpedInstructions(server.dir);
      results.set(c.label, { perRequest: ir / REQUESTS,
        status: [...sent.statuses].map(([s, k]) => `${s}x${k}`).join(' '),
        bytesPerReply: sent.bytes / REQUESTS });
    }
  } finally {
    server.child.kill('SIGKILL');
    rmSync(server.dir, { recursive: true, force: true });
  }
  return results;
}

async function etagOf(url: string, headers: Record<string, string> = {}): Promise<string> {
  const r = await fetch(url, { headers });
  await r.arrayBuffer();
  return r.headers.get('etag') ?? '';
}

async function main(): Promise<void> {
  const data = mkdtempSync(join(tmpdir(), 'reads-cg-data-'));
  const launchdayEnv = { LAUNCHDAY_PORT: String(PORT), LAUNCHDAY_HOST: '127.0.0.1',
    LAUNCHDAY_DATA_DIR: data, LAUNCHDAY_ADMIN_TOKEN: `bench-${process.pid}-admin-token-xx`,
    LAUNCHDAY_RATE_LIMITS: 'off', LAUNCHDAY_LOG_LEVEL: 'warn', ...ONE_ADDRESS_LOAD_ENV,
    // Under valgrind a server answers a few hundred requests a second, each in a millisecond of
    // its own: what launchday prepares once per millisecond (a reply's time) would be counted
    // whole in every request, where on launch night dozens share it. A simulated clock, which
    // stands still, counts that as the busy server does. What is kept per second of the real
    // clock (the launches' cache, Date) is still counted far more often than when busy.
    ...(process.argv.includes('--real-clock') ? {} : { LAUNCHDAY_CLOCK: 'simulated',
      LAUNCHDAY_CLOCK_START: '2025-06-26T14:05:00.000Z' }) };
  const startLaunchday = (): Promise<Server> => underCallgrind([SERVER_ENTRY], launchdayEnv,
    PORT, /launchday listening/);
  // The paths and their conditional forms, from one launchday run (not under valgrind).
  const probe = spawn(process.execPath, [SERVER_ENTRY], { stdio: ['ignore', 'pipe', 'inherit'],
    env: { ...process.env, ...launchdayEnv } });
  await new Promise<void>((resolve) => {
    probe.stdout!.on('data', (c: Buffer) => { if (/listening/.test(c.toString())) resolve(); });
  });
  const base = `http://127.0.0.1:${PORT}`;
  const version = /\?v=([A-Za-z0-9_-]+)/.exec(await (await fetch(`${base}/`)).text())?.[1];
  const launch = '/api/v1/launches/yu7-2025';
  const plain: Array<[string, string]> = [
    ['GET /launches/{id}', launch],
    ['GET /launches', '/api/v1/launches'],
    ['GET /launches/{id}/stats', `${launch}/stats`],
    ['GET / (page)', '/'],
    ['GET /js/launch-page.js?v=', `/js/launch-page.js?v=${version}`],
  ];
  const cases: Case[] = [];
  const sizes = new Map<string, number>();
  for (const [label, path] of plain) {
    const r = await fetch(base + path);
    sizes.set(label, (await r.arrayBuffer()).byteLength);
    const etag = r.headers.get('etag') ?? '';
    cases.push({ label, path, headers: {} },
      { label: `${label}, 304`, path, headers: { 'if-none-match': etag } });
  }
  void etagOf;
  probe.kill('SIGTERM');
  await new Promise((r) => probe.once('exit', r));
  const chosen = cases.filter((c) => ONLY === null || ONLY.some((o) => c.label.includes(o)));
  console.log(`read instructions: callgrind, ${REQUESTS} requests per figure after ${WARMUP} `
    + `warm-up, ${CONNECTIONS} kept-alive connections, node ${process.version}`);
  const ours = await count(startLaunchday, chosen);
  for (const [label] of plain) {
    const mine = chosen.filter((c) => c.label === label || c.label === `${label}, 304`);
    if (mine.length === 0) continue;
    const bytes = sizes.get(label)!;
    const bare = await count(() => underCallgrind([BARE], { BARE_BODY_BYTES: String(bytes),
      BARE_PORT: String(PORT + 1) }, PORT + 1, /bare listening/),
    [{ label: 'bare', path: '/', headers: {} }]);
    const b = bare.get('bare')!;
    console.log(`${label} (${bytes} bytes): bare node:http ${fmt(b.perRequest)} Ir/request`);
    for (const c of mine) {
      const r = ours.get(c.label)!;
      console.log(`    ${c.label.padEnd(34)} launchday ${fmt(r.perRequest)} Ir/request, `
        + `bare/launchday ${(b.perRequest / r.perRequest).toFixed(2)} (${r.status}, `
        + `${Math.round(r.bytesPerReply)} body bytes)`);
    }
  }
  rmSync(data, { recursive: true, force: true });
}

const fmt = (n: number): string => Math.round(n).toLocaleString('en-US');

await main();
