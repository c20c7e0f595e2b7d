// The settle batch (drop-commands.ts dropSettle) pays the holds its commands carry by one
// conditional update, without reading them first; a hold that is no longer held, a hold named
// twice in one batch and a command without its hold are still decided from a read, as before.
import { strict as assert } from 'node:assert';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, it } from 'node:test';
import { dropCommands, type SettleCommand } from '../src/drops/drop-commands.js';
import type { Drop, Hold } from '../src/drops/drop.js';
import type { Result } from '../src/kernel/outcomes.js';
import type { StoreTx } from '../src/kernel/store/store.js';
import { SqliteStore } from '../src/stores.js';

const T0 = Date.parse('2025-06-26T14:00:00Z');
const TIMES = { holdMs: 120_000, offerMs: 600_000 };
const drop: Drop = { dropId: 'tee', name: 'Tee', nameZh: 'T恤', kind: 'merch', priceFen: 100,
  depositFen: 0, opensAtMs: T0, perAccountLimit: 5, perIdentityLimit: 5, createdAtMs: T0 - 1,
  variants: [{ variant: 'm', name: 'M', nameZh: 'M', quantity: 10 }] };

function hold(n: number): Hold {
  return { holdId: `hld_${n}`, dropId: 'tee', variant: 'm', accountId: `acc_${n}`,
    identityKey: `id_${n}`, quantity: 1, amountFen: 100, status: 'held', source: 'sale',
    paymentReference: `drp_hld_${n}`, createdAtMs: T0, expiresAtMs: T0 + TIMES.holdMs,
    settledAtMs: null, idempotencyKey: `k${n}`, requestHash: 'h', entryId: null };
}

const settle = (h: Hold, outcome: SettleCommand['outcome'], carry = true): SettleCommand => ({
  dropId: 'tee', holdId: h.holdId, accountId: h.accountId, outcome, times: TIMES,
  ...(carry ? { hold: h } : {}) });

let dir: string;
let store: SqliteStore;
before(async () => {
  dir = mkdtempSync(join(tmpdir(), 'launchday-settle-'));
  store = new SqliteStore(dir);
  const holds = Array.from({ length: 8 }, (_, i) => hold(i + 1));
  await store.transaction(async (tx) => {
    await tx.putDrop(drop);
    await tx.insertHolds(holds);
    await tx.moveStock({ dropId: 'tee', variant: 'm', available: -8, held: 8, sold: 0 });
  });
});
after(async () => {
  await store.close();
  rmSync(dir, { recursive: true, force: true });
});

/** Runs one settle batch; returns its results and the hold ids the batch read. */
async function batch(cmds: SettleCommand[], nowMs = T0 + 1_000) {
  const read: string[] = [];
  const results = await store.transaction((tx) => {
    const counting = new Proxy(tx, { get(t, name, receiver) {
      if (name === 'holds') {
        return (ids: string[]) => {
          read.push(...ids);
          return t.holds(ids);
        };
      }
      const v = Reflect.get(t, name, receiver);
      return typeof v === 'function' ? v.bind(t) : v;
    } }) as StoreTx;
    // On SQLite a settle batch is decided here, under the lock: its results are plain.
    return dropCommands().dropSettle(counting, cmds, nowMs) as Promise<Array<Result<Hold>>>;
  });
  return { results, read };
}

const stock = async () => {
  const [s] = await store.dropStock('tee');
  return [s!.available, s!.held, s!.sold];
};

it('pays the holds a batch carries without reading them', async () => {
  const { results, read } = await batch([settle(hold(1), 'paid'), settle(hold(2), 'paid'),
    settle(hold(3), 'failed')]);
  assert.deepEqual(read, [], 'no hold read');
  assert.deepEqual(results.map((r) => (r.ok ? r.value.status : r.code)),
    ['paid', 'paid', 'failed']);
  assert.deepEqual(results[0], { ok: true, value: { ...hold(1), status: 'paid',
    settledAtMs: T0 + 1_000 } });
  assert.deepEqual(await store.hold('hld_1'), { ...hold(1), status: 'paid',
    settledAtMs: T0 + 1_000 });
  assert.equal((await store.hold('hld_3'))!.status, 'failed');
  assert.deepEqual(await stock(), [3, 5, 2], 'the failed unit is back on sale');
});

it('answers a carried hold that is no longer held from a read, as before', async () => {
  const { results, read } = await batch([settle(hold(1), 'paid'), settle(hold(3), 'paid'),
    settle(hold(4), 'paid'),
    settle(hold(99), 'paid')]);
  assert.deepEqual(read.sort(), ['hld_1', 'hld_3', 'hld_99'], 'only those not settled now');
  assert.deepEqual(results.map((r) => (r.ok ? r.value.status : r.code)),
    ['paid', 'hold_closed', 'paid', 'hold_not_found']);
  assert.equal((results[0] as { value: Hold }).value.settledAtMs, T0 + 1_000,
    'a retried payment gets the sale as it was made');
  assert.deepEqual(await stock(), [3, 4, 3]);
});

it('decides a hold named twice in one batch in arrival order, and a cancel from a read',
  async () => {
    const { results, read } = await batch([settle(hold(5), 'cancelled', false),
      settle(hold(5), 'paid'), settle(hold(6), 'paid'), settle(hold(6), 'cancelled', false)]);
    assert.deepEqual(read.sort(), ['hld_5', 'hld_6']);
    assert.deepEqual(results.map((r) => (r.ok ? r.value.status : r.code)),
      ['cancelled', 'hold_closed', 'paid', 'hold_closed']);
    assert.deepEqual(await stock(), [4, 2, 4]);
  });

it('a carried hold past its deadline is expired by the batch first, and refused', async () => {
  const { results } = await batch([settle(hold(7), 'paid')], T0 + TIMES.holdMs + 1);
  assert.deepEqual(results.map((r) => (r.ok ? r.value.status : r.code)), ['hold_expired']);
  assert.equal((await store.hold('hld_7'))!.status, 'expired');
  assert.equal((await store.hold('hld_8'))!.status, 'expired', 'every due hold is released');
  assert.deepEqual(await stock(), [6, 0, 4]);
});
