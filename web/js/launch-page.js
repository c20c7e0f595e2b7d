// The launch page: each launch's model, trims and prices, and a countdown (by the server's clock)
// that becomes the order button at the opening second.
import { get, noteServerTimeIso, serverNow, token } from './api.js';
import { localName, t } from './i18n.js';
import { countdown, counted, dateTime, h, yuan } from './format.js';
import { errorBox, initPage, param } from './ui.js';
import { roomNote } from './room-note.js';
import { heldPass } from './waiting-pass.js';

// Re-read launches while one is still to open (operators may move an opening): every minute in
// the last ten minutes, every five before that.
const RESYNC_MS = 60000;
const RESYNC_FAR_MS = 300000;
const NEAR_OPENING_MS = 600000;
// ...and once more shortly before an opening to tighten the clock, at a moment each page picks
// between 60 and 20 s before, so the whole audience does not ask in the same second.
const RESYNC_NEAR_MS = 20000 + Math.random() * 40000;

let launches = null;
let failure = null;
const lastResync = { at: 0, nearDone: new Set() };

async function load() {
  const only = param('launch');
  const result = only ? await get(`/launches/${encodeURIComponent(only)}`) : await get('/launches');
  lastResync.at = Date.now();
  if (!result.ok) {
    failure = result;
    launches = null;
    return;
  }
  failure = null;
  launches = only ? [result.data] : result.data.launches;
  if (result.data.server_time) noteServerTimeIso(result.data.server_time);
}

// A launch that opened this long ago is an earlier launch, not tonight's event.
const TONIGHT_MS = 24 * 3600e3;

function isOpen(launch) {
  return launch.state === 'open' || serverNow() >= Date.parse(launch.opens_at);
}
function isEarlier(launch) {
  return serverNow() - Date.parse(launch.opens_at) > TONIGHT_MS;
}

function openingBlock(launch) {
  const box = h('div', { class: 'opening', 'data-launch': launch.launch_id });
  fillOpening(box, launch);
  return box;
}

// Either the countdown or the order button; re-run every tick, replacing only on a state change
// so screen readers hear the button appear once.
function fillOpening(box, launch) {
  const open = isOpen(launch);
  if (open && box.dataset.state !== 'open') {
    box.dataset.state = 'open';
    box.replaceChildren(
      h('p', { class: 'muted', role: 'status' }, t('orders_open_now')),
      h(
        'a',
        {
          class: 'button big order-button',
          href: `/configure?launch=${encodeURIComponent(launch.launch_id)}`,
        },
        t('order_now'),
      ),
    );
  } else if (!open) {
    if (box.dataset.state !== 'scheduled') {
      box.dataset.state = 'scheduled';
      box.replaceChildren(
        h('p', { class: 'muted' }, t('opens_in')),
        h('p', { class: 'countdown', role: 'timer', 'aria-live': 'off' }),
        h('p', { class: 'small muted' }, t('opens_at', { at: dateTime(launch.opens_at) })),
      );
    }
    box.querySelector('.countdown').textContent = countdown(
      Date.parse(launch.opens_at) - serverNow(),
    );
  }
}

function launchCard(launch) {
  const earlier = isEarlier(launch);
  const cheapest = Math.min(...launch.trims.map((tr) => tr.price_fen));
  return h(
    'article',
    { class: 'card launch', 'aria-labelledby': `l-${launch.launch_id}` },
    h('h3', { id: `l-${launch.launch_id}`, class: 'launch-name' }, localName(launch)),
    h('p', { class: 'muted' }, t('from_price', { price: yuan(cheapest) })),
    h(
      'ul',
      { class: 'trims', 'aria-label': t('trims') },
      launch.trims.map((tr) =>
        h('li', {}, h('span', {}, localName(tr)), h('strong', {}, yuan(tr.price_fen))),
      ),
    ),
    h(
      'p',
      { class: 'small' },
      t(launch.locks_on_payment ? 'deposit_line_locks' : 'deposit_line', {
        deposit: yuan(launch.deposit_fen),
        hours: counted('n_hours', launch.cooling_off_hours),
      }),
    ),
    // The waiting room in front of its orders, told before the opening (room-note.js).
    // A pass kept from the room says the turn has come (signed out: to sign in first).
    roomNote(launch.waiting_room, { scope: 'launch', pass: heldPass('launch', launch.launch_id),
      signedIn: token() !== null }),
    // An earlier launch that still takes orders says so plainly, without tonight's big button.
    earlier
      ? h(
          'p',
          { class: 'small earlier-state', 'data-launch': launch.launch_id },
          t('launched_on', { at: dateTime(launch.opens_at) }),
          ' ',
          h(
            'a',
            { href: `/configure?launch=${encodeURIComponent(launch.launch_id)}` },
            t('configure_link'),
          ),
        )
      : openingBlock(launch),
    earlier
      ? null
      : h(
          'p',
          { class: 'small' },
          h('a', { href: `/live?launch=${encodeURIComponent(launch.launch_id)}` }, t('watch_live')),
        ),
  );
}

function render() {
  const main = document.getElementById('main');
  document.title = `${t('launches_title')} · launchday`;
  if (failure) {
    main.replaceChildren(h('h1', {}, t('launches_title')), errorBox(failure));
    return;
  }
  if (!launches) return;
  // Tonight's launch alone at the top: the next to open, else the one opened in the last day.
  // Earlier launches follow, newest first, in their own section.
  const current = launches.filter((l) => !isEarlier(l));
  const tonight = [...current].sort(
    (a, b) =>
      Number(isOpen(a)) - Number(isOpen(b)) ||
      Math.abs(Date.parse(a.opens_at) - serverNow()) -
        Math.abs(Date.parse(b.opens_at) - serverNow()),
  )[0];
  const rest = launches
    .filter((l) => l !== tonight)
    .sort((a, b) => Date.parse(b.opens_at) - Date.parse(a.opens_at));
  const restLaunches = rest.filter((l) => !isEarlier(l));
  const earlier = rest.filter(isEarlier);
  // replaceChildren would show a null as the text "null": the sections not shown are left out.
  main.replaceChildren(...[
    h('h1', {}, t('launches_title')),
    tonight
      ? h(
          'section',
          { class: 'launch-section', id: 'tonight', 'aria-labelledby': 'tonight-h' },
          h('h2', { class: 'section', id: 'tonight-h' }, t('tonight_heading')),
          launchCard(tonight),
          ...restLaunches.map(launchCard),
        )
      : null,
    earlier.length
      ? h(
          'section',
          { class: 'launch-section', id: 'earlier', 'aria-labelledby': 'earlier-h' },
          h('h2', { class: 'section', id: 'earlier-h' }, t('earlier_heading')),
          ...earlier.map(launchCard),
        )
      : null,
  ].filter((p) => p !== null));
}

function tick() {
  if (!launches) return;
  for (const launch of launches) {
    const box = document.querySelector(`.opening[data-launch="${CSS.escape(launch.launch_id)}"]`);
    if (box) fillOpening(box, launch);
    const left = Date.parse(launch.opens_at) - serverNow();
    if (left > 0 && left < RESYNC_NEAR_MS && !lastResync.nearDone.has(launch.launch_id)) {
      lastResync.nearDone.add(launch.launch_id);
      load();
    }
  }
  const untilNext = Math.min(
    ...launches.filter((l) => !isOpen(l)).map((l) => Date.parse(l.opens_at) - serverNow()),
  );
  const every = untilNext < NEAR_OPENING_MS ? RESYNC_MS : RESYNC_FAR_MS;
  if (Number.isFinite(untilNext) && Date.now() - lastResync.at > every) {
    // Redraw only if a launch changed, so a buyer's focus is not taken from them every minute.
    const shape = () => JSON.stringify(launches?.map((l) => ({ ...l, server_time: null })));
    const before = shape();
    load().then(() => {
      if (shape() !== before) render();
    });
  }
}

// Each tick runs just after a whole second of the server's clock, and just after an opening
// that falls between two, so the order button appears at the opening, not up to a tick later.
function everySecond() {
  tick();
  const untilOpening = Math.min(
    ...(launches ?? []).map((l) => Date.parse(l.opens_at) - serverNow()).filter((ms) => ms > 0),
  );
  setTimeout(everySecond, Math.min(1000 - (serverNow() % 1000), untilOpening) + 5);
}

initPage(render, { current: '/' });
await load();
render();
everySecond();
