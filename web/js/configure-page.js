// The configurator: choose trim, colour, wheels, extras and city; see the price, the deposit, what
// cooling-off and locking mean, and the delivery estimate for this exact choice, then order.
import { get, noteServerTimeIso, serverNow, token, transient } from './api.js';
import { localName, t } from './i18n.js';
import { count, countdown, dateTime, h, weeksRange, yuan } from './format.js';
import { configFields, defaultSelection, priceLines } from './config-form.js';
import { pendingAttempt, placeOrder } from './order-attempt.js';
import { errorBox, initPage, param, signInLink } from './ui.js';

const launchId = param('launch') || 'yu7-demo';
let launch = null;
let failure = null;
let sel = null;
let estimate = null; // {for: key, result}
let ordering = null; // {state: 'sending' | 'holding' | 'gave_up' | 'failed', ...}
let estimateSeq = 0;

const selKey = (s) => `${s.trim}|${s.city}`;

async function fetchEstimate() {
  const key = selKey(sel);
  const seq = ++estimateSeq;
  const q = new URLSearchParams({ trim: sel.trim, city: sel.city });
  const result = await get(`/launches/${encodeURIComponent(launchId)}/estimate?${q}`);
  if (seq !== estimateSeq) return; // a newer choice has been made meanwhile
  estimate = { for: key, result };
  renderSummary();
}

function estimateBlock() {
  const trim = launch.trims.find((x) => x.trim === sel.trim);
  const city = launch.cities.find((c) => c.city_id === sel.city);
  const heading = h('h3', {}, t('estimate_heading'));
  if (!estimate || estimate.for !== selKey(sel)) {
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
    h('p', {}, t('estimate_for', { trim: localName(trim), city: localName(city) })),
    h('p', { class: 'small muted' }, t('estimate_basis_now', { n: count(e.locked_ahead ?? 0) })),
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
        t('terms_cooling', { hours: launch.cooling_off_hours, until: dateTime(coolEnds) }),
      ),
      h('li', {}, t('terms_lock')),
    ),
  );
}

function orderArea() {
  const opens = Date.parse(launch.opens_at);
  if (!token()) return h('div', { class: 'actions' }, signInLink());
  if (launch.state !== 'open' && serverNow() < opens) {
    return h(
      'div',
      { class: 'opening' },
      h('p', { class: 'muted' }, t('opens_in')),
      h('p', { class: 'countdown', role: 'timer' }, countdown(opens - serverNow())),
      h('button', { type: 'button', class: 'primary big', disabled: true }, t('order_not_yet')),
    );
  }
  const busy = ordering && (ordering.state === 'sending' || ordering.state === 'holding');
  const parts = [];
  if (ordering?.state === 'holding') {
    parts.push(
      h(
        'div',
        { class: 'holding', role: 'status' },
        h('strong', {}, t('holding_title')),
        h('span', {}, t('holding_body', { s: ordering.waitS })),
      ),
    );
  }
  if (ordering?.state === 'gave_up') {
    parts.push(
      h(
        'div',
        { class: 'holding', role: 'status' },
        h('strong', {}, t('holding_title')),
        h('span', {}, t('holding_gave_up')),
      ),
    );
  }
  if (ordering?.state === 'failed') parts.push(errorBox(ordering.result));
  parts.push(
    h(
      'button',
      {
        type: 'button',
        class: 'primary big',
        id: 'place-order',
        disabled: busy || null,
        'aria-busy': busy ? 'true' : null,
        onclick: submit,
      },
      busy
        ? t('ordering')
        : ordering?.state === 'gave_up'
          ? t('try_again')
          : t('pay_deposit', { deposit: yuan(launch.deposit_fen) }),
    ),
  );
  return h('div', {}, ...parts);
}

async function submit() {
  const pending = pendingAttempt();
  const resume = pending && pending.body.launch_id === launchId ? pending : null;
  const body = resume
    ? resume.body
    : { launch_id: launchId, trim: sel.trim, options: sel.options, city: sel.city };
  ordering = { state: 'sending' };
  renderSummary();
  const result = await placeOrder(body, {
    resume,
    onHolding: ({ waitS }) => {
      ordering = { state: 'holding', waitS };
      renderSummary();
    },
  });
  if (result.ok) {
    location.href = `/orders?order=${encodeURIComponent(result.data.order_id)}`;
    return;
  }
  // Still no answer after every retry: the attempt (and its key) is kept for "try again".
  ordering = transient(result) ? { state: 'gave_up' } : { state: 'failed', result };
  renderSummary();
}

function renderSummary() {
  const aside = document.getElementById('summary');
  if (!aside) return;
  const { lines, totalFen } = priceLines(launch, sel);
  aside.replaceChildren(
    h('h2', {}, t('summary_heading')),
    h(
      'dl',
      { class: 'summary' },
      lines.flatMap((l) => [h('dt', {}, l.label), h('dd', {}, yuan(l.fen))]),
      h('dt', { class: 'total' }, t('total_price')),
      h('dd', { class: 'total', id: 'total' }, yuan(totalFen)),
      h('dt', {}, t('deposit_now')),
      h('dd', { id: 'deposit' }, yuan(launch.deposit_fen)),
    ),
    estimateBlock(),
    termsBlock(),
    orderArea(),
  );
}

function render() {
  const main = document.getElementById('main');
  if (failure) {
    main.replaceChildren(h('h1', {}, t('configure_title')), errorBox(failure));
    return;
  }
  if (!launch) return;
  document.title = `${localName(launch)} · ${t('configure_title')}`;
  main.replaceChildren(
    h('h1', {}, `${localName(launch)} · ${t('configure_title')}`),
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
        configFields(launch, sel, (next) => {
          const estimateChanged = selKey(next) !== selKey(sel);
          sel = next;
          renderSummary();
          if (estimateChanged) fetchEstimate();
        }),
      ),
      h('aside', { class: 'card sticky', id: 'summary', 'aria-label': t('summary_heading') }),
    ),
  );
  renderSummary();
}

initPage(render, { current: '/' });
const result = await get(`/launches/${encodeURIComponent(launchId)}`);
if (result.ok) {
  launch = result.data;
  if (launch.server_time) noteServerTimeIso(launch.server_time);
  sel = defaultSelection(launch);
} else failure = result;
render();
if (launch) {
  // An attempt that was under way when the page reloaded is finished, not forgotten: the same
  // key returns the order if it was placed, or places it now.
  const pending = pendingAttempt();
  if (pending && pending.body.launch_id === launchId && token()) {
    sel = { trim: pending.body.trim, options: [...pending.body.options], city: pending.body.city };
    render();
    submit();
  }
  fetchEstimate();
  // Keep the countdown moving and let the button appear at the opening second.
  setInterval(() => {
    if (launch.state !== 'open' && document.querySelector('.countdown')) renderSummary();
  }, 500);
}
