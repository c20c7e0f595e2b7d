// The operator's books (/books): deposits, balance, revenue, the order book and the margin of a
// launch, deliveries per week against the target and the first days against another launch as
// bar charts, each part as CSV; the launch's costs, target and price-protection rule; its price
// versions with a form to record a change; ready-stock listings with a form to list a car.
// The operator token is the console's (sessionStorage); CSV is fetched with it and saved.
import { request } from './api.js';
import { localName, t } from './i18n.js';
import { count, dateTime, h, yuan, yuanLarge } from './format.js';
import { errorBox, initPage, notice } from './ui.js';
import { TOKEN_KEY } from './admin-context.js';
import { ADMIN_STRINGS } from './admin-strings.js';
import { PRICEBOOKS_STRINGS } from './pricebooks-strings.js';
import { STRINGS } from './strings.js';

Object.assign(STRINGS, ADMIN_STRINGS, PRICEBOOKS_STRINGS);

const token = () => sessionStorage.getItem(TOKEN_KEY);
const api = (method, path, body) => request(method, path, { body, auth: token() });
const s = { launches: [], launchId: null, compare: '', books: null, versions: null,
  listings: null, message: null };

const launch = () => s.launches.find((l) => l.launch_id === s.launchId);

async function load() {
  if (s.launches.length === 0) {
    const r = await request('GET', '/launches');
    if (r.ok) s.launches = r.data.launches;
    s.launchId ??= s.launches.find((l) => l.launch_id === 'yu7-2025')?.launch_id
      ?? s.launches[0]?.launch_id ?? null;
  }
  if (!token() || !s.launchId) return render();
  const q = s.compare ? `?compare=${encodeURIComponent(s.compare)}` : '';
  const id = encodeURIComponent(s.launchId);
  [s.books, s.versions, s.listings] = await Promise.all([api('GET', `/admin/books/${id}${q}`),
    api('GET', `/admin/launches/${id}/price-versions`), api('GET', '/admin/ready-stock/listings')]);
  render();
}

function figures(title, rows) {
  return h('section', { class: 'card books-figures' }, h('h2', {}, title),
    h('dl', {}, rows.map(([k, v, name]) => [h('dt', {}, t(k)),
      h('dd', { 'data-figure': name }, v)])));
}

/** Bars through the CSSOM (the pages' CSP refuses inline style attributes). */
function bars(title, rows, max, id) {
  const bar = (value, cls) => {
    const el = h('span', { class: `bar ${cls}`, title: count(value) });
    el.style.height = `${max > 0 ? Math.round((value / max) * 100) : 0}%`;
    return el;
  };
  return h('section', { class: 'card', id },
    h('h2', {}, title),
    h('div', { class: 'bars', role: 'img', 'aria-label': title },
      rows.map((r) => h('div', { class: 'bar-group', title: r.label },
        bar(r.a, 'bar-a'), bar(r.b, 'bar-b'), h('span', { class: 'bar-label' }, r.label)))));
}

async function downloadCsv(part) {
  const q = new URLSearchParams({ part, ...(s.compare ? { compare: s.compare } : {}) });
  const res = await fetch(`/api/v1/admin/books/${encodeURIComponent(s.launchId)}/csv?${q}`, {
    headers: { Authorization: `Bearer ${token()}` } });
  if (!res.ok) {
    s.message = notice(t('csv_failed'), 'error');
    return render();
  }
  const url = URL.createObjectURL(await res.blob());
  const a = h('a', { href: url, download: `books-${s.launchId}-${part}.csv` });
  document.body.append(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(url), 1000);
}

function booksView(b) {
  // A margin with a trim's cost missing would count that trim's revenue as all margin.
  const margin = b.margin.basis_points === null || b.margin.trims_without_cost.length > 0 ? '–'
    : `${(b.margin.basis_points / 100).toFixed(2)}%`;
  const weekMax = Math.max(1, ...b.weeks.map((w) => Math.max(w.deliveries, w.target)));
  const days = b.days.map((d, i) => ({ label: String(d.day), a: d.orders,
    b: b.compare?.days[i]?.orders ?? 0 }));
  return [
    figures(t('books_deposits'), [
      ['books_received', yuanLarge(b.deposits.received_fen), 'deposits_received'],
      ['books_held', yuanLarge(b.deposits.held_fen), 'deposits_held'],
      ['books_refunded', yuanLarge(b.deposits.refunded_fen), 'deposits_refunded'],
      ['books_forfeited', yuanLarge(b.deposits.forfeited_fen), 'deposits_forfeited'],
      ['books_applied', yuanLarge(b.deposits.applied_fen), 'deposits_applied']]),
    figures(t('books_balance'), [
      ['books_due', yuanLarge(b.balance.due_fen), 'balance_due'],
      ['books_received', yuanLarge(b.balance.received_fen), 'balance_received'],
      ['books_outstanding', yuanLarge(b.balance.outstanding_fen), 'balance_outstanding']]),
    figures(t('books_revenue'), [
      ['books_recognised', yuanLarge(b.revenue.recognised_fen), 'revenue_recognised'],
      ['books_protection', yuanLarge(b.revenue.protection_refunds_fen), 'protection_refunds'],
      ['books_net', yuanLarge(b.revenue.net_fen), 'revenue_net'],
      ['books_deliveries', count(b.revenue.deliveries), 'deliveries'],
      ['books_ready', `${yuanLarge(b.revenue.ready_stock_received_fen)} / ${
        yuanLarge(b.revenue.ready_stock_refunded_fen)}`, 'ready_stock'],
      ['books_order_book', yuanLarge(b.order_book.potential_revenue_fen), 'potential_revenue'],
      ['books_margin', yuanLarge(b.margin.gross_margin_fen), 'gross_margin'],
      ['books_margin_pct', margin, 'margin_pct']]),
    bars(t('books_weeks'), b.weeks.map((w) => ({ label: String(w.week), a: w.deliveries,
      b: w.target })), weekMax, 'books-weeks'),
    bars(t('books_days'), days, Math.max(1, ...days.map((d) => Math.max(d.a, d.b))),
      'books-days'),
    h('section', { class: 'card' }, h('h2', {}, t('books_csv')), h('div', { class: 'actions' },
      ['summary', 'weeks', 'days', 'ledger'].map((p) => h('button', { type: 'button',
        class: 'secondary', 'data-csv': p, onclick: () => downloadCsv(p) },
      t(`books_csv_${p}`))))),
  ];
}

function settingsForm(b) {
  const l = launch();
  const inputs = new Map(l.trims.map((tr) => [tr.trim, h('input', { type: 'number', min: 0,
    id: `cost-${tr.trim}`, value: b.settings.costs[tr.trim] === undefined ? ''
      : b.settings.costs[tr.trim] / 100 })]));
  const target = h('input', { type: 'number', min: 1, id: 'books-target',
    value: b.settings.deliveries_per_year_target });
  const lower = h('input', { type: 'checkbox', id: 'books-lower',
    checked: b.settings.protection.undelivered_pays_lower || null });
  const days = h('input', { type: 'number', min: 0, max: 365, id: 'books-days-input',
    value: b.settings.protection.delivered_within_days });
  const save = async (ev) => {
    ev.preventDefault();
    const costs = {};
    for (const [trim, input] of inputs) {
      if (input.value !== '') costs[trim] = Math.round(Number(input.value) * 100);
    }
    const r = await api('PUT', `/admin/books/${encodeURIComponent(s.launchId)}/settings`, {
      costs, deliveries_per_year_target: Number(target.value),
      undelivered_pays_lower: lower.checked, delivered_within_days: Number(days.value) });
    s.message = r.ok ? notice(t('books_saved'), 'ok') : errorBox(r);
    await load();
  };
  return h('form', { class: 'card', id: 'books-settings', onsubmit: save },
    h('h2', {}, t('books_settings')),
    [...inputs].map(([trim, input]) => [h('label', { for: input.id },
      t('books_cost_of', { trim })), input]),
    h('label', { for: 'books-target' }, t('books_target')), target,
    h('label', { class: 'choice' }, lower, h('span', {}, t('books_undelivered_lower'))),
    h('label', { for: 'books-days-input' }, t('books_within_days')), days,
    h('div', { class: 'actions' }, h('button', { type: 'submit', class: 'primary' },
      t('books_save'))));
}

function versionsSection() {
  const l = launch();
  const items = [...l.trims.map((x) => [`trim:${x.trim}`, localName(x)]),
    ...l.options.map((x) => [`option:${x.option_id}`, localName(x)])];
  const item = h('select', { id: 'version-item' }, items.map(([v, n]) =>
    h('option', { value: v }, n)));
  const price = h('input', { type: 'number', min: 0, id: 'version-price', required: true });
  const from = h('input', { type: 'datetime-local', id: 'version-from' });
  const reason = h('input', { type: 'text', id: 'version-reason', maxlength: 200,
    required: true });
  const record = async (ev) => {
    ev.preventDefault();
    const [kind, id] = item.value.split(':');
    const path = `/admin/launches/${encodeURIComponent(s.launchId)}/price-versions`;
    const r = await api('POST', path, {
      item_kind: kind, item_id: id, price_fen: Math.round(Number(price.value) * 100),
      ...(from.value ? { effective_from: new Date(from.value).toISOString() } : {}),
      reason: reason.value });
    s.message = r.ok ? notice(t('versions_recorded', { v: r.data.version }), 'ok') : errorBox(r);
    await load();
  };
  const list = s.versions?.ok ? s.versions.data.versions : [];
  return h('section', { class: 'card', id: 'price-versions' },
    h('h2', {}, t('versions_title')),
    h('ul', {}, list.map((v) => h('li', { 'data-version': v.version },
      t('versions_row', { v: v.version, item: `${v.item_kind} ${v.item_id}`,
        from: yuan(v.previous_fen), to: yuan(v.price_fen), at: dateTime(v.effective_from),
        reason: v.reason }), v.applied_at ? '' : ` (${t('versions_pending')})`))),
    h('form', { onsubmit: record },
      h('label', { for: 'version-item' }, t('versions_item')), item,
      h('label', { for: 'version-price' }, t('versions_new_price')), price,
      h('label', { for: 'version-from' }, t('versions_from')), from,
      h('label', { for: 'version-reason' }, t('versions_reason')), reason,
      h('div', { class: 'actions' }, h('button', { type: 'submit', class: 'primary',
        id: 'version-record' }, t('versions_record')))));
}

function listingsSection() {
  const vin = h('input', { type: 'text', id: 'listing-vin', maxlength: 17, required: true });
  const city = h('input', { type: 'text', id: 'listing-city', maxlength: 64, required: true });
  const add = async (ev) => {
    ev.preventDefault();
    const r = await api('POST', '/admin/ready-stock/listings', { vin: vin.value.trim(),
      city: city.value.trim() });
    s.message = r.ok ? notice(t('listings_added'), 'ok') : errorBox(r);
    await load();
  };
  const cars = s.listings?.ok ? s.listings.data.cars : [];
  return h('section', { class: 'card', id: 'ready-listings' },
    h('h2', {}, t('listings_title')),
    h('ul', {}, cars.map((c) => h('li', { 'data-vin': c.vin },
      `${c.vin} · ${c.trim} · ${c.city} · ${yuan(c.price_fen)} · ${c.status}`))),
    h('form', { onsubmit: add },
      h('label', { for: 'listing-vin' }, t('listings_vin')), vin,
      h('label', { for: 'listing-city' }, t('listings_city')), city,
      h('div', { class: 'actions' }, h('button', { type: 'submit', class: 'primary',
        id: 'listing-add' }, t('listings_add')))));
}

function pickers() {
  const pick = (id, value, withNone, on) => h('select', { id,
    onchange: (ev) => on(ev.target.value) },
    withNone ? h('option', { value: '' }, '–') : null,
    s.launches.map((l) => h('option', { value: l.launch_id,
      selected: l.launch_id === value || null }, localName(l))));
  return h('div', { class: 'card books-pickers' },
    h('label', { for: 'books-launch' }, t('books_launch')),
    pick('books-launch', s.launchId, false, (v) => { s.launchId = v; load(); }),
    h('label', { for: 'books-compare' }, t('books_compare')),
    pick('books-compare', s.compare, true, (v) => { s.compare = v; load(); }));
}

function tokenForm() {
  const input = h('input', { type: 'password', id: 'books-token', autocomplete: 'off' });
  return h('form', { class: 'card', onsubmit: (ev) => {
    ev.preventDefault();
    sessionStorage.setItem(TOKEN_KEY, input.value.trim());
    load();
  } }, h('label', { for: 'books-token' }, t('admin_token')), input,
  h('div', { class: 'actions' }, h('button', { type: 'submit', class: 'primary' },
    t('admin_use_token'))));
}

function render() {
  const main = document.getElementById('main');
  const parts = [h('h1', {}, t('books_title'))];
  if (s.message) parts.push(s.message);
  if (!token()) parts.push(tokenForm());
  else if (s.launchId) {
    parts.push(pickers());
    if (s.books && !s.books.ok) parts.push(errorBox(s.books));
    else if (s.books) parts.push(...booksView(s.books.data), settingsForm(s.books.data));
    if (launch()) parts.push(versionsSection(), listingsSection());
  }
  main.replaceChildren(...parts);
}

initPage(render, { current: '/books' });
await load();
