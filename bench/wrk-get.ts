// wrk sending one GET over and over, with the headers given (If-None-Match, Accept-Encoding),
// and printing its figures as JSON like wrk-runner.ts. wrk's latency percentiles are corrected
// for coordinated omission (wrk adds samples for the requests a stalled connection did not
// send); read-benchmark.ts measures uncorrected latency beside them with its own probe.
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { LoadResult } from './wrk-runner.js';

export interface GetSpec {
  readonly url: string;
  readonly connections: number;
  readonly threads: number;
  readonly seconds: number;
  readonly headers: Readonly<Record<string, string>>;
}

export function runWrkGet(spec: GetSpec): Promise<LoadResult> {
  const dir = mkdtempSync(join(tmpdir(), 'launchday-bench-get-'));
  const path = join(dir, 'get.lua');
  const headers = Object.entries(spec.headers)
    .map(([k, v]) => `wrk.headers[${JSON.stringify(k)}] = ${JSON.stringify(v)}`).join('\n');
  writeFileSync(path, `${headers}
function done(summary, latency, requests)
  local e = summary.errors
  io.write(string.format('WRKJSON {"requests":%d,"duration_us":%d,"non2xx":%d,' ..
    '"socket_errors":%d,"p50_us":%d,"p99_us":%d,"max_us":%d}\\n',
    summary.requests, summary.duration, e.status, e.connect + e.read + e.write + e.timeout,
    latency:percentile(50), latency:percentile(99), latency.max))
end
`);
  const child = spawn('wrk', ['-t', String(spec.threads), '-c', String(spec.connections), '-d',
    `${spec.seconds}s`, '--timeout', '10s', '-s', path, spec.url],
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
