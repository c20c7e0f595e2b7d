import { newTimeOrderedId } from '../kernel/ids.js';
import { rows } from '../kernel/store/postgres-store.js';
import { DEFAULT_LANGUAGE, DELIVERY_STATES, queuedMessage, } from './notification.js';
import { attemptFromRow, INSERT_COLUMNS, insertValues, messageFromRow, UPDATE_COLUMNS, updateValues, } from './notification-row.js';
/** Each inserted column's array type, in INSERT_COLUMNS' order. */
const INSERT_TYPES = ['text', 'text', 'text', 'text', 'text', 'text', 'text', 'text', 'text',
    'text', 'int', 'int', 'bigint', 'bigint', 'bigint'];
const INSERT = `INSERT INTO notification_outbox (${INSERT_COLUMNS.join(', ')}) SELECT * FROM
  unnest(${INSERT_TYPES.map((t, i) => `$${i + 1}::${t}[]`).join(', ')})
  ON CONFLICT (dedup_key) DO NOTHING`;
/** Each updated column's array type, in UPDATE_COLUMNS' order, then the id's. */
const UPDATE_TYPES = ['text', 'int', 'int', 'bigint', 'text', 'text', 'bigint', 'bigint', 'bigint',
    'text'];
const UPDATE = `UPDATE notification_outbox o SET ${UPDATE_COLUMNS.map((c) => `${c} = u.${c}`)
    .join(', ')} FROM unnest(${UPDATE_TYPES.map((t, i) => `$${i + 1}::${t}[]`).join(', ')})
  AS u(${UPDATE_COLUMNS.join(', ')}, id) WHERE o.notification_id = u.id`;
class NotificationsPostgresTx {
    c;
    constructor(c) {
        this.c = c;
    }
    async enqueueNotifications(drafts, nowMs) {
        if (drafts.length === 0)
            return 0;
        const chosen = new Map((await rows(this.c, 'SELECT account_id, language FROM notification_languages WHERE account_id = ANY($1)', [[...new Set(drafts.map((d) => d.accountId))]])).map((r) => [r.account_id, r.language]));
        const values = drafts.map((d) => insertValues(queuedMessage(d, newTimeOrderedId('ntf', nowMs), chosen.get(d.accountId) ?? DEFAULT_LANGUAGE, 'sms', nowMs)));
        const r = await this.c.query(INSERT, INSERT_COLUMNS.map((_, i) => values.map((v) => v[i])));
        return r.rowCount ?? 0;
    }
    async dueNotifications(nowMs, limit) {
        return (await rows(this.c, "SELECT * FROM notification_outbox WHERE state IN ('queued', "
            + "'sending') AND due_at_ms <= $1 ORDER BY due_at_ms, notification_id LIMIT $2 "
            + 'FOR UPDATE SKIP LOCKED', [nowMs, limit])).map(messageFromRow);
    }
    async notificationsForUpdate(ids) {
        if (ids.length === 0)
            return [];
        // In id order, so two transactions locking overlapping sets never wait on each other.
        return (await rows(this.c, 'SELECT * FROM notification_outbox WHERE notification_id = '
            + 'ANY($1::text[]) ORDER BY notification_id FOR UPDATE', [[...ids]])).map(messageFromRow);
    }
    async updateNotifications(messages) {
        if (messages.length === 0)
            return;
        const values = messages.map(updateValues);
        await this.c.query(UPDATE, UPDATE_TYPES.map((_, i) => values.map((v) => v[i])));
    }
    async recordDeliveryAttempts(attempts) {
        if (attempts.length === 0)
            return;
        await this.c.query('INSERT INTO notification_attempts (notification_id, at_ms, outcome, '
            + 'detail) SELECT * FROM unnest($1::text[], $2::bigint[], $3::text[], $4::text[])', [attempts.map((a) => a.notificationId), attempts.map((a) => a.atMs),
            attempts.map((a) => a.outcome), attempts.map((a) => a.detail)]);
    }
    async setNotificationLanguage(accountId, language, nowMs) {
        await this.c.query('INSERT INTO notification_languages VALUES ($1, $2, $3) '
            + 'ON CONFLICT (account_id) DO UPDATE SET language = EXCLUDED.language, '
            + 'updated_at_ms = EXCLUDED.updated_at_ms', [accountId, language, nowMs]);
    }
}
class NotificationsPostgresReads {
    pool;
    constructor(pool) {
        this.pool = pool;
    }
    async anyNotificationDue(nowMs) {
        return (await rows(this.pool, "SELECT 1 FROM notification_outbox WHERE state IN ('queued', "
            + "'sending') AND due_at_ms <= $1 LIMIT 1", [nowMs])).length > 0;
    }
    async notificationsOfOrder(orderId, limit) {
        return (await rows(this.pool, 'SELECT * FROM notification_outbox WHERE order_id = $1 '
            + 'ORDER BY notification_id LIMIT $2', [orderId, limit])).map(messageFromRow);
    }
    async notifications(state, limit) {
        const found = state === null
            ? await rows(this.pool, 'SELECT * FROM notification_outbox ORDER BY notification_id DESC '
                + 'LIMIT $1', [limit])
            : await rows(this.pool, 'SELECT * FROM notification_outbox WHERE state = $1 '
                + 'ORDER BY notification_id DESC LIMIT $2', [state, limit]);
        return found.map(messageFromRow);
    }
    async notification(notificationId) {
        const [r] = await rows(this.pool, 'SELECT * FROM notification_outbox '
            + 'WHERE notification_id = $1', [notificationId]);
        return r ? messageFromRow(r) : null;
    }
    async notificationCounts() {
        const out = Object.fromEntries(DELIVERY_STATES.map((s) => [s, 0]));
        for (const r of await rows(this.pool, 'SELECT state, count(*) AS n FROM notification_outbox GROUP BY state')) {
            out[r.state] = Number(r.n);
        }
        return out;
    }
    async deliveryAttempts(notificationId, limit) {
        return (await rows(this.pool, 'SELECT * FROM notification_attempts WHERE notification_id = $1 '
            + 'ORDER BY attempt_id LIMIT $2', [notificationId, limit])).map(attemptFromRow);
    }
    async notificationLanguage(accountId) {
        const [r] = await rows(this.pool, 'SELECT language FROM '
            + 'notification_languages WHERE account_id = $1', [accountId]);
        return r?.language ?? DEFAULT_LANGUAGE;
    }
}
/** Notifications' part of the PostgreSQL store. */
export const notificationsPostgres = {
    name: 'notifications',
    writes: (c) => new NotificationsPostgresTx(c),
    reads: (pool) => new NotificationsPostgresReads(pool),
};
//# sourceMappingURL=notifications-postgres.js.map