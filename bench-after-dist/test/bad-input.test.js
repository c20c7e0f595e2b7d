// Bad input of any kind, thrown at every endpoint: it gets a clear refusal (never a 500), and a
// refusal changes nothing.
import { strict as assert } from 'node:assert';
import { after, before, describe, it } from 'node:test';
import fc from 'fast-check';
import { outcomes } from '../src/kernel/outcomes.js';
import { ADMIN, harness } from './harness.js';
const ENDPOINTS = [
    ['POST', '/accounts'], ['POST', '/sessions/code'], ['POST', '/sessions'],
    ['POST', '/orders'], ['POST', '/orders/{order}/lock'], ['POST', '/orders/{order}/cancel'],
    ['POST', '/orders/{order}/change'], ['GET', '/orders/{order}'],
    ['GET', '/launches/{launch}/estimate?trim={text}&city={text}'],
    ['POST', '/admin/accounts/import'], ['PATCH', '/admin/launches/{launch}'],
    ['POST', '/admin/change-windows'], ['POST', '/admin/change-windows/{text}/close'],
    ['GET', '/admin/orders?phone={text}'], ['POST', '/admin/orders/{order}/refund'],
    ['POST', '/admin/clock'],
];
/** Any JSON at all, and values of the wrong type under the field names the API uses. */
const fields = ['phone', 'name', 'id_number', 'code', 'launch_id', 'trim', 'options', 'city',
    'confirm', 'accept_forfeit', 'accounts', 'opens_at', 'closes_at', 'allows', 'from_launch_id',
    'to_launch_id', 'deposit_fen', 'per_account_limit', 'capacity_per_week', 'cities',
    'advance_seconds', 'cooling_off_hours'];
const body = fc.oneof(fc.json(), fc.dictionary(fc.constantFrom(...fields), fc.jsonValue(), { maxKeys: 6 })
    .map((o) => JSON.stringify(o)), fc.string());
describe('bad input at every endpoint', () => {
    let h;
    let buyer = '';
    let order = '';
    before(async () => {
        h = await harness({ LAUNCHDAY_CLOCK_START: '2025-06-26T14:00:00Z' });
        buyer = (await h.buyer(1)).token;
        order = (await h.order(buyer, 'k', { launch_id: 'yu7-2025', trim: 'pro', options: [],
            city: 'beijing' })).body.order_id;
    });
    after(() => h.close());
    it('never answers 500, always with a catalogued code, and changes nothing it refuses', async () => {
        await fc.assert(fc.asyncProperty(fc.constantFrom(...ENDPOINTS), body, fc.string({ maxLength: 40 }), fc.constantFrom('buyer', 'admin', 'none'), fc.constantFrom('k', 'other-key', ''), async ([method, template], raw, text, who, key) => {
            const path = template.replaceAll('{order}', order).replaceAll('{launch}', 'yu7-2025')
                .replaceAll('{text}', encodeURIComponent(text));
            const figures = async () => JSON.stringify((await h.call('GET', '/launches/yu7-2025/stats')).body.orders);
            const before = await figures();
            const token = who === 'buyer' ? buyer : who === 'admin' ? ADMIN : undefined;
            const r = await h.call(method, path, { raw, ...(token ? { token } : {}),
                headers: { 'content-type': 'application/json',
                    ...(key ? { 'idempotency-key': key } : {}) } });
            assert.ok(r.status < 500, `${method} ${path} ${raw} -> ${r.status} ${JSON.stringify(r.body)}`);
            if (r.status >= 400) {
                assert.ok(r.body.error.code in outcomes, `uncatalogued ${r.body.error.code}`);
                assert.equal(outcomes[r.body.error.code].status, r.status);
                assert.equal(await figures(), before, 'a refusal changed the figures');
            }
        }), { numRuns: 600 });
    });
});
//# sourceMappingURL=bad-input.test.js.map