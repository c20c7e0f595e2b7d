// Query parameters read with their type and range checked, as body fields are (http-io.ts's
// `field`): a value that is not what the route takes is refused naming the parameter
// (invalid_request, 422), never clamped, guessed at or passed on to the store.
import { ok, refuse, type Result } from '../outcomes.js';

/** The one value of parameter `name`, or undefined when absent; refused when repeated. */
function single(url: URL, name: string): Result<string | undefined> {
  const values = url.searchParams.getAll(name);
  if (values.length > 1) return refuse('invalid_request', `"${name}" may be given only once.`);
  return ok(values[0]);
}

/**
 * A whole-number parameter from `min` to `max` (inclusive), or `fallback` when absent. Only
 * decimal digits are taken: "1.5", "1e3", "0x10", " 7" and "" are refused (SQLite refuses a
 * fractional LIMIT, and a silent clamp would hide the caller's mistake).
 */
export function queryInteger(url: URL, name: string, opts: {
  min: number; max: number; fallback: number;
}): Result<number> {
  const raw = single(url, name);
  if (!raw.ok) return raw;
  if (raw.value === undefined) return ok(opts.fallback);
  const n = /^[0-9]{1,15}$/.test(raw.value) ? Number(raw.value) : NaN;
  if (!(n >= opts.min && n <= opts.max)) {
    return refuse('invalid_request',
      `"${name}" must be a whole number from ${opts.min} to ${opts.max}.`);
  }
  return ok(n);
}

// Control characters: PostgreSQL refuses a NUL in text outright (an error, so a 500).
const CONTROL = /[\u0000-\u001f\u007f]/;

/**
 * A text parameter of at most `maxLength` characters without control characters, or
 * undefined when absent.
 */
export function queryText(url: URL, name: string, maxLength = 64):
  Result<string | undefined> {
  const raw = single(url, name);
  if (!raw.ok || raw.value === undefined) return raw;
  if (raw.value.length > maxLength || CONTROL.test(raw.value)) {
    return refuse('invalid_request',
      `"${name}" must be at most ${maxLength} characters, none of them control characters.`);
  }
  return raw;
}
