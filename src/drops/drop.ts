// A drop's rules, pure: what a drop is (a fixed quantity of an item in variants, an opening, a
// price, per-account and per-identity limits), whether a hold may be taken, and how units move
// between on sale, held and sold. No storage, no clock: the time is an argument.
// Sources: issue #17 ("Drops", anti-scalping), DOMAIN.md ("Ready stock", anti-scalping).
import { sha256 } from '../kernel/ids.js';
import { ok, quoted, refuse, type Refusal, type Result } from '../kernel/outcomes.js';
import { visibleTextProblem } from '../kernel/visible-text.js';

/**
 * `merch`: merchandise (the 800-piece jacket); the price is charged whole. `car`: a car of a
 * founder's edition; the deposit is charged and locks on payment (non-refundable).
 */
export type DropKind = 'merch' | 'car';

export interface DropVariant {
  /** Its id within the drop (`s`, `m`, `l`, or one car configuration). */
  readonly variant: string;
  readonly name: string;
  readonly nameZh: string;
  /** Units of this variant the drop sells, fixed once the drop opens. */
  readonly quantity: number;
}

export interface Drop {
  readonly dropId: string;
  readonly name: string;
  readonly nameZh: string;
  readonly kind: DropKind;
  /** The item's price per unit, in fen. */
  readonly priceFen: number;
  /** A car's deposit per unit, in fen (what is charged); 0 for merchandise. */
  readonly depositFen: number;
  readonly opensAtMs: number;
  /** Units one account may hold or have bought of this drop, all variants together. */
  readonly perAccountLimit: number;
  /** Units one identity number may hold or have bought, whatever accounts it is behind. */
  readonly perIdentityLimit: number;
  readonly variants: readonly DropVariant[];
  readonly createdAtMs: number;
}

/**
 * Where a variant's units are now. Always `available + held + sold = quantity` (the store's
 * drop_variants row; the model test checks it after every step).
 */
export interface VariantStock {
  readonly dropId: string;
  readonly variant: string;
  readonly quantity: number;
  /** On sale now: what a buyer can hold. */
  readonly available: number;
  /** In holds waiting for payment, and in waitlist offers waiting for acceptance. */
  readonly held: number;
  readonly sold: number;
}

/**
 * `held`: reserved while payment completes, until `expiresAtMs`; `paid`: a sale (a car's
 * deposit is locked); `expired`, `failed` (payment declined), `cancelled` (the buyer let it
 * go), `revoked` (an operator cancelled it as suspicious, refunding a paid sale): ended, its
 * units returned at once (to the next on the waitlist, else to sale).
 */
export type HoldStatus = 'held' | 'paid' | 'expired' | 'failed' | 'cancelled' | 'revoked';

export interface Hold {
  readonly holdId: string;
  readonly dropId: string;
  readonly variant: string;
  readonly accountId: string;
  /** A hash of the account's identity number: the per-identity limit counts by it. */
  readonly identityKey: string;
  readonly quantity: number;
  /** What the payment takes, in fen: price (merchandise) or deposit (car) times quantity. */
  readonly amountFen: number;
  readonly status: HoldStatus;
  /** `sale`: asked for by the buyer; `waitlist`: offered to the buyer from the waitlist. */
  readonly source: 'sale' | 'waitlist';
  /** The charge's reference at the payment provider (dropPaymentReference). */
  readonly paymentReference: string;
  readonly createdAtMs: number;
  readonly expiresAtMs: number;
  /** When it was paid or ended; null while held. */
  readonly settledAtMs: number | null;
  readonly idempotencyKey: string;
  readonly requestHash: string;
  /** The waitlist entry it was offered to, for an offer. */
  readonly entryId: string | null;
}

/** What a purchase asks for, as its request hash covers it (purchaseHash). */
export interface PurchaseAsk {
  readonly dropId: string;
  readonly variant: string;
  readonly quantity: number;
  /** As the buyer sent it (not normalised: a retry sends the same body); null when absent. */
  readonly deliveryAddress: string | null;
}

/** The prefix of a request hash made by the current recipe (purchaseHash). */
const PURCHASE_HASH_V2 = 'v2:';

/**
 * The request hash of a purchase, kept with its hold: a second request under the same
 * Idempotency-Key is a retry (answered with the hold) only if its hash is the same, else
 * `idempotency_key_reused`. Every field of the body counts, the delivery address included (left
 * out, the same key with another address was answered as the first purchase: the attacker's
 * find). Versioned (`v2:`), so that a hold stored by the first recipe, which left the address
 * out, is still matched by that recipe (samePurchase): its buyer's honest retry across an
 * upgrade is not refused.
 */
export function purchaseHash(p: PurchaseAsk): string {
  return PURCHASE_HASH_V2 + sha256(JSON.stringify([p.dropId, p.variant, p.quantity,
    p.deliveryAddress]));
}

/**
 * Whether `storedHash` (a hold's request hash) names the purchase asked for, whose hash by the
 * current recipe is `p.requestHash` (purchaseHash): that hash; or, for a hold stored before the
 * address counted (no `v2:` prefix), the first recipe's, which hashed the drop, the variant and
 * the quantity only. A waitlist offer's hold (hash '') matches neither.
 */
export function samePurchase(storedHash: string,
  p: Pick<PurchaseAsk, 'dropId' | 'variant' | 'quantity'> & { readonly requestHash: string }):
  boolean {
  if (storedHash === p.requestHash) return true;
  return !storedHash.startsWith(PURCHASE_HASH_V2)
    && storedHash === sha256(JSON.stringify([p.dropId, p.variant, p.quantity]));
}

/**
 * `waiting` in line; `offered` a released unit (its hold has a deadline); `bought` it;
 * `lapsed`: the offer ended unpaid (it passed to the next); `passed`: skipped because the
 * account had meanwhile reached a limit; `closed`: the variant sold for good while it waited
 * (every unit paid: none can come back), so the wait is over, unless an operator's cancel of a
 * paid sale puts a unit back: then it is `waiting` again in its place (reopenClosed,
 * drop-revoke.ts), offered the units before anyone else.
 */
export type EntryStatus = 'waiting' | 'offered' | 'bought' | 'lapsed' | 'passed' | 'closed';

/** One place on a variant's waitlist: one unit, offered in `seq` order. */
export interface WaitlistEntry {
  readonly entryId: string;
  readonly dropId: string;
  readonly variant: string;
  readonly accountId: string;
  readonly identityKey: string;
  /** Its place in the drop's line, from 1; lower is offered first. */
  readonly seq: number;
  readonly joinedAtMs: number;
  readonly status: EntryStatus;
  readonly holdId: string | null;
}

/** Statuses whose charge is the drop's to keep: held, or bought. */
export const HOLDING: ReadonlySet<HoldStatus> = new Set(['held', 'paid']);

/**
 * Statuses whose units count against the per-account and per-identity limits: held, bought,
 * or revoked. A purchase an operator cancelled as suspicious was that buyer's allowance: its
 * unit goes back on sale, but not to the same ring (the attacker's finding 4, issue #17).
 * The stores' SQL restates it: drops-sqlite.ts, drops-postgres.ts, drop_take_holds.
 */
export const LIMITED: ReadonlySet<HoldStatus> = new Set(['held', 'paid', 'revoked']);

/** The provider's reference for a hold's charge: one per hold, so a retry never pays twice. */
export const dropPaymentReference = (holdId: string): string => `drp_${holdId}`;

/** Whether a provider reference names a drop's charge (the reconciler asks drops about it). */
export const isDropPaymentReference = (reference: string): boolean =>
  reference.startsWith('drp_');

/** What paying for `quantity` units takes, in fen. */
export const amountFen = (drop: Drop, quantity: number): number =>
  (drop.kind === 'car' ? drop.depositFen : drop.priceFen) * quantity;

export const findVariant = (drop: Drop, variant: string): DropVariant | undefined =>
  drop.variants.find((v) => v.variant === variant);

/** `unknown_variant` naming the variant asked for and the drop's own, so the buyer can pick. */
export const unknownVariant = (drop: Drop, variant: string): Refusal =>
  refuse('unknown_variant', `The drop ${drop.dropId} has no variant ${quoted(variant)}; its `
    + `variants are ${drop.variants.map((v) => v.variant).join(', ')}.`);

/** What a buyer already has of the drop: units held or bought, by account and by identity. */
export interface Holding {
  readonly accountUnits: number;
  readonly identityUnits: number;
}

/**
 * `drop_limit_reached` when `quantity` more units would take the account, or its identity
 * number, past the drop's limit (the message says which); else null. `holding` counts the
 * units held, paid or revoked (LIMITED).
 */
export function limitRefusal(drop: Drop, holding: Holding, quantity: number): Refusal | null {
  if (holding.accountUnits + quantity > drop.perAccountLimit) {
    return refuse('drop_limit_reached', `This drop allows ${drop.perAccountLimit} per account; `
      + `you hold or bought ${holding.accountUnits}.`);
  }
  if (holding.identityUnits + quantity > drop.perIdentityLimit) {
    return refuse('drop_limit_reached', `This drop allows ${drop.perIdentityLimit} per person `
      + `(identity number); ${holding.identityUnits} are held or bought under yours.`);
  }
  return null;
}

/**
 * Whether `quantity` units of `variant` may be held now. Refusals: `drop_not_open`,
 * `unknown_variant`, `drop_limit_reached` (per account or per identity, the message says which),
 * `drop_sold_out` (fewer than `quantity` on sale; a refused buyer may join the waitlist).
 * The limits come before the stock: a buyer at their limit is told so even when sold out.
 */
export function decideHold(drop: Drop, stock: VariantStock | undefined, holding: Holding,
  quantity: number, nowMs: number): Result<null> {
  if (nowMs < drop.opensAtMs) return refuse('drop_not_open');
  if (stock === undefined) return refuse('unknown_variant');
  const limit = limitRefusal(drop, holding, quantity);
  if (limit) return limit;
  if (stock.available < quantity) {
    // Nothing held either: every unit is paid for, none can come back, so no waitlist. Each
    // case says which it is: the catalogue's text covers all three.
    return refuse('drop_sold_out', stock.available > 0
      ? `Only ${stock.available} left of this size; ask for fewer or join the waitlist.`
      : stock.held > 0 ? 'Sold out for now: every unit of this size is sold or held for '
        + 'payment. Join the waitlist to be offered one that comes back.'
        : 'Every unit of this size is sold: none can come back.');
  }
  return ok(null);
}

/** How a settle asks to end a hold: paid (a sale), failed (declined) or cancelled. */
export type SettleOutcome = 'paid' | 'failed' | 'cancelled';

/** What a settle asks of a hold: which drop, whose (null: the system), and how it ends. */
export interface SettleAsked {
  readonly dropId: string;
  readonly accountId: string | null;
  readonly outcome: SettleOutcome;
}

/**
 * A settle's verdict on a hold as it is now (undefined: no such hold). The outcome itself when
 * the hold is held and ends now; `paid_before` for a payment of a hold already paid (answered
 * with the sale, nothing changes); otherwise the refusal's code. The one rule of both paths:
 * dropSettle's in JS and drop_settle_holds's in SQL (migration 21), which the JS checks
 * against it. Source: issue #17 ("paid holds become sales; expired, failed or cancelled holds
 * return their units"), a retried payment answered as the first (docs/api.md, idempotency).
 */
export type SettleVerdict = SettleOutcome | 'paid_before' | 'hold_not_found' | 'hold_expired'
  | 'hold_closed';

/** settleVerdict's rule; see SettleVerdict. A hold of another drop or buyer is not found. */
export function settleVerdict(h: Hold | undefined, asked: SettleAsked): SettleVerdict {
  if (!h || h.dropId !== asked.dropId
    || (asked.accountId !== null && h.accountId !== asked.accountId)) return 'hold_not_found';
  if (h.status === 'held') return asked.outcome;
  if (h.status === 'paid' && asked.outcome === 'paid') return 'paid_before';
  return h.status === 'expired' ? 'hold_expired' : 'hold_closed';
}

/**
 * The answer to a settle of `h` (as it was before) given its verdict: the hold as it ends at
 * `nowMs`, the sale as it is (`paid_before`), or the refusal.
 */
export function settleResult(h: Hold | undefined, verdict: SettleVerdict, nowMs: number):
  Result<Hold> {
  switch (verdict) {
    case 'hold_not_found': case 'hold_expired': case 'hold_closed': return refuse(verdict);
    case 'paid_before': return ok(h!);
    default: return ok({ ...h!, status: verdict, settledAtMs: nowMs });
  }
}

/** The bounds a drop's definition must keep (from the Limits table). */
export interface DropBounds {
  readonly dropVariantsMax: number;
  readonly dropQuantityMax: number;
  readonly dropUnitsPerBuyerMax: number;
}

const ID = /^[a-z0-9][a-z0-9-]{0,47}$/;
const MONEY_FEN_MAX = 100_000_000_00; // 100 million yuan: beyond any car.

/**
 * The rule a name breaks, naming its field, or null: 1-120 characters of text that shows on one
 * line (the one rule of visible text, kernel/visible-text.ts, as every name and reason): not
 * blank (a blank title on the drop page), nothing hidden or reordering, the character refused
 * named with its place.
 */
const nameRule = (field: string, s: string): string | null =>
  visibleTextProblem(field, s, 1, 120);

/** Checks a drop's definition; `invalid_drop` names the first rule broken. */
export function validateDrop(d: Drop, b: DropBounds): Result<Drop> {
  const bad = (why: string) => refuse('invalid_drop', `The drop is not valid: ${why}.`);
  if (!ID.test(d.dropId)) return bad('drop_id must be 1-48 of a-z, 0-9 and -, starting a-z0-9');
  const named = nameRule('name', d.name) ?? nameRule('name_zh', d.nameZh);
  if (named !== null) return bad(named);
  if (d.kind !== 'merch' && d.kind !== 'car') return bad('kind must be merch or car');
  if (!(d.priceFen > 0 && d.priceFen <= MONEY_FEN_MAX)) {
    return bad(`price_fen must be 1 to ${MONEY_FEN_MAX} fen (100 million yuan)`);
  }
  if (d.kind === 'car' && !(d.depositFen > 0 && d.depositFen <= d.priceFen)) {
    return bad('a car drop needs deposit_fen, positive and at most the price');
  }
  if (d.kind === 'merch' && d.depositFen !== 0) return bad('merchandise takes no deposit_fen');
  for (const [field, limit] of [['per_account_limit', d.perAccountLimit],
    ['per_identity_limit', d.perIdentityLimit]] as const) {
    if (!(limit >= 1 && limit <= b.dropUnitsPerBuyerMax)) {
      return bad(`${field} must be 1-${b.dropUnitsPerBuyerMax}`);
    }
  }
  // An account is one person's: more per account than per person is a limit the drop would
  // show and never apply (the attacker's find: 3 shown, the second unit refused).
  if (d.perAccountLimit > d.perIdentityLimit) {
    return bad(`per_account_limit (${d.perAccountLimit}) cannot be more than per_identity_limit (${
      d.perIdentityLimit}): an account is one person's`);
  }
  if (d.variants.length < 1 || d.variants.length > b.dropVariantsMax) {
    return bad(`a drop has 1-${b.dropVariantsMax} variants`);
  }
  const seen = new Set<string>();
  for (const v of d.variants) {
    // Two rules, two messages: "S" was told it was not distinct (a reviewer's find).
    if (!ID.test(v.variant)) {
      return bad(`variant "${v.variant.slice(0, 48)}" must be 1-48 of a-z, 0-9 and -, starting `
        + 'a-z0-9');
    }
    if (seen.has(v.variant)) return bad(`variant "${v.variant}" is named twice`);
    seen.add(v.variant);
    const vNamed = nameRule(`variant "${v.variant}" name`, v.name)
      ?? nameRule(`variant "${v.variant}" name_zh`, v.nameZh);
    if (vNamed !== null) return bad(vNamed);
    if (!(v.quantity >= 1 && v.quantity <= b.dropQuantityMax)) {
      return bad(`a variant's quantity must be 1-${b.dropQuantityMax}`);
    }
  }
  return ok(d);
}

/** A variant's public figures: what is left now and whether it is sold out. */
export interface VariantFigures {
  readonly variant: string;
  readonly quantity: number;
  readonly remaining: number;
  readonly held: number;
  readonly sold: number;
  /** Nothing on sale now: a buyer is told sold out (units in holds may still come back). */
  readonly soldOut: boolean;
  /** No unit will come back: every unit is sold. */
  readonly soldOutForGood: boolean;
  readonly waiting: number;
}

export function variantFigures(s: VariantStock, waiting: number): VariantFigures {
  return { variant: s.variant, quantity: s.quantity, remaining: s.available, held: s.held,
    sold: s.sold, soldOut: s.available === 0, soldOutForGood: s.sold === s.quantity, waiting };
}
