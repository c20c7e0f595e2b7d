// What the operator console's sections share: the token (sessionStorage only, so it does not
// outlive the tab it was pasted into), the api with that token, the loaded data and the status
// line, and a way to redraw.
import { request, serverNow } from './api.js';
import { t } from './i18n.js';
import { h } from './format.js';
import { errorBox, notice } from './ui.js';
import { beijingSeconds } from './beijing-time.js';

export const TOKEN_KEY = 'launchday.adminToken';

export const state = {
  tab: 'launches',
  launches: [],
  windows: [],
  found: null, // orders from the last search
  audit: null,
  payments: null, // {unsettled, anomalies} from admin-payments.js
  sms: null, // the sandbox's text messages: {provider, messages}
  notifications: null, // the outbox: {provider, counts, notifications}
  notificationState: '', // the outbox's filter ('' for every state)
  deliveries: null, // {centre, overdue, built, ready, slots} from admin-deliveries.js
  rooms: null, // waiting rooms (admin-rooms.js)
  room: null, // the room shown
  roomView: null, // its live figures and passes
  roomFind: null, // the ticket look-up: {network, status, found: the reply} (admin-rooms.js)
  status: null, // {text} or {failure: api result}, shown in the toast (showToast)
  drops: null, // every drop with its live figures (admin-drops.js)
  dropEdit: null, // the drop the form edits, or null for a new one
  suspicionScopes: null, // the launches and drops a report can cover (admin-suspicious.js)
  suspicion: null, // {report, results: {cluster_id: the batch cancel's reply}}
};

let renderFn = () => {};
export const onRender = (fn) => {
  renderFn = fn;
};
export const rerender = () => renderFn();

export const adminToken = () => sessionStorage.getItem(TOKEN_KEY);
export const api = (method, path, body) => request(method, path, { body, auth: adminToken() });

export function say(result, okKey) {
  state.status = result.ok ? { text: t(okKey), at: serverNow() } : { failure: result };
  if (result.ok) saved();
}

// A form saved shows what was saved (or, for a new one, is empty again); a refused one keeps
// what the operator typed (keepTyped). Said by say() or an ok notice (showToast).
const saved = () => {
  if (submitting) savedForms.add(submitting);
};

/** The form whose submit is being handled, and the forms saved since the last draw. */
let submitting = null;
const savedForms = new Set();
document.addEventListener('submit', (ev) => {
  submitting = ev.target;
}, true);

const FIELDS = 'input:not([type=password]), select, textarea';
// The forms drawn from loaded data alone, marked `data-keep-typed`: forms that keep their own
// draft in state (the Production tab's) draw it themselves and are left alone.
const KEPT = `[data-keep-typed] :is(${FIELDS})`;

/**
 * What the operator typed into the console's fields, by id, before a redraw: only fields of a
 * `data-keep-typed` form whose value differs from the one they were drawn with, and none of a
 * form just saved. A redraw
 * builds each form again from the loaded data, and a refused save once put every field of the
 * form back to its default (new-user review, finding 5).
 */
export function keepTyped(root) {
  const kept = new Map();
  for (const el of root.querySelectorAll(KEPT)) {
    if (!el.id || (el.form && savedForms.has(el.form))) continue;
    const typed = typedValue(el);
    if (typed !== drawnValue(el)) kept.set(el.id, { drawn: drawnValue(el), typed });
  }
  savedForms.clear();
  submitting = null;
  return kept;
}

/**
 * Puts back what keepTyped kept into the fields drawn again with the same id and the same value
 * as before: a field whose loaded value changed meanwhile shows the new one. A select or box
 * put back says so with a `restored` event, for what its form shows by it (a room's switch
 * label, a drop's deposit field); not `change`, whose handlers load and redraw.
 */
export function restoreTyped(root, kept) {
  for (const [id, { drawn, typed }] of kept) {
    const el = root.querySelector(`#${CSS.escape(id)}`);
    if (!el || !el.matches(FIELDS) || drawnValue(el) !== drawn) continue;
    if (el.type === 'checkbox' || el.type === 'radio') el.checked = typed === 'true';
    else el.value = typed;
    if (el.tagName === 'SELECT' || el.type === 'checkbox') {
      el.dispatchEvent(new Event('restored'));
    }
  }
}

const typedValue = (el) =>
  el.type === 'checkbox' || el.type === 'radio' ? String(el.checked) : el.value;

function drawnValue(el) {
  if (el.type === 'checkbox' || el.type === 'radio') return String(el.defaultChecked);
  if (el.tagName === 'SELECT') {
    const options = [...el.options];
    return (options.find((o) => o.defaultSelected) ?? options[0])?.value ?? '';
  }
  return el.defaultValue;
}

/**
 * The console's one notice, fixed at the bottom of the window so the operator sees it wherever
 * the form was (a long launch list put it off-screen). `status` is {text} or {failure}; null
 * takes it down, as any further edit does (admin-page.js), so no earlier "Saved" outlives the
 * next change. An ok notice carries the Beijing time it was given, to the second.
 */
export function showToast(status) {
  if (status?.text) saved();
  state.status = status && status.text ? { ...status, at: serverNow() } : status;
  paintToast();
}

export function paintToast() {
  let box = document.getElementById('console-toast');
  if (!box) {
    box = h('div', { id: 'console-toast', class: 'console-toast' });
    document.body.append(box);
  }
  const s = state.status;
  if (!s) {
    box.replaceChildren();
    box.hidden = true;
    return;
  }
  box.hidden = false;
  box.replaceChildren(
    s.failure
      ? errorBox(s.failure)
      : notice(`${s.text} ${t('toast_at', { at: beijingSeconds(s.at ?? serverNow()) })}`, 'ok'),
    h(
      'button',
      { type: 'button', class: 'secondary', onclick: () => showToast(null) },
      t('toast_close'),
    ),
  );
}

export async function loadTab() {
  if (!adminToken()) return;
  if (state.tab === 'launches' || state.tab === 'windows') {
    const r = await api('GET', '/launches');
    if (r.ok) state.launches = r.data.launches;
    else state.status = { failure: r };
  }
  if (state.tab === 'windows') {
    const r = await api('GET', '/admin/change-windows');
    if (r.ok) state.windows = r.data.change_windows;
    else state.status = { failure: r };
  }
  if (state.tab === 'audit') await loadAudit(100);
  if (state.tab === 'payments') await (await import('./admin-payments.js')).loadPayments();
}

export async function loadAudit(limit) {
  const r = await api('GET', `/admin/audit-log?limit=${limit}`);
  if (r.ok) state.audit = r.data.entries;
  else state.status = { failure: r };
}

export const labelled = (id, key, input, vars) => [
  h('label', { for: id }, t(key, vars)),
  Object.assign(input, { id }),
];
