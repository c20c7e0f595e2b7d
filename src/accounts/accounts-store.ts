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
   * Adds one to the store's count of revocations (kept in `meta`) and returns the new count: a
   * revocation's transaction calls it, so that every process learns of it from one small read
   * (`revocationCount`) instead of reading every cached session again (sessions.ts). Atomic:
   * two processes counting at once get two different counts.
   */
  countRevocation(): Promise<number>;
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
  /** The count `countRevocation` keeps; 0 before the first revocation. */
  revocationCount(): Promise<number>;
  accountByPhone(phone: string): Promise<Account | null>;
  accountByIdNumber(idNumber: string): Promise<Account | null>;
  accountById(accountId: string): Promise<Account | null>;
}

declare module '../kernel/store/store.js' {
  interface StoreTx extends AccountsTx {}
  interface Store extends AccountsReads {}
}
