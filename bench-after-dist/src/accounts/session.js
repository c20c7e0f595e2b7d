// When a buyer's sign-in session ends (ours): an absolute lifetime from the sign-in, a sliding
// idle timeout from the last use, or a revocation by its owner or an operator. Pure: the caller
// passes the time.
/** The moment the session ends unless it is used again (ms since the epoch). */
export function sessionEndsAtMs(s, limits) {
    return Math.min(s.createdAtMs + limits.sessionAbsoluteSeconds * 1000, s.lastSeenAtMs + limits.sessionIdleSeconds * 1000);
}
/**
 * Whether a session may be used at `nowMs`: `expired` past its absolute lifetime, `idle` past
 * its idle timeout, `revoked` once signed out.
 */
export function sessionState(s, nowMs, limits) {
    if (s.revokedAtMs !== null)
        return 'revoked';
    if (nowMs >= s.createdAtMs + limits.sessionAbsoluteSeconds * 1000)
        return 'expired';
    if (nowMs >= s.lastSeenAtMs + limits.sessionIdleSeconds * 1000)
        return 'idle';
    return 'active';
}
/**
 * The public name of a session: the first 16 hex digits of its token's hash. It names the
 * session in lists and revocations and cannot be turned back into the token.
 */
export function sessionId(tokenHash) {
    return tokenHash.slice(0, 16);
}
//# sourceMappingURL=session.js.map