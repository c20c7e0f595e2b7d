// Identity rules from DOMAIN.md. These run once, when an account is created, never on the order
// path: a correct number must not be able to fail an order at the opening minute.
// The field rules themselves (normal form, characters, length) are shared with the pages and
// live in web/js/text-fields.js; this file maps them to outcome codes.
import { refuse, ok, type Result } from '../kernel/outcomes.js';
import { visibleTextMessage } from '../kernel/visible-text.js';
import {
  hasIdNumberShape, idCheckCharacter, isMobileNumber, NAME_CHARS_MAX, nameProblem,
  normaliseIdNumber, normaliseName, normalisePhone,
} from '../../web/js/text-fields.js';

export { idCheckCharacter, NAME_CHARS_MAX };
/** First two digits of the region code: the provinces, municipalities and regions in use. */
const PROVINCES = new Set([
  11, 12, 13, 14, 15, 21, 22, 23, 31, 32, 33, 34, 35, 36, 37, 41, 42, 43, 44, 45, 46, 50, 51, 52,
  53, 54, 61, 62, 63, 64, 65, 71, 81, 82, 83,
]);

/** Whether `phone` is a mainland mobile number exactly as given (no normalisation). */
export function isValidPhone(phone: string): boolean {
  return isMobileNumber(phone);
}

/**
 * A mobile number as a buyer typed it, in its stored form (web/js/text-fields.js), or
 * `invalid_phone`.
 */
export function validatePhone(raw: string): Result<string> {
  const phone = normalisePhone(raw);
  return isMobileNumber(phone) ? ok(phone) : refuse('invalid_phone');
}

function isRealDate(yyyymmdd: string, todayMs: number): boolean {
  const y = Number(yyyymmdd.slice(0, 4));
  const m = Number(yyyymmdd.slice(4, 6));
  const d = Number(yyyymmdd.slice(6, 8));
  if (y < 1900) return false;
  const t = Date.UTC(y, m - 1, d);
  const back = new Date(t);
  return back.getUTCFullYear() === y && back.getUTCMonth() === m - 1 && back.getUTCDate() === d
    && t <= todayMs;
}

/**
 * Validates a resident identity number and returns its stored form (white space around it
 * removed, a lower-case x made X: one number, one key). Refuses `invalid_id_number` or
 * `id_number_check_mismatch`.
 */
export function validateIdNumber(raw: string, nowMs: number): Result<string> {
  const id = normaliseIdNumber(raw);
  if (!hasIdNumberShape(id)) {
    return refuse('invalid_id_number',
      'The identity number must be 17 digits and then a digit or X.');
  }
  if (!PROVINCES.has(Number(id.slice(0, 2)))) {
    return refuse('invalid_id_number', 'The first six digits are not a region code in use.');
  }
  if (!isRealDate(id.slice(6, 14), nowMs)) {
    return refuse('invalid_id_number', 'Digits 7 to 14 must be a real birth date (YYYYMMDD).');
  }
  const expected = idCheckCharacter(id.slice(0, 17));
  if (id[17] !== expected) {
    return refuse('id_number_check_mismatch',
      `The last character should be ${expected} for these 17 digits; check the number.`);
  }
  return ok(id);
}

/**
 * Validates a name and returns its stored form (NFC, trimmed). Refuses `invalid_name` when it
 * is empty, longer than NAME_CHARS_MAX code points, holds a character the one rule of visible
 * text refuses (kernel/visible-text.ts: the message names it, U+3164 at character 1), or shows
 * nothing (combining marks alone).
 */
export function validateName(raw: string): Result<string> {
  switch (nameProblem(raw)) {
    case null: return ok(normaliseName(raw));
    case 'empty': return refuse('invalid_name', 'The name is empty.');
    case 'too_long': return refuse('invalid_name',
      `The name may be at most ${NAME_CHARS_MAX} characters.`);
    case 'invisible': return refuse('invalid_name', 'The name shows nothing visible.');
    default: return refuse('invalid_name',
      `${visibleTextMessage('The name', normaliseName(raw))}; type it again.`);
  }
}

/**
 * The stored form of an identity number used as a search key, or null when it could not be
 * one (the wrong shape, or a character no field holds): an operator's search by a lower-case
 * x finds the number registered with X.
 */
export function idNumberSearchKey(raw: string): string | null {
  const id = normaliseIdNumber(raw);
  return hasIdNumberShape(id) ? id : null;
}

/** Shows the region and the check character only, as a receipt does. */
export function maskIdNumber(id: string): string {
  return `${id.slice(0, 6)}********${id.slice(14, 17).replace(/./g, '*')}${id[17]}`;
}

/** Builds a valid identity number from its parts: for test data and the launch simulator. */
export function composeIdNumber(region: string, birthYyyymmdd: string, sequence: number): string {
  const first17 = `${region}${birthYyyymmdd}${String(sequence).padStart(3, '0')}`;
  return first17 + idCheckCharacter(first17);
}

/** The n-th of a series of distinct valid identity numbers and mobile numbers. */
export function syntheticIdentity(n: number): { phone: string; idNumber: string } {
  const birth = new Date(Date.UTC(1960, 0, 1) + Math.floor(n / 1000) * 86_400_000);
  const yyyymmdd = birth.toISOString().slice(0, 10).replaceAll('-', '');
  return {
    phone: `13${String(n).padStart(9, '0')}`,
    idNumber: composeIdNumber('110105', yyyymmdd, n % 1000),
  };
}
