// A payment provider's signed event (a refund's or a collection's), checked field by field
// before anything is matched: one parser for every webhook, so each refuses a malformed body
// with the same field messages (422, and the provider sends it again).
import { parseIsoTime } from '../kernel/iso-time.js';
import { parseObject } from '../kernel/http/http-io.js';
import { ok, refuse, type Result } from '../kernel/outcomes.js';
import { SIGNATURE_TOLERANCE_MS } from './payment-signature.js';

/** An event that passed every field check; `type` is one of those the webhook takes. */
export interface ProviderEvent<T extends string> {
  readonly eventId: string;
  readonly type: T;
  readonly reference: string;
  /** What the provider says it moved, fen: a positive whole number. */
  readonly amountFen: number;
  readonly occurredAtMs: number;
}

/** Event ids and references: printable ASCII without spaces, as providers issue them. */
const TOKEN = /^[\x21-\x7e]{1,128}$/;

/**
 * Parses and checks an event body: `invalid_json`, or `invalid_request` naming the field (an
 * unknown `type`, a bad id or reference, an amount outside 1..`amountMaxFen`, a time that is not
 * strict RFC 3339 with a zone: kernel/iso-time.ts, or one later than `signedAtMs`, the real time
 * its signature was checked at (ms), by more than the signature's tolerance: an event is not
 * notified before it happens, and `9999-12-31` was taken as the time of a refund).
 */
export function parseProviderEvent<T extends string>(body: string, types: readonly T[],
  amountMaxFen: number, signedAtMs: number): Result<ProviderEvent<T>> {
  const parsed = parseObject(body);
  if (!parsed.ok) return parsed;
  const n = parsed.value as Record<string, unknown>;
  const bad = (field: string, rule: string) => refuse('invalid_request', `"${field}" ${rule}`);
  if (typeof n.event_id !== 'string' || !TOKEN.test(n.event_id)) {
    return bad('event_id', 'must be 1-128 printable characters without spaces.');
  }
  if (!types.includes(n.type as T)) {
    return bad('type', `must be ${types.map((t) => `"${t}"`).join(' or ')}.`);
  }
  if (typeof n.reference !== 'string' || !TOKEN.test(n.reference)) {
    return bad('reference', 'must be 1-128 printable characters without spaces.');
  }
  const amount = n.amount_fen;
  if (typeof amount !== 'number' || !Number.isSafeInteger(amount) || amount < 1
    || amount > amountMaxFen) {
    return bad('amount_fen', `must be a whole number of fen from 1 to ${amountMaxFen}.`);
  }
  const occurredAtMs = typeof n.occurred_at === 'string' ? parseIsoTime(n.occurred_at) : null;
  if (occurredAtMs === null) {
    return bad('occurred_at', 'must be an RFC 3339 time with Z or an offset.');
  }
  if (occurredAtMs > signedAtMs + SIGNATURE_TOLERANCE_MS) {
    return bad('occurred_at', `is later than the notification itself (${
      new Date(signedAtMs).toISOString()}) by more than ${SIGNATURE_TOLERANCE_MS / 60_000} `
      + 'minutes: an event cannot be notified before it happens; check the provider\'s clock.');
  }
  return ok({ eventId: n.event_id, type: n.type as T, reference: n.reference,
    amountFen: amount, occurredAtMs });
}
