// An order's price on the orders page: the price version it was placed at, what it costs now
// after price protection (a credit off the balance, or the difference refunded after delivery,
// with the refund's state), and the rule. Read when the buyer opens it, not on every refresh.
import { get } from './api.js';
import { t } from './i18n.js';
import { counted, dateTime, h, yuan } from './format.js';
import { errorBox } from './ui.js';
import { PRICEBOOKS_STRINGS } from './pricebooks-strings.js';
import { STRINGS } from './strings.js';

Object.assign(STRINGS, PRICEBOOKS_STRINGS);

const prices = new Map(); // order id -> the api result
const open = new Set();

async function load(orderId) {
  prices.set(orderId, await get(`/orders/${encodeURIComponent(orderId)}/price-protection`));
}

function body(orderId) {
  const r = prices.get(orderId);
  if (!r) return h('p', { class: 'muted' }, t('loading'));
  if (!r.ok) return errorBox(r);
  const p = r.data;
  const rule = p.rule.undelivered_pays_lower ? 'price_rule' : 'price_rule_off';
  return h('div', { class: 'price-protection' },
    h('p', {}, t('price_version', { v: p.price_version, p: yuan(p.placed_price_fen) })),
    h('p', { class: 'price-now' }, t('price_now', { p: yuan(p.price_now_fen) })),
    h('p', {}, t('price_list_now', { p: yuan(p.list_price_now_fen) })),
    h('ul', {}, p.protections.map((x) => h('li', { class: `protection-${x.kind}` },
      t(x.kind === 'credit' ? 'price_credit' : 'price_refund',
        { p: yuan(x.amount_fen), v: x.version }), ' · ', dateTime(x.at))),
    p.refunds.map((x) => h('li', { class: 'protection-refund-state' },
      t('price_refund_state', { p: yuan(x.amount_fen), s: t(`refund_${x.status}`) })))),
    h('p', { class: 'hint' }, t(rule,
      { days: counted('n_rule_days', p.rule.delivered_within_days) })));
}

/** The order's price section (a <details>); `rerender` redraws the page once it is read. */
export function priceSection(orderId, rerender) {
  return h('details', {
    class: 'order-price',
    'data-price': orderId,
    open: open.has(orderId) || null,
    ontoggle: async (ev) => {
      if (!ev.target.open) {
        open.delete(orderId);
        return;
      }
      if (open.has(orderId)) return;
      open.add(orderId);
      await load(orderId);
      rerender();
    },
  }, h('summary', {}, t('price_title')), body(orderId));
}
