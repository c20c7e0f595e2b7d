// The balance and delivery page (/delivery?order=...): what is owed and by when (the deadline
// counts from the car being ready, with what happens after it), paying in parts by several
// methods, the payments and their state, booking or moving the handover appointment, and a
// deferral. A payment keeps its Idempotency-Key until it is answered, so a retry never pays
// twice. Parts under way are read again every few seconds until the provider confirms them.
import { get, request, token } from './api.js';
import { localName, t } from './i18n.js';
import { counted, dateTime, h, yuan } from './format.js';
import { errorBox, initPage, notice, param, signInLink } from './ui.js';
import { BALANCE_STRINGS } from './balance-strings.js';
import { STRINGS } from './strings.js';

Object.assign(STRINGS, BALANCE_STRINGS);

const REFRESH_MS = 3000;
const METHODS = ['card', 'alipay', 'wechat_pay', 'bank_transfer', 'loan', 'lease'];
const orderId = param('order') ?? '';
const path = (p = '') => `/orders/${encodeURIComponent(orderId)}${p}`;
let delivery = null;
let slots = null;
// City id -> {name, name_zh} from every launch's cities, read once: a delivery names its centre
// by the city's id, and the buyer reads the city's name ("at the Beijing centre").
let cities = null;
let failure = null;
let message = null;

/** One key per payment attempt, kept until the server answered it. */
function payKey() {
  const name = `launchday.balance.${orderId}`;
  let key = sessionStorage.getItem(name);
  if (!key) {
    key = `bal-${crypto.randomUUID()}`;
    sessionStorage.setItem(name, key);
  }
  return key;
}

async function act(run) {
  const r = await run();
  message = r.ok ? r.note : errorBox(r);
  await refresh();
}

async function pay(form) {
  const amountFen = Math.round(Number(form.elements.amount.value) * 100);
  const method = form.elements.method.value;
  await act(async () => {
    const r = await request('POST', path('/balance/parts'), {
      body: { amount_fen: amountFen, method }, headers: { 'Idempotency-Key': payKey() },
    });
    if (r.status !== 0 && r.code !== 'overloaded') {
      sessionStorage.removeItem(`launchday.balance.${orderId}`);
    }
    return r.ok ? { ok: true, note: notice(t('bal_paid_part', { a: yuan(amountFen) }), 'ok') } : r;
  });
}

async function book(form) {
  const slot = form.elements.slot.value;
  await act(async () => {
    const r = await request('PUT', path('/delivery/appointment'), { body: { slot_start: slot } });
    return r.ok ? { ok: true, note: notice(t('appt_booked', { t: dateTime(slot) }), 'ok') } : r;
  });
}

async function defer(form) {
  const days = Number(form.elements.days.value);
  await act(async () => {
    const r = await request('POST', path('/delivery/defer'), { body: { days } });
    return r.ok ? { ok: true, note: notice(t('defer_done',
      { t: dateTime(r.data.delivery.deferral.deferred_until) }), 'ok') } : r;
  });
}

/** The centre's city by name in the page's language; its id only if no launch names it. */
const centreName = (id) => localName(cities?.get(id)) || id;

function stageLine(d) {
  return h('p', { id: 'stage', 'data-stage': d.stage }, t(`bal_stage_${d.stage}`,
    { vin: d.vin ?? '', centre: centreName(d.centre) }));
}

function balanceSection(d) {
  const b = d.balance;
  const rows = [
    [t('bal_price'), yuan(b.price_fen)], [t('bal_deposit'), yuan(b.deposit_fen)],
    [t('bal_balance'), yuan(b.balance_fen)], [t('bal_received'), yuan(b.received_fen)],
  ];
  if (b.pending_fen > 0) rows.push([t('bal_pending'), yuan(b.pending_fen)]);
  if (b.refunded_fen > 0) rows.push([t('bal_refunded'), yuan(b.refunded_fen)]);
  rows.push([t('bal_outstanding'), h('strong', { id: 'outstanding' }, yuan(b.outstanding_fen))]);
  const deadline = b.outstanding_fen === 0
    ? h('p', { id: 'deadline', class: 'ok' }, t('bal_paid'))
    : h('div', { id: 'deadline' },
      b.grace_ends_at
        ? h('p', { class: 'warning' }, t('bal_grace', { t: dateTime(b.grace_ends_at) }))
        : b.due_at ? h('p', {}, h('strong', {}, t('bal_due', { t: dateTime(b.due_at) })))
          : h('p', {}, t('bal_due_later', { days: counted('n_days', b.deadline_days) })),
      h('p', { class: 'muted', id: 'after-deadline' }, t('bal_after', { grace: counted('n_days', b.grace_days) })));
  return h('section', { 'aria-labelledby': 'h-balance' },
    h('h2', { id: 'h-balance' }, t('bal_balance')),
    h('dl', { class: 'kv' }, rows.flatMap(([k, v]) => [h('dt', {}, k), h('dd', {}, v)])),
    deadline);
}

function payForm(d) {
  const payable = d.balance.payable_fen;
  if (payable <= 0 || d.stage === 'delivered' || d.stage === 'released') return null;
  const onsubmit = (ev) => {
    ev.preventDefault();
    void pay(ev.target);
  };
  return h('form', { id: 'pay-form', onsubmit },
    h('h3', {}, t('bal_pay_title')),
    h('label', {}, t('bal_amount'), ' ', h('input', { name: 'amount', type: 'number',
      min: '1', step: '0.01', max: String(payable / 100), value: String(payable / 100),
      required: true, inputmode: 'decimal' })),
    h('label', {}, t('bal_method'), ' ', h('select', { name: 'method' },
      METHODS.map((m) => h('option', { value: m }, t(`method_${m}`))))),
    h('button', { type: 'submit', class: 'button', id: 'pay' }, t('bal_pay')));
}

function partsList(d) {
  if (!d.parts || d.parts.length === 0) return null;
  return h('section', {}, h('h3', {}, t('bal_parts')), h('ul', { class: 'parts', id: 'parts' },
    d.parts.map((p) => h('li', { 'data-status': p.status },
      `${dateTime(p.requested_at)} · ${t(`method_${p.method}`)} · ${yuan(p.amount_fen)} · `,
      t(`part_${p.status}`),
      p.refunded_fen > 0 ? ` ${t('part_refunded', { a: yuan(p.refunded_fen) })}` : ''))));
}

function appointmentSection(d) {
  const parts = [h('h2', { id: 'h-appt' }, t('appt_title'))];
  if (d.appointment) {
    parts.push(h('p', { id: 'appointment' }, t('appt_current',
      { t: dateTime(d.appointment.slot_start) })));
  }
  if (d.stage === 'built') parts.push(h('p', { class: 'muted' }, t('appt_need_ready')));
  else if (d.stage === 'ready' && (d.balance.outstanding_fen > 0 || d.balance.pending_fen > 0)) {
    parts.push(h('p', { class: 'muted' }, t('appt_need_paid')));
  } else if (d.stage === 'ready' && slots) {
    const open = slots.slots.filter((s) => s.left > 0);
    parts.push(h('form', { id: 'book-form',
      onsubmit: (ev) => { ev.preventDefault(); void book(ev.target); } },
    h('label', {}, t('appt_slot'), ' ', h('select', { name: 'slot', id: 'slot' },
      open.map((s) => h('option', { value: s.slot_start, selected:
        d.appointment?.slot_start === s.slot_start || null },
      t('appt_left', { t: dateTime(s.slot_start), places: counted('n_places', s.left) }))))),
    h('button', { type: 'submit', class: 'button', id: 'book' },
      t(d.appointment ? 'appt_move' : 'appt_book'))));
  }
  if (d.stage === 'ready') {
    parts.push(h('p', { class: 'muted' }, t('appt_no_show', { n: d.no_shows, m: d.no_show_max })));
  }
  return h('section', { 'aria-labelledby': 'h-appt' }, parts);
}

function deferSection(d) {
  if (d.stage === 'released' && d.deferral.deferred_until) {
    return h('p', { id: 'deferred' }, t('defer_until', { t: dateTime(d.deferral.deferred_until) }));
  }
  if (d.stage !== 'built' && d.stage !== 'ready') return null;
  if (d.deferral.days_left <= 0) return null;
  return h('details', { id: 'defer' }, h('summary', {}, t('defer_title')),
    h('p', {}, t('defer_explain', { days: counted('n_days', d.deferral.days_left) })),
    h('form', { id: 'defer-form',
      onsubmit: (ev) => { ev.preventDefault(); void defer(ev.target); } },
    h('label', {}, t('defer_days'), ' ', h('input', { name: 'days', type: 'number', min: '1',
      max: String(d.deferral.days_left), value: '30', required: true })),
    h('button', { type: 'submit', class: 'button secondary' }, t('defer_button'))));
}

function render() {
  const main = document.getElementById('main');
  if (!token()) {
    main.replaceChildren(h('h1', {}, t('bal_title')), signInLink());
    return;
  }
  if (!orderId) {
    main.replaceChildren(h('h1', {}, t('bal_title')), h('p', {}, t('delivery_missing_order')));
    return;
  }
  if (failure) {
    main.replaceChildren(h('h1', {}, t('bal_title')), errorBox(failure));
    return;
  }
  if (!delivery) return;
  const d = delivery;
  const parts = [h('h1', {}, t('bal_title')), h('p', { class: 'muted' }, t('bal_order',
    { id: d.order_id })), stageLine(d), message, balanceSection(d), payForm(d), partsList(d),
  appointmentSection(d), deferSection(d)];
  main.replaceChildren(...parts.filter((p) => p !== null && p !== undefined));
}

async function refresh() {
  if (!token() || !orderId) return render();
  const r = await get(path('/delivery'));
  if (!r.ok) {
    failure = r;
    delivery = null;
    return render();
  }
  failure = null;
  delivery = r.data;
  if (cities === null) {
    // Without the names the page still works: it shows the id, and reads them again next time.
    const l = await get('/launches');
    if (l.ok) {
      cities = new Map(l.data.launches.flatMap((x) => x.cities.map((c) => [c.city_id, c])));
    }
  }
  if (delivery.stage === 'ready') {
    const s = await get(path('/delivery/slots'));
    slots = s.ok ? s.data : null;
  }
  return render();
}

initPage(render, { current: '/orders' });
await refresh();
// Parts under way are confirmed by the provider later: read again until none is pending.
setInterval(() => {
  if (delivery && delivery.balance.pending_fen > 0) void refresh();
}, REFRESH_MS);
