// On /orders: why an operator cancelled the buyer's order, and whom to ask. The buyer did not
// ask for the cancel, so the page says so plainly, with the operator's reason (the order's
// `cancel_reason`, docs/api.md) and the customer-service line to call, quoting the order.
// An order cancelled by an operator before a reason was required has a `cancelled` event by
// `operator:<name>` and no reason: it gets the notice too, saying the reason was not recorded.
import { STRINGS } from './strings.js';
import { t } from './i18n.js';
import { dateTime, h } from './format.js';

/** Customer service, as the buyer pages name it elsewhere ("contact customer service"). */
export const SERVICE_PHONE = '400-000-0000';

Object.assign(STRINGS, {
  op_cancel_title: {
    zh: '此订单已由 launchday 工作人员取消',
    en: 'This order was cancelled by launchday staff',
  },
  op_cancel_reason: { zh: '原因：{reason}', en: 'Reason: {reason}' },
  op_cancel_reason_unrecorded: {
    zh: '原因：未记录（取消时系统尚未要求工作人员填写原因）。',
    en: 'Reason: not recorded (staff were not yet asked for one when this order was cancelled).',
  },
  op_cancel_contact: {
    zh: '如有疑问，请致电客服 {phone}，并告知订单号 {id}。',
    en: 'Questions? Call customer service on {phone} and quote order {id}.',
  },
});

/**
 * Whether launchday staff cancelled `order` (an order view, docs/api.md), and their reason:
 * `{ reason }` (null when none was recorded) when its cancel is an operator's, else null. An
 * operator's cancel is one with a `cancel_reason`, or whose last `cancelled` history event's
 * actor is `operator:<name>` (the server's rule for `cancel_reason`, orders/views.ts).
 */
export function staffCancellation(order) {
  if (order.status !== 'cancelled') return null;
  if (order.cancel_reason) return { reason: order.cancel_reason };
  const history = Array.isArray(order.history) ? order.history : [];
  for (let i = history.length - 1; i >= 0; i--) {
    const e = history[i];
    if (e?.type !== 'cancelled') continue;
    return typeof e.actor === 'string' && e.actor.startsWith('operator:') ? { reason: null }
      : null;
  }
  return null;
}

/** The notice for an order an operator cancelled; null for any other order. */
export function operatorCancelNotice(order) {
  const staff = staffCancellation(order);
  if (staff === null) return null;
  const [before, after] = t('op_cancel_contact', { phone: '\u0000', id: order.order_id })
    .split('\u0000');
  return h(
    'div',
    { class: 'notice notice-warn operator-cancel', role: 'note' },
    h('p', {}, h('strong', {}, t('op_cancel_title')),
      order.cancelled_at ? ` · ${dateTime(order.cancelled_at)}` : ''),
    h('p', {}, staff.reason === null ? t('op_cancel_reason_unrecorded')
      : t('op_cancel_reason', { reason: staff.reason })),
    h('p', {}, before, h('a', { href: `tel:${SERVICE_PHONE.replace(/-/g, '')}` }, SERVICE_PHONE),
      after),
  );
}
