// Launches' part of the storage contract (kernel/store/store-contract.ts): launches and
// change windows, on every adapter.
import { strict as assert } from 'node:assert';
import { describe } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import {
  barrier, HOUR_MS, storeTest, T0, type OpenedStore,
} from '../kernel/store/store-contract.js';
import type { Store } from '../kernel/store/store.js';
import type { ChangeWindow, Launch } from './launch.js';

function launch(launchId: string, opensAtMs: number): Launch {
  return { launchId, modelId: 'yu7', name: 'Xiaomi YU7', nameZh: '小米YU7', opensAtMs,
    depositFen: 500_000, coolingOffHours: 168, perAccountLimit: 2, locksOnPayment: false,
    trims: [{ trim: 'standard', name: 'YU7 Standard', nameZh: 'YU7 标准版',
      priceFen: 25_350_000, capacityPerWeek: 1100, leadWeeks: 3 }],
    options: [{ optionId: 'colour-emerald-green', group: 'colour', name: 'Emerald Green',
      nameZh: '翡翠绿', priceFen: 0, isDefault: false }],
    cities: [{ cityId: 'beijing', name: 'Beijing', nameZh: '北京', openedOn: '2024-03-28' }] };
}

function changeWindow(windowId: string, closedAtMs: number | null): ChangeWindow {
  return { windowId, fromLaunchId: 'su7-2024', toLaunchId: 'yu7-2025', opensAtMs: T0,
    closesAtMs: T0 + 74 * HOUR_MS, allows: ['model', 'trim'], closedAtMs,
    createdBy: 'operator', createdAtMs: T0 - HOUR_MS };
}

export function launchesStoreContract(name: string, open: () => Promise<OpenedStore>): void {
  const test = storeTest(open);

  describe(`${name} store contract`, () => {
    describe('launches and change windows', () => {
      test('launches and change windows are stored as whole documents', async (store) => {
        await store.transaction(async (tx) => {
          await tx.putLaunch(launch('yu7-2025', T0));
          await tx.putLaunch(launch('su7-2024', T0 - 1000));
          await tx.putChangeWindow(changeWindow('win_2', null));
          await tx.putChangeWindow(changeWindow('win_1', null));
        });
        await store.transaction(async (tx) => {
          await tx.putLaunch(launch('yu7-2025', T0 + 60_000));
          await tx.putChangeWindow(changeWindow('win_1', T0 + 5));
          assert.deepEqual(await tx.changeWindows(),
            [changeWindow('win_1', T0 + 5), changeWindow('win_2', null)]);
        });
        assert.deepEqual(await store.launches(),
          [launch('su7-2024', T0 - 1000), launch('yu7-2025', T0 + 60_000)]);
        assert.deepEqual(await store.changeWindows(),
          [changeWindow('win_1', T0 + 5), changeWindow('win_2', null)]);
      });

      test('lockLaunch reads the committed launch, null for none', async (store) => {
        await store.transaction((tx) => tx.putLaunch(launch('yu7-2025', T0)));
        await store.transaction(async (tx) => {
          assert.deepEqual(await tx.lockLaunch('yu7-2025'), launch('yu7-2025', T0));
          assert.equal(await tx.lockLaunch('nope'), null);
          assert.equal(await tx.lockLaunch('yu7\u00002025'), null);
        });
      });

      test('a launch\'s lock serialises two writers: the second reads the first\'s opening',
        async (store, opened) => {
          const peer = opened.openPeer ? await opened.openPeer() : store;
          try {
            await store.transaction((tx) => tx.putLaunch(launch('yu7-2025', T0)));
            const meet = barrier(2, 300);
            // Each reads the opening under the lock, waits for the other, then moves it a minute
            // on from what it read. With the lock the second reads after the first committed, so
            // the two moves add up; without it both read T0 and one move is lost.
            const move = (s: Store) => s.transaction(async (tx) => {
              const seen = (await tx.lockLaunch('yu7-2025'))!;
              await Promise.race([meet(), sleep(50)]);
              await tx.putLaunch({ ...seen, opensAtMs: seen.opensAtMs + 60_000 });
              return seen.opensAtMs;
            });
            const seen = await Promise.all([move(store), move(peer)]);
            assert.deepEqual(seen.sort(), [T0, T0 + 60_000]);
            assert.equal((await store.launches())[0]!.opensAtMs, T0 + 120_000);
          } finally {
            if (peer !== store) await peer.close();
          }
        });
    });
  });
}
