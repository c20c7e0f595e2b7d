import { operatorFromRow, sessionFromRow } from './session-row.js';
function accountFromRow(r) {
    if (!r)
        return null;
    return { accountId: String(r.account_id), phone: String(r.phone), name: String(r.name),
        idNumber: String(r.id_number), createdAtMs: Number(r.created_at_ms) };
}
class AccountsSqliteTx {
    s;
    constructor(s) {
        this.s = s;
    }
    async insertAccount(a, tokenHash) {
        this.s.insertAccount.run(a.accountId, a.phone, a.name, a.idNumber, a.createdAtMs);
        if (tokenHash !== null) {
            this.s.insertToken.run(tokenHash, a.accountId, a.createdAtMs, a.createdAtMs);
        }
    }
    async registered(phones, idNumbers) {
        const found = { phones: new Set(), idNumbers: new Set() };
        for (const p of phones)
            if (this.s.phoneExists.get(p))
                found.phones.add(p);
        for (const i of idNumbers)
            if (this.s.idNumberExists.get(i))
                found.idNumbers.add(i);
        return found;
    }
    async insertToken(tokenHash, accountId, atMs) {
        this.s.insertToken.run(tokenHash, accountId, atMs, atMs);
    }
    async touchSessions(tokenHashes, atMs) {
        for (const h of tokenHashes)
            this.s.touchSession.run(atMs, h, atMs);
    }
    async revokeSessions(accountId, tokenHashes, atMs) {
        if (tokenHashes === null) {
            return this.s.revokeAllSessions.pluck().all(atMs, accountId);
        }
        const out = [];
        for (const h of tokenHashes) {
            const r = this.s.revokeSession.pluck().get(atMs, h, accountId);
            if (r !== undefined)
                out.push(r);
        }
        return out;
    }
    async putOperator(o) {
        this.s.putOperator.run(o.name, o.tokenHash, o.createdAtMs, o.createdBy);
    }
    async deleteOperator(name) {
        return this.s.deleteOperator.run(name).changes === 1;
    }
    async putCode(c) {
        this.s.putCode.run(c.phone, c.codeHash, c.expiresAtMs, c.attempts);
    }
    async getCode(phone) {
        const r = this.s.getCode.get(phone);
        return r ? { phone, codeHash: String(r.code_hash), expiresAtMs: Number(r.expires_at_ms),
            attempts: Number(r.attempts) } : null;
    }
    async deleteCode(phone) {
        this.s.deleteCode.run(phone);
    }
}
function prepareAccountsWrites(db) {
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
        phoneExists: db.prepare('SELECT 1 FROM accounts WHERE phone = ?'),
        idNumberExists: db.prepare('SELECT 1 FROM accounts WHERE id_number = ?'),
        putCode: db.prepare('INSERT OR REPLACE INTO one_time_codes VALUES (?, ?, ?, ?)'),
        getCode: db.prepare('SELECT * FROM one_time_codes WHERE phone = ?'),
        deleteCode: db.prepare('DELETE FROM one_time_codes WHERE phone = ?'),
    };
}
class AccountsSqliteReads {
    #r;
    constructor(db) {
        this.#r = prepareAccountsReads(db);
    }
    async sessionByToken(tokenHash) {
        const r = this.#r.sessionByToken.get(tokenHash);
        return r ? { session: sessionFromRow({ ...r, created_at_ms: r.t_created }),
            account: accountFromRow(r) } : null;
    }
    async sessionsOf(accountId, limit) {
        return this.#r.sessionsOf.all(accountId, limit)
            .map(sessionFromRow);
    }
    async operatorByToken(tokenHash) {
        return operatorFromRow(this.#r.operatorByToken.get(tokenHash));
    }
    async operators() {
        return this.#r.operators.all()
            .map((r) => operatorFromRow(r));
    }
    async accountByPhone(phone) {
        return accountFromRow(this.#r.accountByPhone.get(phone));
    }
    async accountByIdNumber(idNumber) {
        return accountFromRow(this.#r.accountByIdNumber.get(idNumber));
    }
    async accountById(accountId) {
        return accountFromRow(this.#r.accountById.get(accountId));
    }
}
function prepareAccountsReads(db) {
    return {
        sessionByToken: db.prepare('SELECT a.*, t.token_hash, t.created_at_ms AS t_created, '
            + 't.last_seen_at_ms, t.revoked_at_ms FROM tokens t JOIN accounts a USING (account_id) '
            + 'WHERE t.token_hash = ?'),
        sessionsOf: db.prepare('SELECT * FROM tokens WHERE account_id = ? AND revoked_at_ms IS NULL '
            + 'ORDER BY created_at_ms DESC, token_hash LIMIT ?'),
        operatorByToken: db.prepare('SELECT * FROM operators WHERE token_hash = ?'),
        operators: db.prepare('SELECT * FROM operators ORDER BY name'),
        accountByPhone: db.prepare('SELECT * FROM accounts WHERE phone = ?'),
        accountByIdNumber: db.prepare('SELECT * FROM accounts WHERE id_number = ?'),
        accountById: db.prepare('SELECT * FROM accounts WHERE account_id = ?'),
    };
}
/** accounts' part of the SQLite store: its statements, prepared once per connection. */
export const accountsSqlite = {
    name: 'accounts',
    writes: (db) => new AccountsSqliteTx(prepareAccountsWrites(db)),
    reads: (db) => new AccountsSqliteReads(db),
};
//# sourceMappingURL=accounts-sqlite.js.map