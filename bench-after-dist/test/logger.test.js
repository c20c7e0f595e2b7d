import { strict as assert } from 'node:assert';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { syntheticIdentity } from '../src/accounts/identity.js';
import { createLogger, LogSampler, maskIdNumber, maskPersonalData, maskPhone, requestIdOf, } from '../src/kernel/logger.js';
/** A logger at `level` whose lines are kept, parsed, for the test to read. */
function captured(level = 'info') {
    const raw = [];
    const logger = createLogger({ level, destination: { write: (s) => raw.push(s) } });
    return { logger, raw, lines: () => raw.map((s) => JSON.parse(s)) };
}
describe('masking personal data', () => {
    it('masks phone and identity numbers to the shapes support staff use', () => {
        const table = [
            ['13800138000', '138****8000'],
            ['19912345678', '199****5678'],
            ['12', '****'],
        ];
        for (const [phone, masked] of table)
            assert.equal(maskPhone(phone), masked, phone);
        assert.equal(maskIdNumber('11010519491231002X'), '110105***********X');
        assert.equal(maskIdNumber('110105194912310021'), '110105***********1');
        assert.equal(maskIdNumber('1234'), '****');
    });
    it('masks numbers inside free text and leaves other numbers alone', () => {
        const table = [
            ['duplicate key 13800138000', 'duplicate key 138****8000'],
            ['+8613800138000 called', '+86138****8000 called'],
            ['id 11010519491231002X refused', 'id 110105***********X refused'],
            ['id 11010519491231002x.', 'id 110105***********x.'],
            ['at 1764550440000 ms', 'at 1764550440000 ms'], // a 13-digit time, not a phone
            ['ord_a13800138000b', 'ord_a13800138000b'], // inside an id: not a number of its own
            ['12800138000', '12800138000'], // no mobile number starts 12
            ['500000 fen', '500000 fen'],
        ];
        for (const [text, masked] of table)
            assert.equal(maskPersonalData(text), masked, text);
    });
    it('never lets a registered phone or identity number through, whatever surrounds it', () => {
        fc.assert(fc.property(fc.nat({ max: 1_000_000 }), fc.string(), fc.string(), fc.constantFrom(' ', ':', '"', '=', '\n', ''), (n, before, after, sep) => {
            const id = syntheticIdentity(n);
            const text = `${before}${sep}${id.phone}${sep}${after} ${id.idNumber}.`;
            const masked = maskPersonalData(text);
            // Something joined on to a number (a letter or digit) makes it part of a longer token;
            // with a separator, as in every message launchday writes, it is masked.
            if (sep !== '')
                assert.ok(!masked.includes(id.phone), masked);
            assert.ok(!masked.includes(id.idNumber), masked);
        }));
    });
});
describe('the logger', () => {
    it('writes JSON lines with the level by name, the time and the process', () => {
        const { logger, lines } = captured();
        logger.info({ req_id: 'r-1' }, 'hello');
        const [line] = lines();
        assert.equal(line.level, 'info');
        assert.equal(line.msg, 'hello');
        assert.equal(line.req_id, 'r-1');
        assert.equal(line.service, 'launchday');
        assert.equal(line.pid, process.pid);
        assert.match(String(line.time), /^\d{4}-\d\d-\d\dT/);
    });
    it('masks phones and identity numbers, and drops names and tokens, wherever they are', () => {
        const { logger, raw, lines } = captured();
        const err = new Error('UNIQUE failed for 13900139000 (11010519491231002X)');
        logger.warn({ phone: '13800138000', id_number: '11010519491231002X', name: 'Li Lei',
            token: 'ldt_secret', account: { phone: '13700137000', token: 'ldt_other' }, err }, 'registering 13600136000 failed');
        const [line] = lines();
        assert.equal(line.phone, '138****8000');
        assert.equal(line.id_number, '110105***********X');
        assert.equal(line.name, '[redacted]');
        assert.equal(line.token, '[redacted]');
        assert.deepEqual(line.account, { phone: '137****7000', token: '[redacted]' });
        assert.equal(line.msg, 'registering 136****6000 failed');
        assert.equal(line.err.message, 'UNIQUE failed for 139****9000 (110105***********X)');
        for (const secret of ['13800138000', '13900139000', '13700137000', '13600136000',
            '11010519491231002X', 'Li Lei', 'ldt_secret', 'ldt_other']) {
            assert.ok(!raw[0].includes(secret), secret);
        }
    });
    it('writes nothing below its level', () => {
        const { logger, raw } = captured('info');
        logger.debug('not written');
        assert.equal(raw.length, 0);
    });
});
describe('request ids', () => {
    it('keeps a sane X-Request-Id and replaces anything else with a new UUID', () => {
        const uuid = /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;
        const kept = ['abc-123', 'a', 'x'.repeat(64), 'trace:1/2+3=4@edge_5.6'];
        for (const id of kept)
            assert.equal(requestIdOf(id), id);
        const replaced = [undefined, '', 'x'.repeat(65),
            'two words', 'a\r\nset-cookie: x', 'quote"', '中文', ['a', 'b']];
        for (const id of replaced)
            assert.match(requestIdOf(id), uuid, String(id));
        assert.notEqual(requestIdOf(undefined), requestIdOf(undefined));
    });
});
describe('a log sampler', () => {
    it('lets a few lines a second through and counts the rest into the next', () => {
        const s = new LogSampler(2);
        // [ms, what admit returns]: -1 dropped, otherwise the lines dropped before this one.
        const table = [
            [0, 0], [10, 0], [20, -1], [999, -1],
            [1000, 2], [1001, 0], [1002, -1],
            [5000, 1],
        ];
        for (const [ms, expected] of table)
            assert.equal(s.admit(ms), expected, `at ${ms} ms`);
    });
});
//# sourceMappingURL=logger.test.js.map