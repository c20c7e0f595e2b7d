// Every time that enters launchday is RFC 3339 with Z or an offset, or a 422 naming the field;
// none is read in the server's own zone. time-zones.test.ts runs this file under two zones.
import { strict as assert } from 'node:assert';
import { after, before, describe, it } from 'node:test';
import { ConfigError, loadConfig } from '../src/kernel/config.js';
import { ADMIN, harness } from './harness.js';
const YU7_OPENS = '2025-06-26T14:00:00.000Z';
const NO_ZONE = ['2025-06-26T22:00:00', '06/26/2025 22:00', '2025-06-26', 'June 26, 2025 22:00',
    '2025-06-26T22:00:00 GMT+0800', '1750946400000', '2025-06-26T22:00:00+0800'];
describe('times entering launchday', () => {
    let h;
    before(async () => { h = await harness(); });
    after(() => h.close());
    const patch = (body) => h.call('PATCH', '/admin/launches/yu7-2025', { token: ADMIN, body });
    const openWindow = (opensAt, closesAt) => h.call('POST', '/admin/change-windows', { token: ADMIN, body: { from_launch_id: 'su7-2024',
            opens_at: opensAt, closes_at: closesAt, allows: ['colour'] } });
    for (const text of NO_ZONE) {
        it(`refuses opens_at ${JSON.stringify(text)} with 422 naming the field`, async () => {
            const r = await patch({ opens_at: text });
            assert.equal(r.status, 422, JSON.stringify(r.body));
            assert.equal(r.body.error.code, 'invalid_request');
            assert.match(r.body.error.message, /"opens_at"/);
            assert.equal((await h.call('GET', '/launches/yu7-2025')).body.opens_at, YU7_OPENS);
        });
    }
    // Well-formed, but no launch opens in year 0 or 9999: a typing slip, refused with the years.
    for (const text of ['0000-01-01T00:00:00Z', '1999-12-31T23:59:59Z',
        '9999-12-31T23:59:59.999+14:00', '2100-01-01T00:00:00Z']) {
        it(`refuses opens_at ${text}, outside the years 2000 to 2099`, async () => {
            const r = await patch({ opens_at: text });
            assert.equal(r.status, 422, JSON.stringify(r.body));
            assert.equal(r.body.error.code, 'invalid_request');
            assert.equal(r.body.error.message, '"opens_at" must be a time in the years 2000 to 2099.');
            assert.equal((await h.call('GET', '/launches/yu7-2025')).body.opens_at, YU7_OPENS);
            const w = await openWindow(text, '2025-07-01T00:00:00Z');
            assert.equal(w.status, 422, JSON.stringify(w.body));
        });
    }
    it('refuses a field the edit does not take, changing nothing and logging nothing', async () => {
        const audit = async () => (await h.call('GET', '/admin/audit-log', { token: ADMIN }))
            .body.entries.length;
        const entries = await audit();
        for (const body of [{ bogus: 1 }, { deposit: 600_000 }, { deposit_fen: 600_000, opens: 1 }]) {
            const r = await patch(body);
            assert.equal(r.status, 422, JSON.stringify(r.body));
            assert.equal(r.body.error.code, 'invalid_request');
            assert.match(r.body.error.message, /is not a field of this request: check its spelling/);
        }
        const launch = (await h.call('GET', '/launches/yu7-2025')).body;
        assert.equal(launch.deposit_fen, 500_000);
        assert.equal(await audit(), entries);
        const w = await h.call('POST', '/admin/change-windows', { token: ADMIN, body: {
                from_launch_id: 'su7-2024', opens_at: '2025-07-01T00:00:00Z',
                closes_at: '2025-07-02T00:00:00Z', allows: ['colour'], closes: 'tomorrow'
            } });
        assert.equal(w.status, 422, JSON.stringify(w.body));
        assert.equal(w.body.error.message, '"closes" is not a field of this request: check its spelling.');
    });
    it('reads an explicit offset as that offset, and Z as UTC', async () => {
        const r = await patch({ opens_at: '2025-06-26T22:00:00+08:00' });
        assert.equal(r.status, 200, JSON.stringify(r.body));
        assert.equal(r.body.opens_at, YU7_OPENS);
        const z = await patch({ opens_at: '2025-06-26T14:00:00Z' });
        assert.equal(z.body.opens_at, YU7_OPENS);
    });
    it('refuses a change window whose opening or closing has no zone, naming which', async () => {
        const opens = await openWindow('2025-06-26T22:00:00', '2025-06-29T16:00:00Z');
        assert.equal(opens.status, 422);
        assert.match(opens.body.error.message, /"opens_at"/);
        const closes = await openWindow('2025-06-26T14:00:00Z', '06/29/2025 24:00');
        assert.equal(closes.status, 422);
        assert.match(closes.body.error.message, /"closes_at"/);
        const fine = await openWindow('2025-06-26T22:00:00+08:00', '2025-06-30T00:00:00+08:00');
        assert.equal(fine.status, 201, JSON.stringify(fine.body));
        assert.equal(fine.body.opens_at, YU7_OPENS);
        assert.equal(fine.body.closes_at, '2025-06-29T16:00:00.000Z');
    });
});
describe('LAUNCHDAY_CLOCK_START', () => {
    it('takes RFC 3339 with a zone', () => {
        const c = loadConfig({ LAUNCHDAY_CLOCK: 'simulated',
            LAUNCHDAY_CLOCK_START: '2025-06-26T21:59:00+08:00' });
        assert.equal(c.clockStartMs, Date.UTC(2025, 5, 26, 13, 59));
    });
    for (const text of NO_ZONE) {
        it(`refuses ${JSON.stringify(text)}`, () => {
            assert.throws(() => loadConfig({ LAUNCHDAY_CLOCK_START: text }), (e) => e instanceof ConfigError && /LAUNCHDAY_CLOCK_START/.test(e.message));
        });
    }
});
//# sourceMappingURL=strict-times.test.js.map