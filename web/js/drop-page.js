// The drop page (/drop?id=...): the drop's live remaining count per size (read every 2 s), a
// purchase per size, the waitlist once a size is sold out, and the buyer's own purchases and
// offers. A purchase keeps its Idempotency-Key until it is answered, so a retry never buys twice.
import { get, request, serverNow, token } from './api.js';
import { localName, t } from './i18n.js';
import { countdown, dateTime, h, yuan } from './format.js';
import { confirmDialog } from './dialog.js';
import { errorBox, initPage, notice, param, signInLink } from './ui.js';
import { DROP_STRINGS } from './drop-strings.js';
import { forgetPass, passHeaders } from './waiting-pass.js';
import { roomNote } from './room-note.js';
import { STRINGS } from './strings.js';

Object.assign(STRINGS, DROP_STRINGS);

const REFRESH_MS = 2000;
const dropId = param('id') ?? '';
let drop = null;
let mine = null;
let message = null;

const path = (p = '') => `/drops/${encodeURIComponent(dropId)}${p}`;

function keyFor(variant) {
  const name = `launchday.drop.${dropId}.${variant}`;
  let key = sessionStorage.getItem(name);
  if (!key) {
    key = `drop-${crypto.randomUUID()}`;
    sessionStorage.setItem(name, key);
  }
  return key;
}

/** The variant whose waitlist place `message` tells (a join's note), or null. */
let messageJoin = null;

async function act(run, joined = null) {
  const r = await run();
  // Said as a purchase, not an order (errors.js PURCHASE_WORDING).
  message = r.ok ? r.note : errorBox(r, { purchase: true });
  messageJoin = r.ok ? joined : null;
  await refresh();
}

/**
 * A car's deposit locks on payment and is never refunded (DOMAIN.md: the Founder's Edition's
 * 20,000 yuan "locked on payment"), so it is paid only after a step that says so with the
 * amount; merchandise is bought in one tap (its button names the price). Resolves to whether
 * to go ahead.
 */
async function confirmed(v) {
  if (drop.kind !== 'car') return true;
  const d = yuan(drop.deposit_fen);
  const answer = await confirmDialog({
    title: t('drop_confirm_title', { v: localName(v), car: localName(drop) }),
    body: [h('p', { class: 'error-what', id: 'deposit-confirm' }, t('drop_confirm_body', { d }))],
    confirmLabel: t('drop_confirm_pay', { d }),
    danger: true,
    // Nothing is sent from the dialog: the purchase goes the page's usual way once confirmed.
    action: async () => ({ ok: true }),
  });
  return answer !== null;
}

/** A button's words: what it buys and what that charges now (a car's deposit, or the price). */
const payLabel = (key, v) => drop.kind === 'car'
  ? t(`${key}_car`, { v: localName(v), d: yuan(drop.deposit_fen) })
  : t(key, { v: localName(v), p: yuan(drop.price_fen) });

async function buy(v) {
  if (!(await confirmed(v))) return;
  await act(async () => {
    const r = await request('POST', path('/purchases'), {
      body: { variant: v.variant, quantity: 1 },
      headers: { 'Idempotency-Key': keyFor(v.variant), ...passHeaders('drop', dropId) },
    });
    if (r.ok) forgetPass('drop', dropId);
    if (r.status !== 0 && r.code !== 'overloaded') {
      sessionStorage.removeItem(`launchday.drop.${dropId}.${v.variant}`);
    }
    return r.ok
      ? { ok: true, note: notice(t('drop_bought', { v: localName(v), n: 1 }), 'ok') } : r;
  });
}

async function join(v) {
  await act(async () => {
    // The pass goes with the join too (the room gates it) and stays for a purchase.
    const r = await request('POST', path('/waitlist'), { body: { variant: v.variant },
      headers: passHeaders('drop', dropId) });
    return r.ok
      ? { ok: true, note: notice(t('drop_in_line', { v: localName(v), n: r.data.entry.ahead })) }
      : r;
  }, v.variant);
}

async function payOffer(v, holdId) {
  if (!(await confirmed(v))) return;
  await act(async () => {
    const r = await request('POST', path(`/holds/${encodeURIComponent(holdId)}/pay`));
    return r.ok
      ? { ok: true, note: notice(t('drop_bought', { v: localName(v), n: 1 }), 'ok') } : r;
  });
}

/** Lets an offer go: the unit goes at once to the next in line (or back on sale). */
async function declineOffer(v, holdId) {
  await act(async () => {
    const r = await request('POST', path(`/holds/${encodeURIComponent(holdId)}/cancel`));
    return r.ok ? { ok: true, note: notice(t('drop_declined', { v: localName(v) })) } : r;
  });
}

/**
 * Whether the buyer holds or bought as many units as the drop allows per account (holds still
 * being paid for count, as the server counts them): then no size is for them, on sale or
 * through the waitlist, and the page says so rather than offer what the server would refuse.
 * The per-identity limit counts other accounts' units too, which this page cannot see.
 */
function atAccountLimit() {
  if (!mine) return false;
  const units = mine.holds.filter((x) => x.status === 'held' || x.status === 'paid')
    .reduce((n, x) => n + x.quantity, 0);
  return units >= drop.per_account_limit;
}

/** Whether a unit is held for the buyer, waiting for its payment (a waitlist offer). */
function heldForMe() {
  return mine?.holds.some((x) => x.status === 'held') ?? false;
}

function variantRow(v) {
  const open = drop.open;
  const status = v.sold_out
    ? h('strong', { class: 'sold-out' }, v.held > 0 ? t('drop_sold_out_held', { n: v.held })
      : t('drop_sold_out'))
    : h('span', { class: 'remaining' }, t('drop_remaining', { n: v.remaining, q: v.quantity }));
  let action = null;
  // In line for this size already: the place is shown below (mineSection), not a second join.
  const inLine = mine?.waitlist.some((e) => e.variant === v.variant
    && (e.status === 'waiting' || e.status === 'offered')) ?? false;
  if (open && token()) {
    if (atAccountLimit()) {
      if (!v.sold_out_for_good) {
        // A unit held for them (an offer to pay) is the limit's reason: say so, not "reached".
        action = h('span', { class: 'muted', 'data-limit': v.variant }, heldForMe()
          ? t('drop_held_below', { a: drop.per_account_limit })
          : t('drop_at_limit', { a: drop.per_account_limit }));
      }
    } else if (!v.sold_out) {
      action = h('button', { type: 'button', class: 'button', 'data-variant': v.variant,
        onclick: () => buy(v) }, payLabel('drop_buy', v));
    } else if (!v.sold_out_for_good && !inLine) {
      action = h('button', { type: 'button', class: 'button secondary',
        'data-join': v.variant, onclick: () => join(v) }, t('drop_join', { v: localName(v) }));
    }
  }
  return h('li', { class: 'variant', 'data-row': v.variant }, h('span', {}, localName(v)), ' ',
    status, ' ', action);
}

function mineSection() {
  if (!mine) return null;
  const byVariant = new Map(drop.variants.map((v) => [v.variant, v]));
  const items = [];
  for (const hold of mine.holds.filter((x) => x.status === 'paid')) {
    items.push(h('li', {}, t('drop_bought', { v: localName(byVariant.get(hold.variant)),
      n: hold.quantity })));
  }
  for (const e of mine.waitlist) {
    const v = byVariant.get(e.variant);
    if (e.status === 'waiting') {
      items.push(h('li', {}, t('drop_in_line', { v: localName(v), n: e.ahead })));
    }
    // The size sold for good while they waited: the server closed the line.
    if (e.status === 'closed') {
      items.push(h('li', { class: 'closed' }, t('drop_line_closed', { v: localName(v) })));
    }
    if (e.status === 'offered') {
      const hold = mine.holds.find((x) => x.hold_id === e.offer_hold_id);
      // The deadline by the server's clock, counted down at each refresh (every 2 s).
      const leftS = hold ? Math.max(0, Math.round((Date.parse(hold.expires_at) - serverNow())
        / 1000)) : null;
      items.push(h('li', { class: 'offer' }, t('drop_offered', { v: localName(v),
        t: hold ? dateTime(hold.expires_at) : '' }), leftS === null ? ''
        : ` ${t('drop_offer_left', { s: leftS })}`, ' ',
      h('button', { type: 'button', class: 'button', id: 'pay-offer',
        onclick: () => payOffer(v, e.offer_hold_id) }, payLabel('drop_pay_offer', v)),
      ' ',
      h('button', { type: 'button', class: 'button secondary', id: 'decline-offer',
        onclick: () => declineOffer(v, e.offer_hold_id) }, t('drop_decline_offer'))));
    }
  }
  return items.length === 0 ? null
    : h('section', {}, h('h2', {}, t('drop_mine')), h('ul', { class: 'mine' }, items));
}

/** The time left to the opening by the server's clock, as the countdown shows it. */
const untilOpening = () => countdown(Date.parse(drop.opens_at) - serverNow());

/**
 * The drop's state line: the opening with a live countdown (drop_not_open tells a buyer to wait
 * for it), on sale, every unit held (some may come back), or sold out once every unit is sold
 * for good (a car drop has no sizes to speak of).
 */
function dropState() {
  if (!drop.open) {
    return [t('drop_opens_at', { t: dateTime(drop.opens_at) }), ' · ', t('drop_opens_in'), ' ',
      h('span', { id: 'drop-countdown', role: 'timer' }, untilOpening())];
  }
  // Every unit of every size paid: none can come back, so "On sale now" would be untrue.
  if (drop.variants.every((v) => v.sold_out_for_good))
    return [t(drop.kind === 'car' ? 'drop_all_sold_car' : 'drop_all_sold')];
  // Every unit sold or held while its payment completes: unpaid ones come back to sale.
  if (drop.variants.every((v) => v.sold_out)) return [t('drop_all_held')];
  return [t('drop_open')];
}

/**
 * What is charged: a merchandise's price, or a car's deposit with the car it is for and the
 * car's price when the drop gives one (a deposit alone said nothing of what it bought).
 */
function priceLine() {
  if (drop.kind !== 'car') return h('p', {}, t('drop_price', { p: yuan(drop.price_fen) }));
  return h('p', { id: 'drop-price' }, drop.price_fen > 0
    ? t('drop_car_deposit_priced', { d: yuan(drop.deposit_fen), car: localName(drop),
      p: yuan(drop.price_fen) })
    : t('drop_car_deposit', { d: yuan(drop.deposit_fen), car: localName(drop) }));
}

function render() {
  const main = document.getElementById('main');
  if (!drop) return;
  // replaceChildren would show a null as the text "null": the parts not shown are left out.
  const parts = [
    h('h1', {}, localName(drop)),
    priceLine(),
    drop.kind === 'car' ? h('p', { class: 'small', id: 'deposit-for' }, t('drop_deposit_for',
      { d: yuan(drop.deposit_fen) })) : null,
    h('p', {}, t('drop_limit', { a: drop.per_account_limit, i: drop.per_identity_limit })),
    h('p', { id: 'drop-state' }, ...dropState()),
    roomNote(drop.waiting_room),
    token() ? null : signInLink(),
    message,
    h('ul', { class: 'variants', 'aria-live': 'polite' }, drop.variants.map(variantRow)),
    mineSection(),
    h('p', { class: 'muted' }, t('drop_as_of', { t: dateTime(drop.as_of) })),
  ];
  main.replaceChildren(...parts.filter((p) => p !== null && p !== undefined));
}

async function refresh() {
  // No id (a link written /drop?drop=...): no such drop, said as the API says it, and not a
  // read of /drops/ (the list), which this page cannot draw.
  const r = dropId === '' ? { ok: false, status: 404, code: 'drop_not_found' } : await get(path());
  if (!r.ok) {
    document.getElementById('main').replaceChildren(errorBox(r));
    return;
  }
  drop = r.data;
  if (token()) {
    const m = await get(path('/mine'));
    mine = m.ok ? m.data : null;
  }
  // A join's note ("0 ahead of you") is stale once that place is no longer waiting (offered,
  // bought, lapsed): the buyer's own section says what it is now.
  const place = messageJoin === null ? undefined
    : mine?.waitlist.find((e) => e.variant === messageJoin);
  if (place !== undefined && place.status !== 'waiting') {
    message = null;
    messageJoin = null;
  }
  render();
}

initPage(render);
await refresh();
setInterval(() => void refresh(), REFRESH_MS);
// The countdown moves every second between the reads; the read after the opening shows Buy.
setInterval(() => {
  const el = document.getElementById('drop-countdown');
  if (el && drop && !drop.open) el.textContent = untilOpening();
}, 1000);
