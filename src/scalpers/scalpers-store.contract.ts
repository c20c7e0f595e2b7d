// Scalpers' part of the storage contract (kernel/store/store-contract.ts): signals read back as
// written, by scope in time order and by account for registrations, a signal written twice is
// kept once, and 1,200 signals go in one transaction (both stores write many rows a statement).
import { strict as assert } from 'node:assert';
import { describe } from 'node:test';
import { storeTest, T0, type OpenedStore } from '../kernel/store/store-contract.js';
import type { Signal } from './signals.js';

function signal(n: number, o: Partial<Signal> = {}): Signal {
  return { signalId: `sig_${String(n).padStart(5, '0')}`, kind: 'order',
    accountId: `acc_${n % 7}`, accountCreatedAtMs: T0 - 1000 - n, subjectId: `ord_${n}`,
    scope: 'launch:yu7', units: 1, atMs: T0 + n, deviceKey: `dev_${n % 3}`,
    networkKey: '203.0.113.0/24', paymentKey: null, addressKey: n % 2 ? 'adr_x' : null,
    city: 'beijing', ...o };
}

export function scalpersStoreContract(name: string, open: () => Promise<OpenedStore>): void {
  const test = storeTest(open);

  describe(`${name} store contract`, () => {
    describe('scalpers', () => {
      test('signals read back by scope, in time order, bounded; once per id', async (store) => {
        const rows = [signal(3), signal(1), signal(2, { scope: 'drop:jacket', units: 2 }),
          signal(4, { kind: 'registration', subjectId: null, scope: null, city: null })];
        await store.transaction((tx) => tx.insertSignals(rows));
        await store.transaction((tx) => tx.insertSignals([signal(1, { units: 9 })]));
        assert.deepEqual(await store.signalsOfScope('launch:yu7', 10), [signal(1), signal(3)]);
        assert.deepEqual(await store.signalsOfScope('launch:yu7', 1), [signal(1)]);
        assert.deepEqual(await store.signalsOfScope('drop:jacket', 10),
          [signal(2, { scope: 'drop:jacket', units: 2 })]);
        assert.deepEqual(await store.registrationSignals(['acc_4', 'acc_1']), [signal(4,
          { kind: 'registration', subjectId: null, scope: null, city: null })]);
        assert.deepEqual(await store.registrationSignals([]), []);
      });

      test('many signals go in one transaction', async (store) => {
        const many = Array.from({ length: 1_200 }, (_, i) => signal(i + 10));
        await store.transaction((tx) => tx.insertSignals(many));
        const back = await store.signalsOfScope('launch:yu7', 5_000);
        assert.equal(back.length, 1_200);
        assert.deepEqual(back[1_199], many[1_199]);
      });
    });
  });
}
