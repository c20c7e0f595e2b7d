import assert from 'node:assert/strict';
import { test } from 'node:test';
import { isValidIdNumber } from './identity-generator.js';
import { SU7, ULTRA, YU7 } from './test-catalogs.js';
import { buildWorkload, PER_ACCOUNT_LIMIT } from './workload.js';
const input = { seed: 42, scale: 0.02, salt: 0, target: YU7, switchSources: [SU7, ULTRA] };
test('the same seed builds the same workload; another seed another one', () => {
    const a = JSON.stringify(buildWorkload(input));
    assert.equal(JSON.stringify(buildWorkload(input)), a);
    assert.notEqual(JSON.stringify(buildWorkload({ ...input, seed: 43 })), a);
});
test('the workload has the planned size, shares and valid, unique identities', () => {
    const w = buildWorkload(input);
    const orders = w.buyers.flatMap((b) => b.orders).filter((o) => !o.beyondLimit);
    assert.equal(w.ordersPlanned, Math.round(289_000 * 0.02));
    assert.equal(orders.length, w.ordersPlanned);
    const switched = orders.filter((o) => o.switchFrom !== null).length;
    assert.ok(switched > 0 && switched < 0.15 * orders.length, `switched ${switched}`);
    const locked = orders.filter((o) => o.lock !== null).length / orders.length;
    assert.ok(locked > 0.5 && locked < 0.7, `locked share ${locked}`);
    assert.ok(orders.some((o) => o.cancel !== null && o.lock === null));
    assert.ok(orders.some((o) => o.impatient));
    assert.equal(new Set(w.buyers.map((b) => b.phone)).size, w.buyers.length);
    assert.equal(new Set(w.buyers.map((b) => b.idNumber)).size, w.buyers.length);
    assert.ok(w.buyers.every((b) => isValidIdNumber(b.idNumber)));
    assert.ok(w.buyers.every((b) => b.orders.length <= PER_ACCOUNT_LIMIT + 1));
    for (const b of w.buyers) {
        const beyond = b.orders.filter((o) => o.beyondLimit);
        // Only an account that keeps both its orders tries a third.
        if (beyond.length > 0)
            assert.ok(b.orders.every((o) => o.cancel === null));
    }
});
test('arrivals follow the curve: two thirds in the first two minutes', () => {
    const w = buildWorkload(input);
    const times = w.buyers.flatMap((b) => b.orders).filter((o) => !o.beyondLimit)
        .map((o) => o.arrivalSeconds);
    const share = times.filter((t) => t <= 120).length / times.length;
    assert.ok(Math.abs(share - 196 / 289) < 0.01, `share in 2 min ${share}`);
    assert.ok(times.every((t) => t >= 0 && t <= 3600));
});
//# sourceMappingURL=workload.test.js.map