// Drives wrk (the C load tool, light enough on two cores to leave the server the CPU) with a Lua
// script that sends `POST /api/v1/orders` with a fresh Idempotency-Key and a rotating buyer token
// on every request, and prints its figures as JSON.
import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export interface LoadResult {
  readonly requests: number;
  readonly seconds: number;
  readonly ratePerSecond: number;
  readonly non2xx: number;
  readonly socketErrors: number;
  readonly latencyMsP50: number;
  readonly latencyMsP99: number;
  readonly latencyMsMax: number;
}

export interface LoadSpec {
  readonly url: string;
  readonly connections: number;
  readonly threads: number;
  readonly seconds: number;
  readonly tokens: readonly string[];
  readonly bodies: readonly string[];
  /** Makes idempotency keys unique across runs against one server. */
  readonly keyPrefix: string;
  /**
   * Orders a second in all, paced: each connection waits connections/rate seconds after each
   * reply before its next request (wrk's `delay`), so the load is offered at about this rate
   * rather than as fast as replies come. Undefined: as fast as replies come (closed loop).
   */
  readonly ratePerSecond?: number;
}

export function wrkVersion(): string | null {
  const r = spawnSync('wrk', ['--version'], { encoding: 'utf8' });
  if (r.error !== undefined) return null;
  return (r.stdout + r.stderr).split('\n')[0]?.replace(/ Copyright.*/, '').trim() ?? 'wrk';
}

const lua = (s: string): string => JSON.stringify(s);

function script(spec: LoadSpec): string {
  return `
local tokens = {${spec.tokens.map(lua).join(',')}}
local bodies = {${spec.bodies.map(lua).join(',')}}
local threads = {}
local counter = 0
function setup(thread)
  table.insert(threads, thread)
  thread:set("tid", #threads)
end
function request()
  counter = counter + 1
  local i = (counter * ${spec.threads} + tid) % #tokens + 1
  return wrk.format("POST", "/api/v1/orders", {
    ["Content-Type"] = "application/json",
    ["Authorization"] = "Bearer " .. tokens[i],
    ["Idempotency-Key"] = "${spec.keyPrefix}-" .. tid .. "-" .. counter,
  }, bodies[counter % #bodies + 1])
end
${spec.ratePerSecond === undefined ? ''
    : `function delay()\n  return ${(1000 * spec.connections / spec.ratePerSecond).toFixed(3)}\nend`}
${WRK_DONE_LUA}`;
}

export function runWrk(spec: LoadSpec): Promise<LoadResult> {
  return runWrkScript(spec, script(spec), `http://${new URL(spec.url).host}`);
}

/**
 * wrk's `done` in Lua: prints the run's figures as one `WRKJSON {...}` line, which
 * `runWrkScript` reads. Every script this bench hands wrk ends with it.
 */
export const WRK_DONE_LUA = `function done(summary, latency, requests)
  local e = summary.errors
  io.write(string.format('WRKJSON {"requests":%d,"duration_us":%d,"non2xx":%d,' ..
    '"socket_errors":%d,"p50_us":%d,"p99_us":%d,"max_us":%d}\\n',
    summary.requests, summary.duration, e.status, e.connect + e.read + e.write + e.timeout,
    latency:percentile(50), latency:percentile(99), latency.max))
end
`;

/**
 * Runs wrk with the Lua `lua` (ending with WRK_DONE_LUA) against `target` for the threads,
 * connections and seconds of `spec`, and reads its figures; rejects when wrk printed none.
 */
export function runWrkScript(spec: { threads: number; connections: number; seconds: number },
  lua: string, target: string): Promise<LoadResult> {
  const dir = mkdtempSync(join(tmpdir(), 'launchday-bench-'));
  const path = join(dir, 'load.lua');
  writeFileSync(path, lua);
  const child = spawn('wrk', ['-t', String(spec.threads), '-c', String(spec.connections), '-d',
    `${spec.seconds}s`, '--timeout', '10s', '-s', path, target],
  { stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  child.stdout.setEncoding('utf8').on('data', (c: string) => { out += c; });
  child.stderr.setEncoding('utf8').on('data', (c: string) => { out += c; });
  return new Promise((resolve, reject) => {
    child.on('exit', () => {
      rmSync(dir, { recursive: true, force: true });
      const line = out.split('\n').find((l) => l.startsWith('WRKJSON '));
      if (line === undefined) {
        reject(new Error(`wrk printed no result:\n${out}`));
        return;
      }
      const j = JSON.parse(line.slice(8));
      const seconds = j.duration_us / 1e6;
      resolve({ requests: j.requests, seconds, ratePerSecond: j.requests / seconds,
        non2xx: j.non2xx, socketErrors: j.socket_errors, latencyMsP50: j.p50_us / 1000,
        latencyMsP99: j.p99_us / 1000, latencyMsMax: j.max_us / 1000 });
    });
  });
}
