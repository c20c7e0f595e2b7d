// The drop purchase route's own main-thread CPU, without sockets (`node dist/bench/
// drop-route-cpu.js [--buyers 1000] [--rounds 3] [--reps 30]`): the race's requests answered
// in-process through the lane's entry (HttpApp.laneRoute(...).answer, as http-lane.ts calls it:
// authentication, schema, handler, service, group commit, serialisation, telemetry), 64 at a
// time. Each round defines a drop of 200 jackets and sends buyers x reps purchases under new
// keys (200 sold, the rest drop_sold_out, about the race's 1.6% sold), then waits for what it
// leaves to timers (the signals' flush). It prints CPU per request of the main thread (from
// /proc, 10 ms ticks: a round needs some 20,000 requests) and of the whole process.
//
// Why: `npm run bench:drop`'s main-thread figure is half kernel time writing to loopback sockets
// (about 50 us a request in CPU profiles on the shared 2-core machine), which moves by more than
// a regression of a few microseconds between two runs of one build. This one leaves the sockets
// and the client out, so two builds' routes compare (session 20 in docs/benchmarks.md). Run it
// from each build in turn; it never fails, it reports.
import { readFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { ADMIN, harness } from '../test/harness.js';
import type { LaneRoute } from '../src/kernel/http/http-app.js';

/** Requests in flight at once (the handler's awaits interleave, as on a loaded server). */
const IN_FLIGHT = 64;
/** Units of each round's drop, per size. */
const UNITS_PER_SIZE = 50;
const SIZES = ['s', 'm', 'l', 'xl'];
/** Wait before and after a round's requests (ms): covers signalsFlushDeferMaxMs (2 s). */
const SETTLE_MS = 2_600;
/** Clock ticks per second of /proc's utime and stime. */
const TICKS_PER_SECOND = 100;

/** CPU the main thread has used (us), from /proc: 10 ms ticks. */
function mainThreadUs(): number {
  const stat = readFileSync(`/proc/self/task/${process.pid}/stat`, 'utf8');
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return (Number(fields[11]) + Number(fields[12])) * (1e6 / TICKS_PER_SECOND);
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

async function main(): Promise<void> {
  const { values } = parseArgs({ options: { buyers: { type: 'string' },
    rounds: { type: 'string' }, reps: { type: 'string' } } });
  const buyers = Number(values.buyers ?? 1_000);
  const rounds = Number(values.rounds ?? 3);
  const reps = Number(values.reps ?? 30);
  const h = await harness({ LAUNCHDAY_RATE_LIMITS: 'off' });
  const tokens: string[] = [];
  for (let i = 1; i <= buyers; i++) tokens.push((await h.buyer(i)).token);
  const bodies = SIZES.map((variant) => JSON.stringify({ variant, quantity: 1 }));
  const round = async (route: LaneRoute, tag: string): Promise<Map<string, number>> => {
    const codes = new Map<string, number>();
    let next = 0;
    await Promise.all(Array.from({ length: IN_FLIGHT }, async () => {
      while (next < buyers * reps) {
        const j = next++;
        const body = bodies[j % SIZES.length]!;
        const r = await route.answer({ host: '127.0.0.1', 'content-type': 'application/json',
          'content-length': String(body.length), authorization: `Bearer ${tokens[j % buyers]}`,
          'idempotency-key': `${tag}-${j}` }, { ok: true, value: body }, '127.0.0.1');
        const code = r.status === 201 ? '201'
          : (JSON.parse(String(r.body)) as { error?: { code?: string } }).error?.code ?? '?';
        codes.set(code, (codes.get(code) ?? 0) + 1);
      }
    }));
    return codes;
  };
  const drop = async (dropId: string): Promise<LaneRoute> => {
    const put = await h.call('PUT', `/admin/drops/${dropId}`, { token: ADMIN, body: {
      name: 'Limited jacket', name_zh: '限量夹克', kind: 'merch', price_fen: 129_900,
      opens_at: new Date(h.ld.app.clock.nowMs() + 60_000).toISOString(),
      per_account_limit: 2, per_identity_limit: 2, variants: SIZES.map((v) => ({ variant: v,
        name: v.toUpperCase(), name_zh: v.toUpperCase(), quantity: UNITS_PER_SIZE })) } });
    if (put.status !== 201) throw new Error(`PUT drop: ${JSON.stringify(put.body)}`);
    await h.tick(61);
    return h.ld.api.laneRoute('POST', `/api/v1/drops/${dropId}/purchases`)!;
  };
  console.log('warm-up', Object.fromEntries(await round(await drop('warm'), 'w')));
  const n = buyers * reps;
  for (let k = 0; k < rounds; k++) {
    const route = await drop(`r${k}`);
    await sleep(SETTLE_MS);
    const before = mainThreadUs();
    const cpu = process.cpuUsage();
    const codes = await round(route, `r${k}`);
    const inRace = mainThreadUs() - before;
    await sleep(SETTLE_MS);
    const all = process.cpuUsage(cpu);
    console.log(`round ${k}: main thread ${((mainThreadUs() - before) / n).toFixed(1)} us `
      + `a request (${(inRace / n).toFixed(1)} while answering), process ${
        ((all.user + all.system) / n).toFixed(1)} us`, JSON.stringify(Object.fromEntries(codes)));
  }
  await h.close();
}

await main();
