import { strict as assert } from 'node:assert';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { parseIsoTime } from './iso-time.js';
const YU7_OPENS_MS = 1_750_946_400_000; // 2025-06-26T14:00:00Z, 22:00 in Beijing
describe('parseIsoTime', () => {
    const accepted = [
        ['2025-06-26T14:00:00Z', YU7_OPENS_MS],
        ['2025-06-26T14:00:00.000Z', YU7_OPENS_MS],
        ['2025-06-26t14:00:00z', YU7_OPENS_MS],
        ['2025-06-26T22:00:00+08:00', YU7_OPENS_MS],
        ['2025-06-26T22:00+08:00', YU7_OPENS_MS],
        ['2025-06-26T09:30:00-04:30', YU7_OPENS_MS],
        ['2025-06-26T14:00:00+00:00', YU7_OPENS_MS],
        ['2025-06-26T14:00:00.123456789Z', YU7_OPENS_MS + 123],
        ['2025-06-26T14:00:00.5Z', YU7_OPENS_MS + 500],
        ['2024-02-29T00:00:00Z', Date.UTC(2024, 1, 29)],
        ['2000-02-29T23:59:59Z', Date.UTC(2000, 1, 29, 23, 59, 59)],
        ['0099-01-01T00:00:00Z', -59_042_995_200_000],
    ];
    for (const [text, ms] of accepted) {
        it(`reads ${text}`, () => assert.equal(parseIsoTime(text), ms));
    }
    const refused = [
        '2025-06-26T22:00:00', // no zone: the server's own zone would decide
        '2025-06-26T22:00', '2025-06-26', '06/26/2025 22:00', 'Thu, 26 Jun 2025 14:00:00 GMT',
        '2025-06-26 14:00:00Z', '2025-6-26T14:00:00Z', '2025-06-31T14:00:00Z', '2025-02-29T00:00:00Z',
        '1900-02-29T00:00:00Z', '2025-13-01T00:00:00Z', '2025-00-01T00:00:00Z',
        '2025-06-26T24:00:00Z', '2025-06-26T14:60:00Z', '2025-06-26T23:59:60Z',
        '2025-06-26T14:00:00+24:00', '2025-06-26T14:00:00+08:60', '2025-06-26T14:00:00+0800',
        '2025-06-26T14:00:00+08', '2025-06-26T14:00:00.Z', '+002025-06-26T14:00:00Z',
        ' 2025-06-26T14:00:00Z', '2025-06-26T14:00:00Z ', '2025-06-26T14:00:00ZZ', '', 'now',
        '1750946400000', '２０２５-06-26T14:00:00Z',
    ];
    for (const text of refused) {
        it(`refuses ${JSON.stringify(text)}`, () => assert.equal(parseIsoTime(text), null));
    }
    it('reads back every instant toISOString writes, at every offset', () => {
        fc.assert(fc.property(fc.integer({ min: Date.UTC(1970, 0, 1), max: Date.UTC(2200, 0, 1) }), fc.integer({ min: -23 * 60 - 59, max: 23 * 60 + 59 }), (ms, offsetMin) => {
            assert.equal(parseIsoTime(new Date(ms).toISOString()), ms);
            // The same instant written as wall time at another offset names the same instant.
            const wall = new Date(ms + offsetMin * 60_000).toISOString().slice(0, 23);
            const abs = Math.abs(offsetMin);
            const zone = `${offsetMin < 0 ? '-' : '+'}${String(Math.floor(abs / 60)).padStart(2, '0')}`
                + `:${String(abs % 60).padStart(2, '0')}`;
            assert.equal(parseIsoTime(`${wall}${zone}`), ms);
        }));
    });
    it('refuses every time written without a zone', () => {
        fc.assert(fc.property(fc.integer({ min: 0, max: Date.UTC(2200, 0, 1) }), (ms) => {
            assert.equal(parseIsoTime(new Date(ms).toISOString().slice(0, -1)), null);
        }));
    });
});
//# sourceMappingURL=iso-time.test.js.map