// My orders: each order's status and history, deposit, queue place, estimate, cooling-off
// countdown, and exactly the actions the rules allow right now (the order's `actions`); then the
// buyer's drop purchases (GET /drop-purchases), held, paid and cancelled by the
// operator (with their reason and the refund), with what each is; then the buyer's ready-stock
// purchases (GET /ready-stock/mine), with the way to pay a deposit's balance.
import { get, post, request, serverNow, token } from './api.js';
import { depositState, lang, localName, t } from './i18n.js';
import {
  calendarWindow, count, countdown, dateTime, h, plural, weeksRange, yuan,
} from './format.js';
import { configFields, fitSelection, priceLines } from './config-form.js';
import { confirmDialog, isDialogOpen } from './dialog.js';
import { errorBox, initPage, notice, param, signInLink } from './ui.js';
// Why an operator cancelled an order, and whom to call (operator-cancel.js).
import { operatorCancelNotice } from './operator-cancel.js';
// The plan's delivery window and the car's build day in words (date-window.js).
import { dateWindow, dateWords } from './date-window.js';
import { priceSection } from './price-protection.js';
import { readySaleLine } from './ready-car.js';
import { passHeaders, settlePass } from './waiting-pass.js';

// Estimates move as capacity changes; keep them current, each page at its own moment (a
// minute, give or take 15 s) so that a crowd's refreshes do not line up.
const REFRESH_MS = 45000 + Math.random() * 30000;

let orders = null;
/** The buyer's drop purchases (GET /drop-purchases: held, paid, cancelled), or null until read. */
let dropPurchases = null;
/** The buyer's ready-stock purchases (GET /ready-stock/mine), or null until read. */
let readySales = null;
let launches = new Map();
let failure = null;
let flash = null; // key of a notice shown after an action
let lastLoad = 0;
const openHistory = new Set(); // order ids whose history the buyer has expanded
// The messages sent about an order, read when the buyer opens them (not with every refresh).
const openMessages = new Set();
const messages = new Map(); // order id -> [message] or an api failure

async function loadMessages(orderId) {
  const r = await get(`/orders/${orderId}/messages`);
  messages.set(orderId, r.ok ? r.data.messages : r);
}

function messageItem(m) {
  // When it reached the phone once the provider has said so; before that when it was sent, or
  // written: a message is not said to be received on the strength of a send alone.
  const [key, at] = m.delivered_at ? ['message_received', m.delivered_at]
    : m.sent_at ? ['message_sent', m.sent_at] : ['message_written', m.created_at];
  return h(
    'li',
    { 'data-kind': m.kind },
    h('time', { datetime: at }, t(key, { at: dateTime(at) })),
    h('span', {}, m.text),
    h('span', { class: `badge badge-msg-${m.state}` }, t(`msg_state_${m.state}`)),
  );
}

function messagesList(orderId) {
  const list = messages.get(orderId);
  if (list === undefined) return h('p', {}, '…');
  if (!Array.isArray(list)) return errorBox(list);
  if (list.length === 0) return h('p', {}, t('messages_none'));
  return h('ol', { class: 'timeline messages' }, list.map(messageItem));
}

/** Pages of drop purchases read at most (a page covers 20 drops; there are at most 100). */
const DROP_PAGES_MAX = 5;

/** Every drop purchase of the buyer, page after page; null when a page could not be read. */
async function loadDropPurchases() {
  const all = [];
  let after = null;
  for (let page = 0; page < DROP_PAGES_MAX; page++) {
    const r = await get(`/drop-purchases${after ? `?after=${encodeURIComponent(after)}` : ''}`);
    if (!r.ok) return null;
    all.push(...r.data.purchases);
    after = r.data.next_after;
    if (!after) break;
  }
  return all;
}

// Launch names and options change rarely: read once, then only the orders on refresh.
async function load() {
  const [o, l, d, r] = await Promise.all([get('/orders'),
    launches.size ? null : get('/launches'), loadDropPurchases(), get('/ready-stock/mine')]);
  // A purchase the page could not read stays as last shown rather than vanish.
  if (d) dropPurchases = d;
  if (r.ok) readySales = r.data.sales;
  lastLoad = Date.now();
  if (!o.ok) {
    failure = o;
    return;
  }
  failure = l && !l.ok ? l : null;
  orders = o.data.orders;
  if (l?.ok) launches = new Map(l.data.launches.map((x) => [x.launch_id, x]));
  await Promise.all([...openMessages].map(loadMessages));
}

function describe(order) {
  const launch = launches.get(order.launch_id);
  const trim = launch?.trims.find((x) => x.trim === order.trim);
  const opts = order.options.map(
    (id) => localName(launch?.options.find((o) => o.option_id === id)) || id,
  );
  const city = localName(launch?.cities.find((c) => c.city_id === order.city)) || order.city;
  return {
    launch,
    model: localName(launch) || order.model_id,
    trim: localName(trim) || order.trim,
    opts,
    city,
  };
}

const secs = (iso) => dateTime(iso, { seconds: true });

function coolingText(order) {
  const left = Date.parse(order.cooling_off_ends_at) - serverNow();
  return left > 0
    ? t('cooling_left', { left: countdown(left), at: secs(order.cooling_off_ends_at) })
    : t('cooling_over');
}

// The stages an order goes through; those after "locked" come with production and delivery.
const STAGES = ['placed', 'cooling_off', 'locked', 'scheduled', 'built', 'ready', 'delivered'];

// A locked order with its car allocated is scheduled (its `status`, and `stage`); the steps after
// it (built, ready, delivered) are its delivery's (`delivery.stage`). The latest of them counts.
const stageOf = (order) =>
  order.status === 'firm'
    ? 'cooling_off'
    : STAGES[Math.max(STAGES.indexOf(order.status), STAGES.indexOf(order.stage ?? ''),
      STAGES.indexOf(order.delivery?.stage ?? ''))];

// Locked or any step after it: the lock's rules (a deposit no longer refundable) still apply.
const pastLock = (order) => STAGES.indexOf(stageOf(order)) >= STAGES.indexOf('locked');

function stageTracker(order) {
  if (order.status === 'cancelled') return null;
  const at = STAGES.indexOf(stageOf(order));
  return h(
    'ol',
    { class: 'stages', 'aria-label': t('stages_label') },
    STAGES.map((stage, i) =>
      h(
        'li',
        {
          class: i < at ? 'done' : null,
          'aria-current': i === at ? 'step' : null,
          'data-stage': stage,
        },
        t(`stage_${stage}`),
        i === at ? h('span', { class: 'visually-hidden' }, t('stage_current')) : null,
      ),
    ),
  );
}

// The queue figure a buyer reads: the position in the trim's production line (docs/api.md).
function queueText(order, trimName) {
  const ahead = order.queue.locked_ahead_in_trim ?? 0;
  const pos = order.queue.position_in_trim ?? ahead + 1;
  const vars = { pos: count(pos), ahead: count(ahead), trim: trimName };
  return ahead === 0 ? t('queue_position_none', vars) : plural('queue_position_ahead', ahead, vars);
}

// Why an action a buyer may remember is no longer offered, and until when one still is.
function whyLines(order) {
  const lines = [];
  if (order.status === 'cancelled') lines.push(t('why_no_actions_cancelled'));
  if (pastLock(order) && !order.actions.includes('cancel')) {
    const at = secs(order.locked_at ?? order.cooling_off_ends_at);
    lines.push(t('why_no_cancel_refund', { at }));
  }
  if (order.window_closes_at) {
    const left = Date.parse(order.window_closes_at) - serverNow();
    lines.push(
      h(
        'span',
        { class: 'window-closes', 'data-closes': order.window_closes_at },
        t('window_open_until', { at: secs(order.window_closes_at), left: countdown(left) }),
      ),
    );
  }
  return lines.map((l) => h('p', { class: 'why' }, l));
}

// One line per event, in words: the server's event type plus the detail that matters to a buyer.
function historyText(entry) {
  const d = entry.detail || {};
  switch (entry.type) {
    case 'placed':
      return t('history_placed');
    case 'placed_and_locked':
      return t('history_placed_and_locked');
    case 'locked':
      return d.reason === 'cooling_off_ended' ? t('history_auto_locked') : t('history_locked');
    case 'scheduled':
      return t('history_scheduled', { vin: d.vin ?? '' });
    case 'cancelled':
      return d.deposit_state === 'forfeited'
        ? t('history_cancelled_forfeited')
        : d.deposit_state === 'refunded'
          ? t('history_cancelled_refunded')
          : t('history_cancelled');
    case 'changed': {
      const launchTo =
        d.to && d.from && d.to.launch_id !== d.from.launch_id
          ? localName(launches.get(d.to.launch_id)) || d.to.launch_id
          : null;
      const base = launchTo ? t('history_switched', { to: launchTo }) : t('history_changed');
      return d.requeued ? `${base} ${t('history_requeued')}` : base;
    }
    default:
      return t('history_other');
  }
}

function historyItem(entry) {
  return h(
    'li',
    {},
    h('time', { datetime: entry.at }, secs(entry.at)),
    h('span', {}, historyText(entry)),
  );
}

// The window a production plan gives ("between 12 and 26 January 2026 (in 3-5 weeks)"); without
// a plan, the weekly-capacity estimate's weeks as dates counted from the lock (or from now).
function estimateText(estimate, order) {
  const basis = t(`basis_${estimate.basis}`);
  if (estimate.window) {
    const window = dateWindow(estimate.window.from, estimate.window.to);
    return `${t('estimate_window_range', { window, range: weeksRange(estimate) })} · ${basis}`;
  }
  const from = estimate.basis === 'locked'
    ? Date.parse(order.queued_at ?? order.locked_at)
    : serverNow();
  return `${weeksRange(estimate)} · ${t('estimate_calendar', {
    window: calendarWindow(estimate, from),
  })} · ${basis}`;
}

function orderCard(order) {
  const d = describe(order);
  const firm = order.status === 'firm';
  const kv = [
    [t('order_id'), order.order_id],
    [t('configuration'), [d.trim, ...d.opts].join(' · ')],
    [t('city'), d.city],
    [t('price'), yuan(order.price_fen)],
    [t('deposit'), `${yuan(order.deposit.amount_fen)} · ${depositState(order)}`],
  ];
  if (firm)
    kv.push([
      t('cooling_off'),
      h('span', { class: 'cooling', 'data-ends': order.cooling_off_ends_at }, coolingText(order)),
    ]);
  if (order.locked_at) kv.push([t('locked_at'), secs(order.locked_at)]);
  // A change after the lock re-queues the order; the queue position counts from then.
  if (order.queued_at && order.queued_at !== order.locked_at)
    kv.push([t('queued_at'), secs(order.queued_at)]);
  if (order.queue) {
    kv.push([
      t('queue_place'),
      h(
        'span',
        { class: 'queue' },
        queueText(order, d.trim),
        h('span', { class: 'hint' }, t('queue_meaning')),
      ),
    ]);
  }
  if (order.vehicle) {
    kv.push([
      t('vin'),
      h(
        'span',
        { class: 'vin' },
        h('span', { class: 'vin-text' }, t('vin_built', {
          vin: order.vehicle.vin,
          built: dateWords(order.vehicle.built_on),
        })),
        h('span', { class: 'hint' }, t('vin_hint')),
      ),
    ]);
  }
  if (order.status !== 'cancelled' && order.estimate) {
    kv.push([t('estimate'), h('span', { class: 'estimate' }, estimateText(order.estimate, order))]);
  }
  return h(
    'article',
    {
      class: 'card order',
      id: `order-${order.order_id}`,
      tabindex: '-1',
      'data-status': order.status,
      'aria-labelledby': `h-${order.order_id}`,
    },
    h(
      'h2',
      { id: `h-${order.order_id}` },
      `${d.model} · ${d.trim} `,
      h('span', { class: `badge badge-${order.status}` }, t(`status_${order.status}`)),
      order.stage && order.stage !== order.status
        ? h('span', { class: `badge badge-${order.stage}` }, t(`stage_${order.stage}`))
        : null,
    ),
    operatorCancelNotice(order),
    stageTracker(order),
    h(
      'dl',
      { class: 'kv' },
      kv.flatMap(([k, v]) => [h('dt', {}, k), h('dd', {}, v)]),
    ),
    actionButtons(order),
    order.delivery ? h('a', { class: 'button secondary', href: `/delivery?order=${
      encodeURIComponent(order.order_id)}`, 'data-delivery': order.order_id },
    t('delivery_link')) : null,
    ...whyLines(order),
    h(
      'details',
      {
        open: openHistory.has(order.order_id) || null,
        ontoggle: (ev) => {
          if (ev.target.open) openHistory.add(order.order_id);
          else openHistory.delete(order.order_id);
        },
      },
      h('summary', {}, t('history')),
      h('ol', { class: 'timeline' }, order.history.map(historyItem)),
    ),
    h(
      'details',
      {
        class: 'order-messages',
        open: openMessages.has(order.order_id) || null,
        ontoggle: async (ev) => {
          if (!ev.target.open) {
            openMessages.delete(order.order_id);
            return;
          }
          if (openMessages.has(order.order_id)) return;
          openMessages.add(order.order_id);
          await loadMessages(order.order_id);
          if (!isDialogOpen()) render();
        },
      },
      h('summary', {}, t('messages')),
      messagesList(order.order_id),
    ),
    priceSection(order.order_id, () => {
      if (!isDialogOpen()) render();
    }),
  );
}

function actionButtons(order) {
  const labels = {
    change: ['secondary', 'action_change', () => changeFlow(order, false)],
    switch_model: ['primary', 'action_switch_model', () => changeFlow(order, true)],
    // Not the orange primary: an early lock gives something up, and takes four steps.
    lock: ['secondary', 'action_lock', () => lockFlow(order)],
    cancel: ['secondary', 'action_cancel', () => cancelFlow(order, false)],
    cancel_with_forfeit: ['secondary', 'action_cancel_forfeit', () => cancelFlow(order, true)],
  };
  const buttons = order.actions
    .filter((a) => labels[a])
    .map((a) => {
      const [cls, key, fn] = labels[a];
      return h('button', { type: 'button', class: cls, 'data-action': a, onclick: fn }, t(key));
    });
  return buttons.length ? h('div', { class: 'actions' }, buttons) : null;
}

function replaceOrder(updated, flashKey) {
  orders = orders.map((o) => (o.order_id === updated.order_id ? updated : o));
  flash = flashKey;
  render();
  document.getElementById(`order-${updated.order_id}`)?.focus();
}

// An early lock gives up the rest of the cooling-off for an earlier queue position. As the
// reported app did, it is explained over three steps (what is given up, what is gained, what
// becomes final) before a final confirmation that must be ticked; any step can go back. The
// count shown includes that confirmation ("Step 4 of 4"): "Step 3 of 3" with a "Next" that opened
// a fourth dialog told the buyer wrong. Only the confirmation's button locks, and says so.
async function lockFlow(order) {
  const d = describe(order);
  const deposit = yuan(order.deposit.amount_fen);
  const q = new URLSearchParams({ trim: order.trim, city: order.city });
  const est = await get(`/launches/${encodeURIComponent(order.launch_id)}/estimate?${q}`);
  const ahead = est.ok ? est.data.locked_ahead ?? 0 : null;
  const estimate = est.ok ? est.data.estimate : order.estimate;
  const left = Date.parse(order.cooling_off_ends_at) - serverNow();
  // `of` (the explaining steps and the confirmation) is counted below, before any is shown.
  const stepTitle = (n) => `${t('lock_title')} · ${t('lock_step', { n, of })}`;
  const step = (n, heading, body) =>
    confirmDialog({
      title: stepTitle(n),
      body: [h('h3', {}, heading), ...body],
      confirmLabel: t('lock_next'),
      action: async () => ({ ok: true }),
    });
  const steps = [
    () =>
      step(1, t('lock_give_up_title'), [
        h(
          'p',
          {},
          t('lock_give_up', {
            left: countdown(left),
            at: secs(order.cooling_off_ends_at),
            deposit,
          }),
        ),
      ]),
    () =>
      step(2, t('lock_gain_title'), [
        h(
          'p',
          {},
          t('lock_gain', {
            pos: ahead === null ? '?' : count(ahead + 1),
            ahead: ahead === null ? '?' : count(ahead),
            trim: d.trim,
            range: weeksRange(estimate),
            window: calendarWindow(estimate, serverNow()),
          }),
        ),
        est.ok ? null : errorBox(est),
      ]),
    () =>
      step(3, t('lock_frozen_title'), [
        h(
          'ul',
          {},
          h('li', {}, t('lock_deposit', { deposit })),
          h('li', {}, t('lock_frozen', { config: [d.trim, ...d.opts, d.city].join(' · ') })),
          h('li', {}, t('lock_name')),
          h('li', {}, t('lock_estimate', { range: weeksRange(estimate) })),
        ),
      ]),
  ];
  const of = steps.length + 1;
  for (const show of steps) if (!(await show())) return;
  const accept = h('input', { type: 'checkbox', id: 'accept-lock' });
  const result = await confirmDialog({
    title: stepTitle(of),
    body: [
      h('p', { class: 'error-what' }, t('lock_final', { deposit })),
      h('label', { class: 'choice' }, accept, h('span', {}, t('lock_final_accept', { deposit }))),
    ],
    confirmLabel: t('lock_confirm'),
    danger: true,
    ready: () => accept.checked,
    action: () => post(`/orders/${order.order_id}/lock`, { confirm: true }),
  });
  if (result) replaceOrder(result.data, 'flash_locked');
}

async function cancelFlow(order, forfeit) {
  const deposit = yuan(order.deposit.amount_fen);
  const accept = h('input', { type: 'checkbox', id: 'accept-forfeit' });
  const result = await confirmDialog({
    title: t('cancel_title'),
    body: forfeit
      ? [
          h('p', { class: 'error-what' }, t('cancel_forfeit_text', { deposit })),
          h(
            'label',
            { class: 'choice' },
            accept,
            h('span', {}, t('cancel_forfeit_accept', { deposit })),
          ),
        ]
      : [h('p', {}, t('cancel_refund_text', { deposit }))],
    confirmLabel: forfeit ? t('cancel_forfeit_confirm') : t('cancel_refund_confirm', { deposit }),
    danger: true,
    ready: () => !forfeit || accept.checked,
    action: () => post(`/orders/${order.order_id}/cancel`, forfeit ? { accept_forfeit: true } : {}),
  });
  if (result)
    replaceOrder(result.data, forfeit ? 'flash_cancelled_forfeit' : 'flash_cancelled_refund');
}

// Change within the same launch, or (switch) move to another model's launch with the deposit.
async function changeFlow(order, switching) {
  const from = launches.get(order.launch_id);
  // Exactly the launches the server lists for this order: a target it would refuse (a
  // demonstration launch, another model's launch with no window) is never offered.
  const targets = switching
    ? order.switch_to.map((id) => launches.get(id)).filter(Boolean)
    : [from];
  if (!targets[0]) return;
  let target = targets[0];
  let sel = fitSelection(target, order);
  const fieldsSlot = h('div', {});
  const summarySlot = h('div', { 'aria-live': 'polite' });
  let estSeq = 0;
  const showSummary = async () => {
    const { totalFen } = priceLines(target, sel);
    const seq = ++estSeq;
    summarySlot.replaceChildren(
      h('p', {}, t('new_price', { price: yuan(totalFen) })),
      h('p', { class: 'muted' }, t('loading')),
    );
    const q = new URLSearchParams({ trim: sel.trim, city: sel.city });
    const est = await get(`/launches/${encodeURIComponent(target.launch_id)}/estimate?${q}`);
    if (seq !== estSeq) return;
    summarySlot.replaceChildren(
      h('p', {}, t('new_price', { price: yuan(totalFen) })),
      est.ok
        ? h(
            'p',
            { class: 'new-estimate' },
            t('new_estimate', { range: weeksRange(est.data.estimate) }),
          )
        : errorBox(est),
    );
  };
  const showFields = () => {
    fieldsSlot.replaceChildren(
      configFields(target, sel, (next) => {
        sel = next;
        showSummary();
      }),
    );
    showSummary();
  };
  const body = [];
  if (switching) {
    body.push(h('p', {}, t('switch_intro', { deposit: yuan(order.deposit.amount_fen) })));
    body.push(
      h('label', { for: 'switch-target' }, t('switch_to')),
      h(
        'select',
        {
          id: 'switch-target',
          onchange: (ev) => {
            target = launches.get(ev.target.value);
            sel = fitSelection(target, sel);
            showFields();
          },
        },
        targets.map((l) => h('option', { value: l.launch_id }, localName(l))),
      ),
    );
  }
  if (pastLock(order))
    body.push(h('p', { class: 'notice notice-warn' }, t('change_requeue')));
  body.push(fieldsSlot);
  showFields();
  const result = await confirmDialog({
    title: switching ? t('switch_title') : t('change_title'),
    body,
    footer: [summarySlot],
    confirmLabel: switching ? t('switch_confirm') : t('change_confirm'),
    action: async () => {
      const r = await post(`/orders/${order.order_id}/change`, {
        ...(switching ? { launch_id: target.launch_id } : {}),
        trim: sel.trim,
        options: sel.options,
        city: sel.city,
        // A switch into a launch behind a waiting room spends its pass, as an order there does.
      }, switching ? { headers: passHeaders('launch', target.launch_id) } : undefined);
      if (switching) settlePass('launch', target.launch_id, r);
      return r;
    },
  });
  if (result) replaceOrder(result.data, switching ? 'flash_switched' : 'flash_changed');
}

/** An operator's cancel of a drop purchase: their reason and the refund, as the buyer reads it. */
function cancelText(c) {
  return `${t('drop_cancelled_by_seller', { t: dateTime(c.at), reason: c.reason })} ${
    c.refund_fen > 0 ? t('drop_cancel_refund', { a: yuan(c.refund_fen) })
      : t('drop_cancel_no_charge')}`;
}

/** One drop purchase: what it is (the drop, the size or car, how many) and where it stands. */
function dropPurchaseItem(p) {
  const { drop, variant, hold } = p;
  const when = dateTime(hold.settled_at ?? hold.created_at);
  let state;
  if (hold.operator_cancel) {
    state = cancelText(hold.operator_cancel);
  } else if (hold.status === 'held') {
    state = h('a', { href: `/drop?id=${encodeURIComponent(drop.drop_id)}` },
      t('drop_purchase_held', { t: dateTime(hold.expires_at) }));
  } else if (drop.kind === 'car') {
    // The car's price only when the drop gives one.
    state = t(drop.price_fen > 0 ? 'drop_purchase_car_paid_priced' : 'drop_purchase_car_paid',
      { a: yuan(hold.amount_fen), t: when, p: yuan(drop.price_fen) });
  } else {
    state = t('drop_purchase_paid', { a: yuan(hold.amount_fen), t: when });
  }
  return h('li', { class: 'card drop-purchase', 'data-hold': hold.hold_id,
    'data-cancelled': hold.operator_cancel ? 'operator' : null },
    h('p', {}, h('strong', {}, t('drop_purchase_item', { drop: localName(drop),
      v: localName(variant), n: hold.quantity }))),
    h('p', { class: 'small' }, state));
}

/** The buyer's drop purchases, under the orders (none: nothing shown). */
function dropSection() {
  if (!dropPurchases || dropPurchases.length === 0) return null;
  return h('section', { id: 'drop-purchases' }, h('h2', {}, t('drop_purchases_title')),
    h('ul', { class: 'plain' }, dropPurchases.map(dropPurchaseItem)));
}

/** One ready-stock purchase: the car, its price and where it stands; a balance to pay links to
 *  the ready-stock page, where it is paid. */
function readySaleItem(s) {
  const due = s.balance_due_at ? dateTime(s.balance_due_at) : '';
  return h('li', { class: 'card ready-sale', 'data-sale': s.sale_id },
    readySaleLine(launches.get(s.launch_id), s),
    h('p', { class: 'small' }, t(`ready_status_${s.status}`, { t: due })),
    s.status === 'deposit_paid'
      ? h('a', { class: 'button', href: '/ready-stock' },
        t('ready_pay_balance', { p: yuan(s.balance_fen) }))
      : null);
}

/** The buyer's ready-stock purchases, under the drop purchases (none: nothing shown). */
function readySection() {
  if (!readySales || readySales.length === 0) return null;
  return h('section', { id: 'ready-sales' }, h('h2', {}, t('ready_mine')),
    h('ul', { class: 'plain' }, readySales.map(readySaleItem)));
}

function render() {
  const main = document.getElementById('main');
  document.title = `${t('orders_title')} · launchday`;
  const head = h('h1', {}, t('orders_title'));
  if (!token()) {
    main.replaceChildren(head, h('p', {}, t('orders_sign_in')), signInLink());
    return;
  }
  if (failure) {
    main.replaceChildren(head, errorBox(failure));
    return;
  }
  if (!orders) return;
  const parts = [head];
  if (flash) parts.push(notice(t(flash), 'ok'));
  // Drop purchases listed below are orders to their buyer: "no orders yet" above them was
  // untrue (the new user's find 14); the launches' orders are said to be none, by name.
  // Each says only the lists that are there.
  const listed = [(dropPurchases?.length ?? 0) > 0 ? 'drop' : '',
    (readySales?.length ?? 0) > 0 ? 'ready' : ''].filter(Boolean).join('_');
  if (orders.length === 0) {
    parts.push(
      h('p', { id: 'orders-none' }, t(listed ? `orders_none_launch_${listed}` : 'orders_none')),
      h('a', { class: 'button', href: '/' }, t('nav_launches')),
    );
  }
  parts.push(...orders.map(orderCard));
  const drops = dropSection();
  if (drops) parts.push(drops);
  const ready = readySection();
  if (ready) parts.push(ready);
  main.replaceChildren(...parts);
}

function tick() {
  let ended = false;
  for (const el of document.querySelectorAll('.window-closes')) {
    const left = Date.parse(el.dataset.closes) - serverNow();
    el.textContent = t('window_open_until', {
      at: secs(el.dataset.closes),
      left: countdown(left),
    });
    if (left <= 0) ended = true;
  }
  for (const el of document.querySelectorAll('.cooling')) {
    const order = orders?.find((o) => o.cooling_off_ends_at === el.dataset.ends);
    if (order) el.textContent = coolingText(order);
    if (Date.parse(el.dataset.ends) <= serverNow()) ended = true;
  }
  // A firm order locks by itself when cooling-off ends; show it as the server now has it.
  const due = ended || Date.now() - lastLoad > REFRESH_MS;
  if (due && !isDialogOpen() && Date.now() - lastLoad > 5000) {
    // Redraw only when something changed, so a refresh does not move the buyer's focus.
    const shown = () => JSON.stringify([orders, dropPurchases, readySales]);
    const before = shown();
    load().then(() => {
      if (!isDialogOpen() && shown() !== before) render();
    });
  }
}

initPage(render, { current: '/orders' });
if (token()) {
  const focusId = param('order');
  await load();
  // "Order placed" only when this tab placed that very order (the configurator notes it) and it
  // is one of the buyer's: /orders?order=anything says nothing.
  let justPlaced = null;
  try {
    justPlaced = sessionStorage.getItem('launchday.justPlaced');
    sessionStorage.removeItem('launchday.justPlaced');
  } catch {
    /* best effort */
  }
  if (focusId && focusId === justPlaced && orders?.some((o) => o.order_id === focusId))
    flash = 'flash_placed';
  render();
  if (focusId) {
    document.getElementById(`order-${focusId}`)?.scrollIntoView({ block: 'start' });
    document.getElementById(`order-${focusId}`)?.focus();
  }
  setInterval(tick, 1000);
  // Texts about the buyer's orders follow the language they read the pages in.
  window.addEventListener('langchange', () => {
    if (token()) void request('PUT', '/notifications/language', { body: { language: lang() } });
  });
}
