// The ready-stock page (/ready-stock): built cars to collect at once, bought first paid, first
// served (the whole price, or a deposit with the balance by a deadline), and the buyer's own
// purchases with their balance to pay. Each charge is confirmed first in a dialog saying what
// is charged now and, for a deposit, the balance and its deadline. A purchase keeps its
// Idempotency-Key until it is answered, so a retry after a lost reply never buys twice. The
// list is read every 5 s.
import { get, request, token } from './api.js';
import { t } from './i18n.js';
import { counted, dateTime, h, yuan } from './format.js';
import { confirmDialog } from './dialog.js';
import { readyCarName, readyCityName, readySaleLine } from './ready-car.js';
import { errorBox, initPage, notice, signInLink } from './ui.js';
import { PRICEBOOKS_STRINGS } from './pricebooks-strings.js';
import { STRINGS } from './strings.js';

Object.assign(STRINGS, PRICEBOOKS_STRINGS);

const REFRESH_MS = 5000;
let cars = null;
let sales = [];
let message = null;
// Launches by id, read once: a car names its trim, options and city by id, and the buyer reads
// their names ("YU7 Standard · Emerald green", "Collect in Beijing"); without them, the ids.
let launches = null;

function keyFor(vin, mode) {
  const name = `launchday.ready.${vin}.${mode}`;
  let key = sessionStorage.getItem(name);
  if (!key) {
    key = `ready-${crypto.randomUUID()}`;
    sessionStorage.setItem(name, key);
  }
  return key;
}

/** `c`'s trim and options by name in the page's language (ready-car.js). */
const carName = (c) => readyCarName(launches?.get(c.launch_id), c);

/** The city a car is collected in, by name (ready-car.js). */
const cityName = (c) => readyCityName(launches?.get(c.launch_id), c);

/**
 * Asks before charging: what is charged now and what it buys; for a deposit, the balance and
 * the hours to pay it, and what happens if it is not paid. Resolves true when confirmed.
 */
async function confirmed(car, mode) {
  const p = yuan(car.price_fen);
  const d = yuan(car.deposit_fen);
  const full = mode === 'full';
  const text = full ? t('ready_confirm_full', { p, c: cityName(car) })
    : t('ready_confirm_deposit', { d, p: yuan(car.price_fen - car.deposit_fen),
      hours: counted('n_hours', cars?.data?.balance_hours ?? 0) });
  const answer = await confirmDialog({
    title: t('ready_confirm_title', { v: carName(car) }),
    body: [h('p', { id: 'ready-confirm' }, text), h('p', { class: 'hint' }, `VIN ${car.vin}`)],
    confirmLabel: full ? t('ready_confirm_pay', { p }) : t('ready_confirm_pay', { p: d }),
    // Nothing is sent from the dialog: the purchase goes the page's usual way once confirmed.
    action: async () => ({ ok: true }),
  });
  return answer !== null;
}

async function buy(car, mode) {
  if (!(await confirmed(car, mode))) return;
  const r = await request('POST', `/ready-stock/${encodeURIComponent(car.vin)}/purchases`, {
    body: { mode },
    headers: { 'Idempotency-Key': keyFor(car.vin, mode) },
  });
  // An answer ends the key's use; a lost reply keeps it for the retry.
  if (r.status !== 0 && r.code !== 'overloaded') {
    sessionStorage.removeItem(`launchday.ready.${car.vin}.${mode}`);
  }
  if (!r.ok) message = errorBox(r);
  else if (r.data.sale.status === 'paid') {
    message = notice(t('ready_bought', { v: carName(car) }), 'ok');
  } else {
    message = notice(t('ready_reserved_you', { v: carName(car),
      p: yuan(r.data.sale.balance_fen), t: dateTime(r.data.sale.balance_due_at) }), 'ok');
  }
  await refresh();
  showMessage();
}

/** The car a sale bought, by name (the sale carries its car's trim and options, which the
 *  list no longer shows once it is sold); its VIN for a car no longer on record. */
const saleCarName = (s) => (s.car ? carName({ ...s.car, launch_id: s.launch_id })
  : `VIN ${s.vin}`);

async function payBalance(sale) {
  const b = yuan(sale.balance_fen);
  // The largest charge of the purchase is asked for first, as the deposit was.
  const answer = await confirmDialog({
    title: t('ready_confirm_balance_title', { v: saleCarName(sale) }),
    body: [h('p', { id: 'ready-confirm' }, t('ready_confirm_balance', { p: b })),
      h('p', { class: 'hint' }, `VIN ${sale.vin}`)],
    confirmLabel: t('ready_confirm_pay', { p: b }),
    action: async () => ({ ok: true }),
  });
  if (answer === null) return;
  const name = saleCarName(sale);
  const r = await request('POST', `/ready-stock/sales/${encodeURIComponent(sale.sale_id)}/balance`);
  message = r.ok ? notice(t('ready_bought', { v: name }), 'ok') : errorBox(r);
  await refresh();
  showMessage();
}

/** Brings the note or refusal of the last action into view: it is drawn at the top of the
 *  page, and the button that caused it may be far below on a phone. */
function showMessage() {
  message?.scrollIntoView?.({ block: 'nearest' });
}

function carRow(c) {
  const actions = [];
  if (c.status === 'available' && token()) {
    actions.push(
      h('button', { type: 'button', class: 'primary', 'data-buy': `${c.vin}:full`,
        onclick: () => buy(c, 'full') }, t('ready_buy_full', { p: yuan(c.price_fen) })),
      h('button', { type: 'button', class: 'secondary', 'data-buy': `${c.vin}:deposit`,
        onclick: () => buy(c, 'deposit') }, t('ready_buy_deposit', { p: yuan(c.deposit_fen) })),
    );
  } else if (c.status !== 'available') {
    actions.push(h('strong', {}, t(c.status === 'held' ? 'ready_held' : 'ready_reserved')));
  }
  return h('li', { class: 'card', 'data-vin': c.vin },
    h('h2', {}, carName(c)),
    h('p', {}, `VIN ${c.vin}`),
    h('p', {}, t('ready_city', { c: cityName(c) }), ' · ', t('ready_price', { p: yuan(c.price_fen) }),
      ' · ', t('ready_deposit', { p: yuan(c.deposit_fen) })),
    h('div', { class: 'actions' }, actions));
}

function saleRow(s) {
  const due = s.balance_due_at ? dateTime(s.balance_due_at) : '';
  const status = t(`ready_status_${s.status}`, { t: due });
  return h('li', { class: 'card', 'data-sale': s.sale_id, id: `sale-${s.sale_id}` },
    readySaleLine(launches?.get(s.launch_id), s),
    h('p', { class: 'small sale-status' }, status),
    s.status === 'deposit_paid'
      ? h('div', { class: 'actions' }, h('button', { type: 'button', class: 'primary',
        'data-pay': s.sale_id, onclick: () => payBalance(s) },
      t('ready_pay_balance', { p: yuan(s.balance_fen) })))
      : null);
}

function render() {
  const main = document.getElementById('main');
  const parts = [h('h1', {}, t('ready_title')), h('p', { class: 'hint' }, t('ready_intro'))];
  if (message) parts.push(message);
  if (!token()) parts.push(h('p', {}, t('ready_sign_in'), ' ', signInLink()));
  // The buyer's own purchases first: a balance to pay is what they came back for, and below
  // every car for sale it was out of sight on a phone.
  if (sales.length > 0) {
    parts.push(h('h2', {}, t('ready_mine')),
      h('ul', { class: 'plain', id: 'ready-mine' }, sales.map(saleRow)));
  }
  if (cars && !cars.ok) parts.push(errorBox(cars));
  else if (cars) {
    parts.push(cars.data.cars.length === 0 ? h('p', { id: 'ready-none' }, t('ready_none'))
      : h('ul', { class: 'cards', id: 'ready-cars' }, cars.data.cars.map(carRow)));
  }
  main.replaceChildren(...parts);
}

async function refresh() {
  if (launches === null) {
    const l = await get('/launches');
    if (l.ok) launches = new Map(l.data.launches.map((x) => [x.launch_id, x]));
  }
  cars = await get('/ready-stock');
  if (token()) {
    const r = await get('/ready-stock/mine');
    if (r.ok) sales = r.data.sales;
  }
  render();
}

initPage(render, { current: '/ready-stock' });
await refresh();
setInterval(refresh, REFRESH_MS);
