// Operator console, Production: the latest re-plans (who, why, what moved), a button to re-plan
// now with a reason, and the estimates one re-plan moved, earlier or later.
import { t } from './i18n.js';
import { count, counted, dateTime, h } from './format.js';
import { api, rerender, showToast } from './admin-context.js';
import { dateWords } from './date-window.js';

/** How many of one re-plan's moves are listed (one page of GET /admin/estimate-changes). */
const MOVES_SHOWN = 1000;

const R = {
  replans: [],
  reason: '',
  reasonError: false,
  moves: null, // {replan, changes}
};

export async function loadReplans() {
  const r = await api('GET', '/admin/replans');
  if (r.ok) R.replans = r.data.replans;
  else showToast({ failure: r });
  // Moves shown stay shown, from the re-plan as now listed.
  if (R.moves) R.moves.replan = R.replans.find((x) => x.replan_id === R.moves.replan.replan_id)
    ?? R.moves.replan;
}

async function showMoves(replan) {
  const q = new URLSearchParams({ replan_id: replan.replan_id, limit: String(MOVES_SHOWN) });
  const r = await api('GET', `/admin/estimate-changes?${q}`);
  if (!r.ok) {
    showToast({ failure: r });
    return;
  }
  R.moves = { replan, changes: r.data.changes };
  rerender();
  document.getElementById('replan-moves')?.focus();
}

async function replanNow(ev) {
  ev.preventDefault();
  R.reasonError = R.reason.trim() === '';
  if (R.reasonError) {
    rerender();
    document.getElementById('rp-reason')?.focus();
    return;
  }
  const r = await api('POST', '/admin/replans', { reason: R.reason.trim() });
  if (!r.ok) {
    showToast({ failure: r });
    return;
  }
  R.reason = '';
  await loadReplans();
  const x = r.data.replan;
  showToast({ text: t('pr_replanned', { orders: counted('n_orders', x.orders_estimated),
    earlier: count(x.moved_earlier), later: count(x.moved_later),
    ms: count(x.duration_ms ?? 0) }) });
  rerender();
}

function replanForm() {
  const reason = h('textarea', { id: 'rp-reason', rows: '2',
    oninput: (ev) => (R.reason = ev.target.value) });
  reason.value = R.reason;
  if (R.reasonError) {
    reason.setAttribute('aria-invalid', 'true');
    reason.setAttribute('aria-describedby', 'rp-reason-error');
  }
  return h(
    'form',
    { class: 'card', id: 'replan-form', onsubmit: replanNow, novalidate: true },
    h('p', { class: 'hint' }, t('pr_replan_hint')),
    h('label', { for: 'rp-reason' }, t('pr_reason')),
    reason,
    R.reasonError ? h('p', { class: 'field-error', id: 'rp-reason-error' },
      t('pr_reason_missing')) : null,
    h('div', { class: 'actions' },
      h('button', { type: 'submit', class: 'primary', id: 'rp-now' }, t('pr_replan_now'))),
  );
}

// A window of one day is that day, never "12 January 2026 to 12 January 2026".
const windowText = (w) => (w.from === w.to ? dateWords(w.from)
  : t('pr_window', { from: dateWords(w.from), to: dateWords(w.to) }));

function movesPanel() {
  const m = R.moves;
  if (!m) return null;
  return h(
    'div',
    { class: 'card table-wrap', id: 'replan-moves', tabindex: '-1' },
    h('h3', {}, t('pr_moves_title', { at: dateTime(m.replan.at, { seconds: true }) })),
    h(
      'table',
      { id: 'replan-changes' },
      h('thead', {}, h('tr', {}, ['n_order', 'pr_trim', 'pr_old_window', 'pr_new_window',
        'pr_moved'].map((k) => h('th', { scope: 'col' }, t(k))))),
      h(
        'tbody',
        {},
        m.changes.map((c) =>
          h(
            'tr',
            { 'data-direction': c.direction },
            h('td', {}, c.order_id),
            h('td', {}, c.trim),
            h('td', {}, windowText(c.old_window)),
            h('td', {}, windowText(c.new_window)),
            h('td', { class: `moved-${c.direction}` }, t(`pr_moved_${c.direction}`,
              { n: Math.abs(c.weeks_moved) })),
          ),
        ),
      ),
    ),
    m.changes.length >= MOVES_SHOWN ? h('p', { class: 'hint' },
      t('pr_moves_more', { n: count(MOVES_SHOWN) })) : null,
  );
}

export function replansSection() {
  return [
    h('h2', { id: 'pr-replans' }, t('pr_replans_title')),
    replanForm(),
    R.replans.length === 0
      ? h('p', {}, t('pr_replans_none'))
      : h(
          'div',
          { class: 'card table-wrap' },
          h(
            'table',
            { id: 'replans' },
            h('thead', {}, h('tr', {}, ['pr_changed_at', 'pr_who', 'pr_cause', 'pr_why',
              'pr_estimated', 'pr_earlier', 'pr_later', 'pr_moved'].map((k) =>
              h('th', { scope: 'col' }, t(k))))),
            h(
              'tbody',
              {},
              R.replans.map((x) => {
                const moved = x.moved_earlier + x.moved_later;
                return h(
                  'tr',
                  { 'data-replan': x.replan_id },
                  h('td', {}, dateTime(x.at, { seconds: true })),
                  h('td', {}, x.actor),
                  h('td', {}, t(`pr_cause_${x.cause}`)),
                  h('td', {}, x.reason),
                  h('td', {}, count(x.orders_estimated)),
                  h('td', {}, count(x.moved_earlier)),
                  h('td', {}, count(x.moved_later)),
                  h('td', {}, moved === 0 ? '—' : h('button', { type: 'button',
                    class: 'secondary', onclick: () => showMoves(x) },
                  t('pr_show_moves', { n: count(moved) }))),
                );
              }),
            ),
          ),
        ),
    movesPanel(),
  ];
}
