import { strict as assert } from 'node:assert';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { allocate, configurationKey } from './allocation.js';
const config = fc.record({ trim: fc.constantFrom('standard', 'max'),
    options: fc.constantFrom([], ['colour-green'], ['colour-green', 'wheels-21']) });
describe('allocate', () => {
    it('gives a car to the first in the queue of its configuration, the rest to the pool', () => {
        const o = (n, trim, seq) => ({ orderId: `ord_${n}`,
            launchId: 'su7', trim, options: [], trimSeq: seq });
        const car = (vin, trim) => ({ vin, launchId: 'su7', trim,
            options: [] });
        const r = allocate([car('V1', 'max'), car('V2', 'max'), car('V3', 'pro'),
            car('V4', 'max')], [o(1, 'max', 9), o(2, 'max', 3), o(3, 'standard', 1)]);
        assert.deepEqual(r, { allocations: [{ vin: 'V1', orderId: 'ord_2' },
                { vin: 'V2', orderId: 'ord_1' }], pooled: ['V3', 'V4'] });
    });
    it('follows queue order and never exceeds the cars built (property)', () => {
        const orders = fc.array(config, { maxLength: 30 }).map((cs) => cs.map((c, i) => ({
            orderId: `ord_${i}`, launchId: 'su7', trimSeq: 1000 - i * 3, ...c
        })));
        const cars = fc.array(config, { maxLength: 30 }).map((cs) => cs.map((c, i) => ({
            vin: `VIN${i}`, launchId: 'su7', ...c
        })));
        fc.assert(fc.property(orders, cars, (waiting, built) => {
            const r = allocate(built, waiting);
            assert.ok(r.allocations.length <= built.length);
            assert.equal(r.allocations.length + r.pooled.length, built.length);
            assert.equal(new Set(r.allocations.map((a) => a.vin)).size, r.allocations.length);
            assert.equal(new Set(r.allocations.map((a) => a.orderId)).size, r.allocations.length);
            const byId = new Map(waiting.map((o) => [o.orderId, o]));
            const carOf = new Map(built.map((c) => [c.vin, c]));
            for (const a of r.allocations) {
                assert.equal(configurationKey(carOf.get(a.vin)), configurationKey(byId.get(a.orderId)));
            }
            // Per configuration: the allocated orders are exactly the first k in queue order, where
            // k is the smaller of the cars built and the orders waiting.
            const keys = new Set([...waiting.map(configurationKey), ...built.map(configurationKey)]);
            for (const k of keys) {
                const queue = waiting.filter((o) => configurationKey(o) === k)
                    .sort((a, b) => a.trimSeq - b.trimSeq).map((o) => o.orderId);
                const carsOfK = built.filter((c) => configurationKey(c) === k).length;
                const got = r.allocations.filter((a) => configurationKey(byId.get(a.orderId)) === k)
                    .map((a) => a.orderId);
                assert.deepEqual(got, queue.slice(0, Math.min(carsOfK, queue.length)));
            }
        }), { numRuns: 300 });
    });
});
//# sourceMappingURL=allocation.test.js.map