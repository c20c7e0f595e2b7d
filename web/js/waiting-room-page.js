// The waiting-room page (/waiting-room?room=...): joins the room (the pre-queue before the
// opening), keeps the signed ticket in localStorage so a reload keeps the place, polls as the
// server says (poll_after_seconds), and shows the position, the number ahead, the estimate with
// how sure it is, when it was last updated and what happens next; once admitted it keeps the
// pass for the order or drop page (waiting-pass.js) and goes on there.
import { noteServerTimeIso, request, serverNow } from './api.js';
import { lang, t } from './i18n.js';
import { dateTime, duration, h } from './format.js';
import { errorBox, initPage, notice, param } from './ui.js';
import { STRINGS } from './strings.js';
import { WAITING_STRINGS } from './waiting-strings.js';
import { storePass } from './waiting-pass.js';
import { openingCountdown } from './opening-countdown.js';

Object.assign(STRINGS, WAITING_STRINGS);

const roomId = param('room') ?? '';
const TICKET_KEY = `launchday.wr.${roomId}.ticket`;
const GO_AFTER_MS = 1500;
let room = null;
/** The launch's or drop's `{name, name_zh}`, read once (null: unknown, the id is shown). */
let target = null;
let place = null;
let failure = null;
let timer = null;
let leastPosition = Infinity;

const path = (p = '') => `/waiting-rooms/${encodeURIComponent(roomId)}${p}`;
const ticket = () => localStorage.getItem(TICKET_KEY);

function schedule(seconds) {
  clearTimeout(timer);
  timer = setTimeout(() => void poll(), Math.max(1, seconds) * 1000);
}

// A waiting reply may come with a 202, 429 or 503 (the room's setting for apps): its body is
// still the place.
function placeOf(r) {
  return r.data && r.data.room_id === roomId && r.data.ticket ? r.data : null;
}

function accept(p) {
  localStorage.setItem(TICKET_KEY, p.ticket);
  // Positions only go down: the server promises it, and the page never shows otherwise.
  if (p.position !== null) {
    leastPosition = Math.min(leastPosition, p.position);
    p = { ...p, position: leastPosition, ahead: leastPosition - 1 };
  }
  place = p;
  failure = null;
  // The room was read before the opening, with its seed still secret: read it again once the
  // line has formed, so the page can show the seed the shuffle used and how to check the draw.
  if (room.order === 'shuffle' && room.seed === null && p.phase !== 'prequeue') void revealSeed();
  if (p.phase === 'admitted' && p.pass) {
    storePass(room.scope, room.target_id, p.pass);
    setTimeout(() => location.assign(p.pass.next_url), GO_AFTER_MS);
  } else {
    schedule(p.poll_after_seconds);
  }
}

let revealing = false;

/** Reads the room again for its revealed seed (once the shuffle has run), then repaints. */
async function revealSeed() {
  if (revealing) return;
  revealing = true;
  const r = await request('GET', path());
  if (r.ok && r.data.seed !== null) {
    room = r.data;
    render();
  }
  revealing = false;
}

/**
 * The seed committed to and, once the shuffle used it, the seed itself with how anyone checks
 * the draw: sha256(seed) is the commitment published before the opening, and the published
 * draw (every pre-queue ticket by the sha256 of its id, with its rank) is what the seed gives
 * its hashes sorted (docs/api.md, "Checking the draw"). The holder's own ticket hash finds
 * their entry.
 */
function drawSection() {
  const parts = [h('p', { class: 'muted small wr-seed' },
    t('wr_seed', { c: room.seed_commitment }))];
  // A room in arrival order draws nothing: its seed is unused.
  if (room.seed !== null && room.order === 'shuffle') {
    parts.push(h('p', { class: 'muted small', id: 'wr-seed-revealed' },
      t('wr_seed_revealed', { s: room.seed })));
    parts.push(h('p', { class: 'muted small', id: 'wr-check-draw' }, t('wr_check_draw'), ' ',
      // Shown on this page, checked and in words; the raw JSON is linked from there.
      h('a', { href: '#wr-draw-view', id: 'wr-draw-link',
        onclick: (e) => { e.preventDefault(); void showDraw(); } }, t('wr_draw_link'))));
    if (draw) parts.push(drawView());
    if (place && place.ticket_hash) {
      parts.push(h('p', { class: 'muted small', id: 'wr-my-hash' },
        t('wr_my_hash', { h: place.ticket_hash })));
    }
  }
  return h('section', { id: 'wr-draw' }, parts);
}

/** The draw as read for this page: null until asked for. */
let draw = null;

/** Bounds the pages read to find the buyer's own entry (each at most the server's page). */
const DRAW_PAGES_MAX = 50;

/**
 * Reads the draw (GET .../shuffle, page by page until the buyer's own hash is found), checks
 * sha256(seed) against the commitment here in the browser, and shows it in words (the link
 * opened raw JSON, the new user's find 17).
 */
async function showDraw() {
  const mine = place && place.ticket_hash;
  let offset = 0;
  let rank = null;
  let first = null;
  for (let i = 0; i < DRAW_PAGES_MAX; i++) {
    const r = await request('GET', `${path('/shuffle')}?offset=${offset}`);
    if (!r.ok) {
      failure = r;
      render();
      return;
    }
    first ??= r.data;
    const hit = r.data.entries.find((e) => e.ticket_hash === mine);
    if (hit) rank = hit.rank;
    offset += r.data.entries.length;
    if (hit || !mine || r.data.entries.length === 0 || offset >= r.data.count) break;
  }
  const digest = await crypto.subtle.digest('SHA-256', new TextEncoder().encode(first.seed));
  const hex = [...new Uint8Array(digest)].map((b) => b.toString(16).padStart(2, '0')).join('');
  draw = { count: first.count, rank, seedOk: hex === first.seed_commitment };
  render();
  document.getElementById('wr-draw-view')?.scrollIntoView();
}

function drawView() {
  return h('div', { class: 'card', id: 'wr-draw-view' },
    h('h2', {}, t('wr_draw_title')),
    notice(t(draw.seedOk ? 'wr_draw_seed_ok' : 'wr_draw_seed_bad'), draw.seedOk ? 'ok' : 'warn'),
    h('p', { id: 'wr-draw-count' }, t('wr_draw_count', { n: draw.count })),
    place && place.ticket_hash ? h('p', { id: 'wr-draw-mine' }, draw.rank === null
      ? t('wr_draw_not_mine') : t('wr_draw_mine', { r: draw.rank })) : null,
    h('p', { class: 'muted small' }, t('wr_draw_how')),
    h('a', { href: `/api/v1${path('/shuffle')}`, id: 'wr-draw-raw' }, t('wr_draw_raw')));
}

/**
 * A poll of a ticket whose turn came (`turn` on waiting_ticket_expired): said as an admission,
 * with the way to what it was for, not as a lapsed place (the new user's find 8).
 */
function turnSection() {
  const err = failure && failure.code === 'waiting_ticket_expired' && failure.data
    && failure.data.error;
  if (!err || !err.turn) return null;
  const used = err.turn === 'used';
  const drop = room.scope === 'drop';
  return h('section', { id: 'wr-turn', 'data-turn': err.turn },
    notice(used ? t(`wr_turn_used_${room.scope}`) : t('wr_turn_ended'), used ? 'ok' : 'warn'),
    used ? h('a', { class: 'button', id: 'wr-turn-link', href: drop ? err.next_url : '/orders' },
      t(drop ? 'wr_see_drop' : 'wr_see_orders')) : null);
}

async function join() {
  const r = await request('POST', path('/tickets'));
  const p = placeOf(r);
  if (p) accept(p);
  else {
    failure = r;
    if (r.code === 'waiting_room_not_open' || r.status === 0 || r.status >= 500) schedule(5);
  }
  render();
}

async function poll() {
  if (!ticket()) return join();
  const r = await request('GET', path('/place'), {
    headers: { 'X-Waiting-Room-Ticket': ticket() },
  });
  const p = placeOf(r);
  if (p) accept(p);
  else if (r.code === 'waiting_ticket_expired' || r.code === 'waiting_ticket_invalid') {
    localStorage.removeItem(TICKET_KEY);
    failure = r;
    place = null;
  } else if (r.code === 'drop_sold_out') {
    // Sold for good: the line is over, so no place is kept and no poll follows.
    localStorage.removeItem(TICKET_KEY);
    failure = r;
    place = null;
  } else {
    failure = r;
    schedule(r.retryAfterS ?? 5);
  }
  render();
}

function wait(seconds) {
  return seconds >= 120 ? t('wr_minutes', { n: Math.ceil(seconds / 60) })
    : t('wr_seconds', { n: seconds });
}

/**
 * Where to go on while the operator has switched the room off (the sale is not gated then):
 * a poll's `next_url` with phase `off`, or a refused join's; null while the room is on.
 */
function offUrl() {
  if (place && place.phase === 'off') return place.next_url;
  const err = failure && failure.data && failure.data.error;
  return (err && err.code === 'waiting_room_not_open' && err.next_url) || null;
}

// The page keeps polling while the room is off: the place is kept, and counts again if the
// room is switched back on.
function offSection(url) {
  return h('section', { id: 'wr-off', 'aria-live': 'polite' }, notice(t('wr_off'), 'ok'),
    h('a', { class: 'button big', id: 'wr-go-off', href: url }, t('wr_go_off')));
}

function placeSection() {
  if (!place || place.phase === 'off') return null;
  if (place.phase === 'admitted') {
    return h('section', { id: 'wr-admitted' }, notice(t('wr_admitted'), 'ok'),
      place.pass ? h('p', {}, t('wr_pass_until', { t: dateTime(place.pass.expires_at,
        { seconds: true }) })) : null,
      place.pass ? h('a', { class: 'button big', id: 'wr-go', href: place.pass.next_url },
        t(`wr_go_${room.scope}`)) : null);
  }
  const parts = [];
  if (place.suspended) parts.push(notice(t('wr_suspended'), 'warn'));
  if (place.phase === 'prequeue') {
    parts.push(h('p', { id: 'wr-prequeue' }, t('wr_prequeue')));
  } else if (place.position === null) {
    // Just joined (or just shuffled): the server has not counted the place yet, and shows no
    // number rather than one too small.
    parts.push(h('p', { id: 'wr-counting' }, t('wr_counting')));
  } else {
    parts.push(h('p', { class: 'wr-position', id: 'wr-position' },
      t('wr_position', { n: place.position })));
    parts.push(h('p', { id: 'wr-ahead' }, t('wr_ahead', { n: place.ahead })));
    if (place.estimate && place.estimate.uncertain_because === 'cap') {
      // The cap holds admissions: the figure would stand still, so the reason is said instead.
      parts.push(h('p', { id: 'wr-estimate', 'data-certainty': 'uncertain',
        'data-because': 'cap' },
        t('wr_wait_cap', { cap: room.active_max, pass: duration(room.pass_seconds) })));
    } else if (place.estimate) {
      const why = place.estimate.uncertain_because === 'paused' ? 'paused'
        : place.estimate.certainty;
      parts.push(h('p', { id: 'wr-estimate', 'data-certainty': place.estimate.certainty },
        // Firm is an upper bound the room keeps (estimateWait): "at most", not "about".
        t(place.estimate.certainty === 'firm' ? 'wr_estimate_firm' : 'wr_estimate',
          { m: wait(place.estimate.seconds) }), ' ',
        h('span', { class: 'muted' }, t(`wr_certainty_${why}`))));
    }
  }
  parts.push(h('p', { class: 'muted', id: 'wr-updated' },
    t('wr_updated', { t: dateTime(place.last_updated, { seconds: true }) })));
  return h('section', { id: 'wr-place', 'aria-live': 'polite' }, parts);
}

/** What the room stands in front of, by its name in the page's language. */
function targetName() {
  if (!target) return room.target_id;
  return (lang() === 'zh' ? target.name_zh : target.name) || target.name || room.target_id;
}

function render() {
  const main = document.getElementById('main');
  document.title = `${t('wr_title')} · launchday`;
  if (!room) {
    if (roomId === '') main.replaceChildren(noRoom());
    else if (failure) main.replaceChildren(errorBox(failure));
    return;
  }
  const off = offUrl();
  const notOpen = failure && failure.code === 'waiting_room_not_open' && !off;
  // A join or poll refused because the drop sold for good: said as the end of the line.
  const soldOut = failure && failure.code === 'drop_sold_out';
  // Refused a place because the account is at the sale's limit: said so, with no way back in.
  const atLimit = failure && AT_LIMIT.has(failure.code);
  const lapsed = failure && !ticket() && !notOpen && !soldOut && !atLimit;
  const turn = turnSection();
  const parts = [
    h('h1', {}, t('wr_title')),
    h('p', { id: 'wr-target' }, t(room.scope === 'launch' ? 'wr_for_launch' : 'wr_for_drop',
      { name: targetName() })),
    // Before the opening, to the second with a countdown, as the drop page shows it.
    h('p', { id: 'wr-opens' }, ...(Date.parse(room.opens_at) > serverNow()
      ? openingCountdown(room.opens_at, { atKey: 'wr_opens', inKey: 'wr_opens_in',
        id: 'wr-countdown' })
      : [t('wr_opens', { t: dateTime(room.opens_at, { seconds: true }) })])),
    notOpen ? notice(t('wr_not_yet', { t: dateTime(room.prequeue_at) })) : null,
    off ? offSection(off) : null,
    soldOut ? notice(t('wr_sold_out'), 'warn') : null,
    atLimit ? limitSection() : null,
    failure && !notOpen && !off && !soldOut && !atLimit && !turn ? errorBox(failure) : null,
    turn,
    lapsed ? h('button', { type: 'button', class: 'button', id: 'wr-join-again',
      onclick: () => { failure = null; leastPosition = Infinity; void join(); } },
    t('wr_join_again')) : null,
    placeSection(),
    place && place.phase !== 'admitted' && !off ? h('p', { id: 'wr-next' },
      t(`wr_next_${room.scope}`, { m: duration(room.pass_seconds),
        g: duration(room.grace_seconds) })) : null,
    drawSection(),
  ];
  main.replaceChildren(...parts.filter((p) => p !== null && p !== undefined));
}

/** The refusals of a join whose account is at the sale's limit (the server's, find 3). */
const AT_LIMIT = new Set(['drop_limit_reached', 'per_account_limit_reached']);

/** At the sale's limit: said so, with the way to what was bought instead of a line. */
function limitSection() {
  const drop = room.scope === 'drop';
  return h('section', { id: 'wr-limit' }, notice(t(`wr_at_limit_${room.scope}`), 'warn'),
    h('a', { class: 'button', href: drop ? `/drop?id=${encodeURIComponent(room.target_id)}`
      : '/orders' }, t(drop ? 'wr_see_drop' : 'wr_see_orders')));
}

/** No room named (/waiting-room with no ?room=): where rooms are found, not a server error. */
function noRoom() {
  return h('section', { id: 'wr-no-room' }, h('h1', {}, t('wr_title')),
    h('p', {}, t('wr_no_room')),
    h('a', { class: 'button', href: '/' }, t('wr_to_launches')), ' ',
    h('a', { class: 'button secondary', href: '/drops' }, t('wr_to_drops')));
}

async function start() {
  if (roomId === '') {
    render();
    return;
  }
  const r = await request('GET', path());
  if (!r.ok) {
    failure = r;
    render();
    return;
  }
  room = r.data;
  noteServerTimeIso(room.server_time);
  // The name is for people; a failed read leaves the id, and the line goes on regardless.
  const named = await request('GET', `/${room.scope === 'launch' ? 'launches' : 'drops'}/${
    encodeURIComponent(room.target_id)}`);
  if (named.ok) target = { name: named.data.name, name_zh: named.data.name_zh };
  await poll();
}

initPage(render);
await start();
