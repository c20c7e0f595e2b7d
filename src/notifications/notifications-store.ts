// Notifications' part of the storage port: the outbox of messages to buyers, each delivery
// attempt and report, and each buyer's language. Both adapters implement it
// (notifications-sqlite.ts, notifications-postgres.ts) and pass its contract
// (notifications-store.contract.ts); the composed Store and StoreTx (kernel/store/store.ts) take
// these methods by declaration merging, so any capability's transaction can queue a message.
import type {
  DeliveryAttempt, DeliveryState, Language, NotificationDraft, OutboxMessage,
} from './notification.js';

/** Notifications' reads and writes inside one transaction (see StoreTx). */
export interface NotificationsTx {
  /**
   * Queues messages in this transaction, so they commit with the change that causes them, or
   * not at all. Each is rendered in its buyer's language (zh unless they chose en) and due at
   * `nowMs`. A draft whose key the outbox already holds is ignored (exactly once), as is the
   * second of two drafts with one key. Returns how many were queued.
   */
  enqueueNotifications(drafts: readonly NotificationDraft[], nowMs: number): Promise<number>;
  /**
   * Up to `limit` messages due at `nowMs` (queued and due, or sending with the claim's lease
   * over), the earliest due first, locked until commit. On PostgreSQL, rows another
   * transaction holds are skipped (SKIP LOCKED), so two workers never claim one message.
   */
  dueNotifications(nowMs: number, limit: number): Promise<OutboxMessage[]>;
  /** The messages with these ids (those that exist), locked until commit. */
  notificationsForUpdate(notificationIds: readonly string[]): Promise<OutboxMessage[]>;
  /** Writes each message's delivery fields (state, attempts, generation, due, provider id...). */
  updateNotifications(messages: readonly OutboxMessage[]): Promise<void>;
  recordDeliveryAttempts(attempts: readonly DeliveryAttempt[]): Promise<void>;
  /** The language the buyer's next messages are written in. */
  setNotificationLanguage(accountId: string, language: Language, nowMs: number): Promise<void>;
}

/** Notifications' reads of committed data (see Store). */
export interface NotificationsReads {
  /**
   * Whether any message is due at `nowMs` (as `dueNotifications` would find it): read before a
   * round opens a write transaction, so an idle outbox costs a read a second, not a write.
   */
  anyNotificationDue(nowMs: number): Promise<boolean>;
  /** An order's messages, oldest first. */
  notificationsOfOrder(orderId: string, limit: number): Promise<OutboxMessage[]>;
  /** The newest messages, in one state or all (null). */
  notifications(state: DeliveryState | null, limit: number): Promise<OutboxMessage[]>;
  notification(notificationId: string): Promise<OutboxMessage | null>;
  /** Messages per delivery state (every state present, 0 when none). */
  notificationCounts(): Promise<Record<DeliveryState, number>>;
  /** A message's attempts and reports, oldest first. */
  deliveryAttempts(notificationId: string, limit: number): Promise<DeliveryAttempt[]>;
  notificationLanguage(accountId: string): Promise<Language>;
}

declare module '../kernel/store/store.js' {
  interface StoreTx extends NotificationsTx {}
  interface Store extends NotificationsReads {}
}
