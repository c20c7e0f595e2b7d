// A provider's notification about a balance part (a collection), checked field by field. A
// malformed one is refused (422) so the provider sends it again; a well-formed one that does not
// match a part is acknowledged and kept as an anomaly (deliveries-service.ts).
import type { Result } from '../kernel/outcomes.js';
import { parseProviderEvent, type ProviderEvent } from '../payments/index.js';

/** A collection's notification that passed every field check (payments' parser). */
export type CollectionNotice = ProviderEvent<'collection.succeeded' | 'collection.failed'>;

/** The dearest car's price is far below this (fen). */
export const COLLECTION_FEN_MAX = 100_000_000_000;

/**
 * Parses and checks a notification body: `invalid_json` or `invalid_request` naming the field
 * (an `occurred_at` past `signedAtMs`, the real time the signature was checked at, by more
 * than its tolerance too).
 */
export const parseCollectionNotice = (body: string, signedAtMs: number):
  Result<CollectionNotice> =>
  parseProviderEvent(body, ['collection.succeeded', 'collection.failed'] as const,
    COLLECTION_FEN_MAX, signedAtMs);
