// Rate limits: how often one phone, identity number, account or network address may ask for
// something a bot would hammer. Each rule is a sliding window (sliding-window.ts) with its
// maximum in Limits (config.ts); a refusal is a 429 with Retry-After in seconds.
//
// Where they are counted:
// - sign-in codes and registrations: on the store (Store.hitRates), so every API process on one
//   PostgreSQL shares the count (one statement per request: these are not the hot path);
// - the buyer's writes (orders, lock, cancel, change): in this process's memory, because
//   `POST /orders` runs at 15-20k/s and must not pay a database round trip each. With N API
//   processes behind a balancer, an account or address may therefore make up to N times the
//   per-process maximum per window (exactly the maximum when the balancer keeps a client on
//   one process); the per-launch order limit itself is enforced in the database regardless.
//
// We count with our own sliding windows rather than rate-limiter-flexible's: its limiters are
// fixed windows (twice the maximum can pass across a window's boundary, which for 5 code
// guesses is what matters), they read Date.now() themselves (no injected clock: a test cannot
// move time), and its PostgreSQL limiter makes a table of its own outside our migrations.
// Every hit counts, refused or not: a client that keeps hammering stays refused.
import { isIP } from 'node:net';
import type { Clock } from './clock.js';
import { refuse, type OutcomeCode, type Refusal } from './outcomes.js';
import { msUntilAllowed, slidingCount, type WindowCounts } from './sliding-window.js';
import type { Limits, RateLimitMode } from './config.js';
import { MemoryRateCounter } from './store/memory-rate-counter.js';
import type { RateHit, Store } from './store/store.js';

/** One rule's hit: its counter's key, window and maximum, and how many hits this adds. */
interface Check {
  readonly key: string;
  readonly windowMs: number;
  readonly max: number;
  /** 1 counts this request; 0 only asks whether the count is already at the maximum. */
  readonly cost: number;
  readonly code: OutcomeCode;
  readonly perAddress: boolean;
}

export class RateLimits {
  readonly #local: MemoryRateCounter;

  constructor(private readonly store: Store, private readonly limits: Limits,
    readonly mode: RateLimitMode, private readonly clock: Clock) {
    this.#local = new MemoryRateCounter(limits.rateKeysMax);
  }

  #rule(name: string, who: string, windowSeconds: number, max: number,
    opts: { cost?: number; code?: OutcomeCode; perAddress?: boolean } = {}): Check {
    // A per-address limit counts a subscriber, not one of the 2^64 addresses an IPv6 client can
    // take from its own /64 (addressKey).
    return { key: `${name}:${opts.perAddress ? addressKey(who) : who}`, windowMs: windowSeconds * 1000, max, cost: opts.cost ?? 1,
      code: opts.code ?? 'rate_limited', perAddress: opts.perAddress ?? false };
  }

  /** The checks that apply in this mode (an unknown address is never counted). */
  #applying(checks: readonly Check[], address: string): Check[] {
    if (this.mode === 'off') return [];
    return checks.filter((c) => !c.perAddress
      || (this.mode === 'on' && address !== ''));
  }

  /** Counts the checks; the first one over its maximum, with the longest wait, or null. */
  #verdict(checks: readonly Check[], counts: readonly WindowCounts[], nowMs: number):
    Refusal | null {
    let refused: Refusal | null = null;
    let waitMs = 0;
    checks.forEach((c, i) => {
      const n = slidingCount(counts[i]!, nowMs, c.windowMs);
      if (c.cost > 0 ? n <= c.max : n < c.max) return;
      const wait = msUntilAllowed(counts[i]!, nowMs, c.windowMs, c.max);
      refused ??= refuse(c.code);
      waitMs = Math.max(waitMs, wait);
    });
    if (refused === null) return null;
    return { ...(refused as Refusal), retryAfterSeconds: Math.max(1, Math.ceil(waitMs / 1000)) };
  }

  async #shared(all: readonly Check[], address: string): Promise<Refusal | null> {
    const checks = this.#applying(all, address);
    if (checks.length === 0) return null;
    const nowMs = this.clock.nowMs();
    const hits: RateHit[] = checks.map(({ key, windowMs, cost }) => ({ key, windowMs, cost }));
    return this.#verdict(checks, await this.store.hitRates(hits, nowMs), nowMs);
  }

  /**
   * Before a sign-in code is sent to `phone` (a valid mobile number, or null when it is not
   * one) from `address`: `rate_limited` past codeRequestsPerPhoneMax or
   * codeRequestsPerAddressMax in the code window.
   */
  codeRequest(phone: string | null, address: string): Promise<Refusal | null> {
    const l = this.limits;
    return this.#shared([
      ...(phone === null ? [] : [this.#rule('code_request:phone', phone, l.codeWindowSeconds,
        l.codeRequestsPerPhoneMax)]),
      this.#rule('code_request:address', address, l.codeWindowSeconds,
        l.codeRequestsPerAddressMax, { perAddress: true }),
    ], address);
  }

  /**
   * Before a code is checked: `too_many_attempts` once `phone` has had codeAttemptsMax failed
   * checks in the code window, whatever codes were sent since; `rate_limited` past
   * signInsPerAddressMax attempts from `address`. Counts the attempt, not yet a failure.
   */
  signIn(phone: string | null, address: string): Promise<Refusal | null> {
    const l = this.limits;
    return this.#shared([
      ...(phone === null ? [] : [this.#rule('code_fail:phone', phone, l.codeWindowSeconds,
        l.codeAttemptsMax, { cost: 0, code: 'too_many_attempts' })]),
      this.#rule('sign_in:address', address, l.codeWindowSeconds, l.signInsPerAddressMax,
        { perAddress: true }),
    ], address);
  }

  /**
   * Counts a failed code check against `phone` (see signIn) and returns how many more checks
   * the phone may fail in the code window (0 when the next one is refused), or null when rate
   * limits are off. Counted the same way for every phone, registered or not, so the figure
   * tells nobody whether an account exists.
   */
  async signInFailed(phone: string): Promise<number | null> {
    if (this.mode === 'off') return null;
    const windowMs = this.limits.codeWindowSeconds * 1000;
    const nowMs = this.clock.nowMs();
    const [counts] = await this.store.hitRates([{ key: `code_fail:phone:${phone}`,
      windowMs, cost: 1 }], nowMs);
    // The sliding count weighs the previous window's failures by the share of it still in
    // view, so it is fractional; the buyer is told the failures that will surely be taken.
    return Math.max(0, Math.floor(this.limits.codeAttemptsMax
      - slidingCount(counts!, nowMs, windowMs)));
  }

  /**
   * Before a buyer registers: `rate_limited` past registrationsPerKeyMax attempts naming this
   * phone or this identity number (stored forms; null when invalid), or past
   * registrationsPerAddressMax from `address`, in the registration window. Not for the
   * operator's import, which registers thousands from one address by design.
   */
  registration(phone: string | null, idNumber: string | null, address: string):
    Promise<Refusal | null> {
    const l = this.limits;
    const w = l.registrationWindowSeconds;
    return this.#shared([
      ...(phone === null ? [] : [this.#rule('register:phone', phone, w,
        l.registrationsPerKeyMax)]),
      ...(idNumber === null ? [] : [this.#rule('register:id', idNumber, w,
        l.registrationsPerKeyMax)]),
      this.#rule('register:address', address, w, l.registrationsPerAddressMax,
        { perAddress: true }),
    ], address);
  }

  /**
   * Before a buyer's write (order, lock, cancel, change): `rate_limited` past
   * buyerWritesPerAccountMax for the account or buyerWritesPerAddressMax for the address in
   * the window, counted in this process only (see the top of this file). Synchronous: no
   * database, no await on the order path.
   */
  buyerWrite(accountId: string, address: string): Refusal | null {
    if (this.mode === 'off') return null;
    const l = this.limits;
    const checks = this.#applying([
      this.#rule('write:account', accountId, l.buyerWriteWindowSeconds,
        l.buyerWritesPerAccountMax),
      this.#rule('write:address', address, l.buyerWriteWindowSeconds,
        l.buyerWritesPerAddressMax, { perAddress: true }),
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
export function clientAddress(socketAddress: string | undefined,
  forwardedFor: string | string[] | undefined, trustProxy: boolean): string {
  const plausible = (a: string | undefined): string =>
    (a !== undefined && /^[0-9A-Fa-f:.]{2,45}$/.test(a) ? a : '');
  if (trustProxy && forwardedFor !== undefined) {
    const all = (Array.isArray(forwardedFor) ? forwardedFor.join(',') : forwardedFor).split(',');
    const last = plausible(all[all.length - 1]?.trim());
    if (last !== '') return last;
  }
  return plausible(socketAddress);
}

/**
 * The eight groups of an IPv6 address, expanded ('::' filled) and in canonical hex (no leading
 * zeros, lower case); null for anything that is not an IPv6 address.
 */
export function ipv6Groups(address: string): string[] | null {
  if (isIP(address) !== 6) return null;
  const [head, tail] = address.toLowerCase().split('::') as [string, string | undefined];
  const h = head === '' ? [] : head.split(':');
  const t = tail === undefined || tail === '' ? [] : tail.split(':');
  const groups = tail === undefined ? h : [...h, ...Array<string>(8 - h.length - t.length)
    .fill('0'), ...t];
  return groups.map((g) => parseInt(g || '0', 16).toString(16));
}

/**
 * What a per-address limit counts an address as: an IPv4 address itself (also when written as
 * IPv4-mapped IPv6), an IPv6 address as its /64 (`2001:db8:1:2::/64`: one subscriber's
 * network, which a client can pick any address of), '' for unknown. Cheap for IPv4 (the order
 * path): no parsing without a ':'.
 */
export function addressKey(address: string): string {
  if (!address.includes(':')) return address;
  const mapped = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/i.exec(address);
  if (mapped) return mapped[1]!;
  const groups = ipv6Groups(address);
  return groups ? `${groups.slice(0, 4).join(':')}::/64` : address;
}
