import { strict as assert } from 'node:assert';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import {
  composeIdNumber, idCheckCharacter, idNumberSearchKey, isValidPhone, maskIdNumber,
  syntheticIdentity, validateIdNumber, validateName, validatePhone,
} from './identity.js';
import { visibleTextFault } from '../../web/js/visible-text.js';

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

describe('names (web/js/text-fields.js): characters, not UTF-16 units; no invisible ones', () => {
  // [what, the name as sent, expected: the stored name or the refusal's code]
  const table: Array<[string, string, string]> = [
    ['33 CJK Extension B characters (two UTF-16 units each)', '𠀀'.repeat(33), '𠀀'.repeat(33)],
    ['64 CJK Extension B characters', '𠀀'.repeat(64), '𠀀'.repeat(64)],
    ['65 CJK Extension B characters', '𠀀'.repeat(65), 'invalid_name'],
    ['40 emoji', '😀'.repeat(40), '😀'.repeat(40)],
    ['64 Latin letters', 'a'.repeat(64), 'a'.repeat(64)],
    ['65 Latin letters', 'a'.repeat(65), 'invalid_name'],
    ['decomposed é, stored composed (NFC)', 'Zoe\u0301', 'Zoé'],
    ['64 decomposed é: 64 characters once composed', 'e\u0301'.repeat(64), 'é'.repeat(64)],
    ['white space around', '  李雷\u3000', '李雷'],
    ['empty', '', 'invalid_name'],
    ['only white space', ' \u3000 ', 'invalid_name'],
    ['only a zero-width space (Cf)', '\u200b', 'invalid_name'],
    ['a zero-width joiner inside (Cf)', 'Li\u200dLei', 'invalid_name'],
    ['a right-to-left override (Cf)', 'Li\u202eLei', 'invalid_name'],
    ['NUL (Cc)', 'Li\u0000Lei', 'invalid_name'],
    ['a bell (Cc)', 'Li\u0007Lei', 'invalid_name'],
    ['a new line (Cc)', 'Li\nLei', 'invalid_name'],
    ['DEL and C1 controls (Cc)', 'Li\u007f\u0085', 'invalid_name'],
    ['a lone surrogate (Cs)', 'Li\ud800Lei', 'invalid_name'],
    ['a private-use character (Co)', 'Li\ue000', 'invalid_name'],
    ['a line separator (Zl)', 'Li\u2028Lei', 'invalid_name'],
    ['a combining accent and an apostrophe', "O'Brien-Nu\u0301n\u0303ez", "O'Brien-Núñez"],
  ];
  for (const [what, name, expected] of table) {
    it(what, () => {
      const r = validateName(name);
      assert.equal(r.ok ? r.value : r.code, expected);
    });
  }

  it('a name is refused exactly when it has a forbidden character, the wrong length or shows '
    + 'nothing', () => {
    const unit = fc.oneof(
      { arbitrary: fc.string({ unit: 'binary', minLength: 1, maxLength: 1 }), weight: 6 },
      { arbitrary: fc.string({ unit: 'grapheme', minLength: 1, maxLength: 1 }), weight: 3 },
      { arbitrary: fc.constantFrom('\u0000', '\u200b', '\u2028', '\ud800', ' ', '\u3000',
        'e\u0301', '𠀀', '\ufe0f', '\u034f', '\u0301'), weight: 1 });
    fc.assert(fc.property(fc.string({ unit, maxLength: 80 }), (raw) => {
      const stored = raw.normalize('NFC').trim();
      const length = [...stored].length;
      // The one visible-text rule (web/js/visible-text.js, tested on its own in
      // test/visible-text.test.ts) says which characters are refused: control, format,
      // private-use and unassigned ones (Cn: a random code point often is), fillers, and
      // joiners or selectors outside an emoji. This test holds a name's length, blankness and
      // stored form to it.
      const fault = visibleTextFault(stored);
      const forbidden = fault !== null && 'codePoint' in fault;
      // Combining marks and spaces alone print as a blank name.
      const shows = /[^\p{M}\p{Z}]/u.test(stored);
      const r = validateName(raw);
      assert.equal(r.ok, length >= 1 && length <= 64 && !forbidden && shows,
        JSON.stringify(raw));
      if (r.ok) assert.equal(r.value, stored);
    }), { numRuns: 500 });
  });
});

describe('identity numbers in their stored form', () => {
  it('a lower-case x and white space around are stored as one canonical X', () => {
    for (const raw of ['11010519491231002x', ' 11010519491231002X ', '11010519491231002X']) {
      const r = validateIdNumber(raw, NOW);
      assert.ok(r.ok && r.value === '11010519491231002X', raw);
      assert.equal(idNumberSearchKey(raw), '11010519491231002X');
    }
    assert.equal(idNumberSearchKey('11010519491231002X\u0000'), null);
    assert.equal(idNumberSearchKey('1101051949123100x2'), null);
  });

  it('phones: white space around is dropped; anything else is refused', () => {
    assert.deepEqual(validatePhone(' 13800138000 '), { ok: true, value: '13800138000' });
    for (const bad of ['13800138000\u0000', '1380013800\u200b0', '１３８００１３８０００']) {
      assert.equal(validatePhone(bad).ok, false, JSON.stringify(bad));
    }
  });
});
