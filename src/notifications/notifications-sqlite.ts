// Notifications' SQL on the embedded store (notifications-store.ts is the port it implements).
// One process writes SQLite, one transaction at a time, so a claim needs no row locks.
import { newTimeOrderedId } from '../kernel/ids.js';
import type { Db, SqlitePart } from '../kernel/store/sqlite-store.js';
import {
  DEFAULT_LANGUAGE, DELIVERY_STATES, queuedMessage, type DeliveryAttempt, type DeliveryState,
  type Language, type NotificationDraft, type OutboxMessage,
} from './notification.js';
import {
  attemptFromRow, INSERT_COLUMNS, insertValues, messageFromRow, UPDATE_COLUMNS, updateValues,
} from './notification-row.js';
import type { NotificationsReads, NotificationsTx } from './notifications-store.js';

type Row = Record<string, unknown>;

function prepareWrites(db: Db) {
  return {
    language: db.prepare('SELECT language FROM notification_languages WHERE account_id = ?')
      .pluck(),
    insert: db.prepare(`INSERT INTO notification_outbox (${INSERT_COLUMNS.join(', ')}) VALUES (${
      INSERT_COLUMNS.map(() => '?').join(', ')}) ON CONFLICT (dedup_key) DO NOTHING`),
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

class NotificationsSqliteTx implements NotificationsTx {
  constructor(private readonly s: ReturnType<typeof prepareWrites>) {}

  async enqueueNotifications(drafts: readonly NotificationDraft[], nowMs: number):
    Promise<number> {
    let queued = 0;
    for (const d of drafts) {
      const lang = (this.s.language.get(d.accountId) as Language | undefined) ?? DEFAULT_LANGUAGE;
      const m = queuedMessage(d, newTimeOrderedId('ntf', nowMs), lang, 'sms', nowMs);
      queued += this.s.insert.run(...insertValues(m)).changes;
    }
    return queued;
  }

  async dueNotifications(nowMs: number, limit: number): Promise<OutboxMessage[]> {
    return (this.s.due.all(nowMs, limit) as Row[]).map(messageFromRow);
  }

  async notificationsForUpdate(ids: readonly string[]): Promise<OutboxMessage[]> {
    return ids.flatMap((id) => {
      const r = this.s.byId.get(id) as Row | undefined;
      return r ? [messageFromRow(r)] : [];
    });
  }

  async updateNotifications(messages: readonly OutboxMessage[]): Promise<void> {
    for (const m of messages) this.s.update.run(...updateValues(m));
  }

  async recordDeliveryAttempts(attempts: readonly DeliveryAttempt[]): Promise<void> {
    for (const a of attempts) this.s.attempt.run(a.notificationId, a.atMs, a.outcome, a.detail);
  }

  async setNotificationLanguage(accountId: string, language: Language, nowMs: number):
    Promise<void> {
    this.s.setLanguage.run(accountId, language, nowMs);
  }
}

function prepareReads(db: Db) {
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

class NotificationsSqliteReads implements NotificationsReads {
  readonly #r: ReturnType<typeof prepareReads>;

  constructor(db: Db) {
    this.#r = prepareReads(db);
  }

  async anyNotificationDue(nowMs: number): Promise<boolean> {
    return this.#r.anyDue.get(nowMs) !== undefined;
  }

  async notificationsOfOrder(orderId: string, limit: number): Promise<OutboxMessage[]> {
    return (this.#r.ofOrder.all(orderId, limit) as Row[]).map(messageFromRow);
  }

  async notifications(state: DeliveryState | null, limit: number): Promise<OutboxMessage[]> {
    const found = state === null ? this.#r.all.all(limit) : this.#r.inState.all(state, limit);
    return (found as Row[]).map(messageFromRow);
  }

  async notification(notificationId: string): Promise<OutboxMessage | null> {
    const r = this.#r.byId.get(notificationId) as Row | undefined;
    return r ? messageFromRow(r) : null;
  }

  async notificationCounts(): Promise<Record<DeliveryState, number>> {
    const out = Object.fromEntries(DELIVERY_STATES.map((s) => [s, 0])) as
      Record<DeliveryState, number>;
    for (const r of this.#r.counts.all() as Row[]) out[r.state as DeliveryState] = Number(r.n);
    return out;
  }

  async deliveryAttempts(notificationId: string, limit: number): Promise<DeliveryAttempt[]> {
    return (this.#r.attempts.all(notificationId, limit) as Row[]).map(attemptFromRow);
  }

  async notificationLanguage(accountId: string): Promise<Language> {
    return (this.#r.language.get(accountId) as Language | undefined) ?? DEFAULT_LANGUAGE;
  }
}

/** Notifications' part of the SQLite store: its statements, prepared once per connection. */
export const notificationsSqlite: SqlitePart<NotificationsTx, NotificationsReads> = {
  name: 'notifications',
  writes: (db) => new NotificationsSqliteTx(prepareWrites(db)),
  reads: (db) => new NotificationsSqliteReads(db),
};
