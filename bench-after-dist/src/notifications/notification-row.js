const nullableMs = (v) => (v === null || v === undefined ? null
    : Number(v));
const nullableText = (v) => (v === null || v === undefined ? null
    : String(v));
export function messageFromRow(r) {
    return {
        notificationId: String(r.notification_id), key: String(r.dedup_key),
        accountId: String(r.account_id), orderId: nullableText(r.order_id),
        kind: String(r.kind),
        params: JSON.parse(String(r.params)),
        language: String(r.language), channel: String(r.channel),
        text: String(r.body), state: String(r.state),
        attempts: Number(r.attempts), generation: Number(r.generation),
        dueAtMs: nullableMs(r.due_at_ms), providerMessageId: nullableText(r.provider_message_id),
        lastError: nullableText(r.last_error), createdAtMs: Number(r.created_at_ms),
        updatedAtMs: Number(r.updated_at_ms), sentAtMs: nullableMs(r.sent_at_ms),
        deliveredAtMs: nullableMs(r.delivered_at_ms),
    };
}
/** The insert's values, in the column order of INSERT_COLUMNS. */
export const INSERT_COLUMNS = ['notification_id', 'dedup_key', 'account_id', 'order_id', 'kind',
    'params', 'language', 'channel', 'body', 'state', 'attempts', 'generation', 'due_at_ms',
    'created_at_ms', 'updated_at_ms'];
export const insertValues = (m) => [m.notificationId, m.key,
    m.accountId, m.orderId, m.kind, JSON.stringify(m.params), m.language, m.channel, m.text,
    m.state, m.attempts, m.generation, m.dueAtMs, m.createdAtMs, m.updatedAtMs];
/** The delivery fields an update writes (`updateValues`' order, then the id). */
export const UPDATE_COLUMNS = ['state', 'attempts', 'generation', 'due_at_ms',
    'provider_message_id', 'last_error', 'updated_at_ms', 'sent_at_ms', 'delivered_at_ms'];
export const updateValues = (m) => [m.state, m.attempts, m.generation,
    m.dueAtMs, m.providerMessageId, m.lastError, m.updatedAtMs, m.sentAtMs, m.deliveredAtMs,
    m.notificationId];
export const attemptFromRow = (r) => ({
    notificationId: String(r.notification_id), atMs: Number(r.at_ms), outcome: String(r.outcome),
    detail: String(r.detail),
});
//# sourceMappingURL=notification-row.js.map