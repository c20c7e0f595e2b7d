// Identity rules from DOMAIN.md. These run once, when an account is created, never on the order
// path: a correct number must not be able to fail an order at the opening minute.
import { refuse, ok, type Result } from './outcomes.js';

const PHONE = /^1[3-9]\d{9}$/;
const ID_SHAPE = /^\d{17}[\dX]$/;
const WEIGHTS = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2] as const;
const CHECK_CHARS = '10X98765432';
/** First two digits of the region code: the provinces, municipalities and regions in use. */
const PROVINCES = new Set([
  11, 12, 13, 14, 15, 21, 22, 23, 31, 32, 33, 34, 35, 36, 37, 41, 42, 43, 44, 45, 46, 50, 51, 52,
  53, 54, 61, 62, 63, 64, 65, 71, 81, 82, 83,
]);

export function isValidPhone(phone: string): boolean {
  return PHONE.test(phone);
}

/** The ISO 7064 MOD 11-2 check character for the first 17 digits. */
export function idCheckCharacter(first17: string): string {
  let sum = 0;
  for (let i = 0; i < 17; i++) sum += Number(first17.charCodeAt(i) - 48) * WEIGHTS[i]!;
  return CHECK_CHARS[sum % 11]!;
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

/** Validates a resident identity number; a lower-case x is accepted and normalised to X. */
export function validateIdNumber(raw: string, nowMs: number): Result<string> {
  const id = raw.toUpperCase();
  if (!ID_SHAPE.test(id)) {
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

export function validateName(raw: string): Result<string> {
  const name = raw.trim();
  if (name.length < 1 || name.length > 64) return refuse('invalid_name');
  // A name is printed on contracts and stored as text: control characters (NUL, which
  // PostgreSQL's text cannot hold, among them) are never part of one.
  if (/[\u0000-\u001f\u007f]/.test(name)) {
    return refuse('invalid_name', 'The name must not contain control characters.');
  }
  return ok(name);
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
