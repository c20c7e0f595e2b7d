import { operatorFromRow, sessionFromRow } from './session-row.js';
import { rows } from '../kernel/store/postgres-store.js';
function accountFromRow(r) {
    if (!r)
        return null;
    return { accountId: String(r.account_id), phone: String(r.phone), name: String(r.name),
        idNumber: String(r.id_number), createdAtMs: Number(r.created_at_ms) };
}
class AccountsPostgresTx {
    c;
    constructor(c) {
        this.c = c;
    }
    async insertAccount(a, tokenHash) {
        await this.c.query('INSERT INTO accounts VALUES ($1, $2, $3, $4, $5)', [a.accountId, a.phone, a.name, a.idNumber, a.createdAtMs]);
        if (tokenHash !== null)
            await this.insertToken(tokenHash, a.accountId, a.createdAtMs);
    }
    async registered(phones, idNumbers) {
        const found = { phones: new Set(), idNumbers: new Set() };
        if (phones.length > 0) {
            for (const r of await rows(this.c, 'SELECT phone FROM accounts WHERE phone = ANY($1::text[])', [phones])) {
                found.phones.add(r.phone);
            }
        }
        if (idNumbers.length > 0) {
            for (const r of await rows(this.c, 'SELECT id_number FROM accounts WHERE id_number = ANY($1::text[])', [idNumbers])) {
                found.idNumbers.add(r.id_number);
            }
        }
        return found;
    }
    async insertToken(tokenHash, accountId, atMs) {
        await this.c.query('INSERT INTO tokens (token_hash, account_id, created_at_ms, '
            + 'last_seen_at_ms) VALUES ($1, $2, $3, $3)', [tokenHash, accountId, atMs]);
    }
    async touchSessions(tokenHashes, atMs) {
        if (tokenHashes.length === 0)
            return;
        await this.c.query('UPDATE tokens SET last_seen_at_ms = $1 WHERE token_hash = ANY($2::text[]) '
            + 'AND last_seen_at_ms < $1', [atMs, tokenHashes]);
    }
    async revokeSessions(accountId, tokenHashes, atMs) {
        const r = await rows(this.c, 'UPDATE tokens SET revoked_at_ms = $1 '
            + 'WHERE account_id = $2 AND revoked_at_ms IS NULL '
            + 'AND ($3::text[] IS NULL OR token_hash = ANY($3::text[])) RETURNING token_hash', [atMs, accountId, tokenHashes]);
        return r.map((x) => x.token_hash);
    }
    async putOperator(o) {
        await this.c.query('INSERT INTO operators VALUES ($1, $2, $3, $4) ON CONFLICT (name) '
            + 'DO UPDATE SET token_hash = EXCLUDED.token_hash', [o.name, o.tokenHash, o.createdAtMs, o.createdBy]);
    }
    async deleteOperator(name) {
        return ((await this.c.query('DELETE FROM operators WHERE name = $1', [name])).rowCount ?? 0)
            === 1;
    }
    async putCode(c) {
        await this.c.query('INSERT INTO one_time_codes VALUES ($1, $2, $3, $4) ON CONFLICT (phone) '
            + 'DO UPDATE SET code_hash = EXCLUDED.code_hash, expires_at_ms = EXCLUDED.expires_at_ms, '
            + 'attempts = EXCLUDED.attempts', [c.phone, c.codeHash, c.expiresAtMs, c.attempts]);
    }
    async getCode(phone) {
        // Locked for the transaction: the sign-in that reads the attempt count writes it back, and
        // parallel guesses must each see the ones before (read committed would let them all pass).
        const [r] = await rows(this.c, 'SELECT * FROM one_time_codes WHERE phone = $1 FOR UPDATE', [phone]);
        return r ? { phone, codeHash: String(r.code_hash), expiresAtMs: Number(r.expires_at_ms),
            attempts: Number(r.attempts) } : null;
    }
    async deleteCode(phone) {
        await this.c.query('DELETE FROM one_time_codes WHERE phone = $1', [phone]);
    }
}
class AccountsPostgresReads {
    pool;
    constructor(pool) {
        this.pool = pool;
    }
    async sessionByToken(tokenHash) {
        const [r] = await rows(this.pool, 'SELECT a.*, t.token_hash, t.created_at_ms AS t_created, '
            + 't.last_seen_at_ms, t.revoked_at_ms FROM tokens t JOIN accounts a USING (account_id) '
            + 'WHERE t.token_hash = $1', [tokenHash]);
        return r ? { session: sessionFromRow({ ...r, created_at_ms: r.t_created }),
            account: accountFromRow(r) } : null;
    }
    async sessionsOf(accountId, limit) {
        return (await rows(this.pool, 'SELECT * FROM tokens WHERE account_id = $1 '
            + 'AND revoked_at_ms IS NULL ORDER BY created_at_ms DESC, token_hash LIMIT $2', [accountId, limit])).map(sessionFromRow);
    }
    async operatorByToken(tokenHash) {
        const [r] = await rows(this.pool, 'SELECT * FROM operators WHERE token_hash = $1', [tokenHash]);
        return operatorFromRow(r);
    }
    async operators() {
        return (await rows(this.pool, 'SELECT * FROM operators ORDER BY name'))
            .map((r) => operatorFromRow(r));
    }
    accountByPhone(phone) {
        return this.#account('phone', phone);
    }
    accountByIdNumber(idNumber) {
        return this.#account('id_number', idNumber);
    }
    accountById(accountId) {
        return this.#account('account_id', accountId);
    }
    async #account(where, value) {
        const [r] = await rows(this.pool, `SELECT * FROM accounts WHERE ${where} = $1`, [value]);
        return accountFromRow(r);
    }
}
/** accounts' part of the PostgreSQL store. */
export const accountsPostgres = {
    name: 'accounts',
    writes: (c) => new AccountsPostgresTx(c),
    reads: (pool) => new AccountsPostgresReads(pool),
};
//# sourceMappingURL=accounts-postgres.js.map