// Launches' part of the storage contract (kernel/store/store-contract.ts): launches and
// change windows, on every adapter.
import { strict as assert } from 'node:assert';
import { describe } from 'node:test';
import { HOUR_MS, storeTest, T0, } from '../kernel/store/store-contract.js';
function launch(launchId, opensAtMs) {
    return { launchId, modelId: 'yu7', name: 'Xiaomi YU7', nameZh: '小米YU7', opensAtMs,
        depositFen: 500_000, coolingOffHours: 168, perAccountLimit: 2, locksOnPayment: false,
        trims: [{ trim: 'standard', name: 'YU7 Standard', nameZh: 'YU7 标准版',
                priceFen: 25_350_000, capacityPerWeek: 1100, leadWeeks: 3 }],
        options: [{ optionId: 'colour-emerald-green', group: 'colour', name: 'Emerald Green',
                nameZh: '翡翠绿', priceFen: 0, isDefault: false }],
        cities: [{ cityId: 'beijing', name: 'Beijing', nameZh: '北京', openedOn: '2024-03-28' }] };
}
function changeWindow(windowId, closedAtMs) {
    return { windowId, fromLaunchId: 'su7-2024', toLaunchId: 'yu7-2025', opensAtMs: T0,
        closesAtMs: T0 + 74 * HOUR_MS, allows: ['model', 'trim'], closedAtMs,
        createdBy: 'operator', createdAtMs: T0 - HOUR_MS };
}
export function launchesStoreContract(name, open) {
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
                    assert.deepEqual(await tx.changeWindows(), [changeWindow('win_1', T0 + 5), changeWindow('win_2', null)]);
                });
                assert.deepEqual(await store.launches(), [launch('su7-2024', T0 - 1000), launch('yu7-2025', T0 + 60_000)]);
                assert.deepEqual(await store.changeWindows(), [changeWindow('win_1', T0 + 5), changeWindow('win_2', null)]);
            });
        });
    });
}
//# sourceMappingURL=launches-store.contract.js.map