// A drop's rules, pure: what a drop is (a fixed quantity of an item in variants, an opening, a
// price, per-account and per-identity limits), whether a hold may be taken, and how units move
// between on sale, held and sold. No storage, no clock: the time is an argument.
// Sources: issue #17 ("Drops", anti-scalping), DOMAIN.md ("Ready stock", anti-scalping).
import { ok, refuse } from '../kernel/outcomes.js';
/** Statuses whose units count against the limits: held, or bought. */
export const HOLDING = new Set(['held', 'paid']);
/** The provider's reference for a hold's charge: one per hold, so a retry never pays twice. */
export const dropPaymentReference = (holdId) => `drp_${holdId}`;
/** Whether a provider reference names a drop's charge (the reconciler asks drops about it). */
export const isDropPaymentReference = (reference) => reference.startsWith('drp_');
/** What paying for `quantity` units takes, in fen. */
export const amountFen = (drop, quantity) => (drop.kind === 'car' ? drop.depositFen : drop.priceFen) * quantity;
export const findVariant = (drop, variant) => drop.variants.find((v) => v.variant === variant);
/**
 * Whether `quantity` units of `variant` may be held now. Refusals: `drop_not_open`,
 * `unknown_variant`, `drop_limit_reached` (per account or per identity, the message says which),
 * `drop_sold_out` (fewer than `quantity` on sale; a refused buyer may join the waitlist).
 * The limits come before the stock: a buyer at their limit is told so even when sold out.
 */
export function decideHold(drop, stock, holding, quantity, nowMs) {
    if (nowMs < drop.opensAtMs)
        return refuse('drop_not_open');
    if (stock === undefined)
        return refuse('unknown_variant');
    if (holding.accountUnits + quantity > drop.perAccountLimit) {
        return refuse('drop_limit_reached', `This drop allows ${drop.perAccountLimit} per account; `
            + `you hold or bought ${holding.accountUnits}.`);
    }
    if (holding.identityUnits + quantity > drop.perIdentityLimit) {
        return refuse('drop_limit_reached', `This drop allows ${drop.perIdentityLimit} per person `
            + `(identity number); ${holding.identityUnits} are held or bought under yours.`);
    }
    if (stock.available < quantity) {
        return refuse('drop_sold_out', stock.available === 0 ? undefined
            : `Only ${stock.available} left of this size; ask for fewer or join the waitlist.`);
    }
    return ok(null);
}
const ID = /^[a-z0-9][a-z0-9-]{0,47}$/;
const MONEY_FEN_MAX = 100_000_000_00; // 100 million yuan: beyond any car.
const textOk = (s) => s.length >= 1 && s.length <= 120
    && !/[\u0000-\u001f\u007f\u200b-\u200f\u2028-\u202e\u2060\ufeff]/.test(s);
/** Checks a drop's definition; `invalid_drop` names the first rule broken. */
export function validateDrop(d, b) {
    const bad = (why) => refuse('invalid_drop', `The drop is not valid: ${why}.`);
    if (!ID.test(d.dropId))
        return bad('drop_id must be 1-48 of a-z, 0-9 and -, starting a-z0-9');
    if (!textOk(d.name) || !textOk(d.nameZh))
        return bad('name and name_zh need 1-120 characters');
    if (d.kind !== 'merch' && d.kind !== 'car')
        return bad('kind must be merch or car');
    if (!(d.priceFen > 0 && d.priceFen <= MONEY_FEN_MAX))
        return bad('price_fen must be positive');
    if (d.kind === 'car' && !(d.depositFen > 0 && d.depositFen <= d.priceFen)) {
        return bad('a car drop needs deposit_fen, positive and at most the price');
    }
    if (d.kind === 'merch' && d.depositFen !== 0)
        return bad('merchandise takes no deposit_fen');
    for (const limit of [d.perAccountLimit, d.perIdentityLimit]) {
        if (!(limit >= 1 && limit <= b.dropUnitsPerBuyerMax)) {
            return bad(`per-account and per-identity limits must be 1-${b.dropUnitsPerBuyerMax}`);
        }
    }
    if (d.variants.length < 1 || d.variants.length > b.dropVariantsMax) {
        return bad(`a drop has 1-${b.dropVariantsMax} variants`);
    }
    const seen = new Set();
    for (const v of d.variants) {
        if (!ID.test(v.variant) || seen.has(v.variant))
            return bad('variant ids must be distinct ids');
        seen.add(v.variant);
        if (!textOk(v.name) || !textOk(v.nameZh))
            return bad('variant names need 1-120 characters');
        if (!(v.quantity >= 1 && v.quantity <= b.dropQuantityMax)) {
            return bad(`a variant's quantity must be 1-${b.dropQuantityMax}`);
        }
    }
    return ok(d);
}
export function variantFigures(s, waiting) {
    return { variant: s.variant, quantity: s.quantity, remaining: s.available, held: s.held,
        sold: s.sold, soldOut: s.available === 0, soldOutForGood: s.sold === s.quantity, waiting };
}
//# sourceMappingURL=drop.js.map