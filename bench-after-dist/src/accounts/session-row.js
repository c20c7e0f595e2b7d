/** A tokens row; `last_seen_at_ms` is null only on rows older than migration 3. */
export function sessionFromRow(r) {
    return { tokenHash: String(r.token_hash), accountId: String(r.account_id),
        createdAtMs: Number(r.created_at_ms),
        lastSeenAtMs: Number(r.last_seen_at_ms ?? r.created_at_ms),
        revokedAtMs: r.revoked_at_ms === null || r.revoked_at_ms === undefined
            ? null : Number(r.revoked_at_ms) };
}
export function operatorFromRow(r) {
    return r ? { name: String(r.name), tokenHash: String(r.token_hash),
        createdAtMs: Number(r.created_at_ms), createdBy: String(r.created_by) } : null;
}
//# sourceMappingURL=session-row.js.map