const num = (v) => Number(v);
const numOrNull = (v) => (v === null || v === undefined ? null : Number(v));
const textOrNull = (v) => (v === null || v === undefined ? null
    : String(v));
export const DROP_COLUMNS = ['drop_id', 'name', 'name_zh', 'kind', 'price_fen', 'deposit_fen',
    'opens_at_ms', 'per_account_limit', 'per_identity_limit', 'variants', 'created_at_ms'];
export function dropToValues(d) {
    return [d.dropId, d.name, d.nameZh, d.kind, d.priceFen, d.depositFen, d.opensAtMs,
        d.perAccountLimit, d.perIdentityLimit, JSON.stringify(d.variants), d.createdAtMs];
}
export function rowToDrop(r) {
    return { dropId: String(r.drop_id), name: String(r.name), nameZh: String(r.name_zh),
        kind: String(r.kind), priceFen: num(r.price_fen), depositFen: num(r.deposit_fen),
        opensAtMs: num(r.opens_at_ms), perAccountLimit: num(r.per_account_limit),
        perIdentityLimit: num(r.per_identity_limit), variants: JSON.parse(String(r.variants)),
        createdAtMs: num(r.created_at_ms) };
}
export function rowToStock(r) {
    return { dropId: String(r.drop_id), variant: String(r.variant), quantity: num(r.quantity),
        available: num(r.available), held: num(r.held), sold: num(r.sold) };
}
export const HOLD_COLUMNS = ['hold_id', 'drop_id', 'variant', 'account_id', 'identity_key',
    'quantity', 'amount_fen', 'status', 'source', 'payment_reference', 'created_at_ms',
    'expires_at_ms', 'settled_at_ms', 'idempotency_key', 'request_hash', 'entry_id'];
export function holdToValues(h) {
    return [h.holdId, h.dropId, h.variant, h.accountId, h.identityKey, h.quantity, h.amountFen,
        h.status, h.source, h.paymentReference, h.createdAtMs, h.expiresAtMs, h.settledAtMs,
        h.idempotencyKey, h.requestHash, h.entryId];
}
export function rowToHold(r) {
    return { holdId: String(r.hold_id), dropId: String(r.drop_id), variant: String(r.variant),
        accountId: String(r.account_id), identityKey: String(r.identity_key),
        quantity: num(r.quantity), amountFen: num(r.amount_fen), status: String(r.status),
        source: String(r.source), paymentReference: String(r.payment_reference),
        createdAtMs: num(r.created_at_ms), expiresAtMs: num(r.expires_at_ms),
        settledAtMs: numOrNull(r.settled_at_ms), idempotencyKey: String(r.idempotency_key),
        requestHash: String(r.request_hash), entryId: textOrNull(r.entry_id) };
}
export const ENTRY_COLUMNS = ['entry_id', 'drop_id', 'variant', 'account_id', 'identity_key',
    'seq', 'joined_at_ms', 'status', 'hold_id'];
export function entryToValues(e) {
    return [e.entryId, e.dropId, e.variant, e.accountId, e.identityKey, e.seq, e.joinedAtMs,
        e.status, e.holdId];
}
export function rowToEntry(r) {
    return { entryId: String(r.entry_id), dropId: String(r.drop_id), variant: String(r.variant),
        accountId: String(r.account_id), identityKey: String(r.identity_key), seq: num(r.seq),
        joinedAtMs: num(r.joined_at_ms), status: String(r.status),
        holdId: textOrNull(r.hold_id) };
}
//# sourceMappingURL=drop-rows.js.map