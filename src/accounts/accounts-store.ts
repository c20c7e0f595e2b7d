// Accounts' part of the storage port: accounts, sessions, sign-in codes, operators. Both adapters
// implement it (accounts-sqlite.ts, accounts-postgres.ts) and pass its contract (accounts-
// store.contract.ts). The composed Store and StoreTx (kernel/store/store.ts) take these methods by
// declaration merging.
import type { Session } from './session.js';

export interface Account {
  readonly accountId: string;
  readonly phone: string;
  readonly name: string;
  readonly idNumber: string;
  readonly createdAtMs: number;
}

export interface OneTimeCode {
  readonly phone: string;
  readonly codeHash: string;
  readonly expiresAtMs: number;
  readonly attempts: number;
}

/** A named operator; the token is shown once, at creation or rotation, and only hashed here. */
export interface Operator {
  readonly name: string;
  readonly tokenHash: string;
  readonly createdAtMs: number;
  /** The operator who created it, or `bootstrap` for `admin`. */
  readonly createdBy: string;
}

/** Accounts' reads and writes inside one transaction (see StoreTx). */
export interface AccountsTx {
  /** The account, with a first session when `tokenHash` is given (an import gives none). */
  insertAccount(account: Account, tokenHash: string | null): Promise<void>;
  /** Which of these phones and identity numbers are registered already. */
  registered(phones: readonly string[], idNumbers: readonly string[]):
    Promise<{ phones: Set<string>; idNumbers: Set<string> }>;
  /** A new session, last seen at `atMs`. */
  insertToken(tokenHash: string, accountId: string, atMs: number): Promise<void>;
  /** Moves the sessions' last use forward to `atMs` (never back); revoked ones stay revoked. */
  touchSessions(tokenHashes: readonly string[], atMs: number): Promise<void>;
  /**
   * Revokes the account's sessions still unrevoked: those named (token hashes), or all when
   * `tokenHashes` is null. Returns the hashes revoked.
   */
  revokeSessions(accountId: string, tokenHashes: readonly string[] | null, atMs: number):
    Promise<string[]>;
  /**
   * Adds one to the store's count of revocations (kept in `meta`), records `tokenHashes` under
   * the new count and returns it: a revocation's transaction calls it, so that every process
   * learns which sessions to forget from one small read (`revocationsSince`) instead of reading
   * every cached session again (sessions.ts). Atomic: two processes counting at once get two
   * different counts, and the count's row lock makes counts commit in their order. The hashes
   * of counts more than REVOKED_TOKENS_KEPT behind are dropped.
   */
  countRevocation(tokenHashes: readonly string[]): Promise<number>;
  /** Creates the operator, or replaces its token (rotation) when the name exists. */
  putOperator(operator: Operator): Promise<void>;
  /** False when there was no such operator. */
  deleteOperator(name: string): Promise<boolean>;
  putCode(code: OneTimeCode): Promise<void>;
  getCode(phone: string): Promise<OneTimeCode | null>;
  deleteCode(phone: string): Promise<void>;
}

/** Accounts' reads of committed data (see Store). */
export interface AccountsReads {
  /**
   * The session of each token hash and its account, revoked or expired ones too, in one read;
   * hashes not found are absent.
   */
  sessionsByTokens(tokenHashes: readonly string[]):
    Promise<Map<string, { session: Session; account: Account }>>;
  /** The account's sessions not revoked, newest first. */
  sessionsOf(accountId: string, limit: number): Promise<Session[]>;
  operatorByToken(tokenHash: string): Promise<Operator | null>;
  operators(): Promise<Operator[]>;
  /**
   * The count `countRevocation` keeps (0 before the first revocation) and the token hashes
   * recorded under the counts after `afterCount` up to it, read as of one moment; `tokenHashes`
   * is null when some of those were dropped already (more than REVOKED_TOKENS_KEPT behind):
   * the caller must then forget every session it holds.
   */
  revocationsSince(afterCount: number): Promise<RevocationsSince>;
  accountByPhone(phone: string): Promise<Account | null>;
  accountByIdNumber(idNumber: string): Promise<Account | null>;
  accountById(accountId: string): Promise<Account | null>;
}

declare module '../kernel/store/store.js' {
  interface StoreTx extends AccountsTx {}
  interface Store extends AccountsReads {}
}

/** What `revocationsSince` answers. */
export interface RevocationsSince {
  readonly count: number;
  readonly tokenHashes: readonly string[] | null;
}

/**
 * How many of the latest revocation counts keep their token hashes (revoked_tokens): a process
 * that polls once a second falls that far behind only after 10,000 revocations in a second.
 */
export const REVOKED_TOKENS_KEPT = 10_000;

/**
 * `revocationsSince`'s answer from the count read and a reader of the hashes recorded under
 * counts in (after, count] (called only when they are wanted), both adapters' one rule:
 * nothing to read when the count has not moved, null when the hashes wanted may have been
 * dropped already.
 */
export function revocationsAnswer(count: number, afterCount: number,
  hashesBetween: (after: number, upTo: number) => string[]): RevocationsSince {
  if (count <= afterCount) return { count, tokenHashes: [] };
  if (afterCount < count - REVOKED_TOKENS_KEPT) return { count, tokenHashes: null };
  return { count, tokenHashes: hashesBetween(afterCount, count) };
}
