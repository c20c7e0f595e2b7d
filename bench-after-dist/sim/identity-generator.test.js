import assert from 'node:assert/strict';
import { test } from 'node:test';
import { idCheckCharacter, identityNumber, isValidIdNumber, personName, phoneNumber } from './identity-generator.js';
import { Random } from './random.js';
test('check character follows ISO 7064 MOD 11-2 on published examples', () => {
    // Examples from the GB 11643-1999 standard and its common test vectors.
    assert.equal(idCheckCharacter('11010519491231002'), 'X');
    assert.equal(idCheckCharacter('44052418800101001'), '4');
    assert.equal(isValidIdNumber('11010519491231002X'), true);
    assert.equal(isValidIdNumber('110105194912310021'), false);
});
test('generated identity numbers are valid, unique, adult and well formed', () => {
    const r = new Random(1);
    const seen = new Set();
    for (let i = 0; i < 20_000; i++) {
        const id = identityNumber(i, 0, r);
        assert.match(id, /^\d{6}(19[6-9]\d|200\d)(0[1-9]|1[0-2])(0[1-9]|[12]\d|3[01])\d{3}[\dX]$/);
        assert.ok(isValidIdNumber(id), id);
        const birth = `${id.slice(6, 10)}-${id.slice(10, 12)}-${id.slice(12, 14)}`;
        assert.equal(new Date(`${birth}T00:00:00Z`).toISOString().slice(0, 10), birth);
        assert.ok(!seen.has(id.slice(6, 17)), `birth date and sequence repeat at ${i}`);
        seen.add(id.slice(6, 17));
    }
});
test('phone numbers are mainland mobile numbers and unique', () => {
    const seen = new Set();
    for (let i = 0; i < 50_000; i++) {
        const p = phoneNumber(i, 12345);
        assert.match(p, /^1[3-9]\d{9}$/);
        assert.ok(!seen.has(p));
        seen.add(p);
    }
});
test('names are one to three Chinese characters', () => {
    const r = new Random(3);
    for (let i = 0; i < 100; i++)
        assert.match(personName(r), /^\p{Script=Han}{2,3}$/u);
});
//# sourceMappingURL=identity-generator.test.js.map