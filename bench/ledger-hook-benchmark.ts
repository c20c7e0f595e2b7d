// What the ledger costs the order path (`npm run bench:ledger`): a batch of placements written
// as orders' group commit writes it (the orders and their events), then the same with price
// books' ORDER_EVENTS_WRITTEN hook (order-ledger.ts: one read of the applied price versions and
// two ledger rows per order), in one SQLite transaction each, alternated round by round on one
// store. It prints the machine, each median and the ratio (with / without), measured in the
// same run: the machine is shared and noisy, the ratio is the result. It never fails.
//
//   npm run bench:ledger [-- --batch 2000 --rounds 15]
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { seedLaunches } from '../src/launches/index.js';
import { newOrder, type OrderChange } from '../src/orders/index.js';
import { ledgerOrderChanges } from '../src/pricebooks/order-ledger.js';
import { SqliteStore } from '../src/stores.js';

const { values } = parseArgs({ options: { batch: { type: 'string', default: '2000' },
  rounds: { type: 'string', default: '15' } } });
const BATCH = Number(values.batch);
const ROUNDS = Number(values.rounds);
const launch = seedLaunches(Date.now()).find((l) => l.launchId === 'yu7-2025')!;

let seq = 0;
function batch(): OrderChange[] {
  const nowMs = Date.now();
  return Array.from({ length: BATCH }, () => {
    const n = ++seq;
    const order = newOrder({ orderId: `ord_${String(n).padStart(10, '0')}`,
      accountId: `acc_${n}`, launch, config: { trim: 'max', options: [], city: 'beijing' },
      priceFen: 32_990_000, nowMs, idempotencyKey: `k${n}`, requestHash: `h${n}` });
    return { order, event: { orderId: order.orderId, atMs: nowMs, type: 'placed',
      actor: `buyer:${order.accountId}`, detail: { launch_id: launch.launchId, trim: 'max',
        options: [], city: 'beijing', price_fen: order.priceFen, deposit_fen: 500_000 } } };
  });
}

async function timed(store: SqliteStore, withLedger: boolean): Promise<number> {
  const changes = batch();
  const start = performance.now();
  await store.transaction(async (tx) => {
    await tx.insertOrders(changes.map((c) => c.order));
    await tx.insertEvents(changes.map((c) => c.event));
    if (withLedger) await ledgerOrderChanges(tx, changes);
  });
  return performance.now() - start;
}

const median = (xs: number[]): number => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;

const dir = mkdtempSync(join(tmpdir(), 'launchday-ledger-bench-'));
const store = new SqliteStore(dir);
try {
  // Warm up both paths (statements prepared, pages cached).
  await timed(store, false);
  await timed(store, true);
  const without: number[] = [];
  const withLedger: number[] = [];
  for (let r = 0; r < ROUNDS; r++) {
    without.push(await timed(store, false));
    withLedger.push(await timed(store, true));
  }
  const cpu = os.cpus()[0];
  console.log(`machine: ${os.cpus().length} x ${cpu?.model ?? '?'}, load ${os.loadavg()
    .map((x) => x.toFixed(2)).join(' ')}, node ${process.version}`);
  console.log(`batch of ${BATCH} placements, ${ROUNDS} rounds each, SQLite, one transaction`);
  console.log(`orders + events:          median ${median(without).toFixed(1)} ms`);
  console.log(`orders + events + ledger: median ${median(withLedger).toFixed(1)} ms`);
  console.log(`ratio (with / without):   ${(median(withLedger) / median(without)).toFixed(2)}`);
} finally {
  await store.close();
  rmSync(dir, { recursive: true, force: true });
}
