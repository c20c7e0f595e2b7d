// The rules of the buyer's text fields, written once: the server (src/accounts/identity.ts, the
// API and the operator's import) and the registration page (validate.js) import this module, so
// a name the page accepts is a name the server accepts. Plain JavaScript that imports only its
// sibling visible-text.js (the one rule of text that shows), so that the browser loads it as it
// is and tsc compiles it for the server (tsconfig allowJs).
//
// Length is counted in Unicode code points, not UTF-16 units (an emoji or a CJK Extension B
// character is one) and not grapheme clusters: Intl.Segmenter's clusters follow each engine's
// ICU version, so a browser and the server could disagree on a name's length, and one cluster can
// hold any number of combining marks, so it would bound nothing that is stored.
import { visibleTextFault } from './visible-text.js';

/** The longest name, in code points (at most 4 UTF-8 bytes each). */
export const NAME_CHARS_MAX = 64;

const PHONE = /^1[3-9]\d{9}$/;
const ID_SHAPE = /^\d{17}[\dX]$/;
const ID_WEIGHTS = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2];
const ID_CHECK_CHARS = '10X98765432';

/**
 * A string's length in code points.
 * @param {string} s
 * @returns {number}
 */
export function codePointLength(s) {
  let n = 0;
  for (const _ of s) n++;
  return n;
}

/**
 * The stored form of a name: NFC (so that a composed and a decomposed "é" are one name), with
 * white space around it removed.
 * @param {string} raw
 * @returns {string}
 */
export function normaliseName(raw) {
  return raw.normalize('NFC').trim();
}

/**
 * What is wrong with a name as given, or null: 'empty', 'forbidden_char' (a character the one
 * rule of visible text refuses, visible-text.js: a control, format, direction, private-use or
 * unassigned character, a filler such as U+3164, a line break, an emoji's joiner or selector
 * outside the emoji), 'too_long' (over NAME_CHARS_MAX code points), or 'invisible' (nothing in it
 * shows: only combining marks and spaces). Checks the normalised form, so a name may keep an
 * inner space.
 * @param {string} raw
 * @returns {'empty' | 'too_long' | 'forbidden_char' | 'invisible' | null}
 */
export function nameProblem(raw) {
  const name = normaliseName(raw);
  if (name === '') return 'empty';
  const fault = visibleTextFault(name);
  if (fault !== null && 'codePoint' in fault) return 'forbidden_char';
  if (codePointLength(name) > NAME_CHARS_MAX) return 'too_long';
  if (fault !== null) return 'invisible';
  return null;
}

/**
 * The stored form of a mobile number: white space around it removed.
 * @param {string} raw
 * @returns {string}
 */
export function normalisePhone(raw) {
  return raw.trim();
}

/**
 * Whether a normalised phone is a mainland mobile number: 11 digits, 13 to 19 first.
 * @param {string} phone
 * @returns {boolean}
 */
export function isMobileNumber(phone) {
  return PHONE.test(phone);
}

/**
 * The stored form of an identity number: white space around it removed and the check
 * character's x upper-case, so that one number is one key in the store whichever way it was
 * typed (GB 11643: the check character is X).
 * @param {string} raw
 * @returns {string}
 */
export function normaliseIdNumber(raw) {
  return raw.trim().replace(/x$/, 'X');
}

/**
 * Whether a normalised identity number has the shape 17 digits then a digit or X.
 * @param {string} id
 * @returns {boolean}
 */
export function hasIdNumberShape(id) {
  return ID_SHAPE.test(id);
}

/**
 * The ISO 7064 MOD 11-2 check character for the first 17 digits of an identity number.
 * @param {string} first17
 * @returns {string}
 */
export function idCheckCharacter(first17) {
  let sum = 0;
  for (let i = 0; i < 17; i++) sum += (first17.charCodeAt(i) - 48) * ID_WEIGHTS[i];
  return ID_CHECK_CHARS[sum % 11];
}
