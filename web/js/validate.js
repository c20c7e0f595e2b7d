// Client-side checks of the buyer's phone and identity number, giving the specific problem at
// once. They mirror the server's rules; the server still decides.

const PHONE = /^1[3-9]\d{9}$/;
const ID_WEIGHTS = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2];
const ID_CHECK_CHARS = '10X98765432';

// Returns null when valid, else a message key.
export function phoneProblem(raw) {
  const phone = raw.trim();
  if (phone === '') return 'v_phone_empty';
  if (!/^\d+$/.test(phone)) return 'v_phone_digits';
  if (phone.length !== 11) return 'v_phone_length';
  if (!PHONE.test(phone)) return 'v_phone_prefix';
  return null;
}

// ISO 7064 MOD 11-2 over the first 17 digits.
export function idCheckChar(first17) {
  let sum = 0;
  for (let i = 0; i < 17; i++) sum += Number(first17[i]) * ID_WEIGHTS[i];
  return ID_CHECK_CHARS[sum % 11];
}

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
  const id = raw.trim().toUpperCase();
  if (id === '') return { key: 'v_id_empty' };
  if (id.length !== 18) return { key: 'v_id_length', vars: { n: id.length } };
  if (!/^\d{17}[\dX]$/.test(id)) return { key: 'v_id_chars' };
  if (id.startsWith('000000')) return { key: 'v_id_region' };
  if (!validBirthDate(id.slice(6, 14))) return { key: 'v_id_birth' };
  if (id.slice(14, 17) === '000') return { key: 'v_id_sequence' };
  const expected = idCheckChar(id);
  if (id[17] !== expected) return { key: 'v_id_check', vars: { got: id[17] } };
  return null;
}

export function nameProblem(raw) {
  const name = raw.trim();
  if (name === '') return 'v_name_empty';
  if (name.length > 50) return 'v_name_long';
  return null;
}
