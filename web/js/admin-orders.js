// Operator console, orders: find by order id, phone or identity number; history; refund a
// firm order; cancel (a locked one forfeits its deposit, which the operator must accept).
import { depositState, t } from './i18n.js';
import { h, yuan } from './format.js';
import { confirmDialog } from './dialog.js';
import { api, rerender, say, state } from './admin-context.js';
import { historyTimeline } from './admin-history.js';

/**
 * The deposit as an operator must read it before acting: a locked order's deposit is no longer
 * refundable (it goes to the price at delivery, or is forfeited by a cancel).
 */
function depositText(o) {
  const pastLock = o.status === 'locked' || o.status === 'scheduled';
  if (o.deposit.state === 'held' && pastLock) return t('o_deposit_locked');
  return depositState(o);
}

/** Who placed the order: name and phone from the account the API nests, then the id. */
function buyerText(o) {
  const a = o.account;
  return a ? `${a.name} · ${a.phone} · ${o.account_id}` : `${t('o_no_account')} · ${o.account_id}`;
}

export function ordersSection() {
  const fields = [
    ['o-id', 'o_by_id', 'order_id'],
    ['o-phone', 'o_by_phone', 'phone'],
    ['o-idn', 'o_by_idn', 'id_number'],
  ].map(([id, key, q]) => ({ q, input: h('input', { id, spellcheck: 'false' }), id, key }));
  const search = async (ev) => {
    ev.preventDefault();
    const q = new URLSearchParams();
    for (const f of fields) if (f.input.value.trim()) q.set(f.q, f.input.value.trim());
    if ([...q.keys()].length === 0) {
      state.status = { text: t('o_need_one') };
      rerender();
      return;
    }
    const r = await api('GET', `/admin/orders?${q}`);
    if (r.ok) {
      state.found = r.data.orders;
      state.status = null;
    } else state.status = { failure: r };
    rerender();
  };
  return [
    h(
      'form',
      { class: 'card', id: 'order-search', onsubmit: search, 'data-keep-typed': '' },
      h('h2', {}, t('o_find')),
      h(
        'div',
        { class: 'row' },
        fields.map((f) => h('div', {}, h('label', { for: f.id }, t(f.key)), f.input)),
      ),
      h(
        'div',
        { class: 'actions' },
        h('button', { type: 'submit', class: 'primary' }, t('o_search')),
      ),
    ),
    state.found === null
      ? null
      : state.found.length === 0
        ? h('p', {}, t('o_none'))
        : state.found.map(adminOrder),
  ];
}

function adminOrder(o) {
  const deposit = yuan(o.deposit.amount_fen);
  const act = async (kind) => {
    const locked = o.status === 'locked' || o.status === 'scheduled';
    const accept = h('input', { type: 'checkbox', id: 'admin-accept' });
    // The server requires the operator's reason and keeps it in the audit log.
    const reason = h('input', { type: 'text', id: 'admin-reason', maxlength: '500' });
    const reasonField = [h('label', { for: 'admin-reason' }, t('o_reason')), reason];
    const r = await confirmDialog({
      title: kind === 'refund' ? t('o_refund') : t('o_cancel'),
      body:
        kind === 'refund'
          ? [h('p', {}, t('o_refund_confirm', { id: o.order_id, deposit })), ...reasonField]
          : [
              h(
                'p',
                {},
                t(locked ? 'o_cancel_locked' : 'o_cancel_firm', { id: o.order_id, deposit }),
              ),
              locked
                ? h('label', { class: 'choice' }, accept, h('span', {}, t('o_accept_forfeit')))
                : null,
              ...reasonField,
            ],
      confirmLabel: kind === 'refund' ? t('o_refund') : t('o_cancel'),
      danger: true,
      ready: () =>
        reason.value.trim() !== '' && (kind === 'refund' || !locked || accept.checked),
      action: () =>
        api('POST', `/admin/orders/${o.order_id}/${kind}`, {
          ...(kind === 'cancel' && locked ? { accept_forfeit: true } : {}),
          reason: reason.value.trim(),
        }),
    });
    if (r) {
      say(r, 'o_done');
      state.found = state.found.map((x) => (x.order_id === o.order_id ? { ...x, ...r.data } : x));
      rerender();
    }
  };
  return h(
    'article',
    { class: 'card', 'data-order': o.order_id },
    h('h2', {}, `${o.order_id} · ${t(`status_${o.status}`)}`),
    h(
      'dl',
      { class: 'kv' },
      h('dt', {}, t('o_buyer')),
      h('dd', { class: 'buyer' }, buyerText(o)),
      h('dt', {}, t('configuration')),
      h('dd', {}, `${o.launch_id} · ${o.trim} · ${o.options.join(', ')} · ${o.city}`),
      h('dt', {}, t('deposit')),
      h('dd', { class: 'deposit' }, `${deposit} · ${depositText(o)}`),
      h('dt', {}, t('queue_place')),
      h('dd', {}, o.queue ? `${o.queue.queue_key} #${o.queue.place}` : '–'),
      o.cancel_reason ? [h('dt', {}, t('o_reason_short')), h('dd', {}, o.cancel_reason)] : null,
    ),
    h(
      'div',
      { class: 'actions' },
      o.status === 'firm' && o.deposit.state === 'held'
        ? h(
            'button',
            { type: 'button', class: 'secondary', onclick: () => act('refund') },
            t('o_refund'),
          )
        : null,
      o.status !== 'cancelled'
        ? h(
            'button',
            { type: 'button', class: 'secondary', onclick: () => act('cancel') },
            t('o_cancel'),
          )
        : null,
    ),
    h('h3', {}, t('history')),
    historyTimeline(o.history),
  );
}
