// Notifications' pure core: what a message is (its kind and parameters), its wording in the
// buyer's language, which order events are worth one, and how delivery moves a message through
// its states (queued, sending, sent, delivered, failed), with retries, backoff and jitter.
// No clock, no store, no provider: time and randomness are arguments.
/** The languages a buyer reads messages in (the web pages' two); Chinese by default. */
export const LANGUAGES = ['zh', 'en'];
export const DEFAULT_LANGUAGE = 'zh';
export const NOTIFICATION_KINDS = ['order_placed', 'order_locked',
    'order_cancelled', 'estimate_moved', 'order_scheduled'];
export const DELIVERY_STATES = ['queued', 'sending', 'sent',
    'delivered', 'failed'];
/** The provider idempotency key of a message's generation: the same for every retry of it. */
export const idempotencyKey = (m) => `${m.notificationId}.${m.generation}`;
/** The message id and generation an idempotency key names, or null when it names none. */
export function parseIdempotencyKey(key) {
    const m = /^(ntf_[A-Za-z0-9_-]+)\.([1-9][0-9]{0,3})$/.exec(key);
    return m ? { notificationId: m[1], generation: Number(m[2]) } : null;
}
// ---------- wording ----------
const BEIJING_OFFSET_MS = 8 * 3_600_000;
const EN_MONTHS = ['January', 'February', 'March', 'April', 'May', 'June', 'July', 'August',
    'September', 'October', 'November', 'December'];
/** The calendar day in Beijing of a time: [month 0-11, day 1-31]. */
function beijingDay(ms) {
    const d = new Date(ms + BEIJING_OFFSET_MS);
    return [d.getUTCMonth(), d.getUTCDate()];
}
/** A window of days as a person reads it: "12-26 January", "28 January - 4 February". */
export function dayWindow(startMs, endMs, lang) {
    const [m1, d1] = beijingDay(startMs);
    const [m2, d2] = beijingDay(endMs);
    if (lang === 'zh')
        return m1 === m2 ? `${m1 + 1}月${d1}日至${d2}日`
            : `${m1 + 1}月${d1}日至${m2 + 1}月${d2}日`;
    return m1 === m2 ? `${d1}-${d2} ${EN_MONTHS[m1]}`
        : `${d1} ${EN_MONTHS[m1]} - ${d2} ${EN_MONTHS[m2]}`;
}
const yuan = (fen) => (fen / 100).toLocaleString('en-US', { maximumFractionDigits: 2 });
const weeks = (n, lang) => (lang === 'zh' ? `${n}周` : `${n} week${n === 1 ? '' : 's'}`);
const depositFate = (state, lang) => {
    if (state === 'refunded')
        return lang === 'zh' ? '定金将原路退还。' : 'Your deposit will be refunded.';
    if (state === 'forfeited')
        return lang === 'zh' ? '定金不予退还。' : 'Your deposit is forfeited.';
    return '';
};
const WORDING = {
    order_placed: (p, lang) => (lang === 'zh'
        ? `您的订单 ${p.order_id}（${p.trim}）已下定，定金 ${yuan(p.deposit_fen)} 元。`
        : `Your order ${p.order_id} (${p.trim}) is placed; deposit ${yuan(p.deposit_fen)} yuan.`),
    order_locked: (p, lang) => (lang === 'zh'
        ? `您的订单 ${p.order_id} 已锁单，排产序号 ${p.queue_place}。`
        : `Your order ${p.order_id} is locked: place ${p.queue_place} in the production queue.`),
    order_cancelled: (p, lang) => {
        const fate = depositFate(p.deposit_state, lang);
        return lang === 'zh'
            ? `您的订单 ${p.order_id} 已被取消，原因：${p.reason}。${fate}`
            : `Your order ${p.order_id} was cancelled. Reason: ${p.reason}. ${fate}`.trimEnd();
    },
    estimate_moved: (p, lang) => {
        const n = Math.abs(p.weeks_moved);
        const when = dayWindow(p.window_start_ms, p.window_end_ms, lang);
        if (lang === 'zh') {
            return `您的订单 ${p.order_id} 预计交付时间${p.weeks_moved < 0 ? '提前' : '推迟'}了`
                + `${weeks(n, lang)}：现为${when}。`;
        }
        return `Your estimate for order ${p.order_id} moved ${weeks(n, lang)} `
            + `${p.weeks_moved < 0 ? 'earlier' : 'later'}: now ${when}.`;
    },
    order_scheduled: (p, lang) => (lang === 'zh'
        ? `您的订单 ${p.order_id} 已排产，车辆识别代号（VIN）${p.vin}。`
        : `Your order ${p.order_id} is scheduled: your car's VIN is ${p.vin}.`),
};
/** The brand every text starts with, as carriers require of a sender. */
const SIGNATURE = { zh: '【launchday】', en: 'launchday: ' };
/** A message's text in `lang`: a pure function of its kind and parameters. */
export function renderMessage(kind, params, lang) {
    return SIGNATURE[lang] + WORDING[kind](params, lang);
}
/**
 * The messages a set of order changes causes: a lock (early, or when the cooling-off ended, or
 * on payment) and an operator's cancellation, with the reason. A buyer's own cancellation is
 * answered on the page they pressed it on; placing is not texted, since at launch it would be
 * a row per order on the hottest path (the buyer sees the order at once anyway).
 */
export function draftsForOrderChanges(changes) {
    const out = [];
    for (const { event: e, order: o } of changes) {
        if ((e.type === 'locked' || e.type === 'placed_and_locked') && o.queuePlace !== null) {
            out.push({ key: `order_locked:${e.orderId}`, accountId: o.accountId, orderId: e.orderId,
                kind: 'order_locked', params: { order_id: e.orderId, queue_place: o.queuePlace } });
        }
        else if (e.type === 'cancelled' && e.actor.startsWith('operator:')) {
            out.push({ key: `order_cancelled:${e.orderId}`, accountId: o.accountId,
                orderId: e.orderId, kind: 'order_cancelled', params: { order_id: e.orderId,
                    reason: String(e.detail.reason ?? ''), deposit_state: String(e.detail.deposit_state) } });
        }
    }
    return out;
}
/**
 * The delay before retry number `attempt` (1 = the first retry): exponential, capped, with
 * "equal jitter" (half fixed, half random) so that messages failed together spread out, and
 * never sooner than the provider asked (`retryAfterMs`, a rate limit's).
 */
export function retryDelayMs(attempt, random, p, retryAfterMs = null) {
    const exp = Math.min(p.backoffMaxMs, p.backoffBaseMs * 2 ** Math.min(attempt - 1, 30));
    const jittered = Math.round(exp / 2 + (exp / 2) * random);
    return Math.max(jittered, retryAfterMs ?? 0);
}
/** Whether a message may be claimed at `nowMs`: queued and due, or sending with its lease over. */
export const isDue = (m, nowMs) => (m.state === 'queued' || m.state === 'sending') && m.dueAtMs !== null && m.dueAtMs <= nowMs;
/** The message claimed by a worker at `nowMs`: sending, one more attempt, leased. */
export function claimed(m, nowMs, p) {
    return { ...m, state: 'sending', attempts: m.attempts + 1, dueAtMs: nowMs + p.leaseMs,
        updatedAtMs: nowMs };
}
/**
 * The message after a send made under the claim `attempt`, or null when that claim is no longer
 * the message's (its lease ran out and another worker took it, or a report already settled
 * it): the later claim or the report decides, and the provider's deduplication made the two
 * sends one.
 */
export function afterSend(m, attempt, outcome, nowMs, random, p) {
    if (m.state !== 'sending' || m.attempts !== attempt)
        return null;
    if (outcome.kind === 'accepted') {
        return { ...m, state: outcome.reportsDelivery ? 'sent' : 'delivered', dueAtMs: null,
            providerMessageId: outcome.providerMessageId, sentAtMs: nowMs, updatedAtMs: nowMs,
            lastError: null };
    }
    if (!outcome.retryable || m.attempts >= p.attemptsMax) {
        return { ...m, state: 'failed', dueAtMs: null, lastError: outcome.error, updatedAtMs: nowMs };
    }
    return { ...m, state: 'queued', lastError: outcome.error, updatedAtMs: nowMs,
        dueAtMs: nowMs + retryDelayMs(m.attempts, random, p, outcome.retryAfterMs) };
}
/**
 * The message after a delivery report, or null when the report changes nothing (a second
 * report of the same message, or one about an earlier generation). A report may come before
 * the worker has recorded the acceptance (`sending`), or after a send whose reply was lost was
 * put back in the queue (`queued`): the provider has the message, so the report settles it.
 * Undelivered means the buyer did not get it, so a new generation is queued (a new idempotency
 * key: the provider would otherwise drop it as a duplicate), up to `generationsMax`. A message
 * given up as failed that the provider reports delivered is delivered.
 */
export function afterReport(m, r, nowMs, random, p) {
    // Given up after its tries, a message can still have reached the phone: one try was accepted
    // but its reply lost, and the tries after it failed. The provider's word is the truth.
    const revived = m.state === 'failed' && r.status === 'delivered';
    if (r.generation !== m.generation || m.state === 'delivered'
        || (m.state === 'failed' && !revived)) {
        return null;
    }
    if (r.status === 'delivered') {
        return { ...m, state: 'delivered', dueAtMs: null, deliveredAtMs: nowMs, updatedAtMs: nowMs,
            providerMessageId: r.providerMessageId, sentAtMs: m.sentAtMs ?? nowMs, lastError: null };
    }
    if (m.generation >= p.generationsMax || m.attempts >= p.attemptsMax) {
        return { ...m, state: 'failed', dueAtMs: null, lastError: r.detail, updatedAtMs: nowMs };
    }
    return { ...m, state: 'queued', generation: m.generation + 1, providerMessageId: null,
        lastError: r.detail, updatedAtMs: nowMs, dueAtMs: nowMs + retryDelayMs(m.attempts, random, p) };
}
/** A draft as the outbox first holds it: queued, due at once, in the buyer's language. */
export function queuedMessage(d, notificationId, language, channel, nowMs) {
    return { notificationId, key: d.key, accountId: d.accountId, orderId: d.orderId, kind: d.kind,
        params: d.params, language, channel,
        text: renderMessage(d.kind, d.params, language), state: 'queued', attempts: 0,
        generation: 1, dueAtMs: nowMs, providerMessageId: null, lastError: null,
        createdAtMs: nowMs, updatedAtMs: nowMs, sentAtMs: null, deliveredAtMs: null };
}
//# sourceMappingURL=notification.js.map