// Operator console, payments: refunds the provider has not confirmed in time, and what the
// provider told launchday that matched nothing it asked for (docs/api.md, admin payments).
import { t } from './i18n.js';
import { count, dateTime, duration, h, yuan } from './format.js';
import { api, rerender, state } from './admin-context.js';

/** Loads both views into state.payments; a failure goes to the status line. */
export async function loadPayments() {
  const [unsettled, anomalies] = await Promise.all([
    api('GET', '/admin/payments/unsettled'),
    api('GET', '/admin/payments/anomalies?limit=100'),
  ]);
  if (!unsettled.ok) state.status = { failure: unsettled };
  else if (!anomalies.ok) state.status = { failure: anomalies };
  else state.payments = { unsettled: unsettled.data, anomalies: anomalies.data.anomalies };
}

function table(id, columns, rows) {
  return h(
    'div',
    { class: 'card table-wrap' },
    h(
      'table',
      { id },
      h('thead', {}, h('tr', {}, columns.map((k) => h('th', { scope: 'col' }, t(k))))),
      h('tbody', {}, rows.map((cells) => h('tr', {}, cells.map((c) => h('td', {}, c))))),
    ),
  );
}

export function paymentsSection() {
  const p = state.payments;
  const refresh = h(
    'div',
    { class: 'actions' },
    h(
      'button',
      {
        type: 'button',
        class: 'primary',
        id: 'p-refresh',
        onclick: async () => {
          await loadPayments();
          rerender();
        },
      },
      t('a_refresh'),
    ),
  );
  if (!p) return [refresh];
  // In words with the right plural ("1 minute", "1 minute 30 seconds"), not rounded minutes.
  const time = duration(p.unsettled.older_than_seconds);
  return [
    refresh,
    h('h2', {}, t('p_unsettled', { n: count(p.unsettled.count), time })),
    p.unsettled.refunds.length === 0
      ? h('p', {}, t('a_none'))
      : table(
          'unsettled-refunds',
          ['col_order', 'col_reference', 'col_amount', 'col_asked', 'col_sent'],
          p.unsettled.refunds.map((r) => [
            r.order_id,
            r.reference,
            yuan(r.amount_fen),
            dateTime(r.asked_at),
            r.sent_at ? dateTime(r.sent_at) : t('p_not_sent'),
          ]),
        ),
    h('h2', {}, t('p_anomalies')),
    p.anomalies.length === 0
      ? h('p', {}, t('a_none'))
      : table(
          'payment-anomalies',
          ['col_at', 'col_kind', 'col_reference', 'col_detail'],
          p.anomalies.map((a) => [
            dateTime(a.at),
            t(`anomaly_${a.kind}`),
            a.reference,
            h('pre', {}, JSON.stringify(a.detail)),
          ]),
        ),
  ];
}
