// The drop page (/drop?id=...): the drop's live remaining count per size (read every 2 s), a
// purchase per size, the waitlist once a size is sold out, and the buyer's own purchases and
// offers. A purchase keeps its Idempotency-Key until it is answered, so a retry never buys twice.
import { get, request, serverNow, token } from './api.js';
import { localName, t } from './i18n.js';
import { dateTime, h, minutesSeconds, plural, yuan } from './format.js';
import { confirmDialog } from './dialog.js';
import { errorBox, initPage, notice, param, signInLink } from './ui.js';
import { DROP_STRINGS } from './drop-strings.js';
import { heldPass, passHeaders, settlePass } from './waiting-pass.js';
import { roomNote } from './room-note.js';
import { openingCountdown } from './opening-countdown.js';
import { STRINGS } from './strings.js';

Object.assign(STRINGS, DROP_STRINGS);

const REFRESH_MS = 2000;
const dropId = param('id') ?? '';
let drop = null;
let mine = null;
let message = null; // () => the note or refusal of the last action, in the page's language

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

/** A text's key for this drop: a car drop's own words (`_car`: cars, deposits), else `key`. */
const k = (key) => (drop.kind === 'car' ? `${key}_car` : key);

/** What was bought, counted as sizes or cars ("Bought: size M", "Deposit paid: one X car"). */
const boughtText = (v, n) => plural(k('drop_bought'), n, { v: localName(v) });

/** The variant whose waitlist place `message` tells (a join's note), or null. */
let messageJoin = null;

async function act(run, joined = null) {
  const r = await run();
  // Said as a purchase, not an order (errors.js PURCHASE_WORDING).
  // Kept as a function of the page's language and rebuilt by each render, so a switch of
  // language says it again in the new one (it stayed "Bought: M" on the Chinese page).
  message = r.ok ? r.note : () => errorBox(r, { purchase: true });
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
    settlePass('drop', dropId, r);
    if (r.status !== 0 && r.code !== 'overloaded') {
      sessionStorage.removeItem(`launchday.drop.${dropId}.${v.variant}`);
    }
    return r.ok
      ? { ok: true, note: () => notice(boughtText(v, 1), 'ok') } : r;
  });
}

async function join(v) {
  await act(async () => {
    // The pass goes with the join too (the room gates it) and stays for a purchase.
    const r = await request('POST', path('/waitlist'), { body: { variant: v.variant },
      headers: passHeaders('drop', dropId) });
    // A join keeps a live pass (the purchase is what spends it), but not a void one.
    if (!r.ok) settlePass('drop', dropId, r);
    return r.ok
      ? { ok: true, note: () => notice(t('drop_in_line', { v: localName(v), n: r.data.entry.ahead })) }
      : r;
  }, v.variant);
}

async function payOffer(v, holdId) {
  if (!(await confirmed(v))) return;
  await act(async () => {
    const r = await request('POST', path(`/holds/${encodeURIComponent(holdId)}/pay`));
    return r.ok
      ? { ok: true, note: () => notice(boughtText(v, 1), 'ok') } : r;
  });
}

/** Lets an offer go: the unit goes at once to the next in line (or back on sale). */
async function declineOffer(v, holdId) {
  await act(async () => {
    const r = await request('POST', path(`/holds/${encodeURIComponent(holdId)}/cancel`));
    return r.ok ? { ok: true, note: () => notice(t(k('drop_declined'), { v: localName(v) })) } : r;
  });
}

/**
 * Whether the buyer holds or bought as many units as the drop allows per account (holds still
 * being paid for count, and purchases an operator revoked, as the server counts them): then no
 * size is for them, on sale or through the waitlist, and the page says so rather than offer
 * what the server would refuse.
 * The per-identity limit counts other accounts' units too, which this page cannot see.
 */
function atAccountLimit() {
  return unitsOf(['held', 'paid', 'revoked']) >= drop.per_account_limit;
}

/**
 * Whether the units the buyer bought (paid, or revoked by an operator) alone reach the
 * per-account limit: only then is the buyer told they are at it. A unit held for them (a
 * waitlist offer) counts toward the limit too, as the server counts it, but it is theirs to pay
 * for or decline, and the page says that instead (the new user was told "at the limit, can't
 * queue again" holding an offer, having bought nothing).
 */
function boughtToLimit() {
  return unitsOf(['paid', 'revoked']) >= drop.per_account_limit;
}

/** The quantity of the buyer's holds in one of `statuses` (0 signed out). */
function unitsOf(statuses) {
  return (mine?.holds ?? []).filter((x) => statuses.includes(x.status))
    .reduce((n, x) => n + x.quantity, 0);
}

/**
 * Whether a unit is held for the buyer, waiting for its payment (a waitlist offer), of
 * `variant` (any when absent).
 */
function heldForMe(variant = null) {
  return mine?.holds.some((x) => x.status === 'held'
    && (variant === null || x.variant === variant)) ?? false;
}

function variantRow(v) {
  const open = drop.open;
  // A unit held for this buyer is said as theirs, not as one "being paid for" by others.
  const soldOut = heldForMe(v.variant) ? t(k('drop_sold_out_mine'))
    : v.held > 0 ? t(k('drop_sold_out_held'), { n: v.held }) : t('drop_sold_out');
  const status = v.sold_out
    ? h('strong', { class: 'sold-out' }, soldOut)
    : h('span', { class: 'remaining' }, t('drop_remaining', { n: v.remaining, q: v.quantity }));
  let action = null;
  // In line for this size already: the place is shown below (mineSection), not a second join.
  const inLine = mine?.waitlist.some((e) => e.variant === v.variant
    && (e.status === 'waiting' || e.status === 'offered')) ?? false;
  // Behind a room, Buy and Join need the pass it gives: without one the room note above is the
  // way in (Buy buttons stayed under "your pass has ended", each tap refused the same way).
  const gated = Boolean(drop.waiting_room) && heldPass('drop', dropId) === null;
  if (open && token()) {
    if (atAccountLimit()) {
      // A unit held for them (an offer to pay) is the limit's reason: said on the row of the
      // size held, not "reached" (and not on another size's row, as if that one were held).
      if (heldForMe(v.variant)) {
        action = h('span', { class: 'muted', 'data-limit': v.variant },
          t(k('drop_held_below'), { a: drop.per_account_limit }));
      } else if (!v.sold_out_for_good && !heldForMe()) {
        action = h('span', { class: 'muted', 'data-limit': v.variant },
          t(k('drop_at_limit'), { a: drop.per_account_limit }));
      }
    } else if (gated) {
      action = null;
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
    items.push(h('li', {}, boughtText(byVariant.get(hold.variant), hold.quantity)));
  }
  // Cancelled by the operator: kept in view with their reason and the refund (it vanished).
  for (const hold of mine.holds.filter((x) => x.operator_cancel)) {
    const c = hold.operator_cancel;
    items.push(h('li', { class: 'cancelled', 'data-cancelled': hold.hold_id },
      localName(byVariant.get(hold.variant)), ': ',
      t('drop_cancelled_by_seller', { t: dateTime(c.at), reason: c.reason }), ' ',
      c.refund_fen > 0 ? t('drop_cancel_refund', { a: yuan(c.refund_fen) })
        : t('drop_cancel_no_charge')));
  }
  for (const e of mine.waitlist) {
    const v = byVariant.get(e.variant);
    if (e.status === 'waiting') {
      items.push(h('li', {}, t('drop_in_line', { v: localName(v), n: e.ahead })));
    }
    // The size sold for good while they waited: the server closed the line (and reopens it,
    // the place waiting again, if an operator's cancel puts a unit back: the next read shows it).
    if (e.status === 'closed') {
      items.push(h('li', { class: 'closed' }, t('drop_line_closed', { v: localName(v) })));
    }
    if (e.status === 'offered') {
      const hold = mine.holds.find((x) => x.hold_id === e.offer_hold_id);
      // The deadline by the server's clock, counted down as m:ss at each refresh (every 2 s).
      const left = hold ? minutesSeconds(Date.parse(hold.expires_at) - serverNow()) : null;
      items.push(h('li', { class: 'offer' }, t(k('drop_offered'), { v: localName(v),
        t: hold ? dateTime(hold.expires_at) : '' }), left === null ? ''
        : ` ${t('drop_offer_left', { s: left })}`, ' ',
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

/** Whether every unit of every size is paid for: none can come back to sale. */
const allSoldForGood = () => drop.variants.every((v) => v.sold_out_for_good);

/**
 * The drop's state line: the opening with a live countdown (drop_not_open tells a buyer to wait
 * for it), on sale, every unit held (some may come back), or sold out once every unit is sold
 * for good (a car drop has no sizes to speak of).
 */
function dropState() {
  if (!drop.open) {
    return openingCountdown(drop.opens_at,
      { atKey: 'drop_opens_at', inKey: 'drop_opens_in', id: 'drop-countdown' });
  }
  // Every unit of every size paid: none can come back, so "On sale now" would be untrue.
  if (allSoldForGood())
    return [t(drop.kind === 'car' ? 'drop_all_sold_car' : 'drop_all_sold')];
  // Every unit sold or held while its payment completes: unpaid ones come back to sale.
  if (drop.variants.every((v) => v.sold_out)) {
    return [t(heldForMe() ? k('drop_all_held_mine') : 'drop_all_held')];
  }
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
    h('p', {}, t(k('drop_limit'), { a: drop.per_account_limit, i: drop.per_identity_limit })),
    h('p', { id: 'drop-state' }, ...dropState()),
    // Nothing left to queue for once every unit is sold for good (the room refuses joins).
    allSoldForGood() ? null : roomNote(drop.waiting_room, { pass: heldPass('drop', dropId),
      signedIn: token() !== null, atLimit: boughtToLimit() ? drop.per_account_limit : null,
      heldNote: atAccountLimit() && heldForMe() ? k('room_note_held_drop') : null,
      bought: mine?.holds.some((x) => x.status === 'paid') ?? false }),
    // Signed out: the figures stay, and the way in says what it is for (while any can sell).
    token() || allSoldForGood() ? null
      : signInLink('sign_in_to_buy'),
    message?.(),
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
    // No such drop: the way to the ones there are (the new user's find 17).
    document.getElementById('main').replaceChildren(errorBox(r), r.code === 'drop_not_found'
      ? h('a', { class: 'button', id: 'to-drops', href: '/drops' }, t('drops_see_all')) : '');
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
// The countdown moves every second between the reads (opening-countdown.js); the read after
// the opening shows Buy.
setInterval(() => void refresh(), REFRESH_MS);
