// The one rule of visible text (web/js/visible-text.js, worded by kernel/visible-text.ts): each
// class of character refused, alone and inside text, named by its code point and place; blank
// text refused as blank; emoji sequences taken whole and their pieces refused elsewhere; the
// pattern the schemas use and the function that words the refusal agree on every string.
import { strict as assert } from 'node:assert';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import {
  VISIBLE_LINES_PATTERN, VISIBLE_TEXT_PATTERN, visibleTextFault, visibleTextMessage,
} from '../src/kernel/visible-text.js';
import { BLANK, LINE_BREAKS, named, REFUSED, TAKEN } from './visible-text-cases.js';

const PATTERN = [new RegExp(VISIBLE_TEXT_PATTERN, 'u'), new RegExp(VISIBLE_LINES_PATTERN, 'u')];
const taken = (s: string, lines: boolean) => PATTERN[lines ? 1 : 0]!.test(s);

describe('the one rule of visible text', () => {
  for (const [what, codePoints] of REFUSED) {
    it(`refuses ${what}, alone and inside text, naming the character and its place`, () => {
      for (const cp of codePoints) {
        const c = String.fromCodePoint(cp);
        for (const lines of [false, true]) {
          // After an emoji too, where U+FE0E and U+FE0F are the emoji's own.
          const places: Array<[string, number]> = [[c, 1], [`Li${c}Lei`, 3],
            ...(cp === 0xfe0e || cp === 0xfe0f ? [] : [[`\u{1F525}${c}`, 2] as [string, number]])];
          for (const [s, at] of places) {
            const label = `${named(cp)} in ${JSON.stringify(s)}, lines ${lines}`;
            // Alone, nothing shows: blank, and holding it.
            const blank = s === c;
            assert.deepEqual(visibleTextFault(s, lines), { blank, codePoint: cp, at }, label);
            assert.equal(taken(s, lines), false, label);
            const it = `U\\${named(cp).slice(1)} \\(.+\\)`;
            assert.match(visibleTextMessage('"reason"', s, lines)!, new RegExp(blank
              ? `^"reason" must not be blank: nothing in it shows, and it holds ${it} at `
                + `character ${at}$`
              : `^"reason" must not hold ${it}, found at character ${at}$`), label);
          }
        }
      }
    });
  }

  it('refuses line breaks on one line and takes them in several', () => {
    for (const cp of LINE_BREAKS) {
      const s = `Li${String.fromCodePoint(cp)}Lei`;
      assert.deepEqual(visibleTextFault(s), { blank: false, codePoint: cp, at: 3 });
      assert.equal(taken(s, false), false);
      assert.equal(visibleTextFault(s, true), null);
      assert.equal(taken(s, true), true);
    }
    assert.match(visibleTextMessage('"name"', 'a\nb')!, /U\+000A \(a line break, which only a /);
  });

  it('refuses text that shows nothing as blank', () => {
    for (const s of BLANK) {
      for (const lines of [false, true]) {
        assert.deepEqual(visibleTextFault(s, lines), { blank: true }, JSON.stringify(s));
        assert.equal(taken(s, lines), false, JSON.stringify(s));
      }
      // Empty, or white space only: required (a field left empty is not text that hides);
      // combining marks alone: nothing in it shows.
      assert.equal(visibleTextMessage('"name"', s), s === '' ? '"name" is required: it is empty'
        : /^\s+$/u.test(s) ? '"name" is required: it holds only white space'
          : '"name" must not be blank: nothing in it shows (only white space or combining marks)',
      JSON.stringify(s));
    }
    assert.deepEqual(visibleTextFault(' \n\r\n ', true), { blank: true });
    // Said explicitly: a field left empty (the new user's hold reason), spaces (ideographic
    // ones too), and what hides.
    for (const [s, said] of [['', 'is required: it is empty'],
      [' ', 'is required: it holds only white space'],
      ['\u3000\u00a0', 'is required: it holds only white space'],
      ['\u0301', 'must not be blank: nothing in it shows (only white space or combining marks)'],
      [' \u0301 ', 'must not be blank: nothing in it shows (only white space or combining marks)']]) {
      assert.equal(visibleTextMessage('"reason"', s!), `"reason" ${said}`, JSON.stringify(s));
    }
    assert.equal(visibleTextMessage('"note"', ' \n ', true),
      '"note" is required: it holds only white space');
  });

  it('takes an inner space, CJK, accents and whole emoji sequences', () => {
    for (const [what, s] of TAKEN) {
      for (const lines of [false, true]) {
        assert.equal(visibleTextFault(s, lines), null, what);
        assert.equal(taken(s, lines), true, what);
      }
    }
  });

  it('refuses an emoji\'s joiner, selector or tags out of their sequence', () => {
    const table: Array<[string, number, number]> = [
      ['\u{1F600}\u200d', 0x200d, 2], // a joiner with no emoji after it
      ['\u200d\u{1F600}', 0x200d, 1],
      ['a\u200d\u{1F600}', 0x200d, 2],
      ['\u{1F600}\u200da', 0x200d, 2],
      ['\u{1F600}\ufe0f\ufe0f', 0xfe0f, 3],
      ['a\ufe0f', 0xfe0f, 2],
      ['\u{1F3F4}\u{E0067}\u{E0062}', 0xe0067, 2], // no cancel tag
      ['\u{1F600}\u{E0067}\u{E007F}', 0xe0067, 2], // tags after another emoji
      ['\u{1F3F4}\u{E007F}', 0xe007f, 2],
      // An unassigned code point Unicode reserves as pictographic, joined to an emoji (the
      // second attacker's find: taken in a drop's name), before and after the joiner.
      ['Tee\u{1FC00}\u200d\u{1F600}', 0x1fc00, 4],
      ['\u{1F600}\u200d\u{1FFFD}\u200d\u{1F600}', 0x1fffd, 3],
    ];
    for (const [s, cp, at] of table) {
      assert.deepEqual(visibleTextFault(s), { blank: false, codePoint: cp, at }, s);
      assert.equal(taken(s, false), false, s);
    }
  });

  it('refuses every code point of Cc, Cf, Cs, Co, Cn, Zl, Zp and the default-ignorables', () => {
    const refusedClass =
      /[\p{Cc}\p{Cf}\p{Cs}\p{Co}\p{Cn}\p{Zl}\p{Zp}\p{Default_Ignorable_Code_Point}]/u;
    let checked = 0;
    // Planes 0 and 1 and the tags' block whole; the private-use and unassigned planes sampled.
    const whole = (cp: number) => cp <= 0x1ffff || (cp >= 0xe0000 && cp <= 0xe0fff);
    for (let cp = 0; cp <= 0x10ffff; cp += whole(cp) ? 1 : 251) {
      const c = String.fromCodePoint(cp);
      if (!refusedClass.test(c)) continue;
      checked++;
      const lines = cp === 0x0a || cp === 0x0d;
      const fault = visibleTextFault(`a${c}b`, lines);
      if (lines) assert.equal(fault, null);
      else assert.deepEqual(fault, { blank: false, codePoint: cp, at: 2 }, named(cp));
    }
    assert.ok(checked > 5_000, `${checked} code points checked`);
  });

  it('the schemas\' pattern takes exactly what the worded rule takes', () => {
    // Characters from every class, and from the emoji sequences, in any order.
    const alphabet = [...new Set([...REFUSED.flatMap(([, cps]) => cps), ...LINE_BREAKS,
      ...[...TAKEN.map(([, s]) => s).join(''), ...BLANK.join('')].map((c) => c.codePointAt(0)!),
      0x61, 0x20, 0x1f600, 0x1f3fb])].map((cp) => String.fromCodePoint(cp));
    fc.assert(fc.property(fc.array(fc.constantFrom(...alphabet), { maxLength: 12 }),
      fc.boolean(), (chars, lines) => {
        const s = chars.join('');
        assert.equal(visibleTextFault(s, lines) === null, taken(s, lines), JSON.stringify(s));
      }), { numRuns: 5_000 });
  });
});
