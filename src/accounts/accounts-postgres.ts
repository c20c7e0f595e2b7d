// Accounts' SQL on the shared store (accounts-store.ts is the port it implements).
import type pg from 'pg';
import type { Session } from './session.js';
import { operatorFromRow, sessionFromRow } from './session-row.js';
import { rows, type PostgresPart, type Queryable } from '../kernel/store/postgres-store.js';
import {
  REVOKED_TOKENS_KEPT, revocationsAnswer, type Account, type AccountsReads, type AccountsTx,
  type OneTimeCode, type Operator, type RevocationsSince,
} from './accounts-store.js';

/** The `meta` key of the count of revocations (countRevocation). */
const REVOCATIONS_KEY = 'session_revocations';

function accountFromRow(r: Record<string, unknown> | undefined): Account | null {
  if (!r) return null;
  return { accountId: String(r.account_id), phone: String(r.phone), name: String(r.name),
    idNumber: String(r.id_number), createdAtMs: Number(r.created_at_ms) };
}

class AccountsPostgresTx implements AccountsTx {
  constructor(private readonly c: pg.PoolClient) {}

  async insertAccount(a: Account, tokenHash: string | null): Promise<void> {
    await this.c.query('INSERT INTO accounts VALUES ($1, $2, $3, $4, $5)',
      [a.accountId, a.phone, a.name, a.idNumber, a.createdAtMs]);
    if (tokenHash !== null) await this.insertToken(tokenHash, a.accountId, a.createdAtMs);
  }

  async registered(phones: readonly string[], idNumbers: readonly string[]) {
    const found = { phones: new Set<string>(), idNumbers: new Set<string>() };
    if (phones.length > 0) {
      for (const r of await rows<{ phone: string }>(this.c,
        'SELECT phone FROM accounts WHERE phone = ANY($1::text[])', [phones])) {
        found.phones.add(r.phone);
      }
    }
    if (idNumbers.length > 0) {
      for (const r of await rows<{ id_number: string }>(this.c,
        'SELECT id_number FROM accounts WHERE id_number = ANY($1::text[])', [idNumbers])) {
        found.idNumbers.add(r.id_number);
      }
    }
    return found;
  }

  async insertToken(tokenHash: string, accountId: string, atMs: number): Promise<void> {
    await this.c.query('INSERT INTO tokens (token_hash, account_id, created_at_ms, '
      + 'last_seen_at_ms) VALUES ($1, $2, $3, $3)', [tokenHash, accountId, atMs]);
  }

  async touchSessions(tokenHashes: readonly string[], atMs: number): Promise<void> {
    if (tokenHashes.length === 0) return;
    await this.c.query('UPDATE tokens SET last_seen_at_ms = $1 WHERE token_hash = ANY($2::text[]) '
      + 'AND last_seen_at_ms < $1', [atMs, tokenHashes]);
  }

  async revokeSessions(accountId: string, tokenHashes: readonly string[] | null, atMs: number):
    Promise<string[]> {
    const r = await rows<{ token_hash: string }>(this.c, 'UPDATE tokens SET revoked_at_ms = $1 '
      + 'WHERE account_id = $2 AND revoked_at_ms IS NULL '
      + 'AND ($3::text[] IS NULL OR token_hash = ANY($3::text[])) RETURNING token_hash',
    [atMs, accountId, tokenHashes]);
    return r.map((x) => x.token_hash);
  }

  async countRevocation(tokenHashes: readonly string[]): Promise<number> {
    // The count's row stays locked until this transaction ends: a later count waits for it,
    // so counts commit in their order and a reader that sees count n sees every hash up to n.
    const [r] = await rows<{ value: string }>(this.c, 'INSERT INTO meta VALUES ($1, \'1\') '
      + 'ON CONFLICT (key) DO UPDATE SET value = (meta.value::bigint + 1)::text RETURNING value',
    [REVOCATIONS_KEY]);
    const n = Number(r!.value);
    await this.c.query('INSERT INTO revoked_tokens SELECT $1, h FROM unnest($2::text[]) AS h '
      + 'ON CONFLICT DO NOTHING', [n, tokenHashes]);
    await this.c.query('DELETE FROM revoked_tokens WHERE n <= $1', [n - REVOKED_TOKENS_KEPT]);
    return n;
  }

  async putOperator(o: Operator): Promise<void> {
    await this.c.query('INSERT INTO operators VALUES ($1, $2, $3, $4) ON CONFLICT (name) '
      + 'DO UPDATE SET token_hash = EXCLUDED.token_hash',
    [o.name, o.tokenHash, o.createdAtMs, o.createdBy]);
  }

  async deleteOperator(name: string): Promise<boolean> {
    return ((await this.c.query('DELETE FROM operators WHERE name = $1', [name])).rowCount ?? 0)
      === 1;
  }

  async putCode(c: OneTimeCode): Promise<void> {
    await this.c.query('INSERT INTO one_time_codes VALUES ($1, $2, $3, $4) ON CONFLICT (phone) '
      + 'DO UPDATE SET code_hash = EXCLUDED.code_hash, expires_at_ms = EXCLUDED.expires_at_ms, '
      + 'attempts = EXCLUDED.attempts', [c.phone, c.codeHash, c.expiresAtMs, c.attempts]);
  }

  async getCode(phone: string): Promise<OneTimeCode | null> {
    // Locked for the transaction: the sign-in that reads the attempt count writes it back, and
    // parallel guesses must each see the ones before (read committed would let them all pass).
    const [r] = await rows(this.c, 'SELECT * FROM one_time_codes WHERE phone = $1 FOR UPDATE',
      [phone]);
    return r ? { phone, codeHash: String(r.code_hash), expiresAtMs: Number(r.expires_at_ms),
      attempts: Number(r.attempts) } : null;
  }

  async deleteCode(phone: string): Promise<void> {
    await this.c.query('DELETE FROM one_time_codes WHERE phone = $1', [phone]);
  }
}

class AccountsPostgresReads implements AccountsReads {
  constructor(private readonly pool: Queryable) {}

  async sessionsByTokens(tokenHashes: readonly string[]):
    Promise<Map<string, { session: Session; account: Account }>> {
    const found = await rows(this.pool, 'SELECT a.*, t.token_hash, t.created_at_ms AS t_created, '
      + 't.last_seen_at_ms, t.revoked_at_ms FROM tokens t JOIN accounts a USING (account_id) '
      + 'WHERE t.token_hash = ANY($1::text[])', [tokenHashes]);
    return new Map(found.map((r) => [String(r.token_hash), {
      session: sessionFromRow({ ...r, created_at_ms: r.t_created }), account: accountFromRow(r)! }]));
  }

  async sessionsOf(accountId: string, limit: number): Promise<Session[]> {
    return (await rows(this.pool, 'SELECT * FROM tokens WHERE account_id = $1 '
      + 'AND revoked_at_ms IS NULL ORDER BY created_at_ms DESC, token_hash LIMIT $2',
    [accountId, limit])).map(sessionFromRow);
  }

  async revocationsSince(afterCount: number): Promise<RevocationsSince> {
    // One statement, so one snapshot: the count and the hashes under it as of one moment.
    const [r] = await rows<{ count: string | null; hashes: string[] }>(this.pool,
      'SELECT m.count, (SELECT coalesce(array_agg(token_hash), \'{}\') FROM revoked_tokens '
      + 'WHERE n > $2 AND n <= coalesce(m.count, 0)) AS hashes FROM (SELECT (SELECT '
      + 'value::bigint FROM meta WHERE key = $1) AS count) m', [REVOCATIONS_KEY, afterCount]);
    return revocationsAnswer(Number(r?.count ?? 0), afterCount, () => r?.hashes ?? []);
  }

  async operatorByToken(tokenHash: string): Promise<Operator | null> {
    const [r] = await rows(this.pool, 'SELECT * FROM operators WHERE token_hash = $1',
      [tokenHash]);
    return operatorFromRow(r);
  }

  async operators(): Promise<Operator[]> {
    return (await rows(this.pool, 'SELECT * FROM operators ORDER BY name'))
      .map((r) => operatorFromRow(r)!);
  }

  accountByPhone(phone: string): Promise<Account | null> {
    return this.#account('phone', phone);
  }

  accountByIdNumber(idNumber: string): Promise<Account | null> {
    return this.#account('id_number', idNumber);
  }

  accountById(accountId: string): Promise<Account | null> {
    return this.#account('account_id', accountId);
  }

  async #account(where: string, value: string): Promise<Account | null> {
    const [r] = await rows(this.pool, `SELECT * FROM accounts WHERE ${where} = $1`, [value]);
    return accountFromRow(r);
  }
}

/** accounts' part of the PostgreSQL store. */
export const accountsPostgres: PostgresPart<AccountsTx, AccountsReads> = {
  name: 'accounts',
  writes: (c) => new AccountsPostgresTx(c),
  reads: (pool) => new AccountsPostgresReads(pool),
};
