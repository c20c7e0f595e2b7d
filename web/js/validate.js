// Client-side checks of the buyer's phone, name and identity number, giving the specific problem
// at once. The rules themselves are the server's own (text-fields.js); the server still decides.
import {
  hasIdNumberShape, idCheckCharacter, isMobileNumber, nameProblem as nameRule,
  normaliseIdNumber, normalisePhone,
} from './text-fields.js';

// Returns null when valid, else a message key.
export function phoneProblem(raw) {
  const phone = normalisePhone(raw);
  if (phone === '') return 'v_phone_empty';
  if (!/^\d+$/.test(phone)) return 'v_phone_digits';
  if (phone.length !== 11) return 'v_phone_length';
  if (!isMobileNumber(phone)) return 'v_phone_prefix';
  return null;
}

// ISO 7064 MOD 11-2 over the first 17 digits.
export const idCheckChar = idCheckCharacter;

function validBirthDate(yyyymmdd) {
  const y = Number(yyyymmdd.slice(0, 4));
  const m = Number(yyyymmdd.slice(4, 6));
  const d = Number(yyyymmdd.slice(6, 8));
  if (y < 1900 || m < 1 || m > 12 || d < 1) return false;
  const date = new Date(Date.UTC(y, m - 1, d));
  if (date.getUTCMonth() !== m - 1 || date.getUTCDate() !== d) return false;
  return date.getTime() <= Date.now();
}

// Returns null when valid, else {key, vars}: the first specific problem found.
export function idNumberProblem(raw) {
  const id = normaliseIdNumber(raw);
  if (id === '') return { key: 'v_id_empty' };
  if (id.length !== 18) return { key: 'v_id_length', vars: { n: id.length } };
  if (!hasIdNumberShape(id)) return { key: 'v_id_chars' };
  if (id.startsWith('000000')) return { key: 'v_id_region' };
  if (!validBirthDate(id.slice(6, 14))) return { key: 'v_id_birth' };
  if (id.slice(14, 17) === '000') return { key: 'v_id_sequence' };
  const expected = idCheckChar(id);
  if (id[17] !== expected) return { key: 'v_id_check', vars: { got: id[17] } };
  return null;
}

const NAME_KEYS = {
  empty: 'v_name_empty', too_long: 'v_name_long', forbidden_char: 'v_name_chars',
  invisible: 'v_name_invisible',
};

// Returns null when valid, else a message key.
export function nameProblem(raw) {
  const problem = nameRule(raw);
  return problem === null ? null : NAME_KEYS[problem];
}

export { normaliseIdNumber, normalisePhone };
export { normaliseName } from './text-fields.js';
