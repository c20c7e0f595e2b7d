// The characters the one rule of visible text (web/js/visible-text.js) refuses, class by class,
// and the text it takes, for its own test (visible-text.test.ts) and for the table of every
// route field that takes free text (visible-text-fields.test.ts). The classes are the
// attacker's findings (bidi isolates, C1 controls, U+00AD, U+061C, U+180E, U+2061-2064,
// U+FFF9-FFFB, tags, a lone U+FE0F were taken in drop names and reasons; U+3164 alone in an
// account name) and their kin by Unicode property.

/** [class, code points in it]: each refused alone and inside text. */
export const REFUSED: ReadonlyArray<readonly [string, readonly number[]]> = [
  ['C0 controls: tab, escape, delete', [0x09, 0x1b, 0x7f]],
  ['C1 controls, U+0085 (a line break) among them', [0x80, 0x85, 0x9b, 0x9f]],
  ['bidi isolates', [0x2066, 0x2067, 0x2068, 0x2069]],
  ['bidi embeddings and overrides', [0x202a, 0x202b, 0x202c, 0x202d, 0x202e]],
  ['bidi marks', [0x200e, 0x200f, 0x061c]],
  ['soft hyphen', [0xad]],
  ['Mongolian vowel separator', [0x180e]],
  ['invisible operators', [0x2061, 0x2062, 0x2063, 0x2064]],
  ['interlinear annotation', [0xfff9, 0xfffa, 0xfffb]],
  ['tags outside a flag', [0xe0001, 0xe0020, 0xe0041, 0xe007f]],
  ['zero-width space, non-joiner, joiner outside emoji, word joiner, BOM',
    [0x200b, 0x200c, 0x200d, 0x2060, 0xfeff]],
  ['variation selectors not after an emoji', [0xfe0f, 0xfe0e, 0xfe00, 0xe0100, 0x180b]],
  ['Hangul fillers', [0x115f, 0x1160, 0x3164, 0xffa0]],
  ['blank braille pattern', [0x2800]],
  ['combining grapheme joiner (default-ignorable)', [0x034f]],
  ['private use', [0xe000, 0xf8ff, 0xf0000]],
  ['unassigned and noncharacters', [0x0378, 0xfffe, 0x1fc00]],
  ['line and paragraph separators', [0x2028, 0x2029]],
];

/** Line breaks: refused in a name or an address, taken in a reason. */
export const LINE_BREAKS: readonly number[] = [0x0a, 0x0d];

/** Text that shows nothing: refused as blank (a name is trimmed first, so '' is empty). */
export const BLANK: readonly string[] = ['', ' ', '\u3000\u3000', '\u00a0', '\u0301',
  ' \u0301\u0302 '];

/**
 * Text people type, taken everywhere: an inner space, CJK, a combining accent, and whole emoji
 * with their joiners (U+200D), variation selectors (U+FE0F), skin tones, a keycap and a
 * subdivision flag's tags.
 */
export const TAKEN: ReadonlyArray<readonly [string, string]> = [
  ['an inner space', 'Li Lei'],
  ['CJK with an ideographic space', '李\u3000雷'],
  ['a combining accent', 'Zoe\u0301'],
  ['a family (ZWJ sequence)', '\u{1F468}\u200d\u{1F469}\u200d\u{1F467}'],
  ['a rainbow flag (VS16 and ZWJ)', '\u{1F3F3}\ufe0f\u200d\u{1F308}'],
  ['a red heart (VS16)', '\u2764\ufe0f'],
  ['a heart on fire', '\u2764\ufe0f\u200d\u{1F525}'],
  ['a technologist with a skin tone', '\u{1F469}\u{1F3FD}\u200d\u{1F4BB}'],
  ['a keycap', '1\ufe0f\u20e3'],
  ['the flag of England (tags)',
    '\u{1F3F4}\u{E0067}\u{E0062}\u{E0065}\u{E006E}\u{E0067}\u{E007F}'],
  ['emoji in text', 'Jacket \u{1F525} limited'],
];

/** `U+XXXX`, as a refusal names a code point. */
export const named = (codePoint: number): string =>
  `U+${codePoint.toString(16).toUpperCase().padStart(4, '0')}`;
