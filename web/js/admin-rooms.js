// Operator console, waiting rooms: each room's switch, rates, cap, pass and grace times, and the
// suspend switch (saved whole with PUT), a live view of the line (read every 2 s while the tab
// is open: waiting, pre-queue, held, admitted in the last minute, passes active, spent and
// revoked), the recent passes with a revoke button, and finding a suspected bot's ticket (by
// network and status) to hold it, or release it, from beside it.
import { t } from './i18n.js';
import { h } from './format.js';
import { api, rerender, say, showToast, state } from './admin-context.js';
import {
  BEIJING_FORMAT, BEIJING_LABEL, beijingSeconds, fromBeijingInput, toBeijingText,
} from './beijing-time.js';

/** A room id as the server takes it (room-routes.ts, ID_PARAM). */
const ROOM_ID = /^[A-Za-z0-9_-]{1,64}$/;

const LIVE_MS = 2000;
let liveTimer = null;

export async function loadRooms() {
  const r = await api('GET', '/admin/waiting-rooms');
  if (r.ok) state.rooms = r.data.rooms;
  else state.status = { failure: r };
  if (!state.room && state.rooms?.length) state.room = state.rooms[0].room_id;
  await loadRoom();
  clearInterval(liveTimer);
  liveTimer = setInterval(async () => {
    if (state.tab !== 'rooms') return clearInterval(liveTimer);
    await loadRoom();
    // Only the live figures are redrawn: a form being typed into is left alone.
    paintLive();
  }, LIVE_MS);
}

async function loadRoom() {
  if (!state.room) return;
  const r = await api('GET', `/admin/waiting-rooms/${encodeURIComponent(state.room)}`);
  if (r.ok) state.roomView = r.data;
}

const field = (id, key, input, vars) => h('div', {}, h('label', { for: id }, t(key, vars)),
  Object.assign(input, { id }));
const num = (value) => h('input', { type: 'number', inputmode: 'numeric', min: '1',
  value: String(value) });
const check = (id, on) => h('input', { type: 'checkbox', id, checked: on || null });

function settingsForm(room) {
  // Two forms on the tab (the room shown and a new one): their fields' ids differ by prefix.
  const p = room ? 'wr' : 'wr-new';
  const r = room ?? { room_id: '', scope: 'launch', target_id: '', enabled: true,
    suspended: false, opens_at: '', prequeue_at: '', order: 'shuffle', admit_per_minute: 600,
    active_max: 1000, pass_seconds: 600, grace_seconds: 300, adaptive: false,
    waiting_status: 200 };
  const f = {
    id: h('input', { value: r.room_id, readonly: room ? '' : null }),
    scope: h('select', {}, ['launch', 'drop'].map((s) => h('option',
      { value: s, selected: r.scope === s || null }, t(`wr_scope_${s}`)))),
    target: h('input', { value: r.target_id }),
    enabled: check(`${p}-enabled`, r.enabled),
    suspended: check(`${p}-suspended`, r.suspended),
    // Typed and shown as Beijing wall time, as the launches' and drops' openings are.
    opens: h('input', { value: r.opens_at && toBeijingText(r.opens_at),
      placeholder: BEIJING_FORMAT, autocomplete: 'off' }),
    prequeue: h('input', { value: r.prequeue_at && toBeijingText(r.prequeue_at),
      placeholder: BEIJING_FORMAT, autocomplete: 'off' }),
    order: h('select', {}, ['shuffle', 'fifo'].map((o) => h('option',
      { value: o, selected: r.order === o || null }, t(`wr_order_${o}`)))),
    rate: num(r.admit_per_minute),
    cap: num(r.active_max),
    pass: num(r.pass_seconds),
    grace: num(r.grace_seconds),
    adaptive: check(`${p}-adaptive`, r.adaptive),
    status: h('select', {}, [200, 202, 429, 503].map((s) => h('option',
      { value: String(s), selected: r.waiting_status === s || null }, String(s)))),
  };
  // A launch's room guards orders, a drop's purchases: the switch says which, as chosen.
  const enabledText = h('span', {}, t(`wr_enabled_${r.scope}`));
  const scoped = () => {
    enabledText.textContent = t(`wr_enabled_${f.scope.value}`);
  };
  f.scope.addEventListener('change', scoped);
  f.scope.addEventListener('restored', scoped);
  const problem = h('p', { class: 'field-error', id: `${p}-problem`, role: 'alert' });
  const save = async (ev) => {
    ev.preventDefault();
    const id = f.id.value.trim();
    const opensAt = fromBeijingInput(f.opens.value);
    const prequeueAt = fromBeijingInput(f.prequeue.value);
    // Checked here, naming the field: a blank id sent PUT /admin/waiting-rooms/, which the
    // server can only read as an action it does not support.
    const wrong = !ROOM_ID.test(id) ? 'wr_bad_id' : !f.target.value.trim() ? 'wr_bad_target'
      : !opensAt || !prequeueAt ? 'bad_beijing_time' : null;
    if (wrong) {
      problem.textContent = t(wrong);
      return;
    }
    problem.textContent = '';
    const res = await api('PUT', `/admin/waiting-rooms/${encodeURIComponent(id)}`, {
      scope: f.scope.value, target_id: f.target.value.trim(), enabled: f.enabled.checked,
      suspended: f.suspended.checked, opens_at: opensAt,
      prequeue_at: prequeueAt, order: f.order.value,
      admit_per_minute: Number(f.rate.value), active_max: Number(f.cap.value),
      pass_seconds: Number(f.pass.value), grace_seconds: Number(f.grace.value),
      adaptive: f.adaptive.checked, waiting_status: Number(f.status.value),
    });
    say(res, 'wr_saved');
    if (res.ok) {
      state.room = id;
      await loadRooms();
    }
    rerender();
  };
  return h('form', { class: 'card', id: room ? 'wr-settings' : 'wr-new', onsubmit: save,
    'data-keep-typed': '' },
    h('h2', {}, room ? t('wr_settings', { id: room.room_id }) : t('wr_new')),
    h('div', { class: 'grid' },
      field(`${p}-id`, 'wr_id', f.id),
      field(`${p}-scope`, 'wr_scope', f.scope),
      field(`${p}-target`, 'wr_target', f.target),
      field(`${p}-opens`, 'wr_opens_at', f.opens, { zone: BEIJING_LABEL }),
      field(`${p}-prequeue`, 'wr_prequeue_at', f.prequeue, { zone: BEIJING_LABEL }),
      field(`${p}-order`, 'wr_order', f.order),
      field(`${p}-rate`, 'wr_rate', f.rate),
      field(`${p}-cap`, 'wr_cap', f.cap),
      field(`${p}-pass`, 'wr_pass', f.pass),
      field(`${p}-grace`, 'wr_grace', f.grace),
      field(`${p}-status`, 'wr_status', f.status)),
    h('label', { class: 'choice' }, f.enabled, enabledText),
    h('label', { class: 'choice' }, f.suspended, h('span', {}, t('wr_suspended'))),
    h('label', { class: 'choice' }, f.adaptive, h('span', {}, t('wr_adaptive'))),
    problem,
    h('div', { class: 'actions' }, h('button', { type: 'submit', class: 'primary',
      id: room ? 'wr-save' : 'wr-create' }, t(room ? 'wr_save' : 'wr_create'))));
}

function liveFigures() {
  const v = state.roomView;
  if (!v) return h('p', { id: 'wr-live' }, '…');
  const rows = [['wr_live_waiting', v.waiting], ['wr_live_prequeue', v.prequeue],
    ['wr_live_held', v.held], ['wr_live_rate', v.admitted_last_minute],
    ['wr_live_admitted', v.admitted], ['wr_live_active', v.active_passes],
    ['wr_live_spent', v.spent_passes], ['wr_live_revoked', v.revoked_passes],
    ['wr_live_expired', v.expired]];
  // The cap stops admissions with nothing else to show for it: position 1 waits, "admitted in
  // the last minute" is 0, and the operator read a stalled room (issue 17).
  return h('div', { id: 'wr-live' },
    h('dl', { class: 'figures' }, rows.flatMap(([k, n]) => [
      h('dt', {}, t(k)), h('dd', { 'data-figure': k }, String(n))])),
    v.cap_reached ? h('p', { class: 'warning', id: 'wr-cap-reached', role: 'status' },
      t('wr_cap_reached', { n: v.room.active_max })) : null);
}

function paintLive() {
  const old = document.getElementById('wr-live');
  if (old) old.replaceWith(liveFigures());
}

function passList() {
  const v = state.roomView;
  if (!v) return null;
  const reason = h('input', { id: 'wr-reason', placeholder: t('wr_reason_hint') });
  const revoke = async (p) => {
    const r = await api('POST', `/admin/waiting-rooms/${encodeURIComponent(state.room)}/passes/`
      + `${encodeURIComponent(p.pass_id)}/revoke`, { reason: reason.value });
    say(r, 'wr_revoked');
    await loadRoom();
    rerender();
  };
  return h('div', { class: 'card', 'data-keep-typed': '' }, h('h2', {}, t('wr_passes')),
    h('label', { for: 'wr-reason' }, t('wr_reason')), reason,
    h('ul', { id: 'wr-pass-list' }, v.passes.map((p) => h('li', { 'data-pass': p.pass_id },
      `${p.pass_id} · `, passStatus(p),
      // Spent by a purchase still paying: a revoke still stops it from coming back.
      p.under_way ? ` (${t('wr_pass_under_way')})` : '', ' · ',
      // Which place it was given to, and who used it (a pass names no one until it is used).
      `${t('wr_pass_ticket')} `, h('code', {}, p.ticket_id), ' · ',
      p.account_id ? [`${t('wr_pass_account')} `, h('code', {}, p.account_id), ' · '] : '',
      // Which instant is which, in Beijing time as everywhere in the console.
      labelledTime('wr_pass_issued', p.issued_at), ' · ',
      labelledTime('wr_pass_expires', p.expires_at), ' ',
      p.status === 'active' || p.under_way ? h('button', { type: 'button', class: 'secondary',
        onclick: () => revoke(p) }, t('wr_revoke')) : null))));
}

/**
 * A pass's status in words. One revoked with a `spent_at` was revoked while the order or
 * purchase it was used for was under way (a refused one gives it back without one): that
 * order or purchase went through, or is still being paid; the operator reads which it was
 * used for and when, in Beijing time, not a bare "revoked".
 */
const passStatus = (p) => p.status === 'revoked' && p.spent_at
  ? h('span', { 'data-status': 'revoked-spent' }, t('wr_pass_revoked_spent',
    { at: `${beijingSeconds(p.spent_at)} (${t('wr_beijing')})` }))
  : t(`wr_pass_${p.status}`);

/** "Issued 2025-06-26 22:00:01 (Beijing time)": a label, the time, the zone. */
const labelledTime = (key, instant) => h('span', { 'data-time': key }, `${t(key)} `,
  h('time', { datetime: instant, title: BEIJING_LABEL }, beijingSeconds(instant)),
  ` (${t('wr_beijing')})`);

/**
 * Finding a suspected bot's ticket and holding it: the room's tickets by network (as the
 * suspicious-pattern report names it) and status, in line order, each with Hold (a waiting
 * one) or Release (a held one) beside it; the reason is required by the server. A page holds
 * what the server gives at most (its limits table's waitingTicketsListMax); Next and Previous
 * page on with its `next_offset`, keeping the search the list was read with.
 */
function ticketFinder() {
  const network = h('input', { id: 'wr-find-network', value: state.roomFind?.network ?? '',
    placeholder: '203.0.113.0/24' });
  const status = h('select', { id: 'wr-find-status' }, ['', 'waiting', 'held', 'admitted',
    'expired'].map((s) => h('option', { value: s, selected: (state.roomFind?.status ?? '') === s
    || null }, t(s ? `wr_ticket_${s}` : 'wr_find_open'))));
  const reason = h('input', { id: 'wr-hold-reason', placeholder: t('wr_reason_hint') });
  // `offsets`: where each page shown so far began, the current one last (Previous goes back
  // one; a page's length is the server's to choose).
  const read = async (search, offsets) => {
    const q = new URLSearchParams();
    if (search.network) q.set('network', search.network);
    if (search.status) q.set('status', search.status);
    if (offsets.at(-1) > 0) q.set('offset', String(offsets.at(-1)));
    const r = await api('GET', `/admin/waiting-rooms/${encodeURIComponent(state.room)}/tickets`
      + (q.size ? `?${q}` : ''));
    state.roomFind = { ...search, offsets, found: r.ok ? r.data : null };
    if (!r.ok) say(r);
    rerender();
  };
  const find = async (ev) => {
    ev?.preventDefault();
    await read({ network: network.value.trim(), status: status.value }, [0]);
  };
  // The page shown, read again (after a hold or a release).
  const again = () => (state.roomFind ? read(state.roomFind, state.roomFind.offsets ?? [0])
    : find());
  const send = (ticket, held) => async () => {
    const r = await api('POST', `/admin/waiting-rooms/${encodeURIComponent(state.room)}/tickets/`
      + `${encodeURIComponent(ticket.ticket_id)}/hold`, { held, reason: reason.value });
    // Out of the line since the list was read (admitted, or lapsed): 409 not_in_line.
    if (r.code === 'waiting_ticket_not_in_line' || r.code === 'waiting_ticket_not_found') {
      return moved(ticket);
    }
    say(r, held ? 'wr_held' : 'wr_released');
    if (r.ok) await again();
    else rerender();
  };
  // The list was read before the ticket moved on (admitted, or its place lapsed): the refusal's
  // "check the ticket id" would blame an id the operator never typed, so the list is read again
  // and the notice says what became of the ticket.
  const moved = async (ticket) => {
    const r = await api('GET', `/admin/waiting-rooms/${encodeURIComponent(state.room)}/tickets`
      + '?status=admitted');
    const admitted = r.ok && r.data.tickets.some((x) => x.ticket_id === ticket.ticket_id);
    await again();
    showToast({ text: t(admitted ? 'wr_moved_admitted' : 'wr_moved_on',
      { id: ticket.ticket_id }) });
  };
  const found = state.roomFind?.found;
  const offsets = state.roomFind?.offsets ?? [0];
  const first = offsets.at(-1);
  const paged = found && (first > 0 || found.next_offset !== null);
  const pages = paged ? h('div', { class: 'actions', id: 'wr-find-pages' },
    h('button', { type: 'button', class: 'secondary', id: 'wr-find-prev',
      disabled: offsets.length < 2 || null,
      onclick: () => read(state.roomFind, offsets.slice(0, -1)) }, t('wr_page_prev')),
    h('button', { type: 'button', class: 'secondary', id: 'wr-find-next',
      disabled: found.next_offset === null || null,
      onclick: () => read(state.roomFind, [...offsets, found.next_offset]) },
    t('wr_page_next'))) : null;
  const rows = found ? found.tickets.map((tk) => h('li', { 'data-ticket': tk.ticket_id },
    h('code', {}, tk.ticket_id), ` · ${tk.network ?? t('wr_network_unknown')} · `,
    t(`wr_ticket_${tk.status}`),
    tk.position === null ? '' : ` · ${t('wr_ticket_position', { n: tk.position })}`, ' · ',
    labelledTime('wr_ticket_joined', tk.joined_at), ' ',
    tk.status === 'waiting' || tk.status === 'held' ? h('button', { type: 'button',
      class: tk.status === 'waiting' ? 'primary' : 'secondary',
      'data-action': tk.status === 'waiting' ? 'hold' : 'release',
      onclick: send(tk, tk.status === 'waiting') },
    t(tk.status === 'waiting' ? 'wr_hold' : 'wr_release')) : null)) : [];
  return h('form', { class: 'card', id: 'wr-find', onsubmit: find, 'data-keep-typed': '' },
    h('h2', {}, t('wr_hold_title')),
    h('p', { class: 'hint' }, t('wr_hold_hint')),
    h('div', { class: 'grid' },
      field('wr-find-network', 'wr_find_network', network),
      field('wr-find-status', 'wr_find_status', status)),
    h('div', { class: 'actions' }, h('button', { type: 'submit', class: 'secondary',
      id: 'wr-find-go' }, t('wr_find'))),
    h('label', { for: 'wr-hold-reason' }, t('wr_reason')), reason,
    found ? h('p', { class: 'muted', id: 'wr-find-count' }, foundCount(found, paged, first))
      : null,
    h('ul', { id: 'wr-ticket-list' }, rows), pages);
}

// What a page of found tickets holds: "Tickets 101–150 of those found", one ticket as "Ticket
// 101" (not "101–101"), a page past the last as none past 100 (not "Tickets 100–100").
export function foundCount(found, paged, first) {
  const at = beijingSeconds(found.as_of);
  const n = found.tickets.length;
  if (!paged) return t('wr_found', { n, at });
  if (n === 0) return t('wr_found_page_none', { n: first, at });
  if (n === 1) return t('wr_found_page_one', { n: first + 1, at });
  return t('wr_found_page', { from: first + 1, to: first + n, at });
}

export function roomsSection() {
  const rooms = state.rooms ?? [];
  const current = rooms.find((r) => r.room_id === state.room) ?? null;
  // Labelled: with two rooms or more it was the one unnamed control of the tab.
  const picker = rooms.length > 1 ? h('select', { id: 'wr-pick', 'aria-label': t('wr_pick'),
    onchange: async (ev) => {
      state.room = ev.target.value;
      state.roomFind = null;
      await loadRoom();
      rerender();
    } }, rooms.map((r) => h('option', { value: r.room_id, selected: r.room_id === state.room
    || null }, r.room_id))) : null;
  return [
    picker,
    current ? h('div', { class: 'card' }, h('h2', {}, t('wr_live', { id: current.room_id })),
      liveFigures()) : h('p', { class: 'muted' }, t('wr_none')),
    current ? settingsForm(current) : null,
    current ? passList() : null,
    current ? ticketFinder() : null,
    settingsForm(null),
  ].filter((x) => x !== null);
}
