// What the operator console's sections share: the token (sessionStorage only, so it does not
// outlive the tab it was pasted into), the api with that token, the loaded data and the status
// line, and a way to redraw.
import { request } from './api.js';
import { t } from './i18n.js';
import { h } from './format.js';

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
  status: null, // {text} or {failure: api result}, shown above the section
};

let renderFn = () => {};
export const onRender = (fn) => {
  renderFn = fn;
};
export const rerender = () => renderFn();

export const adminToken = () => sessionStorage.getItem(TOKEN_KEY);
export const api = (method, path, body) => request(method, path, { body, auth: adminToken() });

export function say(result, okKey) {
  state.status = result.ok ? { text: t(okKey) } : { failure: result };
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
