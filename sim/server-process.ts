// Starts launchday API processes as children for a simulation or a benchmark: on a fresh
// temporary SQLite folder, or several sharing one PostgreSQL database (a scratch database created
// for the run, so earlier runs cannot disturb the audit). Stops and cleans up what it started.
import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const READY_TIMEOUT_MS = 60_000;
const STOP_TIMEOUT_MS = 10_000;

/** The server's entry point in the compiled tree (dist/sim -> dist/src/main.js). */
export const SERVER_MAIN = join(dirname(fileURLToPath(import.meta.url)), '..', 'src', 'main.js');
/**
 * V8 flags the server runs with, as `npm start` does (package.json): a young generation twice
 * the default halves the scavenges, and the GC threads' time per order with them, in a
 * stampede; a capped old generation is collected before the process outgrows 1 GiB
 * (docs/benchmarks.md, README "Garbage collection").
 */
export const SERVER_NODE_FLAGS = ['--max-semi-space-size=32', '--max-old-space-size=640'] as const;
/**
 * The setting a load from one machine needs: every connection of a simulation or a benchmark
 * comes from 127.0.0.1, and one address may otherwise hold 512 (LAUNCHDAY_CONNECTIONS_PER_ADDRESS_MAX;
 * the server clamps the value to LAUNCHDAY_CONNECTIONS_MAX, so this is "all of them").
 */
export const ONE_ADDRESS_LOAD_ENV: Readonly<Record<string, string>> = Object.freeze({
  LAUNCHDAY_CONNECTIONS_PER_ADDRESS_MAX: '1000000' });
/** What the children run: it imports SERVER_MAIN (see server-entry.ts for why). */
const SERVER_ENTRY = join(dirname(fileURLToPath(import.meta.url)), 'server-entry.js');

export interface ServerSetup {
  readonly processes: number;
  /** A `postgres://` URL of a server where a scratch database may be created; else SQLite. */
  readonly databaseUrl: string | null;
  readonly adminToken: string;
  readonly keepData: boolean;
  readonly extraEnv?: Readonly<Record<string, string>>;
  /** Called with each line a child prints, for diagnostics. */
  readonly onOutput?: (line: string) => void;
  /** Node flags for the children beside SERVER_NODE_FLAGS (a benchmark's `--cpu-prof`). */
  readonly nodeFlags?: readonly string[];
  /** The first process's port, the next one's the port after it...; absent or null: free ones. */
  readonly port?: number | null;
}

export interface StartedServers {
  readonly urls: readonly string[];
  readonly store: 'sqlite' | 'postgres';
  readonly pids: readonly number[];
  /** Where the data lives (folder or database URL), for the report. */
  readonly dataLocation: string;
  /** Resolves with the exit and the last lines printed if a process ends before `stop()`. */
  readonly died: Promise<string>;
  stop(): Promise<void>;
}

export async function startServers(setup: ServerSetup): Promise<StartedServers> {
  if (setup.processes < 1) throw new Error('processes must be at least 1');
  if (setup.processes > 1 && setup.databaseUrl === null) {
    throw new Error('several API processes need PostgreSQL (--database-url)');
  }
  let dataDir: string | null = null;
  let scratch: { url: string; drop: () => Promise<void> } | null = null;
  // The children get our settings only, whatever LAUNCHDAY_* the caller's shell holds.
  const env: Record<string, string> = {};
  for (const [k, v] of Object.entries(process.env)) {
    if (v !== undefined && !k.startsWith('LAUNCHDAY_')) env[k] = v;
  }
  // Every simulated buyer comes from 127.0.0.1: per-address rate limits would stop the night
  // (the server logs that they are off); per-phone and per-account ones still apply. So do
  // the simulator's and the benchmarks' connections (256 to 10,000 at once): the per-address
  // connection cap is raised to all of them, said here rather than loopback being exempt.
  Object.assign(env, { LAUNCHDAY_PORT: '0', LAUNCHDAY_HOST: '127.0.0.1',
    LAUNCHDAY_ADMIN_TOKEN: setup.adminToken, LAUNCHDAY_RATE_LIMITS: 'per-address-off',
    ...ONE_ADDRESS_LOAD_ENV, ...setup.extraEnv });
  if (setup.databaseUrl !== null) {
    scratch = await createScratchDatabase(setup.databaseUrl);
    env.LAUNCHDAY_DATABASE_URL = scratch.url;
  } else {
    dataDir = mkdtempSync(join(tmpdir(), 'launchday-sim-'));
    env.LAUNCHDAY_DATA_DIR = dataDir;
  }
  const children: ChildProcess[] = [];
  const urls: string[] = [];
  let stopping = false;
  let reportDeath: (text: string) => void = () => {};
  const died = new Promise<string>((resolve) => { reportDeath = resolve; });
  const stop = async (): Promise<void> => {
    stopping = true;
    await Promise.all(children.map(stopChild));
    if (!setup.keepData) {
      if (dataDir !== null) rmSync(dataDir, { recursive: true, force: true });
      if (scratch !== null) await scratch.drop();
    }
  };
  try {
    // The first process creates the schema alone; the others start once it is ready.
    for (let i = 0; i < setup.processes; i++) {
      const port = setup.port === undefined || setup.port === null ? 0 : setup.port + i;
      const { child, url, tail } = await startOne({ ...env, LAUNCHDAY_PORT: String(port) },
        setup.onOutput, setup.nodeFlags);
      children.push(child);
      urls.push(url);
      child.on('exit', (code, signal) => {
        if (!stopping) {
          reportDeath(`API process ${child.pid} (${url}) exited with ${code ?? signal}; its ` +
            `last lines:\n${tail.join('\n')}`);
        }
      });
    }
  } catch (e) {
    await stop();
    throw e;
  }
  return { urls, store: scratch !== null ? 'postgres' : 'sqlite',
    pids: children.map((c) => c.pid ?? 0), dataLocation: scratch?.url ?? dataDir ?? '', died,
    stop };
}

export function startOne(env: Record<string, string>, onOutput?: (line: string) => void,
  nodeFlags: readonly string[] = []): Promise<{ child: ChildProcess; url: string;
  tail: string[] }> {
  const child = spawn(process.execPath, [...SERVER_NODE_FLAGS, ...nodeFlags, SERVER_ENTRY],
    { env, stdio: ['ignore', 'pipe', 'pipe'] });
  return new Promise((resolve, reject) => {
    let ready = false;
    const tail: string[] = [];
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`server not ready in ${READY_TIMEOUT_MS} ms:\n${tail.join('\n')}`));
    }, READY_TIMEOUT_MS);
    const onLine = (line: string): void => {
      tail.push(line);
      if (tail.length > 20) tail.shift();
      onOutput?.(line);
      const m = /launchday listening on (http:\/\/\S+)/.exec(line);
      if (m !== null && !ready) {
        ready = true;
        clearTimeout(timer);
        resolve({ child, url: m[1]!.replace(/\/$/, ''), tail });
      }
    };
    lines(child.stdout!, onLine);
    lines(child.stderr!, onLine);
    child.on('exit', (code, signal) => {
      if (!ready) {
        clearTimeout(timer);
        reject(new Error(`server exited (${code ?? signal}) before ready:\n${tail.join('\n')}`));
      }
    });
  });
}

function lines(stream: NodeJS.ReadableStream, onLine: (line: string) => void): void {
  let buffered = '';
  stream.setEncoding('utf8');
  stream.on('data', (chunk: string) => {
    buffered += chunk;
    let i: number;
    while ((i = buffered.indexOf('\n')) >= 0) {
      onLine(buffered.slice(0, i));
      buffered = buffered.slice(i + 1);
    }
  });
}

export function stopChild(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((resolve) => {
    const timer = setTimeout(() => child.kill('SIGKILL'), STOP_TIMEOUT_MS);
    child.once('exit', () => {
      clearTimeout(timer);
      resolve();
    });
    child.kill('SIGTERM');
  });
}

async function createScratchDatabase(url: string):
  Promise<{ url: string; drop: () => Promise<void> }> {
  const { default: pg } = await import('pg');
  const name = `launchday_sim_${randomBytes(6).toString('hex')}`;
  const admin = new pg.Client({ connectionString: url });
  await admin.connect();
  try {
    await admin.query(`CREATE DATABASE ${name}`);
  } finally {
    await admin.end();
  }
  const scratchUrl = new URL(url);
  scratchUrl.pathname = `/${name}`;
  return {
    url: scratchUrl.toString(),
    drop: async () => {
      const c = new pg.Client({ connectionString: url });
      await c.connect();
      try {
        await c.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
      } finally {
        await c.end();
      }
    },
  };
}
