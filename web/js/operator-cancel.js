// On /orders: why an operator cancelled the buyer's order, and whom to ask. The buyer did not
// ask for the cancel, so the page says so plainly, with the operator's reason (the order's
// `cancel_reason`, docs/api.md) and the customer-service line to call, quoting the order.
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
  op_cancel_contact: {
    zh: '如有疑问，请致电客服 {phone}，并告知订单号 {id}。',
    en: 'Questions? Call customer service on {phone} and quote order {id}.',
  },
});

/** The notice for an order an operator cancelled; null for any other order. */
export function operatorCancelNotice(order) {
  if (order.status !== 'cancelled' || !order.cancel_reason) return null;
  const [before, after] = t('op_cancel_contact', { phone: '\u0000', id: order.order_id })
    .split('\u0000');
  return h(
    'div',
    { class: 'notice notice-warn operator-cancel', role: 'note' },
    h('p', {}, h('strong', {}, t('op_cancel_title')),
      order.cancelled_at ? ` · ${dateTime(order.cancelled_at)}` : ''),
    h('p', {}, t('op_cancel_reason', { reason: order.cancel_reason })),
    h('p', {}, before, h('a', { href: `tel:${SERVICE_PHONE.replace(/-/g, '')}` }, SERVICE_PHONE),
      after),
  );
}
