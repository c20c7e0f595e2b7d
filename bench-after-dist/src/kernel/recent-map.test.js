import { strict as assert } from 'node:assert';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { RecentMap } from './recent-map.js';
/** The plain way it replaces: correct, but slow once full (see recent-map.ts). */
function remember(map, key, value, max) {
    map.delete(key);
    map.set(key, value);
    if (map.size > max)
        map.delete(map.keys().next().value);
}
describe('a map of recent entries', () => {
    it('keeps the same entries, in the same order, as evicting the oldest of a plain Map', () => {
        const key = fc.constantFrom(...'abcdefghij');
        const op = fc.oneof({ weight: 4, arbitrary: fc.record({ kind: fc.constant('set'), key,
                value: fc.nat() }) }, { weight: 1, arbitrary: fc.record({ kind: fc.constant('delete'), key }) });
        fc.assert(fc.property(fc.integer({ min: 1, max: 6 }), fc.array(op, { maxLength: 400 }), (max, ops) => {
            const model = new Map();
            const recent = new RecentMap(max);
            for (const o of ops) {
                if (o.kind === 'set') {
                    remember(model, o.key, o.value, max);
                    recent.set(o.key, o.value);
                }
                else {
                    assert.equal(recent.delete(o.key), model.delete(o.key));
                }
                assert.equal(recent.size, model.size);
                assert.deepEqual([...recent.keys()], [...model.keys()]);
                for (const k of 'abcdefghij') {
                    assert.equal(recent.get(k), model.get(k));
                    assert.equal(recent.has(k), model.has(k));
                }
            }
        }), { numRuns: 300 });
    });
    it('holds no more than its bound however many keys pass through', () => {
        const recent = new RecentMap(1000);
        for (let i = 0; i < 100_000; i++)
            recent.set(`ref-${i}`, i);
        assert.equal(recent.size, 1000);
        assert.equal(recent.get('ref-99000'), 99_000);
        assert.equal(recent.has('ref-98999'), false, 'the oldest went first');
    });
    it('refuses a bound that holds nothing', () => {
        assert.throws(() => new RecentMap(0), RangeError);
    });
});
//# sourceMappingURL=recent-map.test.js.map