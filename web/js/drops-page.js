// The drops page (/drops): every drop a buyer can buy from, each with its opening, what is left
// (or sold out) and the waiting room in front of it, linked to its own page (issue #17,
// new-user review: GET /drops existed but no page listed the drops). Each drop's live figures
// are its own read (GET /drops/{id}); the list reads only definitions.
import { get, noteServerTimeIso, serverNow } from './api.js';
import { localName, t } from './i18n.js';
import { dateTime, h } from './format.js';
import { errorBox, initPage } from './ui.js';
import { roomNote } from './room-note.js';
import { DROP_STRINGS } from './drop-strings.js';
import { STRINGS } from './strings.js';

Object.assign(STRINGS, DROP_STRINGS);

/** Drops whose live figures the page reads, at most (the first by opening). */
const FIGURES_MAX = 20;
const REFRESH_MS = 10000;

let drops = null;
let failure = null;

/** What is left of a drop, all its variants together: "n of q left", or sold out. */
function stockLine(d) {
  if (!d.variants.every((v) => 'remaining' in v)) return null;
  const left = d.variants.reduce((n, v) => n + v.remaining, 0);
  const total = d.variants.reduce((n, v) => n + v.quantity, 0);
  return left > 0 ? h('span', { class: 'remaining' }, t('drop_remaining', { n: left, q: total }))
    : h('strong', { class: 'sold-out' }, t('drop_sold_out'));
}

/**
 * When it opens or opened, said with what is left: "On sale since …" only while some is for
 * sale; sold out, it reads "Sold out (opened …)" (it read "On sale since … Sold out", the new
 * user's find 17), or every unit held while payments complete.
 */
function stateLine(d) {
  const at = dateTime(d.opens_at);
  if (serverNow() < Date.parse(d.opens_at)) {
    return [t('drop_opens_at', { t: at }), ' ', stockLine(d)];
  }
  const figures = d.variants.every((v) => 'remaining' in v);
  if (figures && d.variants.every((v) => v.sold_out)) {
    const gone = d.variants.every((v) => v.sold_out_for_good);
    return [h('strong', { class: 'sold-out' }, t(gone ? 'drop_sold_out' : 'drop_all_held')),
      ' ', t('drops_opened_paren', { t: at })];
  }
  return [t('drops_opened_at', { t: at }), ' ', stockLine(d)];
}

function dropItem(d) {
  return h('li', { class: 'card drop', 'data-drop': d.drop_id },
    h('h2', {}, h('a', { href: `/drop?id=${encodeURIComponent(d.drop_id)}` }, localName(d))),
    h('p', { class: 'drop-state' }, ...stateLine(d)),
    roomNote(d.waiting_room));
}

function render() {
  const main = document.getElementById('main');
  if (failure) {
    main.replaceChildren(h('h1', {}, t('drops_title')), errorBox(failure));
    return;
  }
  if (!drops) return;
  main.replaceChildren(h('h1', {}, t('drops_title')), drops.length === 0
    ? h('p', { class: 'muted' }, t('drops_none'))
    : h('ul', { class: 'drops plain' }, drops.map(dropItem)));
}

async function refresh() {
  const r = await get('/drops');
  if (!r.ok) {
    failure = r;
    render();
    return;
  }
  failure = null;
  noteServerTimeIso(r.data.server_time);
  // The live figures of the first drops by opening; one whose read fails shows its definition.
  const figures = await Promise.all(r.data.drops.slice(0, FIGURES_MAX)
    .map((d) => get(`/drops/${encodeURIComponent(d.drop_id)}`)));
  drops = r.data.drops.map((d, i) => (figures[i]?.ok ? figures[i].data : d));
  render();
}

initPage(render, { current: '/drops' });
await refresh();
setInterval(() => void refresh(), REFRESH_MS);
