// The note a sale's pages show of the waiting room in front of it (the `waiting_room` of
// GET /drops/{id} and GET /launches/{id}), before and during the sale: a buyer learns of the
// room and of its shuffle before the opening, not from a refused Buy after it (issue #17,
// new-user review). The shuffle at the opening is what makes early arrival fair, so the
// pre-queue must be findable. Nothing is shown when no room is on.
import { serverNow } from './api.js';
import { t } from './i18n.js';
import { dateTime, h } from './format.js';

/** Which sentence tells the room as it is at the server's `nowMs`. */
function noteKey(room, nowMs) {
  if (room.suspended) return 'room_note_paused';
  const how = room.shuffle ? 'shuffle' : 'fifo';
  if (nowMs < Date.parse(room.prequeue_opens_at)) return `room_note_before_${how}`;
  if (nowMs <= Date.parse(room.opens_at)) return `room_note_prequeue_${how}`;
  return 'room_note_open';
}

/**
 * The note with the link to the room's page, or null when no room is on (`room` null). `pass`:
 * the buyer's pass for this sale (waiting-pass.js heldPass), kept while valid: their turn has
 * come, so the note says so and links no line; `signedIn` false: it says to sign in to use it
 * (a buyer admitted without signing in was sent back to the line). `bought`: the buyer bought
 * (or ordered) here already, so the note says another needs another turn. `atLimit`: the
 * sale's per-account limit when the buyer holds that many already: no further turn can buy
 * anything (the server refuses their join), so the note says so and links no line, whatever
 * pass is kept. Both were told "join its line" before and after buying (the new user's find 7).
 * `heldNote` (a drop's, the strings key of its words): a unit held for the buyer (a waitlist
 * offer) takes the last of their allowance, so no turn can buy more; the note says a unit is
 * held for them, to pay for or decline below, not that they are at the limit (they may have
 * bought nothing). `atLimit` is for units bought, and wins.
 */
export function roomNote(room, { pass = null, bought = false, atLimit = null, signedIn = true,
  scope = 'drop', heldNote = null } = {}) {
  if (!room) return null;
  if (atLimit === null && heldNote) {
    return h('div', { class: 'notice notice-info room-note', 'data-room': room.id,
      'data-turn': 'held' }, h('p', {}, t(heldNote)));
  }
  if (atLimit !== null) {
    return h('div', { class: 'notice notice-info room-note', 'data-room': room.id,
      'data-turn': 'limit' }, h('p', {}, t(`room_note_limit_${scope}`, { a: atLimit })));
  }
  if (pass) {
    return h('div', { class: 'notice notice-ok room-note', 'data-room': room.id,
      'data-turn': 'pass' }, h('p', {}, t(signedIn ? `room_note_pass_${scope}`
      : `room_note_pass_signin_${scope}`, { t: dateTime(pass.expires_at, { seconds: true }) })));
  }
  const text = bought ? t(`room_note_bought_${scope}`)
    : t(noteKey(room, serverNow()), { t: dateTime(room.prequeue_opens_at),
      o: dateTime(room.opens_at) });
  return h('div', { class: 'notice notice-info room-note', 'data-room': room.id,
    'data-turn': bought ? 'bought' : null },
    h('p', {}, text),
    h('a', { class: 'button secondary', href: room.url, 'data-room-link': room.id },
      t('wr_enter_room')));
}
