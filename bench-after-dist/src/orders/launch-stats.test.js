import { strict as assert } from 'node:assert';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { mergeDeltas } from './launch-stats.js';
describe('mergeDeltas', () => {
    it('sums each counter once, drops the zeros, sorts by launch then key, mutates nothing', () => {
        const delta = fc.record({ launchId: fc.constantFrom('su7', 'yu7', 'yu7-2025'),
            key: fc.constantFrom('orders.firm', 'orders.locked', 'trim.max.firm', 'deposits.held'),
            delta: fc.integer({ min: -3, max: 3 }) });
        fc.assert(fc.property(fc.array(delta, { maxLength: 40 }), (deltas) => {
            const before = JSON.stringify(deltas);
            const expected = new Map();
            for (const d of deltas) {
                const k = JSON.stringify([d.launchId, d.key]);
                expected.set(k, (expected.get(k) ?? 0) + d.delta);
            }
            const want = [...expected].filter(([, v]) => v !== 0)
                .map(([k, delta]) => {
                const [launchId, key] = JSON.parse(k);
                return { launchId, key, delta };
            })
                .sort((a, b) => (a.launchId !== b.launchId ? (a.launchId < b.launchId ? -1 : 1)
                : a.key < b.key ? -1 : a.key > b.key ? 1 : 0));
            assert.deepEqual(mergeDeltas(deltas), want);
            assert.equal(JSON.stringify(deltas), before);
        }));
    });
});
//# sourceMappingURL=launch-stats.test.js.map