import { strict as assert } from 'node:assert';
import { describe, it } from 'node:test';
import { MemoryRateCounter } from './memory-rate-counter.js';
describe('MemoryRateCounter', () => {
    it('counts per key and stays within its bound', () => {
        const c = new MemoryRateCounter(100);
        const hit = (key, nowMs) => c.hit([{ key, windowMs: 1000, cost: 1 }], nowMs);
        assert.equal(hit('a', 0)[0].current, 1);
        assert.equal(hit('a', 10)[0].current, 2);
        for (let i = 0; i < 1000; i++)
            hit(`k${i}`, 20);
        assert.ok(c.size <= 100, `${c.size}`);
        // Keys whose windows have both ended are swept first.
        const d = new MemoryRateCounter(10);
        for (let i = 0; i < 9; i++)
            d.hit([{ key: `old${i}`, windowMs: 1000, cost: 1 }], 0);
        d.hit([{ key: 'new', windowMs: 1000, cost: 1 }], 5000);
        d.hit([{ key: 'newer', windowMs: 1000, cost: 1 }], 5000);
        assert.equal(d.size, 2);
    });
});
//# sourceMappingURL=memory-rate-counter.test.js.map