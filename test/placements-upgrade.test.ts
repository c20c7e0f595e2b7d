// The placements counters (orders/launch-stats.ts placementsOf) on a database made before they
// existed: migration 7 rebuilds them from the orders, so the live series after the upgrade is
// the one a database that always had them gives, and a switch after the upgrade takes a
// placement back from a second that has it (the attacker saw -5 without the rebuild).
// Both stores: SQLite in a temporary folder, PostgreSQL in a fresh schema of the shared server.
import { strict as assert } from 'node:assert';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import Database from 'better-sqlite3';
import pg from 'pg';
import { CounterSums, placementsOf } from '../src/orders/launch-stats.js';
import { order } from '../src/orders/orders-store.contract.js';
import type { Order } from '../src/orders/order.js';
import { ORDER_COLUMNS, orderToValues } from '../src/orders/order-row.js';
import { liveFigures } from '../src/launches/live-series.js';
import { PostgresStore, SqliteStore, storeComposition, type Store } from '../src/stores.js';
import { postgresAt, sqliteAt } from './migrated-to.js';
import { dropSchema, postgresUrl, testSchema, withPostgres } from './postgres.js';

const OPENS = Date.UTC(2025, 5, 26, 14, 0, 0); // YU7's opening
const LAUNCHES = ['yu7-2025', 'su7-2024'];

/**
 * The orders as the old code left them: several in one second, statuses of every kind, an SU7
 * order switched into YU7 (it counts under YU7 in the second it was placed, before the
 * opening), a millisecond before a second's end, and SU7 orders to switch after the upgrade.
 */
const SWITCHED = order(3, { launchId: 'yu7-2025', createdAtMs: OPENS - 3_600_000 + 999,
  changedInWindowId: 'win_1', version: 2 });
const ORDERS: readonly Order[] = [
  order(1, { createdAtMs: OPENS }),
  order(2, { createdAtMs: OPENS + 999, status: 'cancelled', cancelledAtMs: OPENS + 5_000,
    depositState: 'refunded' }),
  SWITCHED,
  order(4, { createdAtMs: OPENS + 1_000, status: 'locked', lockedAtMs: OPENS + 2_000 }),
  ...Array.from({ length: 6 }, (_, i) => order(10 + i, { createdAtMs: OPENS + 4_321 + i * 7 })),
  order(20, { launchId: 'su7-2024', modelId: 'su7', createdAtMs: OPENS - 86_400_000 }),
  order(21, { launchId: 'su7-2024', modelId: 'su7', createdAtMs: OPENS + 2_500 }),
];
const NOW = OPENS + 30_000;

/** Writes an order change as the live code does (order-commands.ts Writes.change). */
async function write(store: Store, before: Order | null, after: Order): Promise<void> {
  await store.transaction(async (tx) => {
    if (before === null) await tx.insertOrders([after]);
    else await tx.updateOrders([after]);
    const sums = new CounterSums();
    if (before !== null) sums.addOrder(before, -1);
    sums.addOrder(after, 1);
    await tx.addCounters(sums.take());
  });
}

/** The same orders written by the live code from the start: the switched one placed in SU7. */
async function writeFresh(store: Store): Promise<void> {
  for (const o of ORDERS) {
    if (o === SWITCHED) {
      const placed: Order = { ...o, launchId: 'su7-2024', modelId: 'su7',
        changedInWindowId: null, version: 1 };
      await write(store, null, placed);
      await write(store, placed, o);
    } else await write(store, null, o);
  }
}

const switchAfterUpgrade = (o: Order): Order =>
  ({ ...o, launchId: 'yu7-2025', modelId: 'yu7', changedInWindowId: 'win_2', version: 2 });

/** The placements counters other than 0, by launch. */
async function placements(store: Store): Promise<Record<string, Record<string, number>>> {
  const out: Record<string, Record<string, number>> = {};
  // A counter row taken back to 0 stays (as 0) where the live code wrote it: the same as none.
  for (const l of LAUNCHES) {
    out[l] = Object.fromEntries([...await store.counters(placementsOf(l))]
      .filter(([, n]) => n !== 0));
  }
  return out;
}

const series = async (store: Store): Promise<unknown> =>
  liveFigures(await store.counters(placementsOf('yu7-2025')), OPENS, NOW);

const noneNegative = (p: Record<string, Record<string, number>>): void => {
  for (const [l, seconds] of Object.entries(p)) {
    for (const [s, n] of Object.entries(seconds)) assert.ok(n >= 0, `${l} ${s}: ${n}`);
  }
};

/** How a test reaches one kind of store: made fresh, made at migration 5 with ORDERS, reopened. */
interface Kind {
  fresh(): Promise<Store>;
  /** A database at migration 5 (the code before the placements) holding ORDERS' rows. */
  preChange(): Promise<void>;
  /** Opens the database preChange made (runs migrations 6 on). */
  open(): Promise<Store>;
  /** Runs SQL on that database with the store closed. */
  exec(sql: string): Promise<void>;
  cleanup(): Promise<void>;
}

const INSERT = (p: (i: number) => string): string => `INSERT INTO orders (${
  ORDER_COLUMNS.join(', ')}) VALUES (${ORDER_COLUMNS.map((_, i) => p(i)).join(', ')})`;
const FIRST_FIVE = storeComposition.migrations.slice(0, 5);

function upgradeTests(kind: () => Kind): void {
  let k: Kind;
  after(() => k?.cleanup());

  it('an upgraded database gives the series a database that always had the counters gives; '
    + 'a switch after the upgrade never goes negative', async () => {
    k = kind();
    const fresh = await k.fresh();
    await k.preChange();
    const upgraded = await k.open();
    try {
      await writeFresh(fresh);
      const expected = await placements(fresh);
      assert.equal(expected['yu7-2025']![String((OPENS - 3_600_000) / 1000)], 1, 'switched in');
      assert.equal(expected['yu7-2025']![String(OPENS / 1000)], 2);
      assert.deepEqual(await placements(upgraded), expected);
      assert.deepEqual(await series(upgraded), await series(fresh));
      const s = (await series(upgraded)) as { series: { counts: number[] } };
      assert.equal(s.series.counts.at(-1), 10);

      for (const o of ORDERS.filter((x) => x.launchId === 'su7-2024')) {
        await write(upgraded, o, switchAfterUpgrade(o));
        await write(fresh, o, switchAfterUpgrade(o));
      }
      const switched = await placements(upgraded);
      noneNegative(switched);
      assert.deepEqual(switched, await placements(fresh));
      assert.deepEqual(switched['su7-2024'], {});
      assert.deepEqual(await series(upgraded), await series(fresh));
    } finally {
      await fresh.close();
      await upgraded.close();
    }
  });

  it('migration 7 rebuilds rather than adds: a database made by the code between the wall '
    + 'screen and the migration (counters present, some wrong) ends exact', async () => {
    const store = await k.open();
    const expected = await placements(store);
    await store.close();
    await k.exec("UPDATE counters SET value = value - 5 WHERE launch_id = 'placed:su7-2024'; "
      + "INSERT INTO counters VALUES ('placed:yu7-2025', '1750946401', 7, 3); "
      + 'DELETE FROM schema_migrations WHERE version = 7');
    const again = await k.open();
    try {
      assert.deepEqual(await placements(again), expected);
    } finally {
      await again.close();
    }
  });
}

describe('placements after an upgrade, SQLite', () => {
  const dirs: string[] = [];
  const dir = (): string => {
    const d = mkdtempSync(join(tmpdir(), 'launchday-placed-'));
    dirs.push(d);
    return d;
  };
  upgradeTests(() => {
    const old = dir();
    const db = (): Database.Database => new Database(join(old, 'launchday.sqlite'));
    return {
      fresh: async () => new SqliteStore(dir()),
      preChange: async () => sqliteAt(old, FIRST_FIVE, (d) => {
        const ins = d.prepare(INSERT(() => '?'));
        for (const o of ORDERS) ins.run(...orderToValues(o));
      }),
      open: async () => new SqliteStore(old),
      exec: async (sql) => {
        const d = db();
        try { d.exec(sql); } finally { d.close(); }
      },
      cleanup: async () => { for (const d of dirs) rmSync(d, { recursive: true, force: true }); },
    };
  });
});

await withPostgres('placements after an upgrade, PostgreSQL', () => {
  describe('placements after an upgrade, PostgreSQL', () => {
    const schemas: string[] = [];
    const schema = (): string => {
      const s = testSchema();
      schemas.push(s);
      return s;
    };
    const run = async (s: string, fn: (c: pg.Client) => Promise<void>): Promise<void> => {
      const c = new pg.Client({ connectionString: postgresUrl });
      await c.connect();
      try {
        await c.query(`SET search_path = ${s}`);
        await fn(c);
      } finally {
        await c.end();
      }
    };
    upgradeTests(() => {
      const old = schema();
      return {
        fresh: () => PostgresStore.open(postgresUrl, { schema: schema() }),
        preChange: () => postgresAt(old, FIRST_FIVE, async (c) => {
          for (const o of ORDERS) await c.query(INSERT((i) => `$${i + 1}`), orderToValues(o));
        }),
        open: () => PostgresStore.open(postgresUrl, { schema: old }),
        exec: (sql) => run(old, async (c) => { await c.query(sql); }),
        cleanup: async () => { for (const s of schemas) await dropSchema(s); },
      };
    });
  });
});
