// Notifications' SQL on the embedded store (notifications-store.ts is the port it implements).
// One process writes SQLite, one transaction at a time, so a claim needs no row locks.
import { newTimeOrderedId } from '../kernel/ids.js';
import { DEFAULT_LANGUAGE, DELIVERY_STATES, queuedMessage, } from './notification.js';
import { attemptFromRow, INSERT_COLUMNS, insertValues, messageFromRow, UPDATE_COLUMNS, updateValues, } from './notification-row.js';
function prepareWrites(db) {
    return {
        language: db.prepare('SELECT language FROM notification_languages WHERE account_id = ?')
            .pluck(),
        insert: db.prepare(`INSERT INTO notification_outbox (${INSERT_COLUMNS.join(', ')}) VALUES (${INSERT_COLUMNS.map(() => '?').join(', ')}) ON CONFLICT (dedup_key) DO NOTHING`),
        due: db.prepare("SELECT * FROM notification_outbox WHERE state IN ('queued', 'sending') "
            + 'AND due_at_ms <= ? ORDER BY due_at_ms, notification_id LIMIT ?'),
        byId: db.prepare('SELECT * FROM notification_outbox WHERE notification_id = ?'),
        update: db.prepare(`UPDATE notification_outbox SET ${UPDATE_COLUMNS.map((c) => `${c} = ?`)
            .join(', ')} WHERE notification_id = ?`),
        attempt: db.prepare('INSERT INTO notification_attempts (notification_id, at_ms, outcome, '
            + 'detail) VALUES (?, ?, ?, ?)'),
        setLanguage: db.prepare('INSERT INTO notification_languages VALUES (?, ?, ?) '
            + 'ON CONFLICT (account_id) DO UPDATE SET language = excluded.language, '
            + 'updated_at_ms = excluded.updated_at_ms'),
    };
}
class NotificationsSqliteTx {
    s;
    constructor(s) {
        this.s = s;
    }
    async enqueueNotifications(drafts, nowMs) {
        let queued = 0;
        for (const d of drafts) {
            const lang = this.s.language.get(d.accountId) ?? DEFAULT_LANGUAGE;
            const m = queuedMessage(d, newTimeOrderedId('ntf', nowMs), lang, 'sms', nowMs);
            queued += this.s.insert.run(...insertValues(m)).changes;
        }
        return queued;
    }
    async dueNotifications(nowMs, limit) {
        return this.s.due.all(nowMs, limit).map(messageFromRow);
    }
    async notificationsForUpdate(ids) {
        return ids.flatMap((id) => {
            const r = this.s.byId.get(id);
            return r ? [messageFromRow(r)] : [];
        });
    }
    async updateNotifications(messages) {
        for (const m of messages)
            this.s.update.run(...updateValues(m));
    }
    async recordDeliveryAttempts(attempts) {
        for (const a of attempts)
            this.s.attempt.run(a.notificationId, a.atMs, a.outcome, a.detail);
    }
    async setNotificationLanguage(accountId, language, nowMs) {
        this.s.setLanguage.run(accountId, language, nowMs);
    }
}
function prepareReads(db) {
    return {
        anyDue: db.prepare("SELECT 1 FROM notification_outbox WHERE state IN ('queued', 'sending') "
            + 'AND due_at_ms <= ? LIMIT 1').pluck(),
        ofOrder: db.prepare('SELECT * FROM notification_outbox WHERE order_id = ? '
            + 'ORDER BY notification_id LIMIT ?'),
        all: db.prepare('SELECT * FROM notification_outbox ORDER BY notification_id DESC LIMIT ?'),
        inState: db.prepare('SELECT * FROM notification_outbox WHERE state = ? '
            + 'ORDER BY notification_id DESC LIMIT ?'),
        byId: db.prepare('SELECT * FROM notification_outbox WHERE notification_id = ?'),
        counts: db.prepare('SELECT state, count(*) AS n FROM notification_outbox GROUP BY state'),
        attempts: db.prepare('SELECT * FROM notification_attempts WHERE notification_id = ? '
            + 'ORDER BY attempt_id LIMIT ?'),
        language: db.prepare('SELECT language FROM notification_languages WHERE account_id = ?')
            .pluck(),
    };
}
class NotificationsSqliteReads {
    #r;
    constructor(db) {
        this.#r = prepareReads(db);
    }
    async anyNotificationDue(nowMs) {
        return this.#r.anyDue.get(nowMs) !== undefined;
    }
    async notificationsOfOrder(orderId, limit) {
        return this.#r.ofOrder.all(orderId, limit).map(messageFromRow);
    }
    async notifications(state, limit) {
        const found = state === null ? this.#r.all.all(limit) : this.#r.inState.all(state, limit);
        return found.map(messageFromRow);
    }
    async notification(notificationId) {
        const r = this.#r.byId.get(notificationId);
        return r ? messageFromRow(r) : null;
    }
    async notificationCounts() {
        const out = Object.fromEntries(DELIVERY_STATES.map((s) => [s, 0]));
        for (const r of this.#r.counts.all())
            out[r.state] = Number(r.n);
        return out;
    }
    async deliveryAttempts(notificationId, limit) {
        return this.#r.attempts.all(notificationId, limit).map(attemptFromRow);
    }
    async notificationLanguage(accountId) {
        return this.#r.language.get(accountId) ?? DEFAULT_LANGUAGE;
    }
}
/** Notifications' part of the SQLite store: its statements, prepared once per connection. */
export const notificationsSqlite = {
    name: 'notifications',
    writes: (db) => new NotificationsSqliteTx(prepareWrites(db)),
    reads: (db) => new NotificationsSqliteReads(db),
};
//# sourceMappingURL=notifications-sqlite.js.map