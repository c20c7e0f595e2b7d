// Rate limits: how often one phone, identity number, account or network address may ask for
// something a bot would hammer. Each rule is a sliding window (sliding-window.ts) with its
// maximum in Limits (config.ts); a refusal is a 429 with Retry-After in seconds.
//
// Where they are counted:
// - sign-in codes and registrations: on the store (Store.hitRates), so every API process on one
//   PostgreSQL shares the count (one statement per request: these are not the hot path);
// - reads of a room's published draw: in this process's memory too (a public read);
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

  /**
   * Before a page of a room's published draw is read: `rate_limited` past
   * drawReadsPerAddressMax pages from `address` in the draw window, counted in this process's
   * memory (a public read must not cost a database write). The page itself is cheap (the draw
   * is hashed once and kept), but each is up to 100 KB, and anyone may ask at the opening.
   */
  drawRead(address: string): Refusal | null {
    const l = this.limits;
    const checks = this.#applying([this.#rule('draw_read:address', address,
      l.drawReadWindowSeconds, l.drawReadsPerAddressMax, { perAddress: true })], address);
    if (checks.length === 0) return null;
    const nowMs = this.clock.nowMs();
    return this.#verdict(checks, this.#local.hit(checks, nowMs), nowMs);
  }
}

/**
 * One address in one spelling, or null when `text` is not an address. An IPv4 address must be
 * dotted decimal without leading zeros (`010.77.1.1` is refused: inet_aton reads it as octal,
 * 8.77.1.1, other parsers as 10.77.1.1). An IPv6 address is written as RFC 5952 writes it
 * (lower case, no leading zeros, the longest run of zero groups as `::`), and one that embeds an
 * IPv4 address in its last 32 bits is that IPv4 address, in any spelling (EMBEDS_IPV4: mapped
 * `::ffff:a4d:101`, `0:0:0:0:0:ffff:10.77.1.1`; compatible `::10.77.1.1`; translated
 * `::ffff:0:10.77.1.1`; NAT64 `64:ff9b::10.77.1.1`). `::1` (loopback) and `::` stay as they are.
 * A zone (`%eth0`) is dropped. The parsing is Node's own, not ours:
 * `net.isIP`, then the WHATWG URL parser's IPv6 host (about 1.5 us; `net.SocketAddress` writes
 * the same but costs 10 us); a socket's address, already in this form, costs a regular
 * expression.
 */
export function canonicalAddress(text: string): string | null {
  const v = isIP(text);
  if (v === 4) return text;
  if (v !== 6) return null;
  // node writes a socket's IPv4 peer on a dual-stack listener so: the order path's case.
  const dotted = MAPPED_DOTTED.exec(text);
  if (dotted !== null && isIP(dotted[1]!) === 4) return dotted[1]!;
  const zone = text.indexOf('%');
  let host: string;
  try {
    host = new URL(`http://[${zone < 0 ? text : text.slice(0, zone)}]`).hostname.slice(1, -1);
  } catch {
    return null;
  }
  if (host === '::' || host === '::1') return host;
  const groups = ipv6Groups(host)!;
  if (!EMBEDS_IPV4.has(groups.slice(0, 6).join(':'))) return host;
  const high = parseInt(groups[6]!, 16);
  const low = parseInt(groups[7]!, 16);
  return `${high >> 8}.${high & 255}.${low >> 8}.${low & 255}`;
}

const MAPPED_DOTTED = /^::ffff:(\d{1,3}\.\d{1,3}\.\d{1,3}\.\d{1,3})$/;
/**
 * The /96 prefixes (their six groups, as ipv6Groups writes them) whose last 32 bits are an
 * IPv4 address, and whose address is counted as that IPv4 address: IPv4-mapped (`::ffff:0:0/96`,
 * RFC 4291 2.5.5.2: node's spelling of an IPv4 peer on a dual-stack socket), IPv4-compatible
 * (`::/96` but `::` and `::1`, RFC 4291 2.5.5.1, deprecated), IPv4-translated (`::ffff:0:0:0/96`,
 * RFC 2765) and NAT64's well-known prefix (`64:ff9b::/96`, RFC 6052: behind a stateless
 * translator, SIIT-DC, every IPv4 client arrives so). Each is one IPv4 host written as IPv6:
 * counted as IPv6 they all fell in one /64 and one /48 (`::/48` held the loopback and every
 * compatible address; a translator's whole IPv4 Internet shared `64:ff9b::/48`), and the same
 * host spelled two ways had two counts. As its IPv4 address it has the IPv4 rules, /24 groups and
 * all, the same whichever way it arrives.
 */
const EMBEDS_IPV4 = new Set(['0:0:0:0:0:ffff', '0:0:0:0:0:0', '0:0:0:0:ffff:0',
  '64:ff9b:0:0:0:0']);

/**
 * The client's network address, in one spelling (canonicalAddress): the socket's, or with a
 * trusted proxy in front the last address of X-Forwarded-For (the one the proxy itself saw;
 * earlier ones are the client's word). A last entry that is not an address (a port, brackets,
 * a leading zero, text) is not guessed at: the socket's address (the proxy's) is used instead,
 * so every such request counts under one address and none gets a count of its own. '' when
 * unknown.
 */
export function clientAddress(socketAddress: string | undefined,
  forwardedFor: string | string[] | undefined, trustProxy: boolean): string {
  if (trustProxy && forwardedFor !== undefined) {
    const all = Array.isArray(forwardedFor) ? forwardedFor.join(',') : forwardedFor;
    // Only the last entry is read, however long the header (its length is node:http's limit).
    const last = all.slice(all.lastIndexOf(',') + 1).trim();
    const address = last.length <= 45 ? canonicalAddress(last) : null;
    if (address !== null) return address;
  }
  return socketAddress === undefined ? '' : canonicalAddress(socketAddress) ?? '';
}

/**
 * The eight groups of an IPv6 address, expanded ('::' filled, a dotted IPv4 tail as its two
 * groups) and in canonical hex (no leading zeros, lower case); null for anything that is not
 * an IPv6 address.
 */
export function ipv6Groups(address: string): string[] | null {
  if (isIP(address) !== 6) return null;
  let text = address.toLowerCase();
  const zone = text.indexOf('%');
  if (zone >= 0) text = text.slice(0, zone);
  const dotted = /(\d+)\.(\d+)\.(\d+)\.(\d+)$/.exec(text);
  if (dotted !== null) {
    const [a, b, c, d] = dotted.slice(1).map(Number) as [number, number, number, number];
    text = `${text.slice(0, dotted.index)}${((a << 8) | b).toString(16)}:`
      + ((c << 8) | d).toString(16);
  }
  const [head, tail] = text.split('::') as [string, string | undefined];
  const h = head === '' ? [] : head.split(':');
  const t = tail === undefined || tail === '' ? [] : tail.split(':');
  const groups = tail === undefined ? h : [...h, ...Array<string>(8 - h.length - t.length)
    .fill('0'), ...t];
  return groups.map((g) => parseInt(g || '0', 16).toString(16));
}

/**
 * What a per-address limit counts an address as: an IPv4 address itself (also when written as
 * IPv6 embedding it: canonicalAddress), an IPv6 address as its /64 (`2001:db8:1:2::/64`: one
 * subscriber's network, which a client can pick any address of), '' for unknown. An address in
 * `::/64` (the loopback `::1`, `::`, the rest of the reserved `::/8` left after canonicalAddress)
 * counts as itself: no subscriber is given that /64, so it holds no one's addresses to gather,
 * and as a /64 the loopback shared its count with whatever else was written there. `address` as
 * clientAddress gives it, or a socket's; an IPv6 one in any spelling counts as one. Cheap for
 * IPv4 (the order path): no parsing without a ':'.
 */
export function addressKey(address: string): string {
  if (!address.includes(':')) return address;
  const one = canonicalAddress(address);
  if (one === null) return address;
  if (!one.includes(':')) return one;
  const prefix = ipv6Groups(one)!.slice(0, 4).join(':');
  return prefix === '0:0:0:0' ? one : `${prefix}::/64`;
}
