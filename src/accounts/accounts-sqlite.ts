// Accounts' SQL on the embedded store (accounts-store.ts is the port it implements).
import type { Session } from './session.js';
import { operatorFromRow, sessionFromRow } from './session-row.js';
import type { Db, SqlitePart } from '../kernel/store/sqlite-store.js';
import {
  REVOKED_TOKENS_KEPT, revocationsAnswer, type Account, type AccountsReads, type AccountsTx,
  type OneTimeCode, type Operator, type RevocationsSince,
} from './accounts-store.js';

function accountFromRow(r: Record<string, unknown> | undefined): Account | null {
  if (!r) return null;
  return { accountId: String(r.account_id), phone: String(r.phone), name: String(r.name),
    idNumber: String(r.id_number), createdAtMs: Number(r.created_at_ms) };
}

/** The `meta` key of the count of revocations (countRevocation). */
const REVOCATIONS_KEY = 'session_revocations';

class AccountsSqliteTx implements AccountsTx {
  constructor(private readonly s: AccountsWrites) {}

  async insertAccount(a: Account, tokenHash: string | null): Promise<void> {
    this.s.insertAccount.run(a.accountId, a.phone, a.name, a.idNumber, a.createdAtMs);
    if (tokenHash !== null) {
      this.s.insertToken.run(tokenHash, a.accountId, a.createdAtMs, a.createdAtMs);
    }
  }

  async registered(phones: readonly string[], idNumbers: readonly string[]) {
    const found = { phones: new Set<string>(), idNumbers: new Set<string>() };
    for (const p of phones) if (this.s.phoneExists.get(p)) found.phones.add(p);
    for (const i of idNumbers) if (this.s.idNumberExists.get(i)) found.idNumbers.add(i);
    return found;
  }

  async insertToken(tokenHash: string, accountId: string, atMs: number): Promise<void> {
    this.s.insertToken.run(tokenHash, accountId, atMs, atMs);
  }

  async touchSessions(tokenHashes: readonly string[], atMs: number): Promise<void> {
    for (const h of tokenHashes) this.s.touchSession.run(atMs, h, atMs);
  }

  async revokeSessions(accountId: string, tokenHashes: readonly string[] | null, atMs: number):
    Promise<string[]> {
    if (tokenHashes === null) {
      return this.s.revokeAllSessions.pluck().all(atMs, accountId) as string[];
    }
    const out: string[] = [];
    for (const h of tokenHashes) {
      const r = this.s.revokeSession.pluck().get(atMs, h, accountId) as string | undefined;
      if (r !== undefined) out.push(r);
    }
    return out;
  }

  async countRevocation(tokenHashes: readonly string[]): Promise<number> {
    const n = Number(this.s.countRevocation.pluck().get());
    for (const h of tokenHashes) this.s.recordRevoked.run(n, h);
    this.s.dropRevoked.run(n - REVOKED_TOKENS_KEPT);
    return n;
  }

  async putOperator(o: Operator): Promise<void> {
    this.s.putOperator.run(o.name, o.tokenHash, o.createdAtMs, o.createdBy);
  }

  async deleteOperator(name: string): Promise<boolean> {
    return this.s.deleteOperator.run(name).changes === 1;
  }

  async putCode(c: OneTimeCode): Promise<void> {
    this.s.putCode.run(c.phone, c.codeHash, c.expiresAtMs, c.attempts);
  }

  async getCode(phone: string): Promise<OneTimeCode | null> {
    const r = this.s.getCode.get(phone) as Record<string, unknown> | undefined;
    return r ? { phone, codeHash: String(r.code_hash), expiresAtMs: Number(r.expires_at_ms),
      attempts: Number(r.attempts) } : null;
  }

  async deleteCode(phone: string): Promise<void> {
    this.s.deleteCode.run(phone);
  }
}

function prepareAccountsWrites(db: Db) {
  return {
    insertAccount: db.prepare('INSERT INTO accounts VALUES (?, ?, ?, ?, ?)'),
    insertToken: db.prepare('INSERT INTO tokens (token_hash, account_id, created_at_ms, '
      + 'last_seen_at_ms) VALUES (?, ?, ?, ?)'),
    touchSession: db.prepare('UPDATE tokens SET last_seen_at_ms = ? WHERE token_hash = ? '
      + 'AND last_seen_at_ms < ?'),
    revokeAllSessions: db.prepare('UPDATE tokens SET revoked_at_ms = ? WHERE account_id = ? '
      + 'AND revoked_at_ms IS NULL RETURNING token_hash'),
    revokeSession: db.prepare('UPDATE tokens SET revoked_at_ms = ? WHERE token_hash = ? '
      + 'AND account_id = ? AND revoked_at_ms IS NULL RETURNING token_hash'),
    putOperator: db.prepare('INSERT INTO operators VALUES (?, ?, ?, ?) ON CONFLICT (name) '
      + 'DO UPDATE SET token_hash = excluded.token_hash'),
    deleteOperator: db.prepare('DELETE FROM operators WHERE name = ?'),
    countRevocation: db.prepare(`INSERT INTO meta VALUES ('${REVOCATIONS_KEY}', '1') ON CONFLICT `
      + '(key) DO UPDATE SET value = CAST(CAST(value AS INTEGER) + 1 AS TEXT) RETURNING value'),
    recordRevoked: db.prepare('INSERT INTO revoked_tokens VALUES (?, ?) ON CONFLICT DO NOTHING'),
    dropRevoked: db.prepare('DELETE FROM revoked_tokens WHERE n <= ?'),
    phoneExists: db.prepare('SELECT 1 FROM accounts WHERE phone = ?'),
    idNumberExists: db.prepare('SELECT 1 FROM accounts WHERE id_number = ?'),
    putCode: db.prepare('INSERT OR REPLACE INTO one_time_codes VALUES (?, ?, ?, ?)'),
    getCode: db.prepare('SELECT * FROM one_time_codes WHERE phone = ?'),
    deleteCode: db.prepare('DELETE FROM one_time_codes WHERE phone = ?'),
  };
}
type AccountsWrites = ReturnType<typeof prepareAccountsWrites>;

class AccountsSqliteReads implements AccountsReads {
  readonly #r: ReturnType<typeof prepareAccountsReads>;

  constructor(db: Db) {
    this.#r = prepareAccountsReads(db);
  }

  async sessionsByTokens(tokenHashes: readonly string[]) {
    const rows = this.#r.sessionsByTokens.all(JSON.stringify(tokenHashes)) as
      Array<Record<string, unknown>>;
    return new Map(rows.map((r) => [String(r.token_hash), {
      session: sessionFromRow({ ...r, created_at_ms: r.t_created }), account: accountFromRow(r)! }]));
  }

  async sessionsOf(accountId: string, limit: number): Promise<Session[]> {
    return (this.#r.sessionsOf.all(accountId, limit) as Array<Record<string, unknown>>)
      .map(sessionFromRow);
  }

  async revocationsSince(afterCount: number): Promise<RevocationsSince> {
    // One read transaction: the count and the hashes as of one moment.
    return this.#r.snapshot(() => revocationsAnswer(
      Number(this.#r.revocationCount.pluck().get() ?? 0), afterCount,
      (after, upTo) => this.#r.revokedBetween.pluck().all(after, upTo) as string[]));
  }

  async operatorByToken(tokenHash: string): Promise<Operator | null> {
    return operatorFromRow(this.#r.operatorByToken.get(tokenHash) as Record<string, unknown>);
  }

  async operators(): Promise<Operator[]> {
    return (this.#r.operators.all() as Array<Record<string, unknown>>)
      .map((r) => operatorFromRow(r)!);
  }

  async accountByPhone(phone: string) {
    return accountFromRow(this.#r.accountByPhone.get(phone) as Record<string, unknown>);
  }

  async accountByIdNumber(idNumber: string) {
    return accountFromRow(this.#r.accountByIdNumber.get(idNumber) as Record<string, unknown>);
  }

  async accountById(accountId: string) {
    return accountFromRow(this.#r.accountById.get(accountId) as Record<string, unknown>);
  }
}

function prepareAccountsReads(db: Db) {
  return {
    sessionsByTokens: db.prepare('SELECT a.*, t.token_hash, t.created_at_ms AS t_created, '
      + 't.last_seen_at_ms, t.revoked_at_ms FROM tokens t JOIN accounts a USING (account_id) '
      + 'WHERE t.token_hash IN (SELECT value FROM json_each(?))'),
    sessionsOf: db.prepare('SELECT * FROM tokens WHERE account_id = ? AND revoked_at_ms IS NULL '
      + 'ORDER BY created_at_ms DESC, token_hash LIMIT ?'),
    operatorByToken: db.prepare('SELECT * FROM operators WHERE token_hash = ?'),
    revocationCount: db.prepare(`SELECT value FROM meta WHERE key = '${REVOCATIONS_KEY}'`),
    revokedBetween: db.prepare('SELECT token_hash FROM revoked_tokens WHERE n > ? AND n <= ?'),
    snapshot: <T>(fn: () => T): T => db.transaction(fn)(),
    operators: db.prepare('SELECT * FROM operators ORDER BY name'),
    accountByPhone: db.prepare('SELECT * FROM accounts WHERE phone = ?'),
    accountByIdNumber: db.prepare('SELECT * FROM accounts WHERE id_number = ?'),
    accountById: db.prepare('SELECT * FROM accounts WHERE account_id = ?'),
  };
}

/** accounts' part of the SQLite store: its statements, prepared once per connection. */
export const accountsSqlite: SqlitePart<AccountsTx, AccountsReads> = {
  name: 'accounts',
  writes: (db) => new AccountsSqliteTx(prepareAccountsWrites(db)),
  reads: (db) => new AccountsSqliteReads(db),
};
