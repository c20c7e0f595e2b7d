// The pure core: wording in both languages, which order changes are worth a message, backoff
// with jitter, and the delivery state machine as a table.
import { strict as assert } from 'node:assert';
import { describe, it } from 'node:test';
import {
  afterReport, afterSend, claimed, dayWindow, draftsForOrderChanges, idempotencyKey, isDue,
  parseIdempotencyKey, queuedMessage, renderMessage, retryDelayMs, type DeliveryPolicy,
  type OutboxMessage,
} from './notification.js';

const T0 = Date.UTC(2025, 0, 5, 4); // 5 January 2025, 12:00 in Beijing
const DAY = 86_400_000;
const policy: DeliveryPolicy = { attemptsMax: 4, generationsMax: 2, backoffBaseMs: 1_000,
  backoffMaxMs: 8_000, leaseMs: 30_000 };

describe('wording', () => {
  it('says each kind in Chinese and in English', () => {
    const cases = [
      ['order_placed', { order_id: 'ord_1', trim: 'max', deposit_fen: 500_000 },
        '【launchday】您的订单 ord_1（max）已下定，定金 5,000 元。',
        'launchday: Your order ord_1 (max) is placed; deposit 5,000 yuan.'],
      ['order_locked', { order_id: 'ord_1', queue_place: 42 },
        '【launchday】您的订单 ord_1 已锁单，排产序号 42。',
        'launchday: Your order ord_1 is locked: place 42 in the production queue.'],
      ['order_cancelled', { order_id: 'ord_1', reason: 'duplicate identity',
        deposit_state: 'refunded' },
      '【launchday】您的订单 ord_1 已被取消，原因：duplicate identity。定金将原路退还。',
      'launchday: Your order ord_1 was cancelled. Reason: duplicate identity. '
        + 'Your deposit will be refunded.'],
      ['estimate_moved', { order_id: 'ord_1', weeks_moved: -2, window_start_ms: T0 + 7 * DAY,
        window_end_ms: T0 + 21 * DAY },
      '【launchday】您的订单 ord_1 预计交付时间提前了2周：现为1月12日至26日。',
      'launchday: Your estimate for order ord_1 moved 2 weeks earlier: now 12-26 January.'],
      ['estimate_moved', { order_id: 'ord_1', weeks_moved: 1, window_start_ms: T0 + 23 * DAY,
        window_end_ms: T0 + 30 * DAY },
      '【launchday】您的订单 ord_1 预计交付时间推迟了1周：现为1月28日至2月4日。',
      'launchday: Your estimate for order ord_1 moved 1 week later: '
        + 'now 28 January - 4 February.'],
      ['order_scheduled', { order_id: 'ord_1', vin: 'LSVAU2180N2183294' },
        '【launchday】您的订单 ord_1 已排产，车辆识别代号（VIN）LSVAU2180N2183294。',
        'launchday: Your order ord_1 is scheduled: your car\'s VIN is LSVAU2180N2183294.'],
      ['balance_due', { order_id: 'ord_1', outstanding_fen: 21_090_000,
        due_at_ms: T0 + 21 * DAY, grace_days: 14 },
      '【launchday】您的订单 ord_1 车辆已到店可验车。请于1月26日前支付尾款 210,900 元；逾期将先通知'
        + '您，再给予 14 天宽限期，之后车辆将分配给下一位订单，您的订单保留排序等待下一辆车。',
      'launchday: Your car for order ord_1 is ready for inspection. Please pay the balance of '
        + '210,900 yuan by 26 January. If it is late we tell you, then give you 14 days\' grace; '
        + 'after that the car goes to the next order and yours keeps its place for the next car.'],
      ['balance_overdue', { order_id: 'ord_1', outstanding_fen: 100_050,
        grace_ends_at_ms: T0 + 35 * DAY },
      '【launchday】订单 ord_1 尾款 1,000.5 元已逾期。宽限期至2月9日；届时仍未付清，车辆将分配给下一位订单。',
      'launchday: The balance of 1,000.5 yuan for order ord_1 is overdue. You have until '
        + '9 February; after that the car goes to the next order.'],
      ['car_released', { order_id: 'ord_1', reason: 'lapsed', until_ms: 0 },
        '【launchday】订单 ord_1 的车辆因尾款在宽限期后仍未付清已分配给下一位订单或转为现车；'
          + '您的订单保留排序，等待下一辆同配置车辆。',
        'launchday: The car of order ord_1 went to the next order or to ready stock, as the '
          + 'balance was unpaid after the grace period; your order keeps its place for the next '
          + 'car of its configuration.'],
    ] as const;
    for (const [kind, params, zh, en] of cases) {
      assert.equal(renderMessage(kind, params as never, 'zh'), zh);
      assert.equal(renderMessage(kind, params as never, 'en'), en);
    }
  });

  it('reads windows as Beijing days', () => {
    // 16:00 UTC is already the next day in Beijing.
    assert.equal(dayWindow(Date.UTC(2025, 0, 11, 16), Date.UTC(2025, 0, 26, 3), 'en'),
      '12-26 January');
    assert.equal(dayWindow(Date.UTC(2025, 11, 30), Date.UTC(2026, 0, 2), 'zh'), '12月30日至1月2日');
    // A window of one day is said once: not "12-12 January" (the same Beijing day from two
    // instants: 16:00 UTC on the 11th and 03:00 UTC on the 12th).
    assert.equal(dayWindow(Date.UTC(2025, 0, 11, 16), Date.UTC(2025, 0, 12, 3), 'en'),
      '12 January');
    assert.equal(dayWindow(Date.UTC(2025, 0, 12), Date.UTC(2025, 0, 12), 'zh'), '1月12日');
  });
});

describe('which order changes are worth a message', () => {
  const change = (type: string, actor: string, detail: Record<string, unknown> = {},
    queuePlace: number | null = 7) => ({ event: { orderId: 'ord_1', type, actor, detail },
    order: { accountId: 'acc_1', queuePlace } });

  it('a lock of any kind and an operator\'s cancel, with its reason; nothing else', () => {
    const drafts = draftsForOrderChanges([
      change('placed', 'buyer:acc_1'),
      change('locked', 'buyer:acc_1', { reason: 'early_lock' }),
      change('placed_and_locked', 'buyer:acc_1'),
      change('cancelled', 'buyer:acc_1', { deposit_state: 'refunded' }, null),
      change('cancelled', 'operator:alice', { deposit_state: 'forfeited', reason: 'fraud' }),
      change('changed', 'buyer:acc_1'),
    ]);
    assert.deepEqual(drafts.map((d) => [d.key, d.kind]), [
      ['order_locked:ord_1', 'order_locked'], ['order_locked:ord_1', 'order_locked'],
      ['order_cancelled:ord_1', 'order_cancelled']]);
    assert.deepEqual(drafts[2]!.params,
      { order_id: 'ord_1', reason: 'fraud', deposit_state: 'forfeited' });
    assert.deepEqual(drafts[0]!.params, { order_id: 'ord_1', queue_place: 7 });
  });
});

describe('delivery', () => {
  const queued = (): OutboxMessage => queuedMessage({ key: 'k', accountId: 'acc_1',
    orderId: 'ord_1', kind: 'order_locked', params: { order_id: 'ord_1', queue_place: 1 } },
  'ntf_abc', 'zh', 'sms', T0);

  it('backs off exponentially with equal jitter, capped, never before a retry-after', () => {
    assert.equal(retryDelayMs(1, 0, policy), 500);
    assert.equal(retryDelayMs(1, 1, policy), 1_000);
    assert.equal(retryDelayMs(3, 0.5, policy), 3_000);
    assert.equal(retryDelayMs(10, 1, policy), 8_000);
    assert.equal(retryDelayMs(60, 0, policy), 4_000);
    assert.equal(retryDelayMs(1, 0, policy, 5_000), 5_000);
  });

  it('keys name the message and its generation, and nothing else', () => {
    assert.equal(idempotencyKey({ notificationId: 'ntf_a-b_c', generation: 2 }), 'ntf_a-b_c.2');
    assert.deepEqual(parseIdempotencyKey('ntf_a-b_c.2'),
      { notificationId: 'ntf_a-b_c', generation: 2 });
    for (const bad of ['ntf_a', 'ntf_a.0', 'x_a.1', 'ntf_a.1.2', 'ntf_.1']) {
      assert.equal(parseIdempotencyKey(bad), null, bad);
    }
  });

  it('moves through its states as the table says', () => {
    const accepted = { kind: 'accepted', providerMessageId: 'p1', reportsDelivery: true } as const;
    const transient = { kind: 'failed', retryable: true, error: '503',
      retryAfterMs: null } as const;
    const fatal = { kind: 'failed', retryable: false, error: '400', retryAfterMs: null } as const;
    let m = queued();
    assert.ok(isDue(m, T0) && !isDue(m, T0 - 1));
    m = claimed(m, T0, policy);
    assert.deepEqual([m.state, m.attempts, m.dueAtMs], ['sending', 1, T0 + policy.leaseMs]);
    assert.ok(!isDue(m, T0 + 1) && isDue(m, T0 + policy.leaseMs));
    assert.equal(afterSend(m, 2, accepted, T0, 0, policy), null, 'another claim\'s outcome');
    const retried = afterSend(m, 1, transient, T0 + 5, 0, policy)!;
    assert.deepEqual([retried.state, retried.dueAtMs, retried.lastError],
      ['queued', T0 + 5 + 500, '503']);
    assert.equal(afterSend(claimed(m, T0, policy), 2, fatal, T0, 0, policy)!.state, 'failed');
    const sent = afterSend(m, 1, accepted, T0 + 5, 0, policy)!;
    assert.deepEqual([sent.state, sent.providerMessageId, sent.sentAtMs], ['sent', 'p1', T0 + 5]);
    assert.equal(afterSend(m, 1, { ...accepted, reportsDelivery: false }, T0, 0,
      policy)!.state,
      'delivered');
    const report = { generation: 1, status: 'delivered', providerMessageId: 'p1',
      detail: 'DELIVRD' } as const;
    const delivered = afterReport(sent, report, T0 + 9, 0, policy)!;
    assert.deepEqual([delivered.state, delivered.deliveredAtMs], ['delivered', T0 + 9]);
    assert.equal(afterReport(delivered, report, T0 + 10, 0, policy), null, 'a second report');
    assert.equal(afterReport(sent, { ...report, generation: 2 }, T0, 0, policy), null);
    // Reported before the acceptance was recorded, or after a lost reply was queued again.
    assert.equal(afterReport(m, report, T0, 0, policy)!.state, 'delivered');
    assert.equal(afterReport(retried, report, T0, 0, policy)!.state, 'delivered');
    const undelivered = afterReport(sent, { ...report, status: 'undelivered' }, T0, 0, policy)!;
    assert.deepEqual([undelivered.state, undelivered.generation], ['queued', 2]);
    const last = claimed(undelivered, T0, policy);
    assert.equal(afterReport(afterSend(last, 2, accepted, T0, 0, policy)!, { ...report,
      generation: 2, status: 'undelivered' }, T0, 0, policy)!.state, 'failed',
    'generations used up');
    let worn = queued();
    for (let i = 1; i <= policy.attemptsMax; i++) {
      worn = afterSend(claimed(worn, T0, policy), i, transient, T0, 0, policy)!;
    }
    assert.equal(worn.state, 'failed', 'attempts used up');
    // ... yet the first try had been accepted, its reply lost: the phone got it.
    assert.equal(afterReport(worn, report, T0, 0, policy)!.state, 'delivered');
    assert.equal(afterReport(worn, { ...report, status: 'undelivered' }, T0, 0, policy), null);
  });
});
