// The one rule for text people type and others read (a buyer's name, an operator's reason, a
// drop's names, a delivery address): it shows something, and hides nothing. A name of
// zero-width spaces or Hangul fillers is a blank title; a reason with U+202E or U+2067 reads
// backwards in the audit log and in the buyer's message (the attacker's findings). The rule is
// written once, by Unicode properties, in web/js/visible-text.js, which the pages load too; this
// file words its refusals. The rule is a pattern, so the request schemas (http/schema.ts) state
// it and the OpenAPI document shows it.
import {
  describeCodePoint, VISIBLE_LINES_PATTERN, VISIBLE_TEXT_PATTERN, visibleTextFault,
} from '../../web/js/visible-text.js';

export { VISIBLE_LINES_PATTERN, VISIBLE_TEXT_PATTERN, visibleTextFault };

/** What the rule says, for a schema's description; `lines`: line breaks are allowed. */
export const visibleTextRule = (lines = false): string => 'text that shows: not blank (white '
  + 'space or combining marks only), no '
  + (lines ? 'control characters but line breaks (U+000A, U+000D)' : 'line breaks or controls')
  + ', no invisible formatting, direction, private-use or unassigned characters, no fillers '
  + '(U+3164, U+2800); an emoji\'s joiners and variation selectors only within the emoji';

/**
 * Why `s` is not visible text, naming `field` (as the message's first words) and the character
 * refused with its place, or null when it is: `lines` allows line breaks (U+000A, U+000D). Text
 * in which nothing shows is refused as blank first, naming what it holds if that is refused;
 * empty text, or white space only, is said as required ("\"reason\" is required: it is empty").
 * "\"reason\" must not hold U+00AD (an invisible formatting character), found at character 3"
 */
export function visibleTextMessage(field: string, s: string, lines = false): string | null {
  const fault = visibleTextFault(s, lines);
  if (fault === null) return null;
  if (!('codePoint' in fault)) {
    // A field left empty, or holding only spaces, is said as required, not as text that hides
    // (the new user read "nothing in it shows (only white space or combining marks)" under a
    // reason they had simply not typed); text of combining marks alone is the hiding kind.
    if (s.length === 0) return `${field} is required: it is empty`;
    if (/^\s+$/u.test(s)) return `${field} is required: it holds only white space`;
    return `${field} must not be blank: nothing in it shows (only white space or combining `
      + 'marks)';
  }
  const what = describeCodePoint(fault.codePoint);
  return fault.blank
    ? `${field} must not be blank: nothing in it shows, and it holds ${what} at character ${
      fault.at}`
    : `${field} must not hold ${what}, found at character ${fault.at}`;
}

/**
 * The rule `s` breaks, naming its field, or null: `min`-`max` characters (UTF-16 code units, as
 * `length`), then visible text on one line (visibleTextMessage).
 */
export function visibleTextProblem(field: string, s: string, min: number, max: number):
  string | null {
  if (s.length < min || s.length > max) return `${field} needs ${min}-${max} characters`;
  return visibleTextMessage(field, s);
}
