import { refuse } from './outcomes.js';
import { msUntilAllowed, slidingCount } from './sliding-window.js';
import { MemoryRateCounter } from './store/memory-rate-counter.js';
export class RateLimits {
    store;
    limits;
    mode;
    clock;
    #local;
    constructor(store, limits, mode, clock) {
        this.store = store;
        this.limits = limits;
        this.mode = mode;
        this.clock = clock;
        this.#local = new MemoryRateCounter(limits.rateKeysMax);
    }
    #rule(name, who, windowSeconds, max, opts = {}) {
        return { key: `${name}:${who}`, windowMs: windowSeconds * 1000, max, cost: opts.cost ?? 1,
            code: opts.code ?? 'rate_limited', perAddress: opts.perAddress ?? false };
    }
    /** The checks that apply in this mode (an unknown address is never counted). */
    #applying(checks, address) {
        if (this.mode === 'off')
            return [];
        return checks.filter((c) => !c.perAddress
            || (this.mode === 'on' && address !== ''));
    }
    /** Counts the checks; the first one over its maximum, with the longest wait, or null. */
    #verdict(checks, counts, nowMs) {
        let refused = null;
        let waitMs = 0;
        checks.forEach((c, i) => {
            const n = slidingCount(counts[i], nowMs, c.windowMs);
            if (c.cost > 0 ? n <= c.max : n < c.max)
                return;
            const wait = msUntilAllowed(counts[i], nowMs, c.windowMs, c.max);
            refused ??= refuse(c.code);
            waitMs = Math.max(waitMs, wait);
        });
        if (refused === null)
            return null;
        return { ...refused, retryAfterSeconds: Math.max(1, Math.ceil(waitMs / 1000)) };
    }
    async #shared(all, address) {
        const checks = this.#applying(all, address);
        if (checks.length === 0)
            return null;
        const nowMs = this.clock.nowMs();
        const hits = checks.map(({ key, windowMs, cost }) => ({ key, windowMs, cost }));
        return this.#verdict(checks, await this.store.hitRates(hits, nowMs), nowMs);
    }
    /**
     * Before a sign-in code is sent to `phone` (a valid mobile number, or null when it is not
     * one) from `address`: `rate_limited` past codeRequestsPerPhoneMax or
     * codeRequestsPerAddressMax in the code window.
     */
    codeRequest(phone, address) {
        const l = this.limits;
        return this.#shared([
            ...(phone === null ? [] : [this.#rule('code_request:phone', phone, l.codeWindowSeconds, l.codeRequestsPerPhoneMax)]),
            this.#rule('code_request:address', address, l.codeWindowSeconds, l.codeRequestsPerAddressMax, { perAddress: true }),
        ], address);
    }
    /**
     * Before a code is checked: `too_many_attempts` once `phone` has had codeAttemptsMax failed
     * checks in the code window, whatever codes were sent since; `rate_limited` past
     * signInsPerAddressMax attempts from `address`. Counts the attempt, not yet a failure.
     */
    signIn(phone, address) {
        const l = this.limits;
        return this.#shared([
            ...(phone === null ? [] : [this.#rule('code_fail:phone', phone, l.codeWindowSeconds, l.codeAttemptsMax, { cost: 0, code: 'too_many_attempts' })]),
            this.#rule('sign_in:address', address, l.codeWindowSeconds, l.signInsPerAddressMax, { perAddress: true }),
        ], address);
    }
    /**
     * Counts a failed code check against `phone` (see signIn) and returns how many more checks
     * the phone may fail in the code window (0 when the next one is refused), or null when rate
     * limits are off. Counted the same way for every phone, registered or not, so the figure
     * tells nobody whether an account exists.
     */
    async signInFailed(phone) {
        if (this.mode === 'off')
            return null;
        const windowMs = this.limits.codeWindowSeconds * 1000;
        const nowMs = this.clock.nowMs();
        const [counts] = await this.store.hitRates([{ key: `code_fail:phone:${phone}`,
                windowMs, cost: 1 }], nowMs);
        // The sliding count weighs the previous window's failures by the share of it still in
        // view, so it is fractional; the buyer is told the failures that will surely be taken.
        return Math.max(0, Math.floor(this.limits.codeAttemptsMax
            - slidingCount(counts, nowMs, windowMs)));
    }
    /**
     * Before a buyer registers: `rate_limited` past registrationsPerKeyMax attempts naming this
     * phone or this identity number (stored forms; null when invalid), or past
     * registrationsPerAddressMax from `address`, in the registration window. Not for the
     * operator's import, which registers thousands from one address by design.
     */
    registration(phone, idNumber, address) {
        const l = this.limits;
        const w = l.registrationWindowSeconds;
        return this.#shared([
            ...(phone === null ? [] : [this.#rule('register:phone', phone, w, l.registrationsPerKeyMax)]),
            ...(idNumber === null ? [] : [this.#rule('register:id', idNumber, w, l.registrationsPerKeyMax)]),
            this.#rule('register:address', address, w, l.registrationsPerAddressMax, { perAddress: true }),
        ], address);
    }
    /**
     * Before a buyer's write (order, lock, cancel, change): `rate_limited` past
     * buyerWritesPerAccountMax for the account or buyerWritesPerAddressMax for the address in
     * the window, counted in this process only (see the top of this file). Synchronous: no
     * database, no await on the order path.
     */
    buyerWrite(accountId, address) {
        if (this.mode === 'off')
            return null;
        const l = this.limits;
        const checks = this.#applying([
            this.#rule('write:account', accountId, l.buyerWriteWindowSeconds, l.buyerWritesPerAccountMax),
            this.#rule('write:address', address, l.buyerWriteWindowSeconds, l.buyerWritesPerAddressMax, { perAddress: true }),
        ], address);
        const nowMs = this.clock.nowMs();
        return this.#verdict(checks, this.#local.hit(checks, nowMs), nowMs);
    }
}
/**
 * The client's network address: the socket's, or with a trusted proxy in front the last
 * address of X-Forwarded-For (the one the proxy itself saw; earlier ones are the client's word).
 * '' when unknown. Only an address's characters pass, so a counter's key is never odd text.
 */
export function clientAddress(socketAddress, forwardedFor, trustProxy) {
    const plausible = (a) => (a !== undefined && /^[0-9A-Fa-f:.]{2,45}$/.test(a) ? a : '');
    if (trustProxy && forwardedFor !== undefined) {
        const all = (Array.isArray(forwardedFor) ? forwardedFor.join(',') : forwardedFor).split(',');
        const last = plausible(all[all.length - 1]?.trim());
        if (last !== '')
            return last;
    }
    return plausible(socketAddress);
}
//# sourceMappingURL=rate-limits.js.map