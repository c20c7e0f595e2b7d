// Operator console, Production (issue 15): the truth share; the plan of each launch and trim
// with its chart (capacity against locked demand), its editor (dated weekly rates and a
// required reason) and every version; re-plans and the estimates each moved; delivery centres;
// production runs and the ready-stock pool (admin-production-centres.js, -runs.js).
import { localName, t } from './i18n.js';
import { count, counted, dateTime, h } from './format.js';
import { api, rerender, showToast, state } from './admin-context.js';
import { serverNow } from './api.js';
import { STRINGS } from './strings.js';
import { PRODUCTION_STRINGS } from './admin-production-strings.js';
import { chartSummary, planChart } from './admin-production-chart.js';
import { beijingToday, dateWords } from './date-window.js';
import { centresSection, loadCentres } from './admin-production-centres.js';
import { loadRuns, runsSection } from './admin-production-runs.js';
import { loadReplans, replansSection } from './admin-production-replans.js';

Object.assign(STRINGS, PRODUCTION_STRINGS);

/** The tab's data and drafts, kept across redraws (each redraw rebuilds the DOM). */
export const P = {
  launch: null,
  trim: null,
  versions: [], // every version of the selected plan, oldest first
  weeks: null, // the selected plan week by week, or null without a plan
  truth: null,
  draft: null, // {rates: [{from, units}], reason, errors: {field id: string key}}
};


/** A result's failure goes to the toast; true when it was fine. */
export function okOrSay(r) {
  if (!r.ok) showToast({ failure: r });
  return r.ok;
}

export async function loadProduction() {
  const launches = await api('GET', '/launches');
  if (!okOrSay(launches)) return;
  state.launches = launches.data.launches;
  if (!P.launch || !state.launches.some((l) => l.launch_id === P.launch)) {
    P.launch = state.launches[0]?.launch_id ?? null;
    P.trim = null;
  }
  const truth = await api('GET', '/admin/truth-audit');
  if (okOrSay(truth)) P.truth = truth.data;
  await Promise.all([loadPlan(), loadReplans(), loadCentres(), loadRuns()]);
}

const launchOf = (id) => state.launches.find((l) => l.launch_id === id);
const trimsOf = (id) => launchOf(id)?.trims ?? [];
const trimName = (launchId, trim) =>
  localName(trimsOf(launchId).find((x) => x.trim === trim)) || trim;

/** The selected plan's versions and weeks; the editor starts from the version in force. */
export async function loadPlan() {
  if (!P.launch) return;
  if (!P.trim || !trimsOf(P.launch).some((x) => x.trim === P.trim)) {
    P.trim = trimsOf(P.launch)[0]?.trim ?? null;
  }
  if (!P.trim) return;
  const path =
    `/admin/production-plans/${encodeURIComponent(P.launch)}/${encodeURIComponent(P.trim)}`;
  const [versions, weeks] = await Promise.all([api('GET', path), api('GET', `${path}/weeks`)]);
  // A trim without a plan is normal (chartBlock says so): not an error for the toast.
  const missing = (r) => !r.ok && r.code === 'plan_not_found';
  P.versions = versions.ok ? versions.data.versions : [];
  P.weeks = weeks.ok ? weeks.data : null;
  if (!versions.ok && !missing(versions)) showToast({ failure: versions });
  else if (!weeks.ok && !missing(weeks)) showToast({ failure: weeks });
  startDraft(P.versions[P.versions.length - 1]);
}

function startDraft(version) {
  P.draft = {
    rates: version
      ? version.rates.map((r) => ({ from: r.from, units: String(r.units_per_week) }))
      : [{ from: beijingToday(serverNow()), units: '' }],
    reason: '',
    errors: {},
  };
}

function truthCard() {
  const tr = P.truth;
  if (!tr) return null;
  const text =
    tr.share === null
      ? t('pr_truth_none', { allocated: counted('n_orders', tr.allocated) })
      : t('pr_truth', {
          share: `${(tr.share * 100).toFixed(1)}%`,
          shown: counted('n_allocated_orders', tr.shown_at_lock),
          inside: count(tr.inside),
          allocated: counted('n_orders', tr.allocated),
        });
  return h(
    'div',
    { class: 'card' },
    h('h2', {}, t('pr_truth_title')),
    h('p', { id: 'truth-share' }, text),
  );
}

function planPicker() {
  const launchSel = h(
    'select',
    {
      id: 'pp-launch',
      onchange: async () => {
        P.launch = launchSel.value;
        P.trim = null;
        await loadPlan();
        rerender();
      },
    },
    state.launches.map((l) =>
      h('option', { value: l.launch_id, selected: l.launch_id === P.launch || null },
        `${localName(l)} (${l.launch_id})`),
    ),
  );
  const trimSel = h(
    'select',
    {
      id: 'pp-trim',
      onchange: async () => {
        P.trim = trimSel.value;
        await loadPlan();
        rerender();
      },
    },
    trimsOf(P.launch).map((x) =>
      h('option', { value: x.trim, selected: x.trim === P.trim || null }, localName(x) || x.trim),
    ),
  );
  return h(
    'div',
    { class: 'row' },
    h('div', {}, h('label', { for: 'pp-launch' }, t('pr_launch')), launchSel),
    h('div', {}, h('label', { for: 'pp-trim' }, t('pr_trim')), trimSel),
  );
}

function chartBlock() {
  const w = P.weeks;
  if (!w) return h('p', { id: 'plan-none' }, t('pr_no_plan'));
  const v = P.versions[P.versions.length - 1];
  return [
    v
      ? h('p', { id: 'plan-in-force' }, t('pr_in_force', {
          version: v.version,
          who: v.created_by,
          at: dateTime(v.created_at, { seconds: true }),
          reason: v.reason,
        }))
      : null,
    h('div', { class: 'chart-wrap' }, planChart(w, trimName(P.launch, P.trim))),
    h(
      'p',
      { class: 'chart-legend' },
      h('span', { class: 'swatch-cap' }),
      t('pr_chart_capacity'),
      ' ',
      h('span', { class: 'swatch-dem' }),
      t('pr_chart_locked'),
    ),
    h('p', { id: 'plan-chart-summary' }, chartSummary(w)),
  ];
}

/** A field with its label and, when the draft has one, its error said beside it. */
function field(id, label, input) {
  const key = P.draft.errors[id];
  input.id = id;
  if (key) {
    input.setAttribute('aria-invalid', 'true');
    input.setAttribute('aria-describedby', `${id}-error`);
  }
  return h(
    'div',
    { class: 'pr-field' },
    h('label', { for: id }, label),
    input,
    key ? h('p', { class: 'field-error', id: `${id}-error` }, t(key)) : null,
  );
}

const DATE = /^\d{4}-\d{2}-\d{2}$/;

/** The draft's problems by field id (none: it may be sent). */
function checkDraft(d) {
  const errors = {};
  let last = '';
  d.rates.forEach((r, i) => {
    if (!DATE.test(r.from)) errors[`pr-from-${i}`] = 'pr_bad_date';
    else if (last && r.from <= last) errors[`pr-from-${i}`] = 'pr_bad_order';
    last = r.from || last;
    const n = Number(r.units);
    if (r.units.trim() === '' || !Number.isInteger(n) || n < 0 || n > 1e6)
      errors[`pr-units-${i}`] = 'pr_bad_units';
  });
  const end = d.rates.length - 1;
  if (!errors[`pr-units-${end}`] && Number(d.rates[end].units) === 0)
    errors[`pr-units-${end}`] = 'pr_last_zero';
  if (d.reason.trim() === '') errors['pr-reason'] = 'pr_reason_missing';
  return errors;
}

async function savePlan(ev) {
  ev.preventDefault();
  const d = P.draft;
  d.errors = checkDraft(d);
  if (Object.keys(d.errors).length > 0) {
    rerender();
    document.querySelector('[aria-invalid="true"]')?.focus();
    return;
  }
  const r = await api('POST', '/admin/production-plans', {
    launch_id: P.launch,
    trim: P.trim,
    rates: d.rates.map((x) => ({ from: x.from, units_per_week: Number(x.units) })),
    reason: d.reason.trim(),
  });
  if (!okOrSay(r)) return;
  await Promise.all([loadPlan(), loadReplans()]);
  showToast({ text: t('pr_plan_saved', {
    version: r.data.plan.version,
    earlier: count(r.data.replan.moved_earlier),
    later: count(r.data.replan.moved_later),
  }) });
  rerender();
}

function rateRow(r, i, rates) {
  const n = i + 1;
  const from = h('input', {
    type: 'date',
    value: r.from,
    oninput: (ev) => (r.from = ev.target.value),
  });
  const units = h('input', {
    type: 'text',
    inputmode: 'numeric',
    value: r.units,
    oninput: (ev) => (r.units = ev.target.value.trim()),
  });
  return h(
    'div',
    { class: 'row pr-rate', 'data-rate': String(i) },
    field(`pr-from-${i}`, t('pr_rate_from', { n }), from),
    field(`pr-units-${i}`, t('pr_rate_units', { n }), units),
    rates.length > 1
      ? h(
          'div',
          { class: 'pr-rate-remove' },
          h(
            'button',
            {
              type: 'button',
              class: 'secondary',
              onclick: () => {
                rates.splice(i, 1);
                P.draft.errors = {};
                rerender();
              },
            },
            t('pr_rate_remove', { n }),
          ),
        )
      : null,
  );
}

function planEditor() {
  const d = P.draft;
  if (!d) return null;
  const reason = h('textarea', { rows: '2', oninput: (ev) => (d.reason = ev.target.value) });
  reason.value = d.reason;
  return h(
    'form',
    { id: 'plan-form', class: 'card', onsubmit: savePlan, novalidate: true },
    h('h3', {}, t('pr_rates')),
    h('p', { class: 'hint' }, t('pr_rates_hint')),
    d.rates.map((r, i) => rateRow(r, i, d.rates)),
    h(
      'div',
      { class: 'actions' },
      h(
        'button',
        {
          type: 'button',
          class: 'secondary',
          id: 'pr-add-rate',
          onclick: () => {
            const last = d.rates[d.rates.length - 1];
            d.rates.push({ from: '', units: last ? last.units : '' });
            rerender();
            document.getElementById(`pr-from-${d.rates.length - 1}`)?.focus();
          },
        },
        t('pr_rate_add'),
      ),
    ),
    field('pr-reason', t('pr_reason'), reason),
    h(
      'div',
      { class: 'actions' },
      h('button', { type: 'submit', class: 'primary', id: 'pr-save' }, t('pr_save_plan')),
    ),
  );
}

const rateLines = (rates) =>
  h(
    'ul',
    { class: 'pr-rates' },
    rates.map((r) =>
      h('li', {}, t('pr_rate_line', { from: dateWords(r.from), units: count(r.units_per_week) })),
    ),
  );

function versionsTable() {
  if (P.versions.length === 0) return null;
  return [
    h('h3', {}, t('pr_versions')),
    h(
      'div',
      { class: 'card table-wrap' },
      h(
        'table',
        { id: 'plan-versions' },
        h(
          'thead',
          {},
          h(
            'tr',
            {},
            ['pr_version', 'pr_changed_at', 'pr_who', 'pr_why', 'pr_rates_col', 'pr_edit'].map(
              (k) => h('th', { scope: 'col' }, t(k)),
            ),
          ),
        ),
        h(
          'tbody',
          {},
          [...P.versions].reverse().map((v) =>
            h(
              'tr',
              { 'data-version': String(v.version) },
              h('td', {}, String(v.version)),
              h('td', {}, dateTime(v.created_at, { seconds: true })),
              h('td', {}, v.created_by),
              h('td', {}, v.reason),
              h('td', {}, rateLines(v.rates)),
              h(
                'td',
                {},
                h(
                  'button',
                  {
                    type: 'button',
                    class: 'secondary',
                    'aria-label': `${t('pr_edit_from')} ${v.version}`,
                    onclick: () => {
                      startDraft(v);
                      rerender();
                      document.getElementById('pr-from-0')?.focus();
                    },
                  },
                  t('pr_edit_from'),
                ),
              ),
            ),
          ),
        ),
      ),
    ),
  ];
}

export function productionSection() {
  const refresh = h(
    'div',
    { class: 'actions' },
    h(
      'button',
      {
        type: 'button',
        class: 'primary',
        id: 'pr-refresh',
        onclick: async () => {
          await loadProduction();
          rerender();
        },
      },
      t('pr_refresh'),
    ),
  );
  if (!P.launch) return [refresh];
  return [
    refresh,
    truthCard(),
    h('h2', { id: 'pr-plan' }, t('pr_plan_title')),
    h('div', { class: 'card' }, planPicker(), chartBlock()),
    planEditor(),
    versionsTable(),
    replansSection(),
    centresSection(),
    runsSection(),
  ];
}
