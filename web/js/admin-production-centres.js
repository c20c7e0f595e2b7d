// Operator console, Production: delivery centres per city (handovers a week, opening date, the
// centre serving the city until it opens), the cities each serves today, and a form to add a
// centre or change one (a new version, with a reason; the server re-plans).
import { localName, t } from './i18n.js';
import { count, dateTime, h } from './format.js';
import { api, rerender, showToast, state } from './admin-context.js';
import { beijingToday, dateWords } from './date-window.js';
import { serverNow } from './api.js';
import { loadPlan } from './admin-production.js';
import { loadReplans } from './admin-production-replans.js';

const C = {
  centres: [],
  versions: new Map(), // city id -> every version, oldest first, once its history is opened
  draft: { city: '', handovers: '', opens: '', servedBy: '', reason: '' },
  errors: {},
};

export async function loadCentres() {
  const r = await api('GET', '/admin/delivery-centres');
  if (r.ok) C.centres = r.data.centres;
  else showToast({ failure: r });
}

/** Every city any launch delivers to, by id, with its names. */
function allCities() {
  const m = new Map();
  for (const l of state.launches) {
    for (const c of l.cities) if (!m.has(c.city_id)) m.set(c.city_id, c);
  }
  return m;
}

const cityName = (id) => localName(allCities().get(id)) || id;

/**
 * The cities a centre hands over for on `today`: its own once open, and each city whose own
 * centre is not open yet and names it (production/estimates.ts, servingCentre).
 */
export function citiesServed(centre, centres, today) {
  const out = centre.opens_on <= today ? [centre.city_id] : [];
  for (const c of centres) {
    if (c.served_by === centre.city_id && c.opens_on > today) out.push(c.city_id);
  }
  return out;
}

async function save(ev) {
  ev.preventDefault();
  const d = C.draft;
  const n = Number(d.handovers);
  C.errors = {};
  if (!d.city) C.errors['dc-city'] = 'pr_city_missing';
  if (!Number.isInteger(n) || n < 1 || n > 1e6) C.errors['dc-handovers'] = 'pr_bad_handovers';
  if (!/^\d{4}-\d{2}-\d{2}$/.test(d.opens)) C.errors['dc-opens'] = 'pr_bad_date';
  if (d.reason.trim() === '') C.errors['dc-reason'] = 'pr_reason_missing';
  if (Object.keys(C.errors).length > 0) {
    rerender();
    document.querySelector('#centre-form [aria-invalid="true"]')?.focus();
    return;
  }
  const r = await api('POST', '/admin/delivery-centres', {
    city_id: d.city,
    handovers_per_week: n,
    opens_on: d.opens,
    ...(d.servedBy ? { served_by: d.servedBy } : {}),
    reason: d.reason.trim(),
  });
  if (!r.ok) {
    showToast({ failure: r });
    return;
  }
  C.versions.delete(d.city);
  await Promise.all([loadCentres(), loadReplans(), loadPlan()]);
  C.draft = { city: '', handovers: '', opens: '', servedBy: '', reason: '' };
  showToast({ text: t('pr_centre_saved', { city: cityName(r.data.centre.city_id),
    version: r.data.centre.version, earlier: count(r.data.replan.moved_earlier),
    later: count(r.data.replan.moved_later) }) });
  rerender();
}

function field(id, label, input) {
  const key = C.errors[id];
  input.id = id;
  if (key) {
    input.setAttribute('aria-invalid', 'true');
    input.setAttribute('aria-describedby', `${id}-error`);
  }
  return h('div', { class: 'pr-field' }, h('label', { for: id }, label), input,
    key ? h('p', { class: 'field-error', id: `${id}-error` }, t(key)) : null);
}

function centreForm() {
  const d = C.draft;
  const cities = [...allCities().values()];
  const city = h('select', { onchange: (ev) => (d.city = ev.target.value) },
    h('option', { value: '' }, '—'),
    cities.map((c) => h('option', { value: c.city_id, selected: c.city_id === d.city || null },
      `${localName(c)} (${c.city_id})`)));
  const handovers = h('input', { type: 'text', inputmode: 'numeric', value: d.handovers,
    oninput: (ev) => (d.handovers = ev.target.value.trim()) });
  const opens = h('input', { type: 'date', value: d.opens,
    oninput: (ev) => (d.opens = ev.target.value) });
  const servedBy = h('select', { onchange: (ev) => (d.servedBy = ev.target.value) },
    h('option', { value: '' }, t('pr_served_none')),
    C.centres.filter((c) => c.city_id !== d.city).map((c) => h('option',
      { value: c.city_id, selected: c.city_id === d.servedBy || null }, cityName(c.city_id))));
  const reason = h('textarea', { rows: '2', oninput: (ev) => (d.reason = ev.target.value) });
  reason.value = d.reason;
  return h(
    'form',
    { class: 'card', id: 'centre-form', onsubmit: save, novalidate: true },
    h('h3', {}, t('pr_centre_form')),
    h('div', { class: 'row' },
      field('dc-city', t('pr_city'), city),
      field('dc-handovers', t('pr_handovers'), handovers),
      field('dc-opens', t('pr_opens_on'), opens),
      field('dc-served-by', t('pr_served_by'), servedBy)),
    field('dc-reason', t('pr_reason'), reason),
    h('div', { class: 'actions' },
      h('button', { type: 'submit', class: 'primary', id: 'dc-save' }, t('pr_save_centre'))),
  );
}

/** The last change, and every earlier version read when the operator opens them. */
function history(c) {
  const line = (v) => t('pr_change_line', { version: v.version, who: v.created_by,
    at: dateTime(v.created_at), reason: v.reason });
  if (c.version === 1) return line(c);
  const versions = C.versions.get(c.city_id);
  return h(
    'details',
    {
      class: 'centre-versions',
      open: versions ? true : null,
      ontoggle: async (ev) => {
        if (!ev.target.open || C.versions.has(c.city_id)) return;
        const r = await api('GET', `/admin/delivery-centres/${encodeURIComponent(c.city_id)}`);
        if (!r.ok) {
          showToast({ failure: r });
          return;
        }
        C.versions.set(c.city_id, r.data.versions);
        rerender();
      },
    },
    h('summary', {}, line(c)),
    versions
      ? h('ul', { class: 'pr-rates' }, [...versions].reverse().map((v) =>
          h('li', {}, `${line(v)} · ${t('pr_handovers')}: ${count(v.handovers_per_week)} · `
            + `${t('pr_opens_on')}: ${dateWords(v.opens_on)}`
            + (v.served_by ? ` · ${t('pr_served_by')}: ${cityName(v.served_by)}` : ''))))
      : h('p', {}, '…'),
  );
}

function centresTable(today) {
  if (C.centres.length === 0) return h('p', {}, t('pr_no_centres'));
  return h(
    'div',
    { class: 'card table-wrap' },
    h(
      'table',
      { id: 'centres' },
      h('thead', {}, h('tr', {}, ['pr_city', 'pr_handovers', 'pr_state', 'pr_served_by',
        'pr_serves', 'pr_last_change', 'pr_edit'].map((k) => h('th', { scope: 'col' }, t(k))))),
      h(
        'tbody',
        {},
        C.centres.map((c) =>
          h(
            'tr',
            { 'data-city': c.city_id },
            h('td', {}, `${cityName(c.city_id)} (${c.city_id})`),
            h('td', {}, count(c.handovers_per_week)),
            h('td', {}, c.opens_on <= today ? t('pr_open')
              : t('pr_opens', { date: dateWords(c.opens_on) })),
            h('td', {}, c.served_by ? cityName(c.served_by) : '—'),
            h('td', { class: 'served' }, citiesServed(c, C.centres, today).map(cityName)
              .join(t('pr_list_sep')) || '—'),
            h('td', {}, history(c)),
            h('td', {}, h('button', {
              type: 'button',
              class: 'secondary',
              'aria-label': `${t('pr_edit')} ${cityName(c.city_id)}`,
              onclick: () => {
                C.draft = { city: c.city_id, handovers: String(c.handovers_per_week),
                  opens: c.opens_on, servedBy: c.served_by ?? '', reason: '' };
                C.errors = {};
                rerender();
                document.getElementById('dc-handovers')?.focus();
              },
            }, t('pr_edit'))),
          ),
        ),
      ),
    ),
  );
}

export function centresSection() {
  // Today in Beijing by the server's clock (a simulated one too): which centres are open.
  const day = beijingToday(serverNow());
  const withCentre = new Set(C.centres.map((c) => c.city_id));
  const without = [...allCities().keys()].filter((id) => !withCentre.has(id));
  return [
    h('h2', { id: 'pr-centres' }, t('pr_centres_title')),
    centresTable(day),
    without.length > 0 ? h('p', { class: 'hint', id: 'cities-without-centre' },
      t('pr_without_centre', { cities: without.map(cityName).join(t('pr_list_sep')) })) : null,
    centreForm(),
  ];
}
