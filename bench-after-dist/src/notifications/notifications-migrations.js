// Notifications' piece of the global migrations (kernel/store/migrations.ts): the outbox, its
// delivery attempts, and buyers' languages. A piece is never edited after it has shipped.
import { int } from '../kernel/store/migrations.js';
export const notificationsMigrations = [
    {
        version: 8,
        sql: (d) => `
      CREATE TABLE notification_outbox (
        notification_id TEXT ${d === 'postgres' ? 'COLLATE "C" ' : ''}PRIMARY KEY,
        dedup_key TEXT NOT NULL UNIQUE, account_id TEXT NOT NULL, order_id TEXT,
        kind TEXT NOT NULL, params TEXT NOT NULL,
        language TEXT NOT NULL CHECK (language IN ('zh', 'en')),
        channel TEXT NOT NULL CHECK (channel IN ('sms', 'push')), body TEXT NOT NULL,
        state TEXT NOT NULL
          CHECK (state IN ('queued', 'sending', 'sent', 'delivered', 'failed')),
        attempts INTEGER NOT NULL, generation INTEGER NOT NULL, due_at_ms ${int(d)},
        provider_message_id TEXT, last_error TEXT, created_at_ms ${int(d)} NOT NULL,
        updated_at_ms ${int(d)} NOT NULL, sent_at_ms ${int(d)}, delivered_at_ms ${int(d)});
      CREATE INDEX notification_outbox_due ON notification_outbox (due_at_ms)
        WHERE state IN ('queued', 'sending');
      CREATE INDEX notification_outbox_order ON notification_outbox (order_id, notification_id);
      CREATE INDEX notification_outbox_state ON notification_outbox (state, notification_id);
      CREATE TABLE notification_attempts (
        attempt_id ${d === 'postgres' ? 'BIGSERIAL' : 'INTEGER'} PRIMARY KEY,
        notification_id TEXT NOT NULL, at_ms ${int(d)} NOT NULL, outcome TEXT NOT NULL,
        detail TEXT NOT NULL);
      CREATE INDEX notification_attempts_of ON notification_attempts (notification_id,
        attempt_id);
      CREATE TABLE notification_languages (
        account_id TEXT PRIMARY KEY, language TEXT NOT NULL CHECK (language IN ('zh', 'en')),
        updated_at_ms ${int(d)} NOT NULL);
    `,
    },
];
//# sourceMappingURL=notifications-migrations.js.map