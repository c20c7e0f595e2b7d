// Operator console, launches: opening time, deposit, per-account limit, cooling-off, cities
// and capacity per trim per week. Only the fields the operator changed are sent, and an edit of
// a launch buyers can see (scheduled or open) is confirmed in a dialog that shows each changed
// field before and after: on launch night a slip in the deposit or the opening is not undone.
import { localName, t } from './i18n.js';
import { h, yuan } from './format.js';
import { errorBox, notice } from './ui.js';
import { confirmDialog } from './dialog.js';
import { api, rerender, showToast, state } from './admin-context.js';
import {
  BEIJING_FORMAT, beijingText, fromBeijingInput, toBeijingText,
} from './beijing-time.js';

/** Whole numbers from `min` to `max`, as typed; null when the text is not one. */
function wholeNumber(text, min, max) {
  const s = String(text).trim();
  if (!/^\d+$/.test(s)) return null;
  const n = Number(s);
  return n >= min && n <= max ? n : null;
}

/** Yuan as typed (at most two decimals) in fen; null when the text is not an amount. */
function yuanToFen(text) {
  const s = String(text).trim();
  if (!/^\d+(\.\d{1,2})?$/.test(s)) return null;
  return Math.round(Number(s) * 100);
}

const cityList = (text) => [
  ...new Set(
    String(text)
      .split(/[,，\s]+/)
      .map((s) => s.trim())
      .filter(Boolean),
  ),
];

/**
 * The editable fields of one launch: how each is shown, read back from its input and sent.
 * `read` returns {ok, value} or {ok: false, error: string key}; `same` says whether the value
 * read is what the launch holds now.
 */
function fieldsOf(l) {
  const trimName = (trim) => localName(l.trims.find((x) => x.trim === trim)) || trim;
  const fields = [
    {
      key: 'opens',
      label: t('l_opens_at'),
      // Typed as Beijing wall time and sent with +08:00 (beijing-time.js): `22:00` means
      // 22:00 in Beijing whatever zone the operator's computer is set to.
      input: h('input', {
        type: 'text',
        inputmode: 'numeric',
        spellcheck: 'false',
        autocomplete: 'off',
        placeholder: BEIJING_FORMAT,
        value: toBeijingText(l.opens_at),
      }),
      read: (v) => {
        const iso = fromBeijingInput(v);
        return iso === null ? { ok: false, error: 'bad_beijing_time' } : { ok: true, value: iso };
      },
      same: (iso) => Date.parse(iso) === Date.parse(l.opens_at),
      show: (iso) => beijingText(iso),
      now: () => beijingText(l.opens_at),
      put: (body, iso) => {
        body.opens_at = iso;
      },
    },
    {
      key: 'deposit',
      label: t('l_deposit'),
      input: h('input', { inputmode: 'decimal', value: String(l.deposit_fen / 100) }),
      read: (v) => {
        const fen = yuanToFen(v);
        return fen === null || fen < 100 || fen > 100_000_00
          ? { ok: false, error: 'l_bad_deposit' }
          : { ok: true, value: fen };
      },
      same: (fen) => fen === l.deposit_fen,
      show: (fen) => yuan(fen),
      now: () => yuan(l.deposit_fen),
      put: (body, fen) => {
        body.deposit_fen = fen;
      },
    },
    {
      key: 'limit',
      label: t('l_limit'),
      input: h('input', { inputmode: 'numeric', value: String(l.per_account_limit) }),
      read: (v) => number(v, 1, 100),
      same: (n) => n === l.per_account_limit,
      show: String,
      now: () => String(l.per_account_limit),
      put: (body, n) => {
        body.per_account_limit = n;
      },
    },
    {
      key: 'cooling',
      label: t('l_cooling'),
      input: h('input', { inputmode: 'numeric', value: String(l.cooling_off_hours) }),
      read: (v) => number(v, 0, 1440),
      same: (n) => n === l.cooling_off_hours,
      show: String,
      now: () => String(l.cooling_off_hours),
      put: (body, n) => {
        body.cooling_off_hours = n;
      },
    },
    {
      key: 'cities',
      label: t('l_cities'),
      input: h('input', { value: l.cities.map((c) => c.city_id).join(', '), spellcheck: 'false' }),
      read: (v) => {
        const list = cityList(v);
        return list.length === 0 ? { ok: false, error: 'l_bad_cities' } : { ok: true, value: list };
      },
      same: (list) => list.join(',') === l.cities.map((c) => c.city_id).join(','),
      show: (list) => list.join(', '),
      now: () => l.cities.map((c) => c.city_id).join(', '),
      put: (body, list) => {
        body.cities = list;
      },
    },
  ];
  for (const tr of l.trims) {
    fields.push({
      key: `cap-${tr.trim}`,
      label: t('l_capacity', { trim: trimName(tr.trim) }),
      input: h('input', { inputmode: 'numeric', value: String(tr.capacity_per_week) }),
      read: (v) => number(v, 1, 1_000_000),
      same: (n) => n === tr.capacity_per_week,
      show: String,
      now: () => String(tr.capacity_per_week),
      put: (body, n) => {
        body.capacity_per_week = { ...body.capacity_per_week, [tr.trim]: n };
      },
    });
  }
  return fields;
}

function number(v, min, max) {
  const n = wholeNumber(v, min, max);
  return n === null
    ? { ok: false, error: 'l_bad_number', vars: { min, max } }
    : { ok: true, value: n };
}

/** The before/after table a confirmation shows: one row per changed field. */
function changesTable(changes) {
  return h(
    'table',
    { class: 'console-changes' },
    h(
      'thead',
      {},
      h(
        'tr',
        {},
        ['col_field', 'col_before', 'col_after'].map((k) => h('th', { scope: 'col' }, t(k))),
      ),
    ),
    h(
      'tbody',
      {},
      changes.map((c) =>
        h(
          'tr',
          { 'data-field': c.field.key },
          h('th', { scope: 'row' }, c.field.label),
          h('td', { class: 'before' }, c.field.now()),
          h('td', { class: 'after' }, c.field.show(c.value)),
        ),
      ),
    ),
  );
}

export function launchForm(l) {
  const f = (id) => `${l.launch_id}-${id}`;
  const fields = fieldsOf(l);
  const message = h('div', { class: 'console-inline', 'aria-live': 'polite' });
  const errors = new Map(
    fields.map((x) => [x.key, h('p', { class: 'field-error', id: f(`${x.key}-err`) })]),
  );
  const opens = fields[0];
  // What the typed opening time is, as the operator types it: Beijing and UTC side by side.
  const opensEcho = h('p', { class: 'hint', id: f('opens-echo') });
  const echo = () => {
    const iso = fromBeijingInput(opens.input.value);
    const utc = iso && new Date(iso).toISOString().slice(0, 19).replace('T', ' ');
    opensEcho.textContent = iso === null ? t('l_opens_format') : t('l_opens_echo', { utc });
  };
  opens.input.addEventListener('input', echo);
  echo();

  const clearMarks = () => {
    message.replaceChildren();
    for (const x of fields) {
      x.input.removeAttribute('aria-invalid');
      errors.get(x.key).textContent = '';
    }
  };

  const save = async (ev) => {
    ev.preventDefault();
    clearMarks();
    const changes = [];
    let firstBad = null;
    for (const x of fields) {
      const r = x.read(x.input.value);
      if (!r.ok) {
        x.input.setAttribute('aria-invalid', 'true');
        errors.get(x.key).textContent = t(r.error, r.vars);
        firstBad ??= x.input;
        continue;
      }
      if (!x.same(r.value)) changes.push({ field: x, value: r.value });
    }
    if (firstBad) {
      // A wrong entry is said beside its field and nothing is sent; no earlier notice stays.
      showToast(null);
      message.replaceChildren(errorNotice(t('l_fix_fields')));
      firstBad.focus();
      return;
    }
    if (changes.length === 0) {
      showToast(null);
      message.replaceChildren(notice(t('nothing_changed'), 'info'));
      return;
    }
    const body = {};
    for (const c of changes) c.field.put(body, c.value);
    const send = () => api('PATCH', `/admin/launches/${encodeURIComponent(l.launch_id)}`, body);
    let r;
    if (l.state === 'scheduled' || l.state === 'open') {
      r = await confirmDialog({
        title: t('l_confirm_title', { launch: `${localName(l)} (${l.launch_id})` }),
        body: [
          h('p', {}, t(l.state === 'open' ? 'l_confirm_open' : 'l_confirm_scheduled')),
          changesTable(changes),
        ],
        confirmLabel: t('save'),
        action: send,
      });
      if (!r) return; // dismissed: the form keeps what was typed, nothing was sent
    } else {
      r = await send();
    }
    if (!r.ok) {
      showToast(null);
      message.replaceChildren(errorBox(r));
      return;
    }
    state.launches = state.launches.map((x) => (x.launch_id === l.launch_id ? r.data : x));
    showToast({ text: t('saved_fields', { n: changes.length, launch: l.launch_id }) }, false);
    rerender();
  };

  const input = (x) => {
    const described = [errors.get(x.key).id, x === opens ? opensEcho.id : null];
    x.input.id = f(x.key);
    x.input.setAttribute('aria-describedby', described.filter(Boolean).join(' '));
    return h(
      'div',
      {},
      h('label', { for: x.input.id }, x.label),
      x.input,
      errors.get(x.key),
      x === opens ? opensEcho : null,
    );
  };
  return h(
    'form',
    { class: 'card launch-form', 'data-launch': l.launch_id, onsubmit: save, novalidate: true },
    h('h2', {}, `${localName(l)} (${l.launch_id})`),
    h(
      'p',
      { class: 'muted small' },
      t('l_state', { state: t(`l_state_${l.state}`) }),
      ' · ',
      t('l_opens_now', { at: beijingText(l.opens_at) }),
    ),
    h('div', { class: 'row' }, fields.slice(0, 2).map(input)),
    h('div', { class: 'row' }, fields.slice(2, 4).map(input)),
    input(fields[4]),
    h('div', { class: 'row' }, fields.slice(5).map(input)),
    message,
    h('div', { class: 'actions' }, h('button', { type: 'submit', class: 'primary' }, t('save'))),
  );
}

function errorNotice(text) {
  return h('div', { class: 'error', role: 'alert' }, h('p', { class: 'error-what' }, text));
}
