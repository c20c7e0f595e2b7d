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
}

/**
 * The console's one notice, fixed at the bottom of the window so the operator sees it wherever
 * the form was (a long launch list put it off-screen). `status` is {text} or {failure}; null
 * takes it down, as any further edit does (admin-page.js), so no earlier "Saved" outlives the
 * next change. An ok notice carries the Beijing time it was given, to the second.
 */
export function showToast(status) {
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
