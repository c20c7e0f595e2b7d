// Notifications' pure core: what a message is (its kind and parameters), its wording in the
// buyer's language, which order events are worth one, and how delivery moves a message through
// its states (queued, sending, sent, delivered, failed), with retries, backoff and jitter.
// No clock, no store, no provider: time and randomness are arguments.

/** The languages a buyer reads messages in (the web pages' two); Chinese by default. */
export const LANGUAGES = ['zh', 'en'] as const;
export type Language = typeof LANGUAGES[number];
export const DEFAULT_LANGUAGE: Language = 'zh';

/** How a message reaches the buyer: a text to their phone, or a push to the app. */
export type Channel = 'sms' | 'push';

/** Each kind of message and the parameters its wording needs (snake_case, as stored). */
export interface NotificationParamsByKind {
  order_placed: { order_id: string; trim: string; deposit_fen: number };
  order_locked: { order_id: string; queue_place: number };
  /** `deposit_state`: refunded (cancelled while firm) or forfeited (after the lock). */
  order_cancelled: { order_id: string; reason: string; deposit_state: string };
  /**
   * `weeks_moved`: negative when the estimate moved earlier. The window is the new estimate,
   * from its first to its last day (ms, shown as Beijing dates).
   */
  estimate_moved: { order_id: string; weeks_moved: number; window_start_ms: number;
    window_end_ms: number };
  order_scheduled: { order_id: string; vin: string };
  /** The car is ready for inspection: the balance left and its deadline (ms); then the grace. */
  balance_due: { order_id: string; outstanding_fen: number; due_at_ms: number;
    grace_days: number };
  /** The one reminder before the deadline. */
  balance_reminder: { order_id: string; outstanding_fen: number; due_at_ms: number };
  /** The notice at the deadline: the grace runs to `grace_ends_at_ms`, then the car is released. */
  balance_overdue: { order_id: string; outstanding_fen: number; grace_ends_at_ms: number };
  /**
   * The car went to the next order of its configuration or to ready stock. `reason`: deferral
   * (the buyer asked; `until_ms` when it ends), lapsed (balance unpaid after the grace),
   * no_show (missed appointments); the order keeps its place for the next car.
   */
  car_released: { order_id: string; reason: string; until_ms: number };
}
export type NotificationKind = keyof NotificationParamsByKind;
export const NOTIFICATION_KINDS: readonly NotificationKind[] = ['order_placed', 'order_locked',
  'order_cancelled', 'estimate_moved', 'order_scheduled', 'balance_due', 'balance_reminder',
  'balance_overdue', 'car_released'];

/**
 * A message to send, as the change that causes it writes it to the outbox (in the same
 * transaction: `tx.enqueueNotifications`). `key` names the message once and for all
 * (`order_locked:ord_...`): a second draft with the same key is ignored, so a cause handled
 * twice still sends one message.
 */
export type NotificationDraft = { [K in NotificationKind]: {
  readonly key: string;
  readonly accountId: string;
  readonly orderId: string | null;
  readonly kind: K;
  readonly params: Readonly<NotificationParamsByKind[K]>;
} }[NotificationKind];

/** A message's delivery state. `delivered` and `failed` are final. */
export type DeliveryState = 'queued' | 'sending' | 'sent' | 'delivered' | 'failed';
export const DELIVERY_STATES: readonly DeliveryState[] = ['queued', 'sending', 'sent',
  'delivered', 'failed'];

/** A message in the outbox, as stored. */
export interface OutboxMessage {
  readonly notificationId: string;
  readonly key: string;
  readonly accountId: string;
  readonly orderId: string | null;
  readonly kind: NotificationKind;
  readonly params: Readonly<Record<string, unknown>>;
  readonly language: Language;
  readonly channel: Channel;
  /** The wording as rendered when it was queued: what the buyer is (or was) sent. */
  readonly text: string;
  readonly state: DeliveryState;
  /** Sends tried so far (each claim is one). */
  readonly attempts: number;
  /**
   * Which provider message this is (from 1): it goes up only when the provider reported the
   * previous one undelivered, so every retry of one generation carries the same idempotency
   * key and the provider sends it once.
   */
  readonly generation: number;
  /** queued: when to try (again); sending: when the claim's lease ends; otherwise null. */
  readonly dueAtMs: number | null;
  readonly providerMessageId: string | null;
  readonly lastError: string | null;
  readonly createdAtMs: number;
  readonly updatedAtMs: number;
  readonly sentAtMs: number | null;
  readonly deliveredAtMs: number | null;
}

/** One try or report in a message's life, for the operator's view. */
export interface DeliveryAttempt {
  readonly notificationId: string;
  readonly atMs: number;
  /** accepted, retry, rejected, lease_expired, delivered, undelivered, ignored_report */
  readonly outcome: string;
  readonly detail: string;
}

/** The provider idempotency key of a message's generation: the same for every retry of it. */
export const idempotencyKey = (m: Pick<OutboxMessage, 'notificationId' | 'generation'>): string =>
  `${m.notificationId}.${m.generation}`;

/** The message id and generation an idempotency key names, or null when it names none. */
export function parseIdempotencyKey(key: string): { notificationId: string; generation: number }
  | null {
  const m = /^(ntf_[A-Za-z0-9_-]+)\.([1-9][0-9]{0,3})$/.exec(key);
  return m ? { notificationId: m[1]!, generation: Number(m[2]) } : null;
}

// ---------- wording ----------

const BEIJING_OFFSET_MS = 8 * 3_600_000;
const EN_MONTHS = ['January', 'February', 'March', 'April', 'May', 'June', 'July', 'August',
  'September', 'October', 'November', 'December'];

/** The calendar day in Beijing of a time: [month 0-11, day 1-31]. */
function beijingDay(ms: number): [number, number] {
  const d = new Date(ms + BEIJING_OFFSET_MS);
  return [d.getUTCMonth(), d.getUTCDate()];
}

/**
 * A window of days as a person reads it: "12-26 January", "28 January - 4 February"; a window
 * of one day is that day ("12 January"), never "12-12 January".
 */
export function dayWindow(startMs: number, endMs: number, lang: Language): string {
  const [m1, d1] = beijingDay(startMs);
  const [m2, d2] = beijingDay(endMs);
  if (m1 === m2 && d1 === d2) return dayOf(startMs, lang);
  if (lang === 'zh') return m1 === m2 ? `${m1 + 1}月${d1}日至${d2}日`
    : `${m1 + 1}月${d1}日至${m2 + 1}月${d2}日`;
  return m1 === m2 ? `${d1}-${d2} ${EN_MONTHS[m1]}`
    : `${d1} ${EN_MONTHS[m1]} - ${d2} ${EN_MONTHS[m2]}`;
}

/** One day as a person reads it, in Beijing: "7月14日", "14 July". */
export function dayOf(ms: number, lang: Language): string {
  const [m, d] = beijingDay(ms);
  return lang === 'zh' ? `${m + 1}月${d}日` : `${d} ${EN_MONTHS[m]}`;
}

const yuan = (fen: number): string => (fen / 100).toLocaleString('en-US',
  { maximumFractionDigits: 2 });

const weeks = (n: number, lang: Language): string =>
  (lang === 'zh' ? `${n}周` : `${n} week${n === 1 ? '' : 's'}`);

const depositFate = (state: string, lang: Language): string => {
  if (state === 'refunded') return lang === 'zh' ? '定金将原路退还。' : 'Your deposit will be refunded.';
  if (state === 'forfeited') return lang === 'zh' ? '定金不予退还。' : 'Your deposit is forfeited.';
  return '';
};

type Wording = { [K in NotificationKind]: (p: NotificationParamsByKind[K], lang: Language) =>
  string };

const WORDING: Wording = {
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
  balance_due: (p, lang) => {
    const by = dayOf(p.due_at_ms, lang);
    return lang === 'zh'
      ? `您的订单 ${p.order_id} 车辆已到店可验车。请于${by}前支付尾款 ${yuan(p.outstanding_fen)} `
        + `元；逾期将先通知您，再给予 ${p.grace_days} 天宽限期，之后车辆将分配给下一位订单，`
        + '您的订单保留排序等待下一辆车。'
      : `Your car for order ${p.order_id} is ready for inspection. Please pay the balance of `
        + `${yuan(p.outstanding_fen)} yuan by ${by}. If it is late we tell you, then give you `
        + `${p.grace_days} days' grace; after that the car goes to the next order and yours `
        + 'keeps its place for the next car.';
  },
  balance_reminder: (p, lang) => {
    const by = dayOf(p.due_at_ms, lang);
    return lang === 'zh'
      ? `提醒：订单 ${p.order_id} 尾款 ${yuan(p.outstanding_fen)} 元请于${by}前支付。`
      : `Reminder: the balance of ${yuan(p.outstanding_fen)} yuan for order ${p.order_id} `
        + `is due by ${by}.`;
  },
  balance_overdue: (p, lang) => {
    const until = dayOf(p.grace_ends_at_ms, lang);
    return lang === 'zh'
      ? `订单 ${p.order_id} 尾款 ${yuan(p.outstanding_fen)} 元已逾期。宽限期至${until}；`
        + '届时仍未付清，车辆将分配给下一位订单。'
      : `The balance of ${yuan(p.outstanding_fen)} yuan for order ${p.order_id} is overdue. `
        + `You have until ${until}; after that the car goes to the next order.`;
  },
  car_released: (p, lang) => {
    const why = { deferral: ['应您的延期申请', 'as you asked to defer'],
      lapsed: ['因尾款在宽限期后仍未付清', 'as the balance was unpaid after the grace period'],
      no_show: ['因多次未按预约到店', 'as appointments were missed'] }[p.reason]
      ?? ['', ''];
    return lang === 'zh'
      ? `订单 ${p.order_id} 的车辆${why[0]}已分配给下一位订单或转为现车；`
        + '您的订单保留排序，等待下一辆同配置车辆。'
      : `The car of order ${p.order_id} went to the next order or to ready stock, ${why[1]}; `
        + 'your order keeps its place for the next car of its configuration.';
  },
};

/** The brand every text starts with, as carriers require of a sender. */
const SIGNATURE: Record<Language, string> = { zh: '【launchday】', en: 'launchday: ' };

/** A message's text in `lang`: a pure function of its kind and parameters. */
export function renderMessage<K extends NotificationKind>(kind: K,
  params: NotificationParamsByKind[K], lang: Language): string {
  return SIGNATURE[lang] + (WORDING[kind] as (p: NotificationParamsByKind[K],
    l: Language) => string)(params, lang);
}

// ---------- which order changes are worth a message ----------

/** What notifications needs of an order change (orders' OrderChange). */
export interface OrderChangeSeen {
  readonly event: { readonly orderId: string; readonly type: string; readonly actor: string;
    readonly detail: Readonly<Record<string, unknown>> };
  readonly order: { readonly accountId: string; readonly queuePlace: number | null };
}

/**
 * The messages a set of order changes causes: a lock (early, or when the cooling-off ended, or
 * on payment) and an operator's cancellation, with the reason. A buyer's own cancellation is
 * answered on the page they pressed it on; placing is not texted, since at launch it would be
 * a row per order on the hottest path (the buyer sees the order at once anyway).
 */
export function draftsForOrderChanges(changes: readonly OrderChangeSeen[]): NotificationDraft[] {
  const out: NotificationDraft[] = [];
  for (const { event: e, order: o } of changes) {
    if ((e.type === 'locked' || e.type === 'placed_and_locked') && o.queuePlace !== null) {
      out.push({ key: `order_locked:${e.orderId}`, accountId: o.accountId, orderId: e.orderId,
        kind: 'order_locked', params: { order_id: e.orderId, queue_place: o.queuePlace } });
    } else if (e.type === 'cancelled' && e.actor.startsWith('operator:')) {
      out.push({ key: `order_cancelled:${e.orderId}`, accountId: o.accountId,
        orderId: e.orderId, kind: 'order_cancelled', params: { order_id: e.orderId,
          reason: String(e.detail.reason ?? ''), deposit_state: String(e.detail.deposit_state) } });
    }
  }
  return out;
}

// ---------- delivery ----------

/** The delivery limits (the Limits table's notification* entries). */
export interface DeliveryPolicy {
  /** Sends tried per message before it is given up as failed. */
  readonly attemptsMax: number;
  /** Provider messages per notification (a new one only after one was reported undelivered). */
  readonly generationsMax: number;
  /** The first retry's delay; each next one doubles, up to `backoffMaxMs` (ms). */
  readonly backoffBaseMs: number;
  readonly backoffMaxMs: number;
  /** How long a claim holds a message before another worker may take it over (ms). */
  readonly leaseMs: number;
}

/**
 * The delay before retry number `attempt` (1 = the first retry): exponential, capped, with
 * "equal jitter" (half fixed, half random) so that messages failed together spread out, and
 * never sooner than the provider asked (`retryAfterMs`, a rate limit's).
 */
export function retryDelayMs(attempt: number, random: number, p: DeliveryPolicy,
  retryAfterMs: number | null = null): number {
  const exp = Math.min(p.backoffMaxMs, p.backoffBaseMs * 2 ** Math.min(attempt - 1, 30));
  const jittered = Math.round(exp / 2 + (exp / 2) * random);
  return Math.max(jittered, retryAfterMs ?? 0);
}

/** Whether a message may be claimed at `nowMs`: queued and due, or sending with its lease over. */
export const isDue = (m: OutboxMessage, nowMs: number): boolean =>
  (m.state === 'queued' || m.state === 'sending') && m.dueAtMs !== null && m.dueAtMs <= nowMs;

/** The message claimed by a worker at `nowMs`: sending, one more attempt, leased. */
export function claimed(m: OutboxMessage, nowMs: number, p: DeliveryPolicy): OutboxMessage {
  return { ...m, state: 'sending', attempts: m.attempts + 1, dueAtMs: nowMs + p.leaseMs,
    updatedAtMs: nowMs };
}

/** What the provider said to one send. */
export type SendOutcome =
  | { readonly kind: 'accepted'; readonly providerMessageId: string;
      /** False for a provider that never reports delivery: `sent` is then final. */
      readonly reportsDelivery: boolean }
  | { readonly kind: 'failed'; readonly retryable: boolean; readonly error: string;
      readonly retryAfterMs: number | null };

/**
 * The message after a send made under the claim `attempt`, or null when that claim is no longer
 * the message's (its lease ran out and another worker took it, or a report already settled
 * it): the later claim or the report decides, and the provider's deduplication made the two
 * sends one.
 */
export function afterSend(m: OutboxMessage, attempt: number, outcome: SendOutcome, nowMs: number,
  random: number, p: DeliveryPolicy): OutboxMessage | null {
  if (m.state !== 'sending' || m.attempts !== attempt) return null;
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

/** A provider's delivery report, as the worker hears it. */
export interface ReportSeen {
  readonly generation: number;
  readonly status: 'delivered' | 'undelivered';
  readonly providerMessageId: string;
  readonly detail: string;
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
export function afterReport(m: OutboxMessage, r: ReportSeen, nowMs: number, random: number,
  p: DeliveryPolicy): OutboxMessage | null {
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
export function queuedMessage(d: NotificationDraft, notificationId: string, language: Language,
  channel: Channel, nowMs: number): OutboxMessage {
  return { notificationId, key: d.key, accountId: d.accountId, orderId: d.orderId, kind: d.kind,
    params: d.params, language, channel,
    text: renderMessage(d.kind, d.params as never, language), state: 'queued', attempts: 0,
    generation: 1, dueAtMs: nowMs, providerMessageId: null, lastError: null,
    createdAtMs: nowMs, updatedAtMs: nowMs, sentAtMs: null, deliveredAtMs: null };
}
