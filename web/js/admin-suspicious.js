// Operator console, the suspicious-pattern report (docs/api.md, "Anti-scalping"): for one
// launch or drop, the clusters of accounts that share a device, payment source, address or
// network, each with its score, reasons and orders, and the accounts only linked to it by one
// weak key (shown, never in its cancel); and the cancel of a cluster's firm orders
// (a launch) or unlocked holds (a drop: unpaid ones released, paid merchandise refunded) with a
// reason, each one's outcome shown (locked ones are refused and kept, the report says why).
// The cancel refunds money, so it asks first, as the console's other destructive actions do:
// how many orders, whose, the refund total, the reason, then a confirm.
import { codeText, localName, t } from './i18n.js';
import { errorText } from './errors.js';
import { count, counted, h, plural, yuan } from './format.js';
import { api, labelled, rerender, state } from './admin-context.js';
import { beijingSeconds } from './beijing-time.js';
import { confirmDialog } from './dialog.js';

/** Loads the launches and drops a report can be asked for into state.suspicionScopes. */
export async function loadScopes() {
  const [l, d] = await Promise.all([api('GET', '/launches'), api('GET', '/drops')]);
  state.suspicionScopes = [
    // Each with its names, so the picker reads as the launches and drops tabs do.
    ...(l.ok ? l.data.launches.map((x) => ({ kind: 'launch', id: x.launch_id, name: x.name,
      name_zh: x.name_zh })) : []),
    ...(d.ok ? d.data.drops.map((x) => ({ kind: 'drop', id: x.drop_id, name: x.name,
      name_zh: x.name_zh })) : []),
  ];
}

async function runReport(scope) {
  const [kind, id] = scope.split(':');
  const r = await api('GET', `/admin/suspicious?${kind}_id=${encodeURIComponent(id)}`);
  if (r.ok) state.suspicion = { report: r.data, results: {} };
  else state.status = { failure: r };
  rerender();
}

// A reason's count is of accounts, except a burst's: orders, or accounts acting.
function reasonText(x) {
  const what = x.code === 'burst' ? { acts: counted('n_acts', x.count) }
    : { accounts: counted('n_accounts', x.count) };
  return t(`s_${x.code}`, { ...what, span: spanText(x.within_ms ?? 0), key: x.key });
}

/**
 * How close together a burst's orders or a batch's registrations came: "within the same
 * second" under a second (a rounded "0 s" read as nothing), else in whole seconds or minutes.
 */
export function spanText(ms) {
  if (ms < 1000) return t('s_span_same_second');
  if (ms < 120_000) return t('s_span_seconds', { s: Math.round(ms / 1000) });
  return t('s_span_minutes', { m: Math.round(ms / 60_000) });
}

/**
 * What a cluster's cancel would do: its cancellable orders, their accounts (each with its
 * orders, in the report's order) and the deposits it refunds, in fen (held ones only: a
 * refunded deposit is not refunded twice).
 */
function cancelPlan(c) {
  const orders = c.orders.filter((o) => o.cancellable);
  const byAccount = new Map();
  for (const o of orders) byAccount.set(o.account_id, [...(byAccount.get(o.account_id) ?? []),
    o.order_id]);
  const refundFen = orders.reduce((n, o) => n + (o.deposit_state === 'held'
    ? o.deposit_fen ?? 0 : 0), 0);
  return { orderIds: orders.map((o) => o.order_id), byAccount, refundFen };
}

async function confirmCancel(report, c) {
  const plan = cancelPlan(c);
  const total = yuan(plan.refundFen);
  // The server requires the reason, and the buyer reads it on their order or purchase.
  const reason = h('textarea', { rows: 2, maxlength: '500' });
  const r = await confirmDialog({
    title: t('s_cancel_title', { id: c.cluster_id }),
    body: [
      h('p', { class: 'cancel-what' }, t('s_cancel_what', {
        orders: counted('n_orders', plan.orderIds.length),
        accounts: counted('n_accounts', plan.byAccount.size), total })),
      h('h3', {}, t('s_cancel_accounts')),
      h('ul', { class: 'cancel-accounts' }, [...plan.byAccount].map(([account, ids]) =>
        h('li', { 'data-account': account }, `${account}: ${ids.join(', ')}`))),
      labelled(`s-reason-${c.cluster_id}`, 's_reason', reason),
    ],
    confirmLabel: t('s_cancel_confirm', { total }),
    danger: true,
    ready: () => reason.value.trim() !== '',
    action: () => api('POST', '/admin/suspicious/cancel', {
      [`${report.scope.kind}_id`]: report.scope.id, cluster_id: c.cluster_id, order_ids: plan.orderIds, reason: reason.value.trim() }),
  });
  if (!r) return; // dismissed: nothing was sent
  await runReport(`${report.scope.kind}:${report.scope.id}`);
  state.suspicion.results[c.cluster_id] = r.data;
  rerender();
}

/** The cancel, offered only while something is left to cancel (never "… 0 orders…"). */
function cancelButton(report, c) {
  const n = cancelPlan(c).orderIds.length;
  return h('div', { class: 'actions cancel-cluster' }, n === 0
    ? h('p', { class: 'muted', 'data-nothing-to-cancel': c.cluster_id }, t('s_cancel_none'))
    : h('button', { type: 'button', class: 'danger', 'data-cancel-cluster': c.cluster_id,
      onclick: () => void confirmCancel(report, c) }, plural('s_cancel', n, { n: count(n) })));
}

function resultsList(done) {
  if (!done) return null;
  return h('div', { class: 'cancel-results' },
    h('p', {}, t('s_cancel_done', { c: done.cancelled, r: done.refused })),
    h('ul', {}, done.results.map((x) => h('li', { 'data-outcome': x.outcome },
      `${x.order_id}: ${outcomeText(x)}`))));
}

/** One result's words: a launch's cancel refunds; a drop's releases a hold or refunds a sale. */
function outcomeText(x) {
  if (x.outcome === 'refunded') return t('s_outcome_refunded', { a: yuan(x.refund_fen) });
  if (x.outcome !== 'cancelled') {
    return t('s_outcome_refused', { code: errorText({ code: x.outcome }).what });
  }
  return t(x.refund_fen === undefined ? 's_outcome_cancelled' : 's_outcome_released');
}

/** A row's status, with why it cannot be cancelled (a car's deposit locks on payment). */
function statusCell(report, o) {
  const why = o.not_cancellable;
  const status = statusText(report, o.status);
  return h('td', why ? { title: why.message, 'data-not-cancellable': why.code } : {},
    why && o.status !== 'cancelled' ? `${status} · ${t('s_not_cancellable',
      { why: errorText({ code: why.code }).what })}` : status);
}

// A launch's rows are orders (firm, locked...), a drop's are purchase holds (held, paid...).
const statusText = (report, status) =>
  codeText(report.scope.kind === 'launch' ? 'status_' : 's_hold_', status);

/** A table of a cluster's orders (or its linked accounts' orders), each with its status. */
function ordersTable(report, orders) {
  return h('div', { class: 'table-wrap' }, h('table', {},
    h('thead', {}, h('tr', {}, ['s_order', 's_account', 's_at', 's_status']
      .map((k) => h('th', { scope: 'col' }, t(k))))),
    h('tbody', {}, orders.map((o) => h('tr', {}, [...[o.order_id, o.account_id,
      beijingSeconds(o.at)].map((x) => h('td', {}, x)), statusCell(report, o)])))));
}

/**
 * The accounts tied to a cluster by one weak key only (a parcel locker's address, a network):
 * shown so that the operator sees them, never in the cluster's cancel.
 */
function linkedPart(report, c) {
  const linked = c.linked_accounts ?? [];
  if (linked.length === 0) return null;
  return h('details', { class: 'linked', 'data-linked': String(linked.length) },
    h('summary', {}, t('s_linked', { accounts: counted('n_accounts', linked.length) })),
    h('ul', {}, linked.map((a) => h('li', { 'data-account': a.account_id },
      `${a.account_id}: ${a.shares.map((x) => t(`s_share_${x.code.slice('shared_'.length)}`,
        { key: x.key })).join(', ')}`))),
    (c.linked_orders ?? []).length > 0 ? ordersTable(report, c.linked_orders) : null);
}

function clusterCard(report, c) {
  return h(
    'div',
    { class: 'card cluster', 'data-cluster': c.cluster_id },
    h('h2', {}, t('s_cluster', { score: c.score, accounts: counted('n_accounts',
      c.accounts.length), orders: counted('n_orders', c.orders.length) })),
    h('ul', { class: 'reasons' }, c.reasons.map((x) => h('li', { 'data-reason': x.code },
      reasonText(x)))),
    ordersTable(report, c.orders),
    cancelButton(report, c),
    linkedPart(report, c),
    resultsList(state.suspicion.results[c.cluster_id]),
  );
}

export function suspiciousSection() {
  const scopes = state.suspicionScopes ?? [];
  const select = h('select', {}, scopes.map((s) => h('option', { value: `${s.kind}:${s.id}`,
    selected: state.suspicion?.report && state.suspicion.report.scope.id === s.id
      && state.suspicion.report.scope.kind === s.kind },
    `${t(`s_kind_${s.kind}`)} ${localName(s) || s.id} (${s.id})`)));
  const report = state.suspicion?.report;
  return [
    h('form', { class: 'card',
      onsubmit: (ev) => { ev.preventDefault(); void runReport(select.value); } },
      labelled('s-scope', 's_scope', select),
      h('button', { type: 'submit', class: 'primary', id: 's-run' }, t('s_run'))),
    report ? h('p', { id: 's-summary' }, t('s_summary', {
      signals: counted('n_signals', report.signals),
      clusters: counted('n_clusters', report.clusters.length), at: beijingSeconds(report.as_of) }),
    report.truncated ? ` ${t('s_truncated')}` : '') : null,
    report && report.clusters.length === 0 ? h('p', {}, t('s_none')) : null,
    ...(report ? report.clusters.map((c) => clusterCard(report, c)) : []),
  ];
}
