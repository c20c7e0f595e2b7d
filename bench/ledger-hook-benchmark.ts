// What a placement costs the SQLite writer thread, part by part (`npm run bench:ledger`): a
// batch of placements written as orders' group commit writes it (the orders and their events),
// then with price books' ORDER_EVENTS_WRITTEN hook (order-ledger.ts: one read of the applied
// price versions and two ledger rows per order), then with the anti-scalping signal of each
// order (scalpers' `recordSignals`: one client_signals row), then with both, in one SQLite
// transaction each (commit included, fsync not), alternated round by round on one store. The
// orders come from `--accounts` accounts at random with random idempotency keys, as at an
// opening, and the store first grows by `--grow` batches: an index keyed by account then takes
// a page per order that a small table would hide. It prints the machine, the median CPU per
// order of each part (process.cpuUsage, which a shared machine moves less than the clock) and
// the ratios to orders + events alone, measured in the same run. It never fails.
//
//   npm run bench:ledger [-- --batch 300 --rounds 30 --accounts 20000 --grow 300]
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { seedLaunches } from '../src/launches/index.js';
import { newOrder, type OrderChange } from '../src/orders/index.js';
import { ledgerOrderChanges } from '../src/pricebooks/order-ledger.js';
import type { Signal } from '../src/scalpers/signals.js';
import { SqliteStore } from '../src/stores.js';
import { Random } from '../sim/random.js';

const { values } = parseArgs({ options: { batch: { type: 'string', default: '300' },
  rounds: { type: 'string', default: '30' }, accounts: { type: 'string', default: '20000' },
  grow: { type: 'string', default: '300' } } });
const BATCH = Number(values.batch);
const ROUNDS = Number(values.rounds);
const ACCOUNTS = Number(values.accounts);
const GROW = Number(values.grow);
const launch = seedLaunches(Date.now()).find((l) => l.launchId === 'yu7-2025')!;
const random = new Random(2025);

let seq = 0;
function batch(): OrderChange[] {
  const nowMs = Date.now();
  return Array.from({ length: BATCH }, () => {
    const n = ++seq;
    const accountId = `acc_${String(random.int(ACCOUNTS)).padStart(20, '0')}`;
    const order = newOrder({ orderId: `ord_${String(n).padStart(10, '0')}`, accountId, launch,
      config: { trim: 'max', options: [], city: 'beijing' }, priceFen: 32_990_000, nowMs,
      idempotencyKey: `k${random.int(2 ** 31)}-${n}`, requestHash: `h${n}` });
    return { order, event: { orderId: order.orderId, atMs: nowMs, type: 'placed',
      actor: `buyer:${accountId}`, detail: { launch_id: launch.launchId, trim: 'max',
        options: [], city: 'beijing', price_fen: order.priceFen, deposit_fen: 500_000 } } };
  });
}

/** An order's signal as `recordSignals` stores it (hashed keys of the same lengths). */
const signal = (c: OrderChange): Signal => ({ signalId: `sig_${c.order.orderId}`,
  kind: 'order', accountId: c.order.accountId, accountCreatedAtMs: 0,
  subjectId: c.order.orderId, scope: launch.launchId, units: 1, atMs: c.order.createdAtMs,
  deviceKey: `dev_${random.int(2 ** 31).toString(36).padStart(22, '0')}`,
  networkKey: `net_${random.int(256)}.${random.int(256)}.0.0/16`, paymentKey: null,
  addressKey: null, city: 'beijing' });

interface Parts { ledger: boolean; signals: boolean }
const PARTS: ReadonlyArray<[string, Parts]> = [
  ['orders + events', { ledger: false, signals: false }],
  ['+ ledger', { ledger: true, signals: false }],
  ['+ signals', { ledger: false, signals: true }],
  ['+ ledger + signals', { ledger: true, signals: true }],
];

/** CPU µs per order of one batch written with `parts`. */
async function timed(store: SqliteStore, parts: Parts): Promise<number> {
  const changes = batch();
  const start = process.cpuUsage();
  await store.transaction(async (tx) => {
    await tx.insertOrders(changes.map((c) => c.order));
    await tx.insertEvents(changes.map((c) => c.event));
    if (parts.ledger) await ledgerOrderChanges(tx, changes);
    if (parts.signals) await tx.insertSignals(changes.map(signal));
  });
  const used = process.cpuUsage(start);
  return (used.user + used.system) / BATCH;
}

const median = (xs: number[]): number => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;

const dir = mkdtempSync(join(tmpdir(), 'launchday-ledger-bench-'));
const store = new SqliteStore(dir);
try {
  for (let g = 0; g < GROW; g++) await timed(store, PARTS[3]![1]);
  const taken = PARTS.map((): number[] => []);
  for (let r = 0; r < ROUNDS; r++) {
    for (const [i, [, parts]] of PARTS.entries()) taken[i]!.push(await timed(store, parts));
  }
  const cpu = os.cpus()[0];
  console.log(`machine: ${os.cpus().length} x ${cpu?.model ?? '?'}, load ${os.loadavg()
    .map((x) => x.toFixed(2)).join(' ')}, node ${process.version}`);
  console.log(`batch of ${BATCH} placements from ${ACCOUNTS.toLocaleString('en-US')} accounts, `
    + `after ${(GROW * BATCH).toLocaleString('en-US')}; ${ROUNDS} rounds of each part, SQLite, `
    + 'one transaction each (commit included, no fsync)');
  const alone = median(taken[0]!);
  for (const [i, [label]] of PARTS.entries()) {
    const m = median(taken[i]!);
    console.log(`${label.padEnd(20)} median ${m.toFixed(1)} µs CPU per order`
      + (i === 0 ? '' : `, ${(m / alone).toFixed(2)} of orders + events alone`));
  }
} finally {
  await store.close();
  rmSync(dir, { recursive: true, force: true });
}
