import { strict as assert } from 'node:assert';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import {
  composeIdNumber, idCheckCharacter, isValidPhone, maskIdNumber, syntheticIdentity,
  validateIdNumber,
} from './identity.js';

const NOW = Date.parse('2026-01-01T00:00:00Z');

describe('resident identity numbers', () => {
  const table: Array<[string, string]> = [
    ['11010519491231002X', 'ok'], // the standard's own example
    ['11010519491231002x', 'ok'], // lower-case x is the same number
    ['440524198001010013', 'ok'],
    ['440524188001010014', 'invalid_id_number'], // born before 1900
    ['110105194912310021', 'id_number_check_mismatch'],
    ['11010519491231002', 'invalid_id_number'], // 17 characters
    ['1101051949123100211', 'invalid_id_number'], // 19 characters
    ['99010519491231002X', 'invalid_id_number'], // no province 99
    ['11010519490230002X', 'invalid_id_number'], // 30 February
    ['11010530000101002X', 'invalid_id_number'], // born in the future
    ['1101051949123100A2', 'invalid_id_number'],
  ];
  for (const [id, expected] of table) {
    it(`${id}: ${expected}`, () => {
      const r = validateIdNumber(id, NOW);
      assert.equal(r.ok ? 'ok' : r.code, expected);
    });
  }

  it('names the right check character when it is wrong', () => {
    const r = validateIdNumber('110105194912310021', NOW);
    assert.ok(!r.ok && /should be X/.test(r.message));
  });

  it('accepts every composed number and refuses every other check character', () => {
    fc.assert(fc.property(fc.integer({ min: 0, max: 9_999_999 }), (n) => {
      const { idNumber } = syntheticIdentity(n);
      assert.ok(validateIdNumber(idNumber, NOW).ok, idNumber);
      for (const c of '0123456789X') {
        if (c === idNumber[17]) continue;
        const r = validateIdNumber(idNumber.slice(0, 17) + c, NOW);
        assert.equal(r.ok ? 'ok' : r.code, 'id_number_check_mismatch');
      }
    }), { numRuns: 300 });
  });

  it('computes ISO 7064 MOD 11-2 as the standard defines it', () => {
    assert.equal(idCheckCharacter('11010519491231002'), 'X');
    assert.equal(composeIdNumber('440524', '19800101', 1), '440524198001010013');
  });

  it('masks all but the region and the check character', () => {
    assert.equal(maskIdNumber('11010519491231002X'), '110105***********X');
  });
});

describe('mobile numbers', () => {
  const table: Array<[string, boolean]> = [
    ['13800138000', true], ['19912345678', true], ['12800138000', false],
    ['1380013800', false], ['138001380001', false], ['+8613800138000', false],
    ['1380013800a', false],
  ];
  for (const [phone, valid] of table) {
    it(`${phone} is ${valid ? 'valid' : 'refused'}`,
      () => assert.equal(isValidPhone(phone), valid));
  }
});
