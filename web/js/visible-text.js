// The one rule for text a person types and another reads (names, reasons, a drop's names, a
// delivery address): it shows something, and hides nothing. Written once, by Unicode
// properties, for the server (kernel/visible-text.ts, the request schemas, the account names
// of text-fields.js) and the pages alike. Plain JavaScript with no imports, so that the browser
// loads it as it is and tsc compiles it for the server (tsconfig allowJs). No lookbehind: the
// pages load this module, and older browsers refuse a pattern that has one.
//
// The attacker's findings: direction isolates (U+2066-2069), C1 controls (U+0080-009F, U+0085
// a line break), U+00AD, U+061C, U+180E, U+2061-2064, U+FFF9-FFFB, tags (U+E0000-E007F) and a
// lone U+FE0F were taken in drop names and operator reasons (a reason of U+00AD alone passed as
// given), and an account name of U+3164 (a Hangul filler) showed as a blank one.
//
// Emoji are text people type, and a phone's keyboard types some as sequences: a variation
// selector (U+FE0F) after the emoji, a zero-width joiner (U+200D) between two (a family, a
// rainbow flag), tag characters in a subdivision flag (England's). Those characters are taken
// there and only there; anywhere else they show nothing and are refused.

/**
 * The characters refused anywhere but where an emoji sequence takes them: controls (Cc, written
 * out so that a reason can take back its line breaks), format characters (Cf: zero-width,
 * direction, tags, U+00AD, U+2061-2064, U+FFF9-FFFB), private use (Co), unassigned (Cn, by this
 * engine's Unicode version), lone surrogates (Cs), line and paragraph separators (Zl, Zp), the
 * default-ignorable characters (variation selectors, the Hangul fillers U+115F U+1160 U+3164
 * U+FFA0, U+034F, ...), and U+2800, the blank braille pattern, which shows as a space that is
 * none.
 */
const REFUSED_BUT_CONTROLS = '\\p{Cf}\\p{Co}\\p{Cn}\\p{Cs}\\p{Zl}\\p{Zp}'
  + '\\p{Default_Ignorable_Code_Point}\\u2800';
/** Every control character (Cc: U+0000-001F, U+007F-009F, fixed by Unicode for good). */
const CONTROLS = '\\u0000-\\u001f\\u007f-\\u009f';
/** The control characters but the line breaks a box of several lines types (U+000A, U+000D). */
const CONTROLS_BUT_LINE_BREAKS = '\\u0000-\\u0009\\u000b\\u000c\\u000e-\\u001f\\u007f-\\u009f';

/** The refused class's contents, for one line or several. */
const refused = (lines) =>
  `${lines ? CONTROLS_BUT_LINE_BREAKS : CONTROLS}${REFUSED_BUT_CONTROLS}`;

const TAG_SPEC = '[\\u{E0030}-\\u{E0039}\\u{E0061}-\\u{E007A}]';

/**
 * The pieces of visible text, tried in this order (a pattern, no anchors): a subdivision flag
 * (U+1F3F4, 1-7 tag letters or digits, the cancel tag U+E007F); an emoji or skin-tone modifier,
 * its variation selector if any, and a joiner followed by another emoji; an emoji and its
 * variation selector (U+FE0E text, U+FE0F emoji; a keycap's digit too); one character not
 * refused. Where one piece matches, any other that also does leaves a character that no piece
 * starts with: so the pattern is matched in linear time however it fails, and the longest run of
 * pieces from the start, taking the first that matches each time, ends at the first character
 * refused.
 */
const pieces = (lines) => [
  `\\u{1F3F4}${TAG_SPEC}{1,7}\\u{E007F}`,
  // Not an unassigned one: Extended_Pictographic reserves code points no emoji holds yet.
  '(?!\\p{Cn})[\\p{Extended_Pictographic}\\p{Emoji_Modifier}]\\uFE0F?\\u200D'
    + '(?=\\p{Extended_Pictographic})',
  '\\p{Emoji}[\\uFE0E\\uFE0F]',
  `[^${refused(lines)}]`,
].join('|');

/**
 * A character that shows: not white space, not a combining mark (which shows nothing alone),
 * not refused.
 */
const shows = (lines) => `[^\\p{White_Space}\\p{M}${refused(lines)}]`;

const pattern = (lines) => `^(?=[\\s\\S]*?${shows(lines)})(?:${pieces(lines)})*$`;

/**
 * Visible text on one line, as a Unicode regular expression's source (JSON Schema `pattern`,
 * flag u): some character that shows, and nothing refused outside an emoji sequence.
 */
export const VISIBLE_TEXT_PATTERN = pattern(false);

/** VISIBLE_TEXT_PATTERN for text of several lines: U+000A and U+000D are taken too. */
export const VISIBLE_LINES_PATTERN = pattern(true);

/** The longest run of pieces at the start, and a character that shows: [one line, several]. */
const RULES = [false, true].map((lines) => ({ run: new RegExp(`^(?:${pieces(lines)})*`, 'u'),
  shows: new RegExp(shows(lines), 'u') }));

/**
 * What is wrong with `s` as visible text, or null: `blank` when nothing in it shows (white
 * space, combining marks, refused characters or nothing), and the first character refused if
 * any, as its code point and its place (1 for the first character, counted in code points).
 * Null exactly when VISIBLE_TEXT_PATTERN (VISIBLE_LINES_PATTERN with `lines`) matches `s`: a test
 * holds them together.
 * @param {string} s
 * @param {boolean} [lines] line breaks (U+000A, U+000D) are taken (a reason)
 * @returns {null | { blank: boolean, codePoint: number, at: number } | { blank: true }}
 */
export function visibleTextFault(s, lines = false) {
  const rule = RULES[lines ? 1 : 0];
  const blank = !rule.shows.test(s);
  const taken = /** @type {RegExpExecArray} */ (rule.run.exec(s))[0];
  if (taken.length === s.length) return blank ? { blank } : null;
  let at = 1;
  for (const _ of taken) at++;
  return { blank, codePoint: /** @type {number} */ (s.codePointAt(taken.length)), at };
}

/**
 * The kinds of character refused, in words, each with a test of one character: the first that
 * matches names it. A line break is U+000A or U+000D; the others are told apart from them.
 */
const KINDS = [
  [/[\n\r]/, 'a line break, which only a reason may hold'],
  [/[\u000b\u000c\u0085\u2028\u2029]/,
    'a line break that no field takes; a reason takes U+000A and U+000D only'],
  [/\p{Cc}/u, 'a control character'],
  // They reorder the text around them: U+202E reverses what follows it.
  [/[\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]/,
    'a direction control, which reorders the text around it'],
  [/\u200d/, 'a zero-width joiner, taken only between two emoji'],
  [/[\u180b-\u180d\u180f\ufe00-\ufe0f\u{e0100}-\u{e01ef}]/u,
    'a variation selector, taken only after an emoji'],
  [/[\u{e0000}-\u{e007f}]/u, 'a tag character, taken only in a flag emoji'],
  [/[\u115f\u1160\u3164\uffa0\u2800]/, 'a blank filler, which shows as a space that is none'],
  [/\p{Co}/u, 'a private-use character, which each device shows its own way'],
  [/\p{Cs}/u, 'half of a UTF-16 surrogate pair'],
  [/\p{Cn}/u, 'a code point Unicode has not assigned'],
];

/**
 * A refused character in words, for a refusal: "U+202E (a direction control, which reorders
 * the text around it)"; "an invisible formatting character" when no kind above is its.
 * @param {number} codePoint
 * @returns {string}
 */
export function describeCodePoint(codePoint) {
  const c = String.fromCodePoint(codePoint);
  const kind = KINDS.find(([test]) => test.test(c));
  const hex = codePoint.toString(16).toUpperCase().padStart(4, '0');
  return `U+${hex} (${kind ? kind[1] : 'an invisible formatting character'})`;
}
