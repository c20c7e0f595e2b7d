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

export function forgetPass(scope, id) {
  try {
    localStorage.removeItem(KEY(scope, id));
  } catch {
    /* nothing kept */
  }
}
