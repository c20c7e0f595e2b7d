import { strict as assert } from 'node:assert';
import { describe, it } from 'node:test';
import { gunzipSync } from 'node:zlib';
import { crc32, SplicedGzip } from './gzip-splice.js';
import { acceptsEncoding, noneMatchHits, PreparedJson, REPLY_TIME, } from './prepared-reply.js';
describe('a gzip member spliced around texts', () => {
    it('decodes to the pieces with the text in every splice', () => {
        const big = JSON.stringify({ cities: Array.from({ length: 200 }, (_, i) => `city-${i}`) });
        for (const pieces of [['{"a":', '}'], ['[', ',', big, ',"x",', ']'], [big, big],
            ['', 'only after'], ['中文 before ', ' 之后']]) {
            const g = new SplicedGzip(pieces.map((p) => Buffer.from(p)));
            for (const text of ['"2025-06-26T14:00:00.000Z"', '', 'é']) {
                const out = gunzipSync(g.with(Buffer.from(text))).toString();
                assert.equal(out, pieces.join(text));
            }
        }
    });
    it('carries the CRC-32 on as zlib computes it', () => {
        assert.equal(crc32(Buffer.from('123456789')), 0xcbf43926);
        assert.equal(crc32(Buffer.from('6789'), crc32(Buffer.from('12345'))), 0xcbf43926);
    });
});
describe('a prepared JSON reply', () => {
    const value = { launch_id: 'yu7', server_time: REPLY_TIME, names: Array(300).fill('Xiaomi') };
    const p = new PreparedJson(value, 'public, no-cache');
    const time = '2026-12-01T03:42:00.123Z';
    const today = JSON.stringify({ ...value, server_time: time });
    it('is the bytes JSON.stringify writes, with the time of the reply', () => {
        const r = p.serve({}, time);
        assert.equal(r.status, 200);
        assert.equal(String(r.body), today);
        assert.equal(r.headers['cache-control'], 'public, no-cache');
        assert.equal(r.headers.vary, 'accept-encoding');
        assert.match(r.headers.etag, /^W\/"[A-Za-z0-9_-]{22}"$/);
        assert.equal(String(p.serve({}, '2026-12-01T03:42:00.124Z').body), today.replace(time, '2026-12-01T03:42:00.124Z'));
    });
    it('is gzip to a client that takes it, and not to one that refuses it', () => {
        const r = p.serve({ 'accept-encoding': 'gzip, deflate, br' }, time);
        assert.equal(r.headers['content-encoding'], 'gzip');
        assert.equal(gunzipSync(r.body).toString(), today);
        assert.equal(String(p.serve({ 'accept-encoding': 'br, gzip;q=0' }, time).body), today);
        assert.equal(String(p.serve({ 'accept-encoding': 'identity' }, time).body), today);
    });
    it('answers 304 to a client holding its ETag, weak or not, and 200 to any other', () => {
        const opaque = p.etag.slice(2);
        for (const inm of [p.etag, opaque, `"x", ${p.etag}`, '*']) {
            const r = p.serve({ 'if-none-match': inm }, time);
            assert.equal(r.status, 304, inm);
            assert.equal(r.body, null);
            assert.equal(r.headers.etag, p.etag);
        }
        for (const inm of ['"other"', opaque.slice(0, -2), '']) {
            assert.equal(p.serve({ 'if-none-match': inm }, time).status, 200, inm);
        }
    });
    it('has the same ETag for the same content, whatever the time, and another for a change', () => {
        assert.equal(new PreparedJson(value, 'x').etag, p.etag);
        assert.notEqual(new PreparedJson({ ...value, launch_id: 'su7' }, 'x').etag, p.etag);
    });
    it('keeps a short body uncompressed', () => {
        const small = new PreparedJson({ a: 1, at: REPLY_TIME }, 'x');
        assert.equal(String(small.serve({ 'accept-encoding': 'gzip' }, time).body), `{"a":1,"at":"${time}"}`);
    });
    it('reads Accept-Encoding and If-None-Match as RFC 9110 does', () => {
        assert.ok(acceptsEncoding('gzip', 'gzip'));
        assert.ok(acceptsEncoding('br;q=1.0, GZIP;q=0.5', 'gzip'));
        assert.ok(!acceptsEncoding('gzip;q=0', 'gzip'));
        assert.ok(!acceptsEncoding('x-gzip', 'gzip'));
        assert.ok(!acceptsEncoding(undefined, 'gzip'));
        assert.ok(noneMatchHits('W/"a"', '"a"'));
        assert.ok(!noneMatchHits(undefined, '"a"'));
    });
});
//# sourceMappingURL=prepared-reply.test.js.map