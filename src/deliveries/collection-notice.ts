// A provider's notification about a balance part (a collection), checked field by field. A
// malformed one is refused (422) so the provider sends it again; a well-formed one that does not
// match a part is acknowledged and kept as an anomaly (deliveries-service.ts).
import { parseIsoTime } from '../kernel/iso-time.js';
import { parseObject } from '../kernel/http/http-io.js';
import { ok, refuse, type Result } from '../kernel/outcomes.js';

export interface CollectionNotice {
  readonly eventId: string;
  readonly type: 'collection.succeeded' | 'collection.failed';
  readonly reference: string;
  /** Fen: a positive whole number. */
  readonly amountFen: number;
  readonly occurredAtMs: number;
}

/** Event ids and references: printable ASCII without spaces, as providers issue them. */
const TOKEN = /^[\x21-\x7e]{1,128}$/;
/** The dearest car's price is far below this (fen). */
export const COLLECTION_FEN_MAX = 100_000_000_000;

/** Parses and checks a notification body: `invalid_json` or `invalid_request` naming the field. */
export function parseCollectionNotice(body: string): Result<CollectionNotice> {
  const parsed = parseObject(body);
  if (!parsed.ok) return parsed;
  const n = parsed.value as Record<string, unknown>;
  const bad = (field: string, rule: string) => refuse('invalid_request', `"${field}" ${rule}`);
  if (typeof n.event_id !== 'string' || !TOKEN.test(n.event_id)) {
    return bad('event_id', 'must be 1-128 printable characters without spaces.');
  }
  if (n.type !== 'collection.succeeded' && n.type !== 'collection.failed') {
    return bad('type', 'must be "collection.succeeded" or "collection.failed".');
  }
  if (typeof n.reference !== 'string' || !TOKEN.test(n.reference)) {
    return bad('reference', 'must be 1-128 printable characters without spaces.');
  }
  const amount = n.amount_fen;
  if (typeof amount !== 'number' || !Number.isSafeInteger(amount) || amount < 1
    || amount > COLLECTION_FEN_MAX) {
    return bad('amount_fen', `must be a whole number of fen from 1 to ${COLLECTION_FEN_MAX}.`);
  }
  const occurredAtMs = typeof n.occurred_at === 'string' ? parseIsoTime(n.occurred_at) : null;
  if (occurredAtMs === null) {
    return bad('occurred_at', 'must be an RFC 3339 time with Z or an offset.');
  }
  return ok({ eventId: n.event_id, type: n.type, reference: n.reference, amountFen: amount,
    occurredAtMs });
}
