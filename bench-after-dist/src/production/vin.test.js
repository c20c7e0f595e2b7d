import { strict as assert } from 'node:assert';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { isValidVin, vinCheckCharacter, withCheckCharacter } from './vin.js';
describe('VIN (ISO 3779 with the check character)', () => {
    it('accepts published VINs and refuses a changed character', () => {
        // The example in 49 CFR 565 (1M8GDM9AXKP042788), and a check character of X.
        assert.ok(isValidVin('1M8GDM9AXKP042788'));
        assert.ok(isValidVin('11111111111111111'));
        assert.equal(vinCheckCharacter('1M8GDM9A_KP042788'.replace('_', '0')), 'X');
        assert.ok(!isValidVin('1M8GDM9A1KP042788'));
        assert.ok(!isValidVin('1M8GDM9AXKP04278')); // 16 characters
        assert.ok(!isValidVin('1M8GDM9AXKP0427880')); // 18
        assert.ok(!isValidVin('IM8GDM9AXKP042788')); // I is not allowed
        assert.ok(!isValidVin('1m8gdm9axkp042788')); // lower case
    });
    it('any one character changed is caught unless it keeps the same value', () => {
        const chars = 'ABCDEFGHJKLMNPRSTUVWXYZ0123456789'.split('');
        fc.assert(fc.property(fc.array(fc.constantFrom(...chars), { minLength: 17, maxLength: 17 }), fc.integer({ min: 0, max: 16 }), fc.constantFrom(...chars), (cs, at, c) => {
            const vin = withCheckCharacter(cs.join(''));
            assert.ok(isValidVin(vin));
            if (at === 8)
                return;
            const changed = vin.slice(0, at) + c + vin.slice(at + 1);
            const same = vinCheckCharacter(changed) === vin[8];
            assert.equal(isValidVin(changed), same);
        }));
    });
});
//# sourceMappingURL=vin.test.js.map