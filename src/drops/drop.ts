// A drop's rules, pure: what a drop is (a fixed quantity of an item in variants, an opening, a
// price, per-account and per-identity limits), whether a hold may be taken, and how units move
// between on sale, held and sold. No storage, no clock: the time is an argument.
// Sources: issue #17 ("Drops", anti-scalping), DOMAIN.md ("Ready stock", anti-scalping).
import { ok, quoted, refuse, type Refusal, type Result } from '../kernel/outcomes.js';

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
 * deposit is locked); `expired`, `failed` (payment declined), `cancelled`: ended, its units
 * returned at once (to the next on the waitlist, else to sale).
 */
export type HoldStatus = 'held' | 'paid' | 'expired' | 'failed' | 'cancelled';

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

/**
 * `waiting` in line; `offered` a released unit (its hold has a deadline); `bought` it;
 * `lapsed`: the offer ended unpaid (it passed to the next); `passed`: skipped because the
 * account had meanwhile reached a limit; `closed`: the variant sold for good while it waited
 * (every unit paid: none can come back), so the wait is over.
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

/** Statuses whose units count against the limits: held, or bought. */
export const HOLDING: ReadonlySet<HoldStatus> = new Set(['held', 'paid']);

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
 * Whether `quantity` units of `variant` may be held now. Refusals: `drop_not_open`,
 * `unknown_variant`, `drop_limit_reached` (per account or per identity, the message says which),
 * `drop_sold_out` (fewer than `quantity` on sale; a refused buyer may join the waitlist).
 * The limits come before the stock: a buyer at their limit is told so even when sold out.
 */
export function decideHold(drop: Drop, stock: VariantStock | undefined, holding: Holding,
  quantity: number, nowMs: number): Result<null> {
  if (nowMs < drop.opensAtMs) return refuse('drop_not_open');
  if (stock === undefined) return refuse('unknown_variant');
  if (holding.accountUnits + quantity > drop.perAccountLimit) {
    return refuse('drop_limit_reached', `This drop allows ${drop.perAccountLimit} per account; `
      + `you hold or bought ${holding.accountUnits}.`);
  }
  if (holding.identityUnits + quantity > drop.perIdentityLimit) {
    return refuse('drop_limit_reached', `This drop allows ${drop.perIdentityLimit} per person `
      + `(identity number); ${holding.identityUnits} are held or bought under yours.`);
  }
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

/** The bounds a drop's definition must keep (from the Limits table). */
export interface DropBounds {
  readonly dropVariantsMax: number;
  readonly dropQuantityMax: number;
  readonly dropUnitsPerBuyerMax: number;
}

const ID = /^[a-z0-9][a-z0-9-]{0,47}$/;
const MONEY_FEN_MAX = 100_000_000_00; // 100 million yuan: beyond any car.

/** Control characters, and the invisible ones that reorder or hide text (U+200B-200F, ...). */
const HIDDEN = /[\u0000-\u001f\u007f\u200b-\u200f\u2028-\u202e\u2060\ufeff]/;

/** The rule a name breaks, naming its field, or null: 1-120 characters, none hidden. */
function nameRule(field: string, s: string): string | null {
  if (s.length < 1 || s.length > 120) return `${field} needs 1-120 characters`;
  if (HIDDEN.test(s)) {
    return `${field} must not hold control or invisible formatting characters (such as `
      + 'U+202E, which reverses the text after it)';
  }
  return null;
}

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
