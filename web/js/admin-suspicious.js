// Operator console, the suspicious-pattern report (docs/api.md, "Anti-scalping"): for one
// launch or drop, the clusters of accounts that share a device, payment source, address or
// network, each with its score, reasons and orders; and for a launch, the cancel of a cluster's
// firm orders with a reason, each order's outcome shown (locked ones are refused and kept).
import { codeText, t } from './i18n.js';
import { errorText } from './errors.js';
import { count, h } from './format.js';
import { api, labelled, rerender, state } from './admin-context.js';
import { beijingSeconds } from './beijing-time.js';

/** Loads the launches and drops a report can be asked for into state.suspicionScopes. */
export async function loadScopes() {
  const [l, d] = await Promise.all([api('GET', '/launches'), api('GET', '/drops')]);
  state.suspicionScopes = [
    ...(l.ok ? l.data.launches.map((x) => ({ kind: 'launch', id: x.launch_id })) : []),
    ...(d.ok ? d.data.drops.map((x) => ({ kind: 'drop', id: x.drop_id })) : []),
  ];
}

async function runReport(scope) {
  const [kind, id] = scope.split(':');
  const r = await api('GET', `/admin/suspicious?${kind}_id=${encodeURIComponent(id)}`);
  if (r.ok) state.suspicion = { report: r.data, results: {} };
  else state.status = { failure: r };
  rerender();
}

function reasonText(x) {
  if (x.code === 'burst' || x.code === 'bulk_registration') {
    return t(`s_${x.code}`, { n: x.count, s: Math.round((x.within_ms ?? 0) / 1000) });
  }
  return t(`s_${x.code}`, { n: x.count, key: x.key });
}

function cancelForm(report, c) {
  const cancellable = c.orders.filter((o) => o.cancellable).map((o) => o.order_id);
  const reason = h('textarea', { rows: 2 });
  const id = `s-reason-${c.cluster_id}`;
  return h(
    'form',
    {
      class: 'cancel-cluster',
      onsubmit: async (ev) => {
        ev.preventDefault();
        const r = await api('POST', '/admin/suspicious/cancel', { launch_id: report.scope.id,
          cluster_id: c.cluster_id, order_ids: cancellable, reason: reason.value });
        if (!r.ok) {
          state.status = { failure: r };
          rerender();
          return;
        }
        state.suspicion.results[c.cluster_id] = r.data;
        await runReport(`launch:${report.scope.id}`);
        state.suspicion.results[c.cluster_id] = r.data;
        rerender();
      },
    },
    labelled(id, 's_reason', reason),
    h('button', { type: 'submit', class: 'danger', disabled: cancellable.length === 0,
      'data-cancel-cluster': c.cluster_id }, t('s_cancel', { n: cancellable.length })),
  );
}

function resultsList(done) {
  if (!done) return null;
  return h('div', { class: 'cancel-results' },
    h('p', {}, t('s_cancel_done', { c: done.cancelled, r: done.refused })),
    h('ul', {}, done.results.map((x) => h('li', { 'data-outcome': x.outcome },
      `${x.order_id}: ${x.outcome === 'cancelled' ? t('s_outcome_cancelled')
        : t('s_outcome_refused', { code: errorText({ code: x.outcome }).what })}`))));
}

// A launch's rows are orders (firm, locked...), a drop's are purchase holds (held, paid...).
const statusText = (report, status) =>
  codeText(report.scope.kind === 'launch' ? 'status_' : 's_hold_', status);

function clusterCard(report, c) {
  return h(
    'div',
    { class: 'card cluster', 'data-cluster': c.cluster_id },
    h('h2', {}, t('s_cluster', { score: c.score, a: c.accounts.length, o: c.orders.length })),
    h('ul', { class: 'reasons' }, c.reasons.map((x) => h('li', { 'data-reason': x.code },
      reasonText(x)))),
    h('div', { class: 'table-wrap' }, h('table', {},
      h('thead', {}, h('tr', {}, ['s_order', 's_account', 's_at', 's_status']
        .map((k) => h('th', { scope: 'col' }, t(k))))),
      h('tbody', {}, c.orders.map((o) => h('tr', {}, [o.order_id, o.account_id,
        beijingSeconds(o.at), statusText(report, o.status)].map((x) => h('td', {}, x))))))),
    report.scope.kind === 'launch' ? cancelForm(report, c) : h('p', { class: 'hint' },
      t('s_drop_hint')),
    resultsList(state.suspicion.results[c.cluster_id]),
  );
}

export function suspiciousSection() {
  const scopes = state.suspicionScopes ?? [];
  const select = h('select', {}, scopes.map((s) => h('option', { value: `${s.kind}:${s.id}`,
    selected: state.suspicion?.report && state.suspicion.report.scope.id === s.id
      && state.suspicion.report.scope.kind === s.kind }, `${t(`s_kind_${s.kind}`)} ${s.id}`)));
  const report = state.suspicion?.report;
  return [
    h('form', { class: 'card',
      onsubmit: (ev) => { ev.preventDefault(); void runReport(select.value); } },
      labelled('s-scope', 's_scope', select),
      h('button', { type: 'submit', class: 'primary', id: 's-run' }, t('s_run'))),
    report ? h('p', { id: 's-summary' }, t('s_summary', { n: count(report.signals),
      c: report.clusters.length, at: beijingSeconds(report.as_of) }),
    report.truncated ? ` ${t('s_truncated')}` : '') : null,
    report && report.clusters.length === 0 ? h('p', {}, t('s_none')) : null,
    ...(report ? report.clusters.map((c) => clusterCard(report, c)) : []),
  ];
}
