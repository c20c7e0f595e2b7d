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

/** The note with the link to the room's page, or null when no room is on (`room` null). */
export function roomNote(room) {
  if (!room) return null;
  return h('div', { class: 'notice notice-info room-note', 'data-room': room.id },
    h('p', {}, t(noteKey(room, serverNow()), { t: dateTime(room.prequeue_opens_at),
      o: dateTime(room.opens_at) })),
    h('a', { class: 'button secondary', href: room.url, 'data-room-link': room.id },
      t('wr_enter_room')));
}
