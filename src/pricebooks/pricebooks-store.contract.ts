// Price books' part of the storage contract (kernel/store/store-contract.ts), on every adapter:
// the ledger keeps an entry once and sums as the pure fold does (a property test), a price
// version is applied by one writer only, book settings and refunds read back, and a ready car
// is sold at most once to buyers racing for it (a property test; on PostgreSQL half of them on
// a second store, as another process), a stale hold being free at once, and a claim whose
// compare-and-set meets another write judges the car again as it is.
import { strict as assert } from 'node:assert';
import { describe } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import fc from 'fast-check';
import { barrier, storeTest, T0, type OpenedStore } from '../kernel/store/store-contract.js';
import type { Store } from '../kernel/store/store.js';
import { aggregateLedger } from './books.js';
import { LEDGER_KINDS, type LedgerEntry } from './ledger.js';
import { claimReadyCar } from './pricebooks-service.js';
import type { PriceVersion } from './pricing.js';
import type { ReadyCar } from './ready-stock.js';

const DAY = 86_400_000;

function car(vin: string, overrides: Partial<ReadyCar> = {}): ReadyCar {
  return { vin, launchId: 'yu7-2025', trim: 'max', options: ['paint-blue'], city: 'beijing',
    priceFen: 32_990_000, depositFen: 500_000, status: 'available', saleId: null, untilMs: null,
    listedAtMs: T0, listedBy: 'op', ...overrides };
}

function version(v: number): PriceVersion {
  return { launchId: 'yu7-2025', version: v, itemKind: 'trim', itemId: 'max',
    priceFen: 31_590_000, previousFen: 32_990_000, effectiveFromMs: T0 + DAY, reason: 'cut',
    actor: 'op', recordedAtMs: T0, appliedAtMs: null };
}

const entryArb = fc.record({
  n: fc.integer({ min: 0, max: 40 }),
  kind: fc.constantFrom(...LEDGER_KINDS),
  amountFen: fc.integer({ min: -50_000_000, max: 50_000_000 }),
  trim: fc.constantFrom('standard', 'pro', 'max'),
  // Some before the opening (day 0), most within the first months.
  atMs: fc.integer({ min: T0 - DAY, max: T0 + 120 * DAY }),
});

export function pricebooksStoreContract(name: string, open: () => Promise<OpenedStore>): void {
  const test = storeTest(open);

  describe(`${name} store contract`, () => {
    describe('price books', () => {
      test('a ledger entry is kept once; the store sums it as the fold does', async (store) => {
        let round = 0;
        await fc.assert(fc.asyncProperty(fc.array(entryArb, { maxLength: 60 }), async (rows) => {
          const launchId = `launch-${++round}`;
          const entries: LedgerEntry[] = rows.map((r, i) => ({ entryKey: `${launchId}:${i}`,
            atMs: r.atMs, launchId, orderId: `ord_${r.n}`, accountId: `acc_${r.n}`,
            kind: r.kind, amountFen: r.amountFen, trim: r.trim, priceVersion: null }));
          // Appended twice, in two transactions: the second changes nothing.
          await store.transaction((tx) => tx.appendLedger(entries));
          await store.transaction((tx) => tx.appendLedger(entries.slice(0, 5)));
          assert.deepEqual(await store.ledgerSums(launchId, T0), aggregateLedger(entries, T0));
          const stored = await store.ledgerEntries(launchId, 0, 1_000);
          assert.deepEqual(stored.map((e) => e.entryKey), entries.map((e) => e.entryKey));
        }), { numRuns: 15 });
      });

      test('an order\'s trim is its last booking or repricing in the ledger', async (store) => {
        const e = (key: string, orderId: string, kind: LedgerEntry['kind'], trim: string):
          LedgerEntry => ({ entryKey: key, atMs: T0, launchId: 'yu7-2025', orderId,
          accountId: 'acc', kind, amountFen: 1, trim, priceVersion: null });
        await store.transaction((tx) => tx.appendLedger([e('b1', 'ord_1', 'order_booked', 'pro'),
          e('r1', 'ord_1', 'order_repriced', 'max'), e('d1', 'ord_1', 'balance_due', 'other'),
          e('b2', 'ord_2', 'order_booked', 'standard')]));
        const trims = await store.transaction((tx) => tx.bookedTrims(['ord_1', 'ord_2', 'ord_3']));
        assert.deepEqual([...trims].sort(), [['ord_1', 'max'], ['ord_2', 'standard']]);
      });

      test('a price version is applied by one writer; versions read back', async (store) => {
        await store.transaction((tx) => tx.insertPriceVersion(version(2)));
        const marks = await Promise.all([1, 2].map(() => store.transaction((tx) =>
          tx.markVersionApplied('yu7-2025', 2, T0 + DAY))));
        assert.deepEqual(marks.sort(), [false, true]);
        assert.deepEqual(await store.priceVersions('yu7-2025'),
          [{ ...version(2), appliedAtMs: T0 + DAY }]);
        assert.deepEqual(await store.transaction((tx) => tx.appliedVersions()),
          new Map([['yu7-2025', 2]]));
        await assert.rejects(store.transaction((tx) => tx.insertPriceVersion(version(2))));
      });

      test('settings, order prices and protections read back', async (store) => {
        const settings = { costFenByTrim: { max: 25_000_000 }, deliveriesPerYearTarget: 100_000,
          protection: { undeliveredPaysLower: true, deliveredWithinDays: 30 } };
        await store.transaction(async (tx) => {
          await tx.putBookSettings('yu7-2025', settings, T0);
          await tx.putBookSettings('yu7-2025', { ...settings, deliveriesPerYearTarget: 9 }, T0);
          const booked = { atMs: T0, launchId: 'yu7-2025', orderId: 'ord_1',
            accountId: 'acc_1', kind: 'order_booked' as const, trim: 'max' };
          await tx.appendLedger([{ ...booked, entryKey: 'order_booked:ord_1', amountFen: 100,
            priceVersion: 2 }]);
          // A model switch books it again: the latest booking is the order's.
          await tx.appendLedger([{ ...booked, entryKey: 'order_booked:ord_1:in:1',
            amountFen: 90, priceVersion: 3 }]);
          await tx.insertProtections([{ orderId: 'ord_1', version: 2, launchId: 'yu7-2025',
            kind: 'refund', amountFen: 7, atMs: T0 }]);
        });
        assert.equal((await store.bookSettings('yu7-2025'))?.deliveriesPerYearTarget, 9);
        assert.equal(await store.bookSettings('other'), null);
        assert.deepEqual([(await store.orderPrice('ord_1'))?.priceVersion,
          (await store.orderPrice('ord_1'))?.priceFen], [3, 90]);
        assert.equal(await store.orderPrice('ord_2'), null);
        assert.equal((await store.protectionsOf('ord_1'))[0]?.amountFen, 7);
      });

      test('a ready car goes to one of the buyers racing for it', async (store, opened) => {
        const peer = opened.openPeer ? await opened.openPeer() : store;
        try {
          let round = 0;
          await fc.assert(fc.asyncProperty(fc.integer({ min: 2, max: 6 }),
            fc.boolean(), async (buyers, stale) => {
              const vin = `VIN${String(++round).padStart(14, '0')}`;
              // A car whose earlier hold has ended is as free as one never held.
              await store.transaction((tx) => tx.insertReadyCar(car(vin, stale
                ? { status: 'held', saleId: 'rs_old', untilMs: T0 } : {})));
              const meet = barrier(buyers, 300);
              // SQLite runs one transaction at a time: there the wait ends by itself.
              const claim = (s: Store, i: number) => s.transaction(async (tx) => {
                await Promise.race([meet(), sleep(50)]);
                return claimReadyCar(tx, { vin, accountId: `acc_${i}`, mode: 'full',
                  key: `k-${round}-${i}` }, T0 + 1, 300_000);
              });
              const results = await Promise.all(Array.from({ length: buyers },
                (_, i) => claim(i % 2 === 0 ? store : peer, i)));
              const won = results.filter((r) => r.ok);
              assert.equal(won.length, 1, JSON.stringify(results));
              assert.ok(results.every((r) => r.ok || r.code === 'ready_car_taken'));
              const held = await store.readyCar(vin);
              assert.equal(held?.saleId, won[0]!.ok ? won[0]!.value.sale.saleId : null);
              assert.equal(won[0]!.ok && won[0]!.value.overtaken, stale ? 'rs_old' : null);
            }), { numRuns: 12 });
        } finally {
          if (peer !== store) await peer.close();
        }
      });

      test('a claim judges the car as it is when another write came between its read and its '
        + 'compare-and-set', async (store) => {
        // Another connection's write committed between the claim's read and its update, as
        // PostgreSQL's read committed allows (another process's sweep, another buyer): made
        // here in the claim's own transaction, right after its first read, so that both stores
        // show it and the interleaving is fixed.
        const between: Array<[string, Partial<ReadyCar>, Partial<ReadyCar>, string]> = [
          ['the sweep ended the stale hold', { status: 'held', saleId: 'rs_old', untilMs: T0 },
            { status: 'available', saleId: null, untilMs: null }, 'ok'],
          ['another buyer holds it', {}, { status: 'held', saleId: 'rs_other',
            untilMs: T0 + DAY }, 'ready_car_taken'],
          ['another buyer bought it', {}, { status: 'sold', saleId: 'rs_other', untilMs: null },
            'ready_car_not_found'],
        ];
        for (const [i, [what, before, after, outcome]] of between.entries()) {
          const vin = `VIN${String(900 + i).padStart(14, '0')}`;
          await store.transaction((tx) => tx.insertReadyCar(car(vin, before)));
          const r = await store.transaction(async (tx) => {
            let written = false;
            const racing = new Proxy(tx, { get(target, p) {
              const f = Reflect.get(target, p) as unknown;
              if (p !== 'readyCarTx') return typeof f === 'function' ? f.bind(target) : f;
              return async (v: string) => {
                const seen = await target.readyCarTx(v);
                if (!written && seen) {
                  written = true;
                  assert.ok(await target.moveReadyCar({ vin: v, expect: { status: seen.status,
                    saleId: seen.saleId }, status: after.status!, saleId: after.saleId!,
                  untilMs: after.untilMs! }));
                }
                return seen;
              };
            } });
            return claimReadyCar(racing, { vin, accountId: 'acc_1', mode: 'full',
              key: `k-between-${i}` }, T0 + 1, 300_000);
          });
          assert.equal(r.ok ? 'ok' : r.code, outcome, `${what}: ${JSON.stringify(r)}`);
          // The sweep closed the stale sale itself: the claim overtook nothing.
          if (r.ok) {
            assert.equal(r.value.overtaken, null);
            assert.equal((await store.readyCar(vin))?.saleId, r.value.sale.saleId);
          }
        }
      });

      test('the database refuses a second paid sale of one car', async (store) => {
        await store.transaction((tx) => tx.insertReadyCar(car('VIN00000000000001')));
        const sale = (id: string) => ({ saleId: id, vin: 'VIN00000000000001',
          launchId: 'yu7-2025', accountId: `acc_${id}`, mode: 'full' as const, priceFen: 1,
          depositFen: 1, status: 'held' as const, paymentReference: `rsl_${id}`,
          createdAtMs: T0, expiresAtMs: T0 + 1, balanceDueAtMs: null, settledAtMs: null,
          idempotencyKey: id });
        await store.transaction(async (tx) => {
          await tx.insertReadySale(sale('a'));
          await tx.insertReadySale(sale('b'));
          assert.equal(await tx.settleReadySale('a', 'held', 'paid', T0), true);
          assert.equal(await tx.settleReadySale('a', 'held', 'paid', T0), false);
        });
        await assert.rejects(store.transaction((tx) => tx.settleReadySale('b', 'held', 'paid',
          T0)));
        assert.deepEqual((await store.readySalesOf('acc_a', 5)).map((s) => s.sale.status),
          ['paid']);
        assert.deepEqual((await store.dueReadySales(T0 + 1, 10)).map((s) => s.saleId), ['b']);
      });

      test('a buyer\'s sales come newest first, at most the limit, each with its car\'s trim, '
        + 'options and city (null for a sale whose car is not on record)', async (store) => {
        await store.transaction(async (tx) => {
          await tx.insertReadyCar(car('VIN00000000000011'));
          await tx.insertReadyCar(car('VIN00000000000012', { trim: 'pro', options: [],
            city: 'shanghai' }));
        });
        const sale = (id: string, vin: string, atMs: number, accountId = 'acc_l') => ({
          saleId: id, vin, launchId: 'yu7-2025', accountId, mode: 'deposit' as const,
          priceFen: 2, depositFen: 1, status: 'held' as const, paymentReference: `rsl_${id}`,
          createdAtMs: atMs, expiresAtMs: atMs + 1, balanceDueAtMs: null, settledAtMs: null,
          idempotencyKey: id });
        await store.transaction(async (tx) => {
          await tx.insertReadySale(sale('l1', 'VIN00000000000011', T0));
          await tx.insertReadySale(sale('l2', 'VIN00000000000012', T0 + 2));
          await tx.insertReadySale(sale('l3', 'VIN00000000000099', T0 + 1));
          await tx.insertReadySale(sale('o1', 'VIN00000000000012', T0 + 3, 'acc_other'));
        });
        const mine = await store.readySalesOf('acc_l', 5);
        assert.deepEqual(mine.map((x) => [x.sale.saleId, x.car]), [
          ['l2', { trim: 'pro', options: [], city: 'shanghai' }],
          ['l3', null],
          ['l1', { trim: 'max', options: ['paint-blue'], city: 'beijing' }]]);
        assert.deepEqual(mine[0]!.sale, sale('l2', 'VIN00000000000012', T0 + 2));
        assert.deepEqual((await store.readySalesOf('acc_l', 2)).map((x) => x.sale.saleId),
          ['l2', 'l3']);
      });
    });
  });
}
