// Notifications' endpoints: a buyer's messages about one order and the language they are
// written in; the operator's view of the outbox with each message's delivery state and
// attempts (docs/api.md, "Notifications").
import { iso } from '../kernel/iso-time.js';
import { ok, refuse, type Result } from '../kernel/outcomes.js';
import { field } from '../kernel/http/http-io.js';
import { queryInteger, queryText } from '../kernel/http/query-params.js';
import { reply, type Ctx, type Route } from '../kernel/http/route.js';
import {
  DELIVERY_STATES, LANGUAGES, type DeliveryAttempt, type DeliveryState, type Language,
  type OutboxMessage,
} from './notification.js';

/** A message as its buyer sees it. */
export const messageView = (m: OutboxMessage) => ({
  message_id: m.notificationId, kind: m.kind, channel: m.channel, language: m.language,
  text: m.text, state: m.state, created_at: iso(m.createdAtMs), sent_at: iso(m.sentAtMs),
  delivered_at: iso(m.deliveredAtMs),
});

/** A message as operators see it: who, what, and where its delivery stands. */
export const outboxView = (m: OutboxMessage) => ({
  ...messageView(m), account_id: m.accountId, order_id: m.orderId, key: m.key,
  attempts: m.attempts, generation: m.generation, due_at: iso(m.dueAtMs),
  provider_message_id: m.providerMessageId, last_error: m.lastError,
});

const attemptView = (a: DeliveryAttempt) => ({ at: iso(a.atMs), outcome: a.outcome,
  detail: a.detail });

/** A page size from `limit`, at most notificationsListMax. */
const pageSize = (ctx: Ctx): Result<number> => {
  const max = ctx.app.deps.limits.notificationsListMax;
  return queryInteger(ctx.url, 'limit', { min: 1, max, fallback: max });
};

function stateParam(ctx: Ctx): Result<DeliveryState | null> {
  const s = queryText(ctx.url, 'state');
  if (!s.ok) return s;
  if (s.value === undefined) return ok(null);
  return (DELIVERY_STATES as readonly string[]).includes(s.value) ? ok(s.value as DeliveryState)
    : refuse('invalid_request', `"state" must be one of ${DELIVERY_STATES.join(', ')}.`);
}

const MESSAGE_ID = /^ntf_[A-Za-z0-9_-]{1,60}$/;

export const notificationRoutes: Route[] = [
  { method: 'GET', path: '/orders/:order_id/messages', access: 'buyer', handler: async (ctx) => {
    const limit = pageSize(ctx);
    if (!limit.ok) return limit;
    // Only the order's buyer: anyone else meets order_not_found, as for the order itself.
    const order = await ctx.app.orders.get(ctx.caller!, ctx.params.order_id!);
    if (!order.ok) return order;
    const found = await ctx.app.deps.store.notificationsOfOrder(order.value.orderId, limit.value);
    return reply(200, { order_id: order.value.orderId, messages: found.map(messageView) });
  } },
  { method: 'PUT', path: '/notifications/language', access: 'buyer', handler: async (ctx) => {
    const b = await ctx.body();
    if (!b.ok) return b;
    const lang = field(b.value, 'language', 'string', { required: true, maxLength: 8 });
    if (!lang.ok) return lang;
    if (!(LANGUAGES as readonly string[]).includes(lang.value!)) {
      return refuse('invalid_request', `"language" must be one of ${LANGUAGES.join(', ')}.`);
    }
    const caller = ctx.caller as Extract<typeof ctx.caller, { role: 'buyer' }>;
    await ctx.app.notifications.setLanguage(caller!.account.accountId, lang.value as Language);
    return reply(200, { language: lang.value });
  } },
  { method: 'GET', path: '/admin/notifications', access: 'admin', handler: async (ctx) => {
    const state = stateParam(ctx);
    if (!state.ok) return state;
    const limit = pageSize(ctx);
    if (!limit.ok) return limit;
    const store = ctx.app.deps.store;
    const [counts, found] = await Promise.all([store.notificationCounts(),
      store.notifications(state.value, limit.value)]);
    return reply(200, { provider: ctx.app.notifications.provider.name, counts,
      notifications: found.map(outboxView) });
  } },
  { method: 'GET', path: '/admin/notifications/:notification_id', access: 'admin',
    handler: async (ctx) => {
      const id = ctx.params.notification_id!;
      const store = ctx.app.deps.store;
      const m = MESSAGE_ID.test(id) ? await store.notification(id) : null;
      if (m === null) return refuse('notification_not_found');
      const attempts = await store.deliveryAttempts(id, ctx.app.deps.limits.notificationsListMax);
      return reply(200, { ...outboxView(m), history: attempts.map(attemptView) });
    } },
];
