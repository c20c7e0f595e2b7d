// Notifications' endpoints: a buyer's messages about one order and the language they are
// written in; the operator's view of the outbox with each message's delivery state and
// attempts (docs/api.md, "Notifications").
import { iso } from '../kernel/iso-time.js';
import { refuse } from '../kernel/outcomes.js';
import { queryNumber } from '../kernel/http/schema.js';
import { reply } from '../kernel/http/route.js';
import { LANGUAGES, } from './notification.js';
import * as Notifications from './notification-schemas.js';
/** A message as its buyer sees it. */
export const messageView = (m) => ({
    message_id: m.notificationId, kind: m.kind, channel: m.channel, language: m.language,
    text: m.text, state: m.state, created_at: iso(m.createdAtMs), sent_at: iso(m.sentAtMs),
    delivered_at: iso(m.deliveredAtMs),
});
/** A message as operators see it: who, what, and where its delivery stands. */
export const outboxView = (m) => ({
    ...messageView(m), account_id: m.accountId, order_id: m.orderId, key: m.key,
    attempts: m.attempts, generation: m.generation, due_at: iso(m.dueAtMs),
    provider_message_id: m.providerMessageId, last_error: m.lastError,
});
const attemptView = (a) => ({ at: iso(a.atMs), outcome: a.outcome,
    detail: a.detail });
/** The page size a query its schema passed asks for: at most notificationsListMax. */
const pageSize = (ctx, q) => queryNumber(q.limit, ctx.app.deps.limits.notificationsListMax);
const MESSAGE_ID = /^ntf_[A-Za-z0-9_-]{1,60}$/;
export const notificationRoutes = [
    { method: 'GET', path: '/orders/:order_id/messages', access: 'buyer',
        schema: Notifications.orderMessages, handler: async (ctx) => {
            const q = ctx.query();
            if (!q.ok)
                return q;
            // Only the order's buyer: anyone else meets order_not_found, as for the order itself.
            const order = await ctx.app.orders.get(ctx.caller, ctx.params.order_id);
            if (!order.ok)
                return order;
            const found = await ctx.app.deps.store.notificationsOfOrder(order.value.orderId, pageSize(ctx, q.value));
            return reply(200, { order_id: order.value.orderId, messages: found.map(messageView) });
        } },
    { method: 'PUT', path: '/notifications/language', access: 'buyer',
        schema: Notifications.language, handler: async (ctx) => {
            const b = await ctx.body();
            if (!b.ok)
                return b;
            // The schema took a short text; which languages there are is this rule's.
            const lang = String(b.value.language);
            if (!LANGUAGES.includes(lang)) {
                return refuse('invalid_request', `"language" must be one of ${LANGUAGES.join(', ')}.`);
            }
            const caller = ctx.caller;
            await ctx.app.notifications.setLanguage(caller.account.accountId, lang);
            return reply(200, { language: lang });
        } },
    { method: 'GET', path: '/admin/notifications', access: 'admin', schema: Notifications.outbox,
        handler: async (ctx) => {
            const q = ctx.query();
            if (!q.ok)
                return q;
            const store = ctx.app.deps.store;
            const [counts, found] = await Promise.all([store.notificationCounts(),
                store.notifications((q.value.state ?? null), pageSize(ctx, q.value))]);
            return reply(200, { provider: ctx.app.notifications.provider.name, counts,
                notifications: found.map(outboxView) });
        } },
    { method: 'GET', path: '/admin/notifications/:notification_id', access: 'admin',
        schema: Notifications.outboxMessage, handler: async (ctx) => {
            const id = ctx.params.notification_id;
            const store = ctx.app.deps.store;
            const m = MESSAGE_ID.test(id) ? await store.notification(id) : null;
            if (m === null)
                return refuse('notification_not_found');
            const attempts = await store.deliveryAttempts(id, ctx.app.deps.limits.notificationsListMax);
            return reply(200, { ...outboxView(m), history: attempts.map(attemptView) });
        } },
];
//# sourceMappingURL=notification-routes.js.map