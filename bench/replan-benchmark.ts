// The re-plan benchmark (`npm run bench:replan`): how long a re-plan of 300,000 locked orders
// takes on this machine, how long it holds the event loop (perf_hooks.monitorEventLoopDelay)
// and how long a small write waits behind it (as an order's would); on SQLite both on the event
// loop in one transaction and computed in the worker thread, written in slices: the first plan
// (every estimate written), a capacity increase (most estimates move earlier: rewritten, and a change row each), and a
// re-plan that finds nothing moved. Beside them, measured in the same run, the reference: reading
// those locked orders in a transaction and nothing else, the floor of any re-plan. The machine
// is shared and noisy: the ratios to the reference hold better than the seconds. It never fails.
//
//   npm run bench:replan [-- --orders 300000 --database-url postgres://...]
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import { join } from 'node:path';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { parseArgs } from 'node:util';
import { SimulatedClock } from '../src/kernel/clock.js';
import { defaultLimits } from '../src/kernel/config.js';
import { LaunchesService, seedLaunches } from '../src/launches/index.js';
import type { Order } from '../src/orders/index.js';
import { estimateQueue, ProductionService, stateOf } from '../src/production/index.js';
import { PostgresStore, SqliteStore, type Store } from '../src/stores.js';

const { values } = parseArgs({ options: {
  orders: { type: 'string', default: '300000' },
  'database-url': { type: 'string' },
} });
const ORDERS = Number(values.orders);
const LAUNCH = 'su7-2024';
/** 28 March 2024 22:00 Beijing: the SU7 night. */
const NIGHT_MS = Date.UTC(2024, 2, 28, 14);
const TRIMS = ['standard', 'pro', 'max'];
const CITIES = ['beijing', 'shanghai', 'guangzhou', 'shenzhen', 'hangzhou', 'chengdu', 'wuhan',
  'tianjin', 'suzhou', 'nanjing'];

/** A locked order: the n-th lock of the night, trims and cities spread like the reported mix. */
function lockedOrder(n: number, seqs: Map<string, number>): Order {
  const trim = TRIMS[n % 10 < 4 ? 0 : n % 10 < 7 ? 1 : 2]!;
  const seq = (seqs.get(trim) ?? 0) + 1;
  seqs.set(trim, seq);
  const at = NIGHT_MS + n * 10;
  return { orderId: `ord_${String(n).padStart(8, '0')}`, accountId: `acc_${n}`,
    launchId: LAUNCH, modelId: 'su7', trim, options: [], city: CITIES[(n * 7) % CITIES.length]!,
    status: 'locked', priceFen: 21_590_000, depositFen: 500_000, depositState: 'held',
    createdAtMs: at, coolingOffEndsAtMs: at + 168 * 3_600_000, lockedAtMs: at,
    cancelledAtMs: null, queuedAtMs: at, queuePlace: seq, trimSeq: seq, changedInWindowId: null,
    idempotencyKey: `k${n}`, requestHash: 'h', version: 2 };
}

async function openStore(): Promise<{ store: Store; done: () => Promise<void>; kind: string }> {
  const url = values['database-url'];
  if (url) {
    const schema = `replan_bench_${process.pid}`;
    const store = await PostgresStore.open(url, { schema });
    return { store, kind: 'PostgreSQL', done: async () => {
      await store.close();
      const pg = (await import('pg')).default;
      const c = new pg.Client({ connectionString: url });
      await c.connect();
      await c.query(`DROP SCHEMA ${schema} CASCADE`);
      await c.end();
    } };
  }
  const dir = mkdtempSync(join(os.tmpdir(), 'launchday-replan-'));
  const store = new SqliteStore(dir);
  return { store, kind: 'SQLite', done: async () => {
    await store.close();
    rmSync(dir, { recursive: true, force: true });
  } };
}

/**
 * Wall seconds, this process's CPU seconds (steadier on a shared machine; every thread's), and
 * how long the event loop was held at most while it ran (ms: the longest delay a timer firing
 * every 10 ms saw, perf_hooks.monitorEventLoopDelay), and the 99th percentile of those delays.
 */
interface Took {
  readonly s: number;
  readonly cpuS: number;
  readonly loopMaxMs: number;
  readonly loopP99Ms: number;
}

async function timed<T>(fn: () => Promise<T>): Promise<[T, Took]> {
  const loop = monitorEventLoopDelay({ resolution: 10 });
  loop.enable();
  // The monitor drops its first sample: let it take one before the work begins.
  await new Promise((resolve) => setTimeout(resolve, 30));
  const t = performance.now();
  const c = process.cpuUsage();
  const r = await fn();
  const used = process.cpuUsage(c);
  const s = (performance.now() - t) / 1000;
  // The monitor's timer records a held loop only when it next fires: let it fire once more.
  await new Promise((resolve) => setTimeout(resolve, 30));
  loop.disable();
  return [r, { s, cpuS: (used.user + used.system) / 1e6,
    loopMaxMs: loop.max / 1e6, loopP99Ms: loop.percentile(99) / 1e6 }];
}

const show = (t: Took, ref: Took): string => `${t.s.toFixed(2)} s, CPU ${t.cpuS.toFixed(2)} s `
  + `(${(t.s / ref.s).toFixed(2)}x the reference; CPU ${(t.cpuS / ref.cpuS).toFixed(2)}x); `
  + `event loop held up to ${t.loopMaxMs.toFixed(0)} ms (p99 ${t.loopP99Ms.toFixed(0)} ms)`;

/**
 * While `fn` runs, a small write (the meta table) every 20 ms, as an order's would queue behind
 * a re-plan: the longest any of them waited (ms) says whether orders flow during it.
 */
async function withWriteProbe<T>(store: Store, fn: () => Promise<T>): Promise<[T, number]> {
  let running = true;
  let maxMs = 0;
  const probe = (async () => {
    for (let i = 0; running; i++) {
      const t = performance.now();
      await store.transaction((tx) => tx.setMeta('bench_probe', String(i)));
      maxMs = Math.max(maxMs, performance.now() - t);
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
  })();
  try {
    const r = await fn();
    running = false;
    await probe;
    return [r, maxMs];
  } finally {
    running = false;
  }
}

interface Step {
  readonly what: string;
  readonly took: Took;
  readonly detail: string;
  readonly writeWaitMs: number;
}

/** One store loaded with ORDERS locked orders, and the three re-plans timed on it. */
async function scenario(offThread: boolean): Promise<{ kind: string; loadS: number; readS: Took;
  pureS: Took; steps: Step[] }> {
  const { store, done, kind } = await openStore();
  try {
    const clock = new SimulatedClock(NIGHT_MS + 30 * 86_400_000);
    await store.transaction(async (tx) => {
      for (const l of seedLaunches(NIGHT_MS)) await tx.putLaunch(l);
    });
    const seqs = new Map<string, number>();
    const [, load] = await timed(async () => {
      for (let i = 0; i < ORDERS; i += 5_000) {
        const batch: Order[] = [];
        for (let n = i; n < Math.min(ORDERS, i + 5_000); n++) batch.push(lockedOrder(n, seqs));
        await store.transaction((tx) => tx.insertOrders(batch));
      }
    });
    const deps = { store, clock, limits: defaultLimits };
    const production = new ProductionService(deps, new LaunchesService(deps), { offThread });
    try {
      const centres = CITIES.map((cityId) => ({ cityId, handoversPerWeek: 1_500,
        opensOn: '2024-04-01', servedBy: null, reason: 'bench' }));
      for (const c of centres) await production.putCentre('bench', c);

      const [queue, readS] = await timed(() => store.transaction((tx) => tx.lockedQueue()));
      const plans = TRIMS.map((trim) => ({ launchId: LAUNCH, trim, version: 1, createdBy: 'b',
        createdAtMs: 0, reason: 'b', rates: [{ fromDate: '2024-04-03', unitsPerWeek: 1_000 },
          { fromDate: '2024-06-01', unitsPerWeek: 3_000 }] }));
      const [, pureS] = await timed(async () => estimateQueue(stateOf(plans,
        (await store.centresInForce()).map((c) => c)), queue));

      const ramp = (units: number) => [{ fromDate: '2024-04-03', unitsPerWeek: 1_000 },
        { fromDate: '2024-06-01', unitsPerWeek: units }];
      const steps: Step[] = [];
      const step = async <T>(what: string, fn: () => Promise<T>, detail: (r: T) => string) => {
        let waitMs = 0;
        const [r, took] = await timed(async () => {
          const [x, w] = await withWriteProbe(store, fn);
          waitMs = w;
          return x;
        });
        steps.push({ what, took, detail: detail(r), writeWaitMs: waitMs });
      };
      for (const trim of TRIMS.slice(0, 2)) {
        await production.putPlan('bench', LAUNCH, trim, ramp(3_000), 'set up');
      }
      const replanOf = (r: Awaited<ReturnType<typeof production.putPlan>>) => {
        if (!r.ok) throw new Error(r.message);
        return r.value.replan;
      };
      await step('first plan of the last trim (its orders stored)', () =>
        production.putPlan('bench', LAUNCH, 'max', ramp(3_000), 'first plan'),
      (r) => `${replanOf(r).ordersEstimated} estimated`);
      await step('capacity increase (Standard 3,000 -> 6,000 a week)', () =>
        production.putPlan('bench', LAUNCH, 'standard', ramp(6_000), 'suppliers sped up'),
      (r) => `${replanOf(r).movedEarlier} earlier, ${replanOf(r).movedLater} later`);
      await step('re-plan with nothing changed', () =>
        production.replanNow('bench', 'nothing changed'),
      (r) => `${r.movedEarlier + r.movedLater} moved`);
      return { kind, loadS: load.s, readS, pureS, steps };
    } finally {
      await production.close();
    }
  } finally {
    await done();
  }
}

async function main(): Promise<void> {
  const cpu = os.cpus();
  console.log(`machine: ${cpu[0]?.model ?? '?'}, ${cpu.length} cores, ${
    (os.totalmem() / 2 ** 30).toFixed(1)} GiB, node ${process.version}, ${os.type()} ${
    os.release()}; load average ${os.loadavg().map((x) => x.toFixed(1)).join(' ')} `
    + '(shared with other sessions)');
  // On SQLite both ways, in this run: on the event loop in one transaction (as before the
  // worker), then computed in the worker thread and written in slices.
  const modes = values['database-url'] ? [false] : [false, true];
  for (const offThread of modes) {
    const r = await scenario(offThread);
    console.log(`\nstore: ${r.kind}, re-plan ${offThread ? 'computed in a worker thread, '
      + `written in slices of ${defaultLimits.replanSliceOrders.toLocaleString('en')}`
      : 'on the event loop, one transaction'}; ${ORDERS.toLocaleString('en')} locked orders `
      + `(3 trims, ${CITIES.length} cities with centres), loaded in ${r.loadS.toFixed(1)} s`);
    console.log(`reference: reading the locked queue in a transaction: ${r.readS.s.toFixed(2)} `
      + `s, CPU ${r.readS.cpuS.toFixed(2)} s`);
    console.log(`the pure estimate function alone (estimateQueue): ${show(r.pureS, r.readS)}`);
    for (const x of r.steps) {
      console.log(`${x.what}: ${show(x.took, r.readS)}; a write waited up to ${
        x.writeWaitMs.toFixed(0)} ms; ${x.detail}`);
    }
  }
}

main().catch((err) => {
  console.error(err);
  process.exitCode = 2;
});
