// The waiting room's pass on the buyer's side: the waiting-room page keeps the pass it was given
// (per launch or drop, in localStorage so a reload or another tab of the order page finds it),
// and the order and purchase requests send it in X-Waiting-Room-Pass. The server decides
// whether one is needed; without a room in front of the sale nothing is stored or sent.
import { serverNow } from './api.js';

const KEY = (scope, id) => `launchday.pass.${scope}.${id}`;

export function storePass(scope, id, pass) {
  try {
    localStorage.setItem(KEY(scope, id), JSON.stringify(pass));
  } catch {
    /* storage may be disabled: the pass is then shown to be copied by hand */
  }
}

// The headers to send with an order (scope 'launch') or a purchase (scope 'drop').
export function passHeaders(scope, id) {
  try {
    const raw = localStorage.getItem(KEY(scope, id));
    if (!raw) return {};
    const pass = JSON.parse(raw);
    // By the server's clock: the phone's may be off by minutes (or, in a test, by a year).
    if (Date.parse(pass.expires_at) <= serverNow()) {
      localStorage.removeItem(KEY(scope, id));
      return {};
    }
    return { 'X-Waiting-Room-Pass': pass.token };
  } catch {
    return {};
  }
}

/**
 * The pass kept for a launch or drop while it is still valid by the server's clock, as the
 * room gave it ({token, expires_at, next_url}), or null: pages say the turn has come rather
 * than send the buyer back to the line (room-note.js).
 */
export function heldPass(scope, id) {
  try {
    const raw = localStorage.getItem(KEY(scope, id));
    if (!raw) return null;
    const pass = JSON.parse(raw);
    return Date.parse(pass.expires_at) > serverNow() ? pass : null;
  } catch {
    return null;
  }
}

export function forgetPass(scope, id) {
  try {
    localStorage.removeItem(KEY(scope, id));
  } catch {
    /* nothing kept */
  }
}

/** The answers that say a kept pass can buy nothing any more (ended, used, revoked, another's). */
const VOID_PASS = new Set(['waiting_room_pass_invalid', 'waiting_room_pass_other_account']);

/**
 * Forgets the kept pass of a launch or drop when the answer `r` to a request that sent it
 * (api.js: {ok, code}) spent it (`ok`) or says it is void: a page kept saying "your turn has
 * come… Buy here" above the refusal that said it had ended (the new user's find 5).
 */
export function settlePass(scope, id, r) {
  if (r.ok || VOID_PASS.has(r.code)) forgetPass(scope, id);
}
