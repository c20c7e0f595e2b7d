import { hash, randomFillSync } from 'node:crypto';
const ID_BYTES = 12;
const POOL_IDS = 4096;
const pool = Buffer.alloc(ID_BYTES * POOL_IDS);
let used = POOL_IDS;
/**
 * Random, unguessable identifiers: a buyer must not be able to guess another's order id.
 * The random bytes come from a pool refilled 4,096 ids at a time, one call instead of one per id.
 */
export function newId(prefix) {
    if (used === POOL_IDS) {
        randomFillSync(pool);
        used = 0;
    }
    const start = used++ * ID_BYTES;
    return `${prefix}_${pool.toString('base64url', start, start + ID_BYTES)}`;
}
/**
 * An order id: the time in milliseconds (base 36, fixed width) and then 72 random bits. Orders
 * are inserted in id order, so the indexes keyed by id grow at their right edge instead of
 * dirtying a random page each; the id stays unguessable.
 */
export function newTimeOrderedId(prefix, nowMs) {
    if (used === POOL_IDS) {
        randomFillSync(pool);
        used = 0;
    }
    const start = used++ * ID_BYTES;
    return `${prefix}_${nowMs.toString(36).padStart(9, '0')}${pool.toString('base64url', start, start + 9)}`;
}
/** One call, no hash object: this runs several times for every order. */
export function sha256(text) {
    return hash('sha256', text, 'hex');
}
//# sourceMappingURL=ids.js.map