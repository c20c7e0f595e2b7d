// A sale's opening to the second with a live countdown to it, by the server's clock: the drop
// page's state line and the waiting room's (which showed the opening to the minute, "18:45"
// for 18:45:40, and no countdown: the new user's find 7). One copy for both pages.
import { serverNow } from './api.js';
import { t } from './i18n.js';
import { countdown, dateTime, h } from './format.js';

/** The time left to `opensAtIso` by the server's clock, as the countdown shows it. */
const left = (opensAtIso) => countdown(Date.parse(opensAtIso) - serverNow());

/**
 * The parts of a line "`atKey` (the opening, to the second) · `inKey` 01:59:58": texts and the
 * countdown element (`id`, role timer), which moves every second between the page's reads
 * until the page draws the opening's next state.
 */
export function openingCountdown(opensAtIso, { atKey, inKey, id }) {
  return [t(atKey, { t: dateTime(opensAtIso, { seconds: true }) }), ' · ', t(inKey), ' ',
    h('span', { id, role: 'timer', 'data-opens-at': opensAtIso }, left(opensAtIso))];
}

// Every countdown on the page, once a second: elements come and go as the page redraws.
setInterval(() => {
  for (const el of document.querySelectorAll('[data-opens-at]')) {
    el.textContent = left(el.getAttribute('data-opens-at'));
  }
}, 1000);
