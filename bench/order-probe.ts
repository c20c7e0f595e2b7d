// Orders placed one after another on a few kept-alive connections, each timed, uncorrected: run
// as a child process beside the storm (read-benchmark.ts), so that its timings are not the storm
// client's own event loop. Each sample is its start on the machine's monotonic clock
// (process.hrtime, shared by every process) and its time to the whole reply, so that the
// benchmark can take the orders of the storm's own span.
//
//   PROBE_URL, PROBE_TOKENS (JSON array), PROBE_BODY (JSON), PROBE_CONNECTIONS, PROBE_SECONDS
// Prints one line `PROBEJSON {"samples":[[startMs, ms, status], ...]}` at the end.
import http from 'node:http';
import { randomBytes } from 'node:crypto';
import { monotonicMs } from './connection-storm.js';

async function main(): Promise<void> {
  const url = new URL('/api/v1/orders', process.env.PROBE_URL);
  const tokens = JSON.parse(process.env.PROBE_TOKENS ?? '[]') as string[];
  const body = process.env.PROBE_BODY ?? '{}';
  const connections = Number(process.env.PROBE_CONNECTIONS ?? 4);
  const until = monotonicMs() + 1000 * Number(process.env.PROBE_SECONDS ?? 6);
  const agent = new http.Agent({ keepAlive: true, maxSockets: connections });
  const prefix = randomBytes(4).toString('hex');
  const samples: Array<[number, number, number]> = [];
  let n = 0;
  const one = (): Promise<void> => new Promise((resolve) => {
    const i = n++;
    const started = monotonicMs();
    const req = http.request(url, { method: 'POST', agent, headers: {
      'content-type': 'application/json', 'content-length': Buffer.byteLength(body),
      authorization: `Bearer ${tokens[i % tokens.length]}`, 'idempotency-key': `p${prefix}-${i}` } },
    (res) => {
      res.resume();
      res.on('end', () => { samples.push([started, monotonicMs() - started, res.statusCode ?? 0]);
        resolve(); });
    });
    req.on('error', () => { samples.push([started, monotonicMs() - started, 0]); resolve(); });
    req.end(body);
  });
  await Promise.all(Array.from({ length: connections }, async () => {
    while (monotonicMs() < until) await one();
  }));
  agent.destroy();
  process.stdout.write(`PROBEJSON ${JSON.stringify({ samples })}\n`);
}

void main();
