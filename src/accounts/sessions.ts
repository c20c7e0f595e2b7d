// Who is calling: buyers' sessions (sign-in by SMS code, expiry, sign-out, revocation) and named
// operators. Bearer tokens are random; the store keeps only their sha256. A token is looked up
// once and then cached in memory, keyed by the token itself, so the order path costs no hashing
// and no read.
//
// A buyer's cached session stays until a revocation reaches it. This process forgets the
// sessions it revokes itself at once. Every revocation also counts one in the store and
// records the token hashes it revoked under that count (countRevocation), and each process
// reads the count at most once per `sessionRevocationPollMs`: when it moved, the same read
// names the sessions revoked since, and only those are forgotten (every cached session, only
// when this process fell more than REVOKED_TOKENS_KEPT counts behind). So a sign-out anywhere
// takes effect everywhere within twice the poll interval, a sign-out costs other buyers
// nothing (forgetting every session at each one made every buyer's next request a read), and
// a buyer's requests cost no read in between (the re-check every 10 s this replaced read every
// buyer's session again at an opening: a quarter of the server's CPU in the drop race,
// docs/benchmarks.md). Expiry is decided from the cached session; an entry that looks ended is
// read again before it is refused (another process may have seen it used since). Operators'
// tokens are still re-read after `sessionRecheckSeconds`.
import { randomInt } from 'node:crypto';
import type { Clock } from '../kernel/clock.js';
import { isValidPhone } from './identity.js';
import { ok, refuse, type Result } from '../kernel/outcomes.js';
import {
  sessionEndsAtMs, sessionId, sessionState, type Session,
} from './session.js';
import type { Limits } from '../kernel/config.js';
import type { Store } from '../kernel/store/store.js';
import type { Account, Operator } from './accounts-store.js';
import { BatchRead } from '../kernel/batch-read.js';
import { newId, sha256 } from '../kernel/ids.js';
import type { SmsSender } from './sms.js';
import type { BatchWrite } from '../kernel/write/batch-handlers.js';

export type Caller =
  | { readonly role: 'buyer'; readonly account: Account; readonly tokenHash: string }
  | { readonly role: 'admin'; readonly actor: string; readonly operator: string;
      readonly tokenHash: string };

/** The operator created from LAUNCHDAY_ADMIN_TOKEN (or the token generated at first start). */
export const BOOTSTRAP_OPERATOR = 'admin';
/** How an operator appears in the audit log and in orders' histories. */
export const operatorActor = (name: string): string => `operator:${name}`;

const OPERATOR_NAME = /^[a-z][a-z0-9_-]{1,31}$/;
/** Sessions touched in one write at most; more wait for the next. */
const TOUCH_BATCH_MAX = 5_000;
/** How long touches gather before they are written together (ms). */
const TOUCH_FLUSH_MS = 1_000;
/**
 * How long a revoked token hash is remembered (ms): a read of its session begun before the
 * revocation was learned and answered later than this would be kept. Reads end long before
 * (their pool's and statement timeouts are seconds).
 */
const REVOKED_SEEN_KEPT_MS = 300_000;

interface Cached {
  readonly caller: Caller;
  /** The buyer's session as last read or touched; null for an operator. */
  session: Session | null;
  /** performance.now() of the last read from the store. */
  readonly checkedAt: number;
}

export interface SessionsDeps {
  readonly store: Store;
  readonly clock: Clock;
  readonly sms: SmsSender;
  readonly limits: Limits;
  /** Development only: a code request's reply carries the code (LAUNCHDAY_DEV_SHOW_CODES). */
  readonly showCodes: boolean;
  readonly log: (line: string) => void;
  /** Where the gathered last uses are written: the kernel's `writeInBatch` (not on the loop). */
  readonly write: BatchWrite;
}

/** A session as its owner sees it. */
export interface SessionView {
  readonly sessionId: string;
  readonly createdAtMs: number;
  readonly lastSeenAtMs: number;
  readonly endsAtMs: number;
  readonly current: boolean;
}

export class Sessions {
  readonly #cache = new Map<string, Cached>();
  /**
   * Sessions not in the cache, read for every request waiting for one in one query: at an
   * opening each buyer's first request misses the cache at once.
   */
  readonly #sessionReads: BatchRead<{ session: Session; account: Account }>;
  readonly #touches = new Map<string, number>();
  #touchTimer: NodeJS.Timeout | null = null;
  #flushing: Promise<void> = Promise.resolve();
  /** Codes asked for whose write and text are still under way (requestCode). */
  readonly #issuing = new Set<Promise<string | null>>();
  /** Buyers' entries checked (performance.now()) before this are read again on their next use. */
  #validFrom = 0;
  /** The cached token of each token hash, so that a revoked hash finds its entry. */
  readonly #tokenOf = new Map<string, string>();
  /**
   * Token hashes revoked lately and when this process learned of it (performance.now()): a
   * read of one begun before then may have missed the revocation, and is not kept.
   */
  readonly #revokedSeen = new Map<string, number>();
  /** The store's revocation count this process has accounted for; null before the first read. */
  #revocationsKnown: number | null = null;
  /** performance.now() when the last read of the count began, and when the last one that
   * succeeded began. */
  #pollStartedAt = -Infinity;
  #pollSucceededFrom = -Infinity;
  /** The read of the count under way, shared by every request that must wait for it. */
  #poll: Promise<void> | null = null;

  constructor(private readonly deps: SessionsDeps) {
    this.#sessionReads = new BatchRead((hashes) => deps.store.sessionsByTokens(hashes),
      deps.limits.sessionReadBatchMax);
    // The first read only learns the count; the first requests wait for it (pollRevocations).
    void this.#pollRevocations();
  }

  /** The caller a bearer token stands for, or null when it is unknown, expired or revoked. */
  async authenticate(token: string): Promise<Caller | null> {
    const limits = this.deps.limits;
    const stale = this.#pollRevocations();
    if (stale) await stale;
    let hit = this.#cache.get(token);
    if (hit && !this.#fresh(hit)) hit = undefined;
    const nowMs = this.deps.clock.nowMs();
    // Another process may have seen the session used since this entry was read: an entry that
    // looks ended is read again before the caller is refused.
    if (hit?.session && sessionState(hit.session, nowMs, limits) !== 'active') hit = undefined;
    hit ??= await this.#load(token);
    if (!hit) return null;
    if (hit.session) {
      if (sessionState(hit.session, nowMs, limits) !== 'active') {
        this.#cache.delete(token);
        this.#tokenOf.delete(hit.caller.tokenHash);
        return null;
      }
      // The last use is written once per sessionTouchSeconds, gathered over a second.
      if (nowMs - hit.session.lastSeenAtMs >= limits.sessionTouchSeconds * 1000) {
        hit.session = { ...hit.session, lastSeenAtMs: nowMs };
        this.#touch(hit.session.tokenHash, nowMs);
      }
    }
    return hit.caller;
  }

  /**
   * Whether a cached entry may be used: a buyer's until its revocation is learned (the entry is
   * then dropped), or until this process falls too far behind the revocations to be told which
   * (every entry read before is then read again); an operator's for `sessionRecheckSeconds`.
   */
  #fresh(e: Cached): boolean {
    if (e.caller.role === 'admin') {
      return performance.now() - e.checkedAt < this.deps.limits.sessionRecheckSeconds * 1000;
    }
    return e.checkedAt >= this.#validFrom;
  }

  /**
   * Reads the store's revocation count when the last read began `sessionRevocationPollMs` ago
   * or more. Returns the read for the caller to wait for only when no read begun within twice
   * that has succeeded (after a quiet spell, or at start): so no cached session is used more
   * than twice the interval after a revocation committed anywhere, and under load nobody waits.
   * When the store cannot be read, the cache is used as it is (nothing can be revoked then).
   */
  #pollRevocations(): Promise<void> | null {
    const pollMs = this.deps.limits.sessionRevocationPollMs;
    const now = performance.now();
    if (this.#poll === null && now - this.#pollStartedAt >= pollMs) {
      this.#pollStartedAt = now;
      // The first read only learns the count: nothing is cached before it.
      const after = this.#revocationsKnown ?? Number.MAX_SAFE_INTEGER;
      this.#poll = this.deps.store.revocationsSince(after)
        .then(({ count, tokenHashes }) => {
          // Dated on arrival, not when asked: a read of a session that ran between the two may
          // already have missed a revocation this answer names.
          const seenAt = performance.now();
          if (this.#revocationsKnown !== null) {
            if (tokenHashes === null) this.#validFrom = Math.max(this.#validFrom, seenAt);
            else for (const h of tokenHashes) this.#forgetRevoked(h, seenAt);
          }
          this.#revocationsKnown = Math.max(this.#revocationsKnown ?? 0, count);
          this.#pollSucceededFrom = now;
          for (const [h, at] of this.#revokedSeen) {
            if (at < seenAt - REVOKED_SEEN_KEPT_MS) this.#revokedSeen.delete(h);
          }
        }, (err: unknown) => this.deps.log(`sessions: revocations not read: ${String(err)}`))
        .finally(() => { this.#poll = null; });
    }
    return now - this.#pollSucceededFrom > 2 * pollMs ? this.#poll : null;
  }

  async #load(token: string): Promise<Cached | undefined> {
    const tokenHash = sha256(token);
    // The read's start, not its end, dates the entry: a revocation seen meanwhile drops it.
    let startedAt = performance.now();
    const found = await this.#sessionReads.get(tokenHash);
    // A read begun before this process learned the session was revoked (its own revocation,
    // or another's named by the count) may have missed it: its entry answers this request and
    // is read again at the next.
    if ((this.#revokedSeen.get(tokenHash) ?? -Infinity) >= startedAt) startedAt = -Infinity;
    if (found) {
      const pending = this.#touches.get(tokenHash) ?? 0;
      const session = pending > found.session.lastSeenAtMs
        ? { ...found.session, lastSeenAtMs: pending } : found.session;
      return this.#remember(token, { role: 'buyer', account: found.account, tokenHash }, session,
        startedAt);
    }
    const operator = await this.deps.store.operatorByToken(tokenHash);
    if (!operator) return undefined;
    return this.#remember(token, { role: 'admin', actor: operatorActor(operator.name),
      operator: operator.name, tokenHash }, null, startedAt);
  }

  /** The cache is bounded: it starts over when full (each token is then read once again). */
  #remember(token: string, caller: Caller, session: Session | null, checkedAt: number): Cached {
    if (this.#cache.size >= this.deps.limits.tokenCacheMax) {
      this.#cache.clear();
      this.#tokenOf.clear();
    }
    const entry: Cached = { caller, session, checkedAt };
    this.#cache.set(token, entry);
    this.#tokenOf.set(caller.tokenHash, token);
    return entry;
  }

  /**
   * Drops the cached entry of a revoked token hash, and keeps when this was learned. The hashes
   * kept are bounded like the cache: past it they are let go and every entry cached before is
   * read again instead (as when this process falls too far behind the revocations).
   */
  #forgetRevoked(tokenHash: string, seenAt: number): void {
    if (this.#revokedSeen.size >= this.deps.limits.tokenCacheMax) {
      this.#revokedSeen.clear();
      this.#validFrom = Math.max(this.#validFrom, seenAt);
    }
    this.#revokedSeen.set(tokenHash, seenAt);
    const token = this.#tokenOf.get(tokenHash);
    if (token === undefined) return;
    this.#tokenOf.delete(tokenHash);
    const e = this.#cache.get(token);
    if (e?.caller.role === 'buyer') this.#cache.delete(token);
  }

  /** A new session for `account`: the token and the hash to store. */
  newToken(): { token: string; tokenHash: string } {
    const token = newId('ldt');
    return { token, tokenHash: sha256(token) };
  }

  /** Caches a session just written, so the buyer's next request costs no read. */
  rememberNew(token: string, account: Account, atMs: number): void {
    const tokenHash = sha256(token);
    // Nobody can have revoked a session before it was written: it is dated now.
    this.#remember(token, { role: 'buyer', account, tokenHash },
      { tokenHash, accountId: account.accountId, createdAtMs: atMs, lastSeenAtMs: atMs,
        revokedAtMs: null }, performance.now());
  }

  #touch(tokenHash: string, atMs: number): void {
    this.#touches.set(tokenHash, atMs);
    if (this.#touchTimer === null) {
      this.#touchTimer = setTimeout(() => void this.flushTouches(), TOUCH_FLUSH_MS);
      this.#touchTimer.unref();
    }
  }

  /** Writes the gathered last uses; a failed write is logged and only ends idle sessions early. */
  flushTouches(): Promise<void> {
    if (this.#touchTimer !== null) clearTimeout(this.#touchTimer);
    this.#touchTimer = null;
    this.#flushing = this.#flushing.then(async () => {
      while (this.#touches.size > 0) {
        const hashes = [...this.#touches.keys()].slice(0, TOUCH_BATCH_MAX);
        const atMs = Math.max(...hashes.map((h) => this.#touches.get(h)!));
        for (const h of hashes) this.#touches.delete(h);
        try {
          await this.deps.write('touchSessions', hashes, atMs);
        } catch (err) {
          this.deps.log(`sessions: last use of ${hashes.length} not written: ${String(err)}`);
          return;
        }
      }
    });
    return this.#flushing;
  }

  // ---------- sign-in by code ----------

  /**
   * Texts a sign-in code to the phone if it is registered. Answered alike for every valid
   * phone, registered or not, and at once: the look-up, the code's write and the text happen
   * after the reply, so that neither the reply nor its timing tells who has an account (a
   * registered phone took a write longer). The code is in the reply only in the development
   * setting, which waits for it. Refuses `invalid_phone`.
   */
  async requestCode(phone: string): Promise<Result<{ code: string | null }>> {
    if (!isValidPhone(phone)) return refuse('invalid_phone');
    const issued = this.#issueCode(phone);
    this.#issuing.add(issued);
    void issued.finally(() => this.#issuing.delete(issued)).catch(() => undefined);
    if (this.deps.showCodes) return ok({ code: await issued });
    // A failure (the store or the provider away) is logged; the buyer asks for another code.
    issued.catch((err) => this.deps.log(`sign-in code for ${phone.slice(0, 3)}****${
      phone.slice(-4)} not issued: ${String(err)}`));
    return ok({ code: null });
  }

  /**
   * Settles once every code asked for so far has been written and handed to the sender: for
   * closing cleanly, and for tests that read the sandbox's texts.
   */
  async codesIssued(): Promise<void> {
    await Promise.allSettled([...this.#issuing]);
  }

  /** Writes and texts a new code for a registered phone; null for an unknown one. */
  async #issueCode(phone: string): Promise<string | null> {
    if (!(await this.deps.store.accountByPhone(phone))) return null;
    const code = String(randomInt(0, 1_000_000)).padStart(6, '0');
    const ttl = this.deps.limits.codeTtlSeconds;
    const nowMs = this.deps.clock.nowMs();
    const expiresAtMs = nowMs + ttl * 1000;
    await this.deps.store.transaction(async (tx) => {
      // Wrong attempts carry over to a new code while the old one is still valid: otherwise
      // asking again would give five more guesses each time, without end.
      const before = await tx.getCode(phone);
      const attempts = before && before.expiresAtMs > nowMs ? before.attempts : 0;
      await tx.putCode({ phone, codeHash: sha256(`${phone}:${code}`), expiresAtMs, attempts });
    });
    // Not waited for either: a slow provider must not hold anything up.
    this.deps.sms.send(phone, `launchday: your code is ${code}; it expires in ${
      Math.round(ttl / 60)} minutes.`).catch((err) =>
      this.deps.log(`sms: code for ${phone.slice(0, 3)}****${phone.slice(-4)} not sent: ${
        String(err)}`));
    return code;
  }

  /**
   * Exchanges a code for a new session; other sessions stay. Refuses `invalid_phone`,
   * `code_invalid` (also for an unknown phone), `too_many_attempts`.
   */
  async signIn(phone: string, code: string): Promise<Result<{ account: Account; token: string }>> {
    if (!isValidPhone(phone)) return refuse('invalid_phone');
    const account = await this.deps.store.accountByPhone(phone);
    const nowMs = this.deps.clock.nowMs();
    const { token, tokenHash } = this.newToken();
    const outcome = await this.deps.store.transaction(async (tx): Promise<Result<null>> => {
      const stored = await tx.getCode(phone);
      if (!account || !stored || stored.expiresAtMs <= nowMs) return refuse('code_invalid');
      if (stored.attempts >= this.deps.limits.codeAttemptsMax) return refuse('too_many_attempts');
      if (stored.codeHash !== sha256(`${phone}:${code}`)) {
        await tx.putCode({ ...stored, attempts: stored.attempts + 1 });
        return refuse('code_invalid');
      }
      await tx.deleteCode(phone);
      await tx.insertToken(tokenHash, account.accountId, nowMs);
      return ok(null);
    });
    if (!outcome.ok) return outcome;
    this.rememberNew(token, account!, nowMs);
    return ok({ account: account!, token });
  }

  // ---------- listing and revoking ----------

  /** The account's sessions that may still be used, newest first. */
  async list(accountId: string, currentHash: string | null): Promise<SessionView[]> {
    const nowMs = this.deps.clock.nowMs();
    const limits = this.deps.limits;
    const sessions = await this.deps.store.sessionsOf(accountId, limits.sessionsListMax);
    return sessions.filter((s) => sessionState(s, nowMs, limits) === 'active').map((s) => ({
      sessionId: sessionId(s.tokenHash), createdAtMs: s.createdAtMs,
      lastSeenAtMs: Math.max(s.lastSeenAtMs, this.#touches.get(s.tokenHash) ?? 0),
      endsAtMs: sessionEndsAtMs(s, limits), current: s.tokenHash === currentHash,
    }));
  }

  /**
   * Revokes sessions of an account: the one of `tokenHash`, the one whose id is `sessionId`, or
   * all (`which` = 'all'). An operator's revocation is written to the audit log, with its reason,
   * in the same transaction. Returns how many were revoked; refuses `session_not_found` when a
   * named one is not among the account's.
   */
  async revoke(accountId: string, which: { tokenHash: string } | { sessionId: string } | 'all',
    by: { actor: string; reason: string } | null): Promise<Result<{ revoked: number }>> {
    let hashes: string[] | null = null;
    if (which !== 'all' && 'tokenHash' in which) hashes = [which.tokenHash];
    if (which !== 'all' && 'sessionId' in which) {
      const all = await this.deps.store.sessionsOf(accountId, this.deps.limits.sessionsListMax);
      const s = all.find((x) => sessionId(x.tokenHash) === which.sessionId);
      if (!s) return refuse('session_not_found');
      hashes = [s.tokenHash];
    }
    const atMs = this.deps.clock.nowMs();
    const revoked = await this.deps.store.transaction(async (tx) => {
      const done = await tx.revokeSessions(accountId, hashes, atMs);
      if (by) {
        await tx.appendAudit({ atMs, actor: by.actor, action: 'sessions_revoked',
          detail: { account_id: accountId, revoked: done.length, reason: by.reason } });
      }
      if (done.length > 0) await tx.countRevocation(done);
      return done;
    });
    const seenAt = performance.now();
    for (const h of revoked) this.#forgetRevoked(h, seenAt);
    return ok({ revoked: revoked.length });
  }

  // ---------- operators ----------

  /**
   * Makes sure the bootstrap operator `admin` exists. A configured token (LAUNCHDAY_ADMIN_TOKEN)
   * becomes admin's when it differs from the one applied last time, so a rotation survives a
   * restart until the configuration itself changes. Without one, the first start generates a
   * token (returned, to be printed once); later starts return null.
   */
  async bootstrap(configured: string | null, legacy: string | null):
    Promise<{ token: string | null; generated: boolean }> {
    const store = this.deps.store;
    const applied = await store.meta('admin_bootstrap_hash');
    const token = configured ?? (applied === null ? legacy || newId('ldadmin') : null);
    if (token === null) return { token: null, generated: false };
    const hash = sha256(token);
    if (hash === applied) return { token, generated: false };
    await store.transaction(async (tx) => {
      await tx.putOperator({ name: BOOTSTRAP_OPERATOR, tokenHash: hash,
        createdAtMs: this.deps.clock.nowMs(), createdBy: 'bootstrap' });
      await tx.setMeta('admin_bootstrap_hash', hash);
      // Before named operators the token itself was kept here; only its hash is kept now.
      if (legacy) await tx.setMeta('admin_token', '');
    });
    this.#forget(BOOTSTRAP_OPERATOR);
    return { token, generated: configured === null && !legacy };
  }

  /**
   * Whether the operator's token is still its own in the store, read now, not from the cache:
   * an operator removed or rotated through another process would otherwise keep, until this
   * process re-checks, the power to rotate the others (taking their place) or make new ones.
   */
  async stillOperator(caller: Extract<Caller, { role: 'admin' }>): Promise<boolean> {
    const found = await this.deps.store.operatorByToken(caller.tokenHash);
    if (found?.name === caller.operator) return true;
    this.#forget(caller.operator);
    return false;
  }

  async operators(): Promise<Operator[]> {
    return this.deps.store.operators();
  }

  /** A new operator and its token (shown once). Refuses `invalid_request`, `operator_exists`. */
  async createOperator(name: string, by: string): Promise<Result<{ token: string }>> {
    if (!OPERATOR_NAME.test(name)) {
      return refuse('invalid_request',
        '"name" must be 2-32 lower-case letters, digits, - or _, starting with a letter.');
    }
    const existing = await this.deps.store.operators();
    if (existing.some((o) => o.name === name)) return refuse('operator_exists');
    if (existing.length >= this.deps.limits.operatorsMax) {
      return refuse('invalid_request', `At most ${this.deps.limits.operatorsMax} operators.`);
    }
    return this.#issue(name, by, 'operator_created');
  }

  /** A new token for the operator; the old one stops working. Refuses `operator_not_found`. */
  async rotateOperator(name: string, by: string): Promise<Result<{ token: string }>> {
    if (!(await this.deps.store.operators()).some((o) => o.name === name)) {
      return refuse('operator_not_found');
    }
    return this.#issue(name, by, 'operator_rotated');
  }

  async #issue(name: string, by: string, action: string): Promise<Result<{ token: string }>> {
    const token = newId('ldop');
    const atMs = this.deps.clock.nowMs();
    await this.deps.store.transaction(async (tx) => {
      await tx.putOperator({ name, tokenHash: sha256(token), createdAtMs: atMs, createdBy: by });
      await tx.appendAudit({ atMs, actor: by, action, detail: { operator: name } });
    });
    this.#forget(name);
    return ok({ token });
  }

  /**
   * Removes an operator. Refuses `operator_not_found`, and `invalid_request` for oneself, so
   * that there is always an operator left who can create others.
   */
  async removeOperator(name: string, by: { actor: string; operator: string }):
    Promise<Result<null>> {
    if (name === by.operator) {
      return refuse('invalid_request', 'An operator cannot remove itself; ask another one.');
    }
    const atMs = this.deps.clock.nowMs();
    const removed = await this.deps.store.transaction(async (tx) => {
      const done = await tx.deleteOperator(name);
      if (done) {
        await tx.appendAudit({ atMs, actor: by.actor, action: 'operator_removed',
          detail: { operator: name } });
      }
      return done;
    });
    this.#forget(name);
    return removed ? ok(null) : refuse('operator_not_found');
  }

  #forget(operator: string): void {
    for (const [token, e] of this.#cache) {
      if (e.caller.role === 'admin' && e.caller.operator === operator) {
        this.#cache.delete(token);
        this.#tokenOf.delete(e.caller.tokenHash);
      }
    }
  }
}
