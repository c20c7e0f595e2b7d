// Operator console, Production: record a production run (a form of one car at a time, or a CSV
// paste of VIN and configuration), the latest runs with where each car went (an order, or the
// ready-stock pool), and the pool itself.
import { localName, t } from './i18n.js';
import { count, counted, dateTime, h } from './format.js';
import { api, rerender, showToast, state } from './admin-context.js';
import { serverNow } from './api.js';
import { beijingToday, dateWords } from './date-window.js';
import { parseCars } from './production-csv.js';
import { loadPlan, P } from './admin-production.js';

/** Cars a run may hold (Limits.carsPerRunMax, docs/api.md). */
const CARS_PER_RUN_MAX = 5000;
/** Cars listed (the runs they belong to): the newest of GET /admin/production-runs. */
const CARS_LISTED = 500;

const U = {
  runs: null, // {runs, more}
  stock: [],
  draft: null, // {launch, builtOn, text, reason, vin, trim, options, errors}
};

export async function loadRuns() {
  const [runs, stock] = await Promise.all([
    api('GET', `/admin/production-runs?limit=${CARS_LISTED}`),
    api('GET', '/admin/ready-stock'),
  ]);
  if (runs.ok) U.runs = runs.data;
  else showToast({ failure: runs });
  if (stock.ok) U.stock = stock.data.cars;
  else showToast({ failure: stock });
}

function draft() {
  if (!U.draft || !state.launches.some((l) => l.launch_id === U.draft.launch)) {
    // The launch whose plan is in view: runs are mostly recorded while looking at it.
    U.draft = { launch: P.launch ?? state.launches[0]?.launch_id ?? '',
      builtOn: beijingToday(serverNow()),
      text: '', reason: '', vin: '', trim: '', options: '', errors: {}, launchChosen: false };
  }
  // Until the operator picks the run's launch, it follows the plan in view.
  if (!U.draft.launchChosen && P.launch && U.draft.launch !== P.launch) {
    U.draft.launch = P.launch;
    U.draft.trim = '';
  }
  return U.draft;
}

const launchOf = (id) => state.launches.find((l) => l.launch_id === id);

/** "Max · Emerald green · 21-inch wheels" from a car's launch, trim and option ids. */
function configText(car) {
  const l = launchOf(car.launch_id);
  const trim = localName(l?.trims.find((x) => x.trim === car.trim)) || car.trim;
  const opts = car.options.map((id) => localName(l?.options.find((o) => o.option_id === id)) || id);
  return [trim, ...opts].join(' · ');
}

/** A problem parseCars found, in words: its bound (`vars.n`, pr_too_many) as "1 car", "50 cars". */
function problemText(p) {
  return t(p.key, p.vars?.n === undefined ? p.vars : { cars: counted('n_cars', p.vars.n) });
}

async function record(ev) {
  ev.preventDefault();
  const d = draft();
  const parsed = parseCars(d.text, CARS_PER_RUN_MAX);
  d.errors = {};
  if (parsed.problems.length > 0) {
    d.errors['run-cars'] = parsed.problems.slice(0, 5).map((p) => p.line > 0
      ? t('pr_cars_bad_line', { line: p.line, problem: problemText(p) })
      : problemText(p)).join('; ');
  } else if (parsed.cars.length === 0) d.errors['run-cars'] = t('pr_cars_empty');
  if (!/^\d{4}-\d{2}-\d{2}$/.test(d.builtOn)) d.errors['run-built-on'] = t('pr_bad_date');
  if (d.reason.trim() === '') d.errors['run-reason'] = t('pr_reason_missing');
  if (Object.keys(d.errors).length > 0) {
    rerender();
    document.querySelector('#run-form [aria-invalid="true"]')?.focus();
    return;
  }
  const r = await api('POST', '/admin/production-runs', { launch_id: d.launch,
    built_on: d.builtOn, cars: parsed.cars, reason: d.reason.trim() });
  if (!r.ok) {
    showToast({ failure: r });
    return;
  }
  U.draft = { ...d, text: '', reason: '', errors: {} };
  await Promise.all([loadRuns(), loadPlan()]);
  showToast({ text: t('pr_run_saved', { recorded: count(r.data.recorded),
    again: count(r.data.already_recorded), allocated: count(r.data.allocated.length),
    pooled: count(r.data.pooled.length) }) });
  rerender();
}

/** A field whose error (a sentence already in words) is said beside it. */
function field(id, label, input, hint) {
  const problem = draft().errors[id];
  input.id = id;
  const described = [hint ? `${id}-hint` : null, problem ? `${id}-error` : null].filter(Boolean);
  if (described.length) input.setAttribute('aria-describedby', described.join(' '));
  if (problem) input.setAttribute('aria-invalid', 'true');
  return h('div', { class: 'pr-field' }, h('label', { for: id }, label), input,
    hint ? h('p', { class: 'hint', id: `${id}-hint` }, hint) : null,
    problem ? h('p', { class: 'field-error', id: `${id}-error` }, problem) : null);
}

function oneCar(d) {
  const trims = launchOf(d.launch)?.trims ?? [];
  const vin = h('input', { type: 'text', value: d.vin, maxlength: '17', autocomplete: 'off',
    oninput: (ev) => (d.vin = ev.target.value.trim().toUpperCase()),
    onkeydown: addOnEnter(d) });
  const trim = h('select', { onchange: (ev) => (d.trim = ev.target.value) },
    trims.map((x) => h('option', { value: x.trim, selected: x.trim === d.trim || null },
      localName(x) || x.trim)));
  if (!d.trim && trims[0]) d.trim = trims[0].trim;
  const options = h('input', { type: 'text', value: d.options,
    oninput: (ev) => (d.options = ev.target.value), onkeydown: addOnEnter(d) });
  return h(
    'fieldset',
    { class: 'pr-one-car' },
    h('legend', {}, t('pr_one_car')),
    h('div', { class: 'row' },
      h('div', {}, h('label', { for: 'run-vin' }, t('pr_car_vin')),
        Object.assign(vin, { id: 'run-vin' })),
      h('div', {}, h('label', { for: 'run-trim' }, t('pr_trim')),
        Object.assign(trim, { id: 'run-trim' })),
      h('div', {}, h('label', { for: 'run-options' }, t('pr_car_options')),
        Object.assign(options, { id: 'run-options' }))),
    h('div', { class: 'actions' }, h('button', {
      type: 'button',
      class: 'secondary',
      id: 'run-add-car',
      onclick: () => addCar(d),
    }, t('pr_add_car'))),
  );
}

/** The one-car fields' car as a line of the run's list; the fields are ready for the next. */
function addCar(d) {
  const opts = d.options.split(/[,\s]+/).filter(Boolean);
  const line = [d.vin, d.trim, ...opts].join(',');
  d.text = d.text.trim() === '' ? line : `${d.text.replace(/\s+$/, '')}\n${line}`;
  d.vin = '';
  rerender();
  document.getElementById('run-vin')?.focus();
}

/**
 * Enter in a one-car field adds the car, as the button beside it does: the form's submit
 * button (Record the run) was the one Enter pressed, recording the run without this car.
 */
const addOnEnter = (d) => (ev) => {
  if (ev.key !== 'Enter' || ev.isComposing) return;
  ev.preventDefault();
  addCar(d);
};

function runForm() {
  const d = draft();
  const launch = h('select', { onchange: (ev) => {
    d.launch = ev.target.value;
    d.launchChosen = true;
    d.trim = '';
    rerender();
  } }, state.launches.map((l) => h('option',
    { value: l.launch_id, selected: l.launch_id === d.launch || null },
    `${localName(l)} (${l.launch_id})`)));
  const builtOn = h('input', { type: 'date', value: d.builtOn,
    oninput: (ev) => (d.builtOn = ev.target.value) });
  const counter = h('span', { id: 'run-count', 'aria-live': 'polite' },
    t('pr_cars_count', { n: count(parseCars(d.text, CARS_PER_RUN_MAX).cars.length) }));
  const cars = h('textarea', { rows: '6', spellcheck: 'false', class: 'mono', oninput: (ev) => {
    d.text = ev.target.value;
    counter.textContent = t('pr_cars_count',
      { n: count(parseCars(d.text, CARS_PER_RUN_MAX).cars.length) });
  } });
  cars.value = d.text;
  const reason = h('textarea', { rows: '2', oninput: (ev) => (d.reason = ev.target.value) });
  reason.value = d.reason;
  return h(
    'form',
    { class: 'card', id: 'run-form', onsubmit: record, novalidate: true },
    h('h3', {}, t('pr_record_run')),
    h('div', { class: 'row' },
      field('run-launch', t('pr_launch'), launch),
      field('run-built-on', t('pr_built_on'), builtOn)),
    oneCar(d),
    field('run-cars', t('pr_cars'), cars, t('pr_cars_hint')),
    h('p', {}, counter),
    field('run-reason', t('pr_reason'), reason),
    h('div', { class: 'actions' },
      h('button', { type: 'submit', class: 'primary', id: 'run-save' }, t('pr_save_run'))),
  );
}

function carsTable(cars, id) {
  return h(
    'table',
    id ? { id } : {},
    h('thead', {}, h('tr', {}, ['pr_car_vin', 'pr_configuration', 'pr_built_on',
      'pr_went_to'].map((k) => h('th', { scope: 'col' }, t(k))))),
    h('tbody', {}, cars.map((c) => h('tr', { 'data-vin': c.vin },
      h('td', { class: 'mono' }, c.vin),
      h('td', {}, configText(c)),
      h('td', {}, dateWords(c.built_on)),
      h('td', {}, c.order_id ?? (c.pooled ? t('pr_to_stock') : t('pr_unplaced')))))),
  );
}

function runsList() {
  const u = U.runs;
  if (!u) return null;
  if (u.runs.length === 0) return h('p', {}, t('pr_runs_none'));
  return h(
    'div',
    { id: 'runs' },
    u.runs.map((r) => h('details', { class: 'card run' },
      h('summary', {}, t('pr_run_head', { built: dateWords(r.built_on), launch: r.launch_id,
        who: r.recorded_by, at: dateTime(r.recorded_at, { seconds: true }),
        n: count(r.cars.length), allocated: count(r.allocated), pooled: count(r.pooled) })),
      h('div', { class: 'table-wrap' }, carsTable(r.cars)))),
    u.more
      ? h('p', { class: 'hint' }, t('pr_runs_more', { cars: counted('n_cars', CARS_LISTED) }))
      : null,
  );
}

export function runsSection() {
  return [
    h('h2', { id: 'pr-runs' }, t('pr_runs_title')),
    runForm(),
    runsList(),
    h('h2', { id: 'pr-stock' }, t('pr_stock_title')),
    h('p', { class: 'hint' }, t('pr_stock_hint')),
    U.stock.length === 0
      ? h('p', {}, t('pr_stock_none'))
      : h('div', { class: 'card table-wrap' }, carsTable(U.stock, 'ready-stock')),
  ];
}
