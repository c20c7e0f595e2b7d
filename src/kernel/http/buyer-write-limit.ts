// The per-buyer write limit every capability's write routes apply (orders, drops, deliveries,
// price books): one piece, so that which callers are counted, and under which key, is decided
// once. The figures are the limits table's (config.ts: buyerWriteWindowSeconds,
// buyerWritesPerAccountMax, buyerWritesPerAddressMax), counted by RateLimits.buyerWrite.
import type { Refusal } from '../outcomes.js';
import type { RateLimits } from '../rate-limits.js';

/**
 * What the limit reads of a request: who calls (a buyer carries its account; an operator has
 * none), the client's address, and the app's rate limits. Structural, so that the kernel names
 * no capability's Caller: a route's Ctx is one.
 */
export interface BuyerWriteRequest {
  readonly caller: { readonly role: string;
    readonly account?: { readonly accountId: string } } | null;
  readonly address: string;
  readonly app: { readonly rateLimits: Pick<RateLimits, 'buyerWrite'> };
}

/**
 * A buyer's write against the per-account and per-address limits: `rate_limited` (with its
 * wait) past either, else null. An operator's or an anonymous request is not counted: the
 * limit is on buyers, and an operator's writes are audited instead.
 */
export function buyerWriteLimit(req: BuyerWriteRequest): Refusal | null {
  const c = req.caller;
  if (c === null || c.role !== 'buyer' || c.account === undefined) return null;
  return req.app.rateLimits.buyerWrite(c.account.accountId, req.address);
}
