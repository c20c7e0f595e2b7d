// The contract of notifications' endpoints (notification-routes.ts: a buyer's order messages and
// language, the operator's outbox): each request's fields with the code and message of every
// check, and each reply's shape. Validated by kernel/http/schema.ts, published by
// kernel/http/openapi.ts.
import { Type } from '@sinclair/typebox';
import { orNull, queryText, queryWhole, text } from '../kernel/http/schema.js';
import { DELIVERY_STATES, LANGUAGES, NOTIFICATION_KINDS } from './notification.js';
const Str = Type.String();
const Int = Type.Integer();
const Time = Type.String({ format: 'date-time' });
const TimeOrNull = orNull(Type.String({ format: 'date-time' }));
const oneOf = (values) => Type.Union(values.map((v) => Type.Literal(v)));
const messageFields = {
    message_id: Str, kind: oneOf(NOTIFICATION_KINDS), channel: oneOf(['sms', 'push']),
    language: oneOf(LANGUAGES), text: Str, state: oneOf(DELIVERY_STATES), created_at: Time,
    sent_at: TimeOrNull, delivered_at: TimeOrNull,
};
/** A message as its buyer sees it (notification-routes.ts, messageView). */
export const MessageView = Type.Object(messageFields, { 'x-component': 'Message' });
/** A message as operators see it (notification-routes.ts, outboxView). */
export const OutboxView = Type.Object({ ...messageFields, account_id: Str,
    order_id: orNull(Str), key: Str, attempts: Int, generation: Int, due_at: TimeOrNull,
    provider_message_id: orNull(Str), last_error: orNull(Str) }, { 'x-component': 'OutboxMessage' });
const limit = (max) => queryWhole(1, max, max);
export const orderMessages = (l) => ({
    summary: 'The messages sent about an order (its buyer only), oldest first',
    query: Type.Object({ limit: limit(l.notificationsListMax) }),
    replies: { 200: Type.Object({ order_id: Str, messages: Type.Array(MessageView) }) },
    errors: ['order_not_found']
});
export const language = () => ({
    summary: 'The language of the buyer\'s next messages',
    body: Type.Object({ language: text({ maxLength: 8,
            description: `One of ${LANGUAGES.join(', ')}` }) }),
    replies: { 200: Type.Object({ language: oneOf(LANGUAGES) }) },
    errors: ['invalid_request']
});
export const outbox = (l) => ({
    summary: 'The notification outbox, newest first, with the counts per delivery state',
    query: Type.Object({
        state: queryText({ pattern: `^(${DELIVERY_STATES.join('|')})$`,
            patternMessage: `"{field}" must be one of ${DELIVERY_STATES.join(', ')}.`,
            description: 'Only messages in this delivery state' }),
        limit: limit(l.notificationsListMax)
    }),
    replies: { 200: Type.Object({ provider: Str,
            counts: Type.Object(Object.fromEntries(DELIVERY_STATES.map((s) => [s, Int]))),
            notifications: Type.Array(OutboxView) }) },
    errors: ['invalid_request']
});
export const outboxMessage = () => ({
    summary: 'One message of the outbox with every send and report',
    replies: { 200: Type.Composite([OutboxView, Type.Object({ history: Type.Array(Type.Object({
                    at: Time, outcome: Str, detail: Str
                })) })]) },
    errors: ['notification_not_found']
});
//# sourceMappingURL=notification-schemas.js.map