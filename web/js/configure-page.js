// The configurator: choose trim, colour, wheels, extras and city; see the car drawn as chosen,
// the price, the deposit, what cooling-off and locking mean, and the delivery estimate for this
// exact choice, then order from the bar kept at the bottom of the screen.
//
// While an order attempt is under way the page shows exactly what is being ordered (the body
// every retry resends) and nothing can change it; "start again" is an explicit choice that
// abandons the attempt. A buyer who already holds an order for this launch sees it first, and a
// second deposit is a deliberate step.
import { get, noteServerTimeIso, serverNow, token, transient } from './api.js';
import { localName, t } from './i18n.js';
import {
  calendarWindow, count, countdown, counted, dateTime, h, plural, weeksRange, yuan,
} from './format.js';
import { configFields, defaultSelection, fitSelection, priceLines } from './config-form.js';
import { carDrawing } from './car-drawing.js';
import { forgetAttempt, pendingAttempt, placeOrder } from './order-attempt.js';
import { errorBox, initPage, param, signInLink } from './ui.js';
import { tabValue } from './tab-store.js';
import { roomNote } from './room-note.js';
import { heldPass } from './waiting-pass.js';

const launchId = param('launch') || 'yu7-demo';
// Before the opening, the launch is read again now and then (an operator may move the opening),
// each page at its own moment so a crowd's reads do not line up.
const RESYNC_MS = 30000 + Math.random() * 30000;
// A `sales_not_open` this far from the opening means the opening moved: stop, do not loop.
const MOVED_OPENING_MS = 3000;

let launch = null;
let failure = null;
let sel = null;
let estimate = null; // {for: key, result}
let held = null; // this buyer's orders of this launch that are not cancelled; null: unknown
let another = false; // the buyer chose to place a further order beside the one held
let attempt = null; // {body, state: 'sending' | 'retrying' | 'gave_up' | 'failed', ...}
let abort = null; // AbortController of the attempt under way
let openingMoved = null; // {from, to}: the opening moved while the buyer waited
let lastResyncMs = Date.now();
let estimateSeq = 0;
let kept = false; // the choices were restored from this tab's last visit (e.g. before the room)

// The buyer's choices, kept for this tab per launch: an order refused for want of a waiting-room
// pass sends the buyer to the room, whose pass brings them back here; without this they would
// come back to the defaults and one tap would order a car they did not choose.
// Without storage the defaults are shown again, as before.
const choice = tabValue(`launchday.choice.${launchId}`);

const selKey = (s) => `${s.trim}|${s.city}`;
const busy = () => attempt && ['sending', 'retrying'].includes(attempt.state);
const opensMs = () => Date.parse(launch.opens_at);
const isOpen = () => serverNow() >= opensMs();
// What the summary and drawing show: the attempt's own body while one exists.
const shown = () =>
  attempt && attempt.state !== 'failed'
    ? { trim: attempt.body.trim, options: attempt.body.options, city: attempt.body.city }
    : sel;

async function fetchEstimate() {
  const s = shown();
  const key = selKey(s);
  const seq = ++estimateSeq;
  const q = new URLSearchParams({ trim: s.trim, city: s.city });
  const result = await get(`/launches/${encodeURIComponent(launchId)}/estimate?${q}`);
  if (seq !== estimateSeq) return; // a newer choice has been made meanwhile
  estimate = { for: key, result };
  renderSummary();
}

async function loadHeld() {
  if (!token()) return;
  const r = await get('/orders');
  if (r.ok) {
    held = r.data.orders.filter((o) => o.launch_id === launchId && o.status !== 'cancelled');
  } else if (r.status === 401) failure = r;
}

function estimateBlock(s) {
  const trim = launch.trims.find((x) => x.trim === s.trim);
  const city = launch.cities.find((c) => c.city_id === s.city);
  const heading = h('h3', {}, t('estimate_heading'));
  if (!estimate || estimate.for !== selKey(s)) {
    return h(
      'div',
      { id: 'estimate', 'aria-busy': 'true' },
      heading,
      h('p', { class: 'muted' }, t('loading')),
    );
  }
  if (!estimate.result.ok) return h('div', { id: 'estimate' }, heading, errorBox(estimate.result));
  const e = estimate.result.data;
  return h(
    'div',
    { id: 'estimate', 'aria-live': 'polite' },
    heading,
    h('p', { class: 'price-big' }, weeksRange(e.estimate)),
    h(
      'p',
      { class: 'small' },
      t('estimate_window', { window: calendarWindow(e.estimate, serverNow()) }),
    ),
    h('p', {}, t('estimate_for', { trim: localName(trim), city: localName(city) })),
    h(
      'p',
      { class: 'small muted' },
      plural('estimate_basis_now', e.locked_ahead ?? 0, { n: count(e.locked_ahead ?? 0) }),
    ),
  );
}

function termsBlock() {
  const coolEnds = new Date(serverNow() + launch.cooling_off_hours * 3600e3).toISOString();
  if (launch.locks_on_payment) {
    return h(
      'div',
      { class: 'notice notice-warn' },
      h('p', {}, t('terms_locks_on_payment', { deposit: yuan(launch.deposit_fen) })),
    );
  }
  return h(
    'div',
    { class: 'terms' },
    h('h3', {}, t('terms_heading')),
    h(
      'ul',
      {},
      h('li', {}, t('terms_deposit', { deposit: yuan(launch.deposit_fen) })),
      h(
        'li',
        {},
        t('terms_cooling', { hours: counted('n_hours', launch.cooling_off_hours),
          until: dateTime(coolEnds) }),
      ),
      h('li', {}, t('terms_lock')),
    ),
  );
}

function drawing(s) {
  const chosen = (group) =>
    launch.options.find((o) => o.group === group && s.options.includes(o.option_id));
  const colour = chosen('colour');
  const wheels = chosen('wheels');
  const trim = launch.trims.find((x) => x.trim === s.trim);
  return carDrawing({
    modelId: launch.model_id,
    colourId: colour?.option_id,
    wheelsId: wheels?.option_id,
    label: [localName(launch), localName(trim), localName(colour), localName(wheels)]
      .filter(Boolean)
      .join(' · '),
  });
}

function renderSummary() {
  const aside = document.getElementById('summary');
  if (!aside) return;
  const s = shown();
  const { lines, totalFen } = priceLines(launch, s);
  const city = launch.cities.find((c) => c.city_id === s.city);
  document.getElementById('car')?.replaceChildren(drawing(s));
  aside.replaceChildren(
    h('h2', {}, attempt ? t('summary_attempt_heading') : t('summary_heading')),
    h(
      'dl',
      { class: 'summary' },
      lines.flatMap((l) => [
        h('dt', { 'data-group': l.group }, t(`line_${l.group}`)),
        h('dd', {}, h('span', { class: 'line-name' }, l.label), ' ', yuan(l.fen)),
      ]),
      h('dt', { 'data-group': 'city' }, t('choose_city')),
      h('dd', {}, localName(city)),
      h('dt', { class: 'total' }, t('total_price')),
      h('dd', { class: 'total', id: 'total' }, yuan(totalFen)),
      h('dt', {}, t('deposit_now')),
      h('dd', { id: 'deposit' }, yuan(launch.deposit_fen)),
    ),
    estimateBlock(s),
    termsBlock(),
  );
  renderBar();
}

// The bottom bar: the price, the deposit and the one thing to do next (pay, wait, see the order
// already held), with what is true about an attempt under way.
function renderBar() {
  const bar = document.getElementById('paybar');
  if (!bar) return;
  const { totalFen } = priceLines(launch, shown());
  const figures = h(
    'div',
    { class: 'paybar-figures' },
    h('span', {}, t('total_price'), ' ', h('strong', { id: 'bar-total' }, yuan(totalFen))),
    h('span', {}, t('deposit_now'), ' ', h('strong', {}, yuan(launch.deposit_fen))),
  );
  // During an attempt the bar names the car being ordered, beside what is true about it.
  const what = attempt
    ? h(
        'p',
        { class: 'small attempt-what', id: 'attempt-what' },
        priceLines(launch, shown())
          .lines.map((l) => l.label)
          .concat(localName(launch.cities.find((c) => c.city_id === shown().city)))
          .join(' · '),
      )
    : null;
  bar.replaceChildren(
    h('div', { class: 'paybar-inner' }, ...barStatus(), what, figures, barAction()),
  );
}

function barStatus() {
  const out = [];
  if (openingMoved) {
    out.push(
      h(
        'div',
        { class: 'notice notice-warn', id: 'opening-moved', role: 'status' },
        t('opening_moved', { at: dateTime(openingMoved.to) }),
      ),
    );
  }
  if (!attempt && held?.length && !another) {
    const limit = launch.per_account_limit;
    out.push(
      h(
        'div',
        { class: 'notice', id: 'held-order', role: 'status' },
        plural('held_orders', held.length, {
          n: held.length,
          order: held.map((o) => describeOrder(o)).join('; '),
        }),
        ' ',
        h('a', { href: `/orders?order=${encodeURIComponent(held[0].order_id)}` }, t('see_order')),
        held.length >= limit
          ? h('p', { class: 'small' }, plural('limit_reached', limit, { limit })) : null,
      ),
    );
  }
  if (!attempt) return out;
  if (attempt.state === 'retrying') {
    const key = attempt.offline ? 'retry_offline' : attempt.reason === 'sales_not_open'
      ? 'retry_not_open' : attempt.reason === 'timeout' || attempt.reason === 'network_error'
        ? 'retry_no_answer' : 'retry_busy';
    out.push(
      h(
        'div',
        {
          class: `holding${attempt.offline ? ' offline' : ''}`,
          role: 'status',
          id: 'attempt-status',
        },
        h('strong', {}, t(attempt.offline ? 'not_placed_offline' : 'not_placed_trying')),
        h('span', {}, t(key), ' '),
        h('span', { class: 'retry-in', 'aria-live': 'off' }, retryIn()),
      ),
    );
  } else if (attempt.state === 'gave_up') {
    out.push(
      h(
        'div',
        { class: 'holding', role: 'status', id: 'attempt-status' },
        h('strong', {}, t('not_placed_yet')),
        h('span', {}, t('holding_gave_up')),
      ),
    );
  } else if (attempt.state === 'failed') {
    out.push(errorBox(attempt.result, { limit: launch.per_account_limit }));
  }
  return out;
}

function retryIn() {
  if (!attempt || attempt.state !== 'retrying') return '';
  if (attempt.offline) return t('retry_when_online');
  return t('retry_in', { s: Math.max(0, Math.ceil((attempt.untilMs - Date.now()) / 1000)) });
}

function describeOrder(o) {
  const trim = launch.trims.find((x) => x.trim === o.trim);
  const city = launch.cities.find((c) => c.city_id === o.city);
  return `${localName(trim)} · ${localName(city)} (${o.order_id})`;
}

function barAction() {
  if (!token()) return signInLink('sign_in_to_continue');
  if (!isOpen()) {
    return h(
      'div',
      { class: 'paybar-action opening' },
      h('span', { class: 'muted small' }, t('opens_in')),
      h('span', { class: 'countdown', role: 'timer' }, countdown(opensMs() - serverNow())),
      h('button', { type: 'button', class: 'primary big', disabled: true }, t('order_not_yet')),
    );
  }
  if (!attempt && held === null) {
    return h('button', { type: 'button', class: 'primary big', disabled: true }, t('loading'));
  }
  if (!attempt && held.length && !another) {
    if (held.length >= launch.per_account_limit) return null;
    return h(
      'button',
      {
        type: 'button',
        class: 'secondary',
        id: 'order-another',
        onclick: () => {
          another = true;
          renderBar();
          document.getElementById('place-order')?.focus();
        },
      },
      t('order_another'),
    );
  }
  const label = busy()
    ? t('ordering')
    : attempt?.state === 'gave_up'
      ? t('try_again')
      : t(held?.length ? 'pay_another_deposit' : 'pay_deposit', {
          deposit: yuan(launch.deposit_fen),
        });
  return h(
    'div',
    { class: 'paybar-action' },
    h(
      'button',
      {
        type: 'button',
        class: 'primary big',
        id: 'place-order',
        disabled: busy() || null,
        'aria-busy': busy() ? 'true' : null,
        onclick: submit,
      },
      label,
    ),
    attempt && attempt.state !== 'failed'
      ? h(
          'button',
          { type: 'button', class: 'secondary', id: 'abandon-attempt', onclick: abandon },
          t('start_again'),
        )
      : null,
  );
}

async function submit() {
  const pending = pendingAttempt();
  const resume = pending && pending.body.launch_id === launchId ? pending : null;
  const body = resume
    ? resume.body
    : { launch_id: launchId, trim: sel.trim, options: [...sel.options], city: sel.city };
  attempt = { body, state: 'sending' };
  openingMoved = null;
  abort = new AbortController();
  renderForm();
  const result = await placeOrder(body, { resume, signal: abort.signal, onRetry });
  if (result.code === 'abandoned') return;
  if (result.ok) {
    // Only the page that placed it says "order placed" on /orders.
    choice.forget();
    try {
      sessionStorage.setItem('launchday.justPlaced', result.data.order_id);
    } catch {
      /* best effort */
    }
    location.href = `/orders?order=${encodeURIComponent(result.data.order_id)}`;
    return;
  }
  // Still no answer after every retry: the attempt (and its key) is kept for "try again".
  // A refusal ends the attempt: the form is the buyer's again, showing what was refused.
  if (transient(result)) attempt = { body, state: 'gave_up' };
  else {
    attempt = { body, state: 'failed', result };
    sel = { trim: body.trim, options: [...body.options], city: body.city };
  }
  renderForm();
}

async function onRetry({ untilMs, reason, offline }) {
  attempt = { ...attempt, state: 'retrying', untilMs, reason, offline };
  renderBar();
  if (reason !== 'sales_not_open') return;
  // Refused as "not open yet": perhaps the opening moved. Read it again rather than loop.
  const r = await get(`/launches/${encodeURIComponent(launchId)}`);
  if (!r.ok) return;
  const from = launch.opens_at;
  launch = r.data;
  if (Date.parse(launch.opens_at) - serverNow() > MOVED_OPENING_MS) {
    openingMoved = { from, to: launch.opens_at };
    abandon();
  }
}

// Ends the attempt under way: nothing more is sent. A request already sent may still have
// placed the order, so the orders held are read again and shown.
async function abandon() {
  abort?.abort();
  forgetAttempt();
  if (attempt) sel = { ...shown(), options: [...shown().options] };
  attempt = null;
  renderForm();
  await loadHeld();
  renderBar();
}

// The form and everything beside it; the fields are disabled while an attempt is under way.
function renderForm() {
  const main = document.getElementById('main');
  if (failure) {
    main.replaceChildren(
      h('h1', {}, t('configure_title')),
      errorBox(failure),
    );
    return;
  }
  if (!launch) return;
  document.title = `${localName(launch)} · ${t('configure_title')}`;
  const locked = Boolean(attempt) && attempt.state !== 'failed';
  main.replaceChildren(
    h('h1', {}, `${localName(launch)} · ${t('configure_title')}`),
    // Before the order button: the room in front of this launch's orders, if one is on
    // (replaceChildren would show a null as the text "null").
    roomNote(launch.waiting_room, { scope: 'launch', pass: heldPass('launch', launchId),
      signedIn: token() !== null, bought: (held?.length ?? 0) > 0,
      atLimit: (held?.length ?? 0) >= launch.per_account_limit ? launch.per_account_limit
        : null }) ?? '',
    h(
      'div',
      { class: 'grid grid-2' },
      h(
        'form',
        {
          class: 'card',
          onsubmit: (ev) => ev.preventDefault(),
          'aria-label': t('configure_title'),
        },
        h('div', { id: 'car', class: 'car-slot' }),
        locked ? h('p', { class: 'notice', id: 'form-locked' }, t('form_locked')) : null,
        kept && !attempt
          ? h('p', { class: 'notice', id: 'choices-kept', role: 'status' }, t('choices_kept'))
          : null,
        h(
          'fieldset',
          { class: 'plain', disabled: locked || null, id: 'config' },
          h('legend', { class: 'visually-hidden' }, t('configure_title')),
          configFields(launch, shown(), (next) => {
            const estimateChanged = selKey(next) !== selKey(sel);
            sel = next;
            choice.keep(sel);
            if (kept) {
              kept = false;
              document.getElementById('choices-kept')?.remove();
            }
            renderSummary();
            if (estimateChanged) fetchEstimate();
          }),
        ),
      ),
      h('aside', { class: 'card sticky', id: 'summary', 'aria-label': t('summary_heading') }),
    ),
    h('div', { class: 'paybar', id: 'paybar', role: 'region', 'aria-label': t('paybar_label') }),
  );
  renderSummary();
}

// Runs just after each whole second of the server's clock, and just after an opening that falls
// between two, so the button appears at the opening rather than up to a tick later.
function tick() {
  if (launch && !isOpen()) {
    const cd = document.querySelector('#paybar .countdown');
    if (cd) cd.textContent = countdown(opensMs() - serverNow());
    if (Date.now() - lastResyncMs > RESYNC_MS) resync();
  } else if (launch && document.querySelector('#paybar .countdown')) renderBar();
  const retry = document.querySelector('#paybar .retry-in');
  if (retry) retry.textContent = retryIn();
  const untilOpening = launch ? opensMs() - serverNow() : Infinity;
  const untilSecond = 1000 - (serverNow() % 1000);
  setTimeout(tick, (untilOpening > 0 ? Math.min(untilSecond, untilOpening) : untilSecond) + 5);
}

async function resync() {
  lastResyncMs = Date.now();
  const r = await get(`/launches/${encodeURIComponent(launchId)}`);
  if (!r.ok || busy()) return;
  if (r.data.opens_at !== launch.opens_at)
    openingMoved = { from: launch.opens_at, to: r.data.opens_at };
  launch = r.data;
  renderBar();
}

initPage(renderForm, { current: '/' });
const [result] = await Promise.all([get(`/launches/${encodeURIComponent(launchId)}`), loadHeld()]);
if (result.ok) {
  launch = result.data;
  if (launch.server_time) noteServerTimeIso(launch.server_time);
  const before = choice.read();
  // Checked against the launch as it is now: an option withdrawn meanwhile is not restored.
  sel = before ? fitSelection(launch, before) : defaultSelection(launch);
  kept = Boolean(before);
} else failure ??= result;
renderForm();
if (launch) {
  // An attempt that was under way when the page reloaded is finished, not forgotten: the same
  // key returns the order if it was placed, or places it now.
  const pending = pendingAttempt();
  if (pending && pending.body.launch_id === launchId && token()) {
    sel = { trim: pending.body.trim, options: [...pending.body.options], city: pending.body.city };
    submit();
  }
  fetchEstimate();
  tick();
}
