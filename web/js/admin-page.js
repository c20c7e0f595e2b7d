// The operator console: launches, change windows, orders and the audit log. The operator token
// lives in sessionStorage only, so it does not outlive the tab it was pasted into.
import { request, serverNow } from './api.js';
import { localName, t } from './i18n.js';
import { dateTime, h, yuan } from './format.js';
import { confirmDialog } from './dialog.js';
import { errorBox, initPage, notice } from './ui.js';
import { STRINGS } from './strings.js';
import { ADMIN_STRINGS } from './admin-strings.js';

Object.assign(STRINGS, ADMIN_STRINGS);

const TOKEN_KEY = 'launchday.adminToken';
const TABS = ['launches', 'windows', 'orders', 'audit'];
const ALLOWS = ['trim', 'colour', 'wheels', 'extras', 'city', 'model'];

let tab = 'launches';
let launches = [];
let windows = [];
let found = null; // orders from the last search
let audit = null;
let status = null; // {kind, text} or an api failure, shown above the section

const adminToken = () => sessionStorage.getItem(TOKEN_KEY);
const api = (method, path, body) => request(method, path, { body, auth: adminToken() });

function say(result, okKey) {
  status = result.ok ? { text: t(okKey) } : { failure: result };
}

async function loadTab() {
  if (!adminToken()) return;
  if (tab === 'launches' || tab === 'windows') {
    const r = await api('GET', '/launches');
    if (r.ok) launches = r.data.launches;
    else status = { failure: r };
  }
  if (tab === 'windows') {
    const r = await api('GET', '/admin/change-windows');
    if (r.ok) windows = r.data.change_windows;
    else status = { failure: r };
  }
  if (tab === 'audit') await loadAudit(100);
}

async function loadAudit(limit) {
  const r = await api('GET', `/admin/audit-log?limit=${limit}`);
  if (r.ok) audit = r.data.entries;
  else status = { failure: r };
}

const labelled = (id, key, input, vars) => [
  h('label', { for: id }, t(key, vars)),
  Object.assign(input, { id }),
];

function launchForm(l) {
  const f = (id) => `${l.launch_id}-${id}`;
  const inputs = {
    opens_at: h('input', { value: l.opens_at, spellcheck: 'false' }),
    deposit: h('input', { type: 'number', min: '0', step: '1', value: l.deposit_fen / 100 }),
    limit: h('input', { type: 'number', min: '1', step: '1', value: l.per_account_limit }),
    cooling: h('input', { type: 'number', min: '0', step: '1', value: l.cooling_off_hours }),
    cities: h('input', { value: l.cities.map((c) => c.city_id).join(', '), spellcheck: 'false' }),
  };
  const capacity = l.trims.map((tr) => [
    tr.trim,
    h('input', { type: 'number', min: '0', step: '1', value: tr.capacity_per_week }),
  ]);
  const save = async (ev) => {
    ev.preventDefault();
    const body = {};
    if (inputs.opens_at.value.trim() !== l.opens_at)
      body.opens_at = new Date(inputs.opens_at.value.trim()).toISOString();
    const depositFen = Math.round(Number(inputs.deposit.value) * 100);
    if (depositFen !== l.deposit_fen) body.deposit_fen = depositFen;
    if (Number(inputs.limit.value) !== l.per_account_limit)
      body.per_account_limit = Number(inputs.limit.value);
    if (Number(inputs.cooling.value) !== l.cooling_off_hours)
      body.cooling_off_hours = Number(inputs.cooling.value);
    const cities = inputs.cities.value
      .split(',')
      .map((s) => s.trim())
      .filter(Boolean);
    if (cities.join(',') !== l.cities.map((c) => c.city_id).join(',')) body.cities = cities;
    const cap = {};
    for (const [trim, input] of capacity) {
      if (Number(input.value) !== l.trims.find((x) => x.trim === trim).capacity_per_week)
        cap[trim] = Number(input.value);
    }
    if (Object.keys(cap).length) body.capacity_per_week = cap;
    if (Object.keys(body).length === 0) {
      status = { text: t('nothing_changed') };
      render();
      return;
    }
    const r = await api('PATCH', `/admin/launches/${encodeURIComponent(l.launch_id)}`, body);
    say(r, 'saved');
    if (r.ok) launches = launches.map((x) => (x.launch_id === l.launch_id ? r.data : x));
    render();
  };
  return h(
    'form',
    { class: 'card launch-form', 'data-launch': l.launch_id, onsubmit: save },
    h('h2', {}, `${localName(l)} (${l.launch_id})`),
    h('p', { class: 'muted small' }, t('l_state', { state: l.state }), ' · ', dateTime(l.opens_at)),
    h(
      'div',
      { class: 'row' },
      h('div', {}, ...labelled(f('opens'), 'l_opens_at', inputs.opens_at)),
      h('div', {}, ...labelled(f('deposit'), 'l_deposit', inputs.deposit)),
    ),
    h(
      'div',
      { class: 'row' },
      h('div', {}, ...labelled(f('limit'), 'l_limit', inputs.limit)),
      h('div', {}, ...labelled(f('cooling'), 'l_cooling', inputs.cooling)),
    ),
    ...labelled(f('cities'), 'l_cities', inputs.cities),
    h(
      'div',
      { class: 'row' },
      capacity.map(([trim, input]) =>
        h(
          'div',
          {},
          ...labelled(f(`cap-${trim}`), 'l_capacity', input, {
            trim: localName(l.trims.find((x) => x.trim === trim)),
          }),
        ),
      ),
    ),
    h('div', { class: 'actions' }, h('button', { type: 'submit', class: 'primary' }, t('save'))),
  );
}

function windowsSection() {
  const sel = (id, withNone) =>
    h(
      'select',
      { id },
      withNone ? h('option', { value: '' }, t('cw_none')) : null,
      launches.map((l) => h('option', { value: l.launch_id }, `${localName(l)} (${l.launch_id})`)),
    );
  const from = sel('cw-from', false);
  const to = sel('cw-to', true);
  const opens = h('input', {
    id: 'cw-opens',
    value: new Date(serverNow()).toISOString(),
    spellcheck: 'false',
  });
  const closes = h('input', {
    id: 'cw-closes',
    value: new Date(serverNow() + 72 * 3600e3).toISOString(),
    spellcheck: 'false',
  });
  const boxes = ALLOWS.map((a) => [
    a,
    h('input', { type: 'checkbox', value: a, id: `cw-allow-${a}` }),
  ]);
  // Another model has other trims and options, so a switch is also a new trim, colour, wheels
  // and extras; the server checks each against the window. Tick them with "model" (the operator
  // can still untick them).
  const modelBox = boxes.find(([a]) => a === 'model')[1];
  modelBox.addEventListener('change', () => {
    if (!modelBox.checked) return;
    for (const [a, b] of boxes)
      if (['trim', 'colour', 'wheels', 'extras'].includes(a)) b.checked = true;
  });
  const create = async (ev) => {
    ev.preventDefault();
    const body = {
      from_launch_id: from.value,
      opens_at: new Date(opens.value.trim()).toISOString(),
      closes_at: new Date(closes.value.trim()).toISOString(),
      allows: boxes.filter(([, b]) => b.checked).map(([a]) => a),
    };
    if (to.value) body.to_launch_id = to.value;
    const r = await api('POST', '/admin/change-windows', body);
    say(r, 'cw_created');
    if (r.ok) await loadTab();
    render();
  };
  const closeWindow = async (w) => {
    const r = await confirmDialog({
      title: t('cw_close'),
      body: [h('p', {}, t('cw_close_confirm', { id: w.window_id }))],
      confirmLabel: t('cw_close'),
      danger: true,
      action: () => api('POST', `/admin/change-windows/${w.window_id}/close`),
    });
    if (r) {
      say(r, 'o_done');
      await loadTab();
      render();
    }
  };
  return [
    h(
      'form',
      { class: 'card', id: 'cw-form', onsubmit: create },
      h('h2', {}, t('cw_new')),
      h(
        'div',
        { class: 'row' },
        h('div', {}, h('label', { for: 'cw-from' }, t('cw_from')), from),
        h('div', {}, h('label', { for: 'cw-to' }, t('cw_to')), to),
      ),
      h(
        'div',
        { class: 'row' },
        h('div', {}, h('label', { for: 'cw-opens' }, t('cw_opens')), opens),
        h('div', {}, h('label', { for: 'cw-closes' }, t('cw_closes')), closes),
      ),
      h(
        'fieldset',
        {},
        h('legend', {}, t('cw_allows')),
        h(
          'div',
          { class: 'row' },
          boxes.map(([a, b]) => h('label', { class: 'choice' }, b, h('span', {}, t(`allow_${a}`)))),
        ),
        h('p', { class: 'hint' }, t('cw_model_hint')),
      ),
      h(
        'div',
        { class: 'actions' },
        h('button', { type: 'submit', class: 'primary' }, t('cw_create')),
      ),
    ),
    h(
      'section',
      { class: 'card' },
      h('h2', {}, t('cw_list')),
      windows.length === 0
        ? h('p', {}, t('cw_none_yet'))
        : h(
            'div',
            { class: 'table-wrap' },
            h(
              'table',
              {},
              h(
                'thead',
                {},
                h(
                  'tr',
                  {},
                  [
                    'col_window',
                    'col_from_to',
                    'col_period',
                    'col_allows',
                    'col_state',
                    'col_action',
                  ].map((k) => h('th', { scope: 'col' }, t(k))),
                ),
              ),
              h(
                'tbody',
                {},
                windows.map((w) =>
                  h(
                    'tr',
                    { 'data-window': w.window_id },
                    h('td', {}, w.window_id),
                    h('td', {}, w.from_launch_id + (w.to_launch_id ? ` → ${w.to_launch_id}` : '')),
                    h('td', {}, `${dateTime(w.opens_at)} – ${dateTime(w.closes_at)}`),
                    h('td', {}, w.allows.map((a) => t(`allow_${a}`)).join(', ')),
                    h('td', {}, w.state),
                    h(
                      'td',
                      {},
                      w.state === 'closed'
                        ? ''
                        : h(
                            'button',
                            { type: 'button', class: 'secondary', onclick: () => closeWindow(w) },
                            t('cw_close'),
                          ),
                    ),
                  ),
                ),
              ),
            ),
          ),
    ),
  ];
}

function ordersSection() {
  const fields = [
    ['o-id', 'o_by_id', 'order_id'],
    ['o-phone', 'o_by_phone', 'phone'],
    ['o-idn', 'o_by_idn', 'id_number'],
  ].map(([id, key, q]) => ({ q, input: h('input', { id, spellcheck: 'false' }), id, key }));
  const search = async (ev) => {
    ev.preventDefault();
    const q = new URLSearchParams();
    for (const f of fields) if (f.input.value.trim()) q.set(f.q, f.input.value.trim());
    if ([...q.keys()].length === 0) {
      status = { text: t('o_need_one') };
      render();
      return;
    }
    const r = await api('GET', `/admin/orders?${q}`);
    if (r.ok) {
      found = r.data.orders;
      status = null;
    } else status = { failure: r };
    render();
  };
  return [
    h(
      'form',
      { class: 'card', onsubmit: search },
      h('h2', {}, t('o_find')),
      h(
        'div',
        { class: 'row' },
        fields.map((f) => h('div', {}, h('label', { for: f.id }, t(f.key)), f.input)),
      ),
      h(
        'div',
        { class: 'actions' },
        h('button', { type: 'submit', class: 'primary' }, t('o_search')),
      ),
    ),
    found === null ? null : found.length === 0 ? h('p', {}, t('o_none')) : found.map(adminOrder),
  ];
}

function adminOrder(o) {
  const deposit = yuan(o.deposit.amount_fen);
  const act = async (kind) => {
    const locked = o.status === 'locked';
    const accept = h('input', { type: 'checkbox', id: 'admin-accept' });
    const r = await confirmDialog({
      title: kind === 'refund' ? t('o_refund') : t('o_cancel'),
      body:
        kind === 'refund'
          ? [h('p', {}, t('o_refund_confirm', { id: o.order_id, deposit }))]
          : [
              h(
                'p',
                {},
                t(locked ? 'o_cancel_locked' : 'o_cancel_firm', { id: o.order_id, deposit }),
              ),
              locked
                ? h('label', { class: 'choice' }, accept, h('span', {}, t('o_accept_forfeit')))
                : null,
            ],
      confirmLabel: kind === 'refund' ? t('o_refund') : t('o_cancel'),
      danger: true,
      ready: () => kind === 'refund' || !locked || accept.checked,
      action: () =>
        api(
          'POST',
          `/admin/orders/${o.order_id}/${kind}`,
          kind === 'cancel' && locked ? { accept_forfeit: true } : {},
        ),
    });
    if (r) {
      say(r, 'o_done');
      found = found.map((x) => (x.order_id === o.order_id ? { ...x, ...r.data } : x));
      render();
    }
  };
  return h(
    'article',
    { class: 'card', 'data-order': o.order_id },
    h('h2', {}, `${o.order_id} · ${o.status}`),
    h(
      'dl',
      { class: 'kv' },
      h('dt', {}, t('o_buyer')),
      h('dd', {}, [o.name, o.phone, o.account_id].filter(Boolean).join(' · ')),
      h('dt', {}, t('configuration')),
      h('dd', {}, `${o.launch_id} · ${o.trim} · ${o.options.join(', ')} · ${o.city}`),
      h('dt', {}, t('deposit')),
      h('dd', {}, `${deposit} · ${o.deposit.state}`),
      h('dt', {}, t('queue_place')),
      h('dd', {}, o.queue ? `${o.queue.queue_key} #${o.queue.place}` : '–'),
    ),
    h(
      'div',
      { class: 'actions' },
      o.status === 'firm' && o.deposit.state === 'held'
        ? h(
            'button',
            { type: 'button', class: 'secondary', onclick: () => act('refund') },
            t('o_refund'),
          )
        : null,
      o.status !== 'cancelled'
        ? h(
            'button',
            { type: 'button', class: 'secondary', onclick: () => act('cancel') },
            t('o_cancel'),
          )
        : null,
    ),
    h(
      'details',
      {},
      h('summary', {}, t('history')),
      h(
        'ol',
        { class: 'timeline' },
        o.history.map((e) =>
          h(
            'li',
            {},
            h('time', { datetime: e.at }, dateTime(e.at)),
            h('span', {}, e.type),
            e.detail ? h('pre', {}, JSON.stringify(e.detail)) : null,
          ),
        ),
      ),
    ),
  );
}

function auditSection() {
  const limit = h('input', { type: 'number', id: 'a-limit', min: '1', max: '1000', value: '100' });
  return [
    h(
      'form',
      {
        class: 'card',
        onsubmit: async (ev) => {
          ev.preventDefault();
          await loadAudit(Number(limit.value));
          render();
        },
      },
      h('label', { for: 'a-limit' }, t('a_limit')),
      limit,
      h(
        'div',
        { class: 'actions' },
        h('button', { type: 'submit', class: 'primary' }, t('a_refresh')),
      ),
    ),
    !audit
      ? null
      : audit.length === 0
        ? h('p', {}, t('a_none'))
        : h(
            'div',
            { class: 'card table-wrap' },
            h(
              'table',
              { id: 'audit' },
              h(
                'thead',
                {},
                h(
                  'tr',
                  {},
                  ['col_at', 'col_actor', 'col_action', 'col_detail'].map((k) =>
                    h('th', { scope: 'col' }, t(k)),
                  ),
                ),
              ),
              h(
                'tbody',
                {},
                audit.map((e) =>
                  h(
                    'tr',
                    {},
                    h('td', {}, dateTime(e.at)),
                    h('td', {}, e.actor),
                    h('td', {}, e.action),
                    h('td', {}, h('pre', {}, JSON.stringify(e.detail))),
                  ),
                ),
              ),
            ),
          ),
  ];
}

function tokenForm() {
  const input = h('input', {
    type: 'password',
    id: 'admin-token',
    autocomplete: 'off',
    value: adminToken() || '',
  });
  return h(
    'form',
    {
      class: 'card',
      onsubmit: async (ev) => {
        ev.preventDefault();
        sessionStorage.setItem(TOKEN_KEY, input.value.trim());
        const r = await api('GET', '/admin/audit-log?limit=1');
        if (!r.ok) sessionStorage.removeItem(TOKEN_KEY);
        say(r, 'admin_token_ok');
        await loadTab();
        render();
      },
    },
    h('label', { for: 'admin-token' }, t('admin_token')),
    input,
    h('p', { class: 'hint' }, t('admin_token_hint')),
    h(
      'div',
      { class: 'actions' },
      h('button', { type: 'submit', class: 'primary', id: 'use-token' }, t('admin_use_token')),
      adminToken()
        ? h(
            'button',
            {
              type: 'button',
              class: 'secondary',
              onclick: () => {
                sessionStorage.removeItem(TOKEN_KEY);
                status = null;
                render();
              },
            },
            t('admin_forget_token'),
          )
        : null,
    ),
  );
}

function render() {
  const main = document.getElementById('main');
  document.title = `${t('admin_title')} · launchday`;
  const parts = [h('h1', {}, t('admin_title')), tokenForm()];
  if (status?.failure) parts.push(errorBox(status.failure));
  else if (status?.text) parts.push(notice(status.text, 'ok'));
  if (adminToken()) {
    parts.push(
      h(
        'nav',
        { class: 'tabs', 'aria-label': t('admin_sections') },
        TABS.map((name) =>
          h(
            'button',
            {
              type: 'button',
              id: `tab-${name}`,
              'aria-pressed': String(tab === name),
              onclick: async () => {
                tab = name;
                status = null;
                await loadTab();
                render();
                document.getElementById(`tab-${name}`)?.focus();
              },
            },
            t(`tab_${name}`),
          ),
        ),
      ),
    );
    const section = {
      launches: () => launches.map(launchForm),
      windows: windowsSection,
      orders: ordersSection,
      audit: auditSection,
    }[tab]();
    parts.push(h('section', { 'aria-labelledby': `tab-${tab}` }, section));
  }
  main.replaceChildren(...parts);
}

initPage(render);
await loadTab();
render();
