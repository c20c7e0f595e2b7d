import assert from 'node:assert/strict';
import { test } from 'node:test';
import { DemandCurve, YU7_FIRST_HOUR_ORDERS } from './demand-curve.js';
const curve = new DemandCurve();
const orders = (t) => Math.round(curve.cumulative(t) * YU7_FIRST_HOUR_ORDERS);
test('the curve reproduces the YU7 figures', () => {
    assert.equal(orders(0), 0);
    assert.equal(orders(120), 196_000);
    assert.ok(orders(180) > 200_000);
    assert.equal(orders(3600), 289_000);
});
test('the rate peaks at the opening second and never rises afterwards', () => {
    let previous = Infinity;
    for (let t = 0; t < 3600; t += 0.5) {
        const r = curve.rate(t);
        assert.ok(r <= previous + 1e-12, `rate rises at ${t}`);
        previous = r;
    }
    // The opening second is far above the two-minute average of about 1,630 a second.
    assert.ok(curve.rate(0) * YU7_FIRST_HOUR_ORDERS > 3 * 1630);
});
test('inverse and cumulative agree, so sampled arrivals follow the curve', () => {
    for (let u = 0; u < 1; u += 0.01) {
        assert.ok(Math.abs(curve.cumulative(curve.inverse(u)) - u) < 1e-9);
    }
    assert.ok(Math.abs(curve.cumulative(10) - (curve.cumulative(9.999) + curve.rate(9.999) * 0.001))
        < 1e-6);
});
test('malformed segments are refused', () => {
    assert.throws(() => new DemandCurve([{ endSeconds: 60, shareAtEnd: 0.5, decaySeconds: 10 }]));
    assert.throws(() => new DemandCurve([{ endSeconds: 60, shareAtEnd: 1, decaySeconds: 0 }]));
});
//# sourceMappingURL=demand-curve.test.js.map