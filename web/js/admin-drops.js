// Operator console, drops: each drop's live figures per variant (on sale, held, sold, waitlist),
// read every 2 s while the tab is open and redrawn in place (so a half-typed form is never
// lost), and the form that creates a drop or edits one before it opens (docs/api.md, "Drops").
import { t, localName } from './i18n.js';
import { count, h, yuan } from './format.js';
import { api, labelled, rerender, say, state } from './admin-context.js';
import {
  BEIJING_FORMAT, BEIJING_LABEL, fromBeijingInput, toBeijingText,
} from './beijing-time.js';

const LIVE_MS = 2000;

/** Loads every drop with its live figures into state.drops. */
export async function loadDrops() {
  const r = await api('GET', '/drops');
  if (!r.ok) {
    state.status = { failure: r };
    return;
  }
  const live = await Promise.all(r.data.drops.map((d) =>
    api('GET', `/drops/${encodeURIComponent(d.drop_id)}`)));
  state.drops = live.filter((x) => x.ok).map((x) => x.data);
}

function figuresTable(d) {
  const total = (k) => d.variants.reduce((n, v) => n + (v[k] ?? 0), 0);
  const row = (cells) => h('tr', {}, cells.map((c) => h('td', {}, c)));
  return h(
    'table',
    { class: 'drop-figures', 'data-drop': d.drop_id },
    h('thead', {}, h('tr', {}, ['d_variant', 'd_quantity', 'd_available', 'd_held', 'd_sold',
      'd_waiting'].map((k) => h('th', { scope: 'col' }, t(k))))),
    h('tbody', {}, [
      ...d.variants.map((v) => row([localName(v), count(v.quantity), count(v.remaining),
        count(v.held), count(v.sold), count(v.waitlist_waiting)])),
      row([t('d_total'), count(total('quantity')), count(total('remaining')),
        count(total('held')), count(total('sold')), count(total('waitlist_waiting'))]),
    ]),
  );
}

function dropCard(d) {
  return h(
    'div',
    { class: 'card', 'data-drop-card': d.drop_id },
    h('h2', {}, `${localName(d)} (${d.drop_id})`),
    h('p', {}, t(d.open ? 'd_open' : 'd_opens', { t: toBeijingText(d.opens_at) }), ' · ',
      d.kind === 'car' ? t('d_deposit', { p: yuan(d.deposit_fen) })
        : t('d_price', { p: yuan(d.price_fen) }), ' · ',
      t('d_limits', { a: d.per_account_limit, i: d.per_identity_limit })),
    h('div', { class: 'table-wrap', id: `figures-${d.drop_id}` }, figuresTable(d)),
    d.open ? null : h('button', { type: 'button', class: 'secondary',
      'data-edit': d.drop_id, onclick: () => { state.dropEdit = d; rerender(); } }, t('d_edit')),
  );
}

const fen = (yuanText) => Math.round(Number(yuanText) * 100);

/** The lines `variant, name, name_zh, quantity` as the API's variants; null if one is wrong. */
function variantsOf(text) {
  const out = [];
  for (const line of text.split('\n').map((l) => l.trim()).filter(Boolean)) {
    const [variant, name, nameZh, quantity] = line.split(/\s*[,，]\s*/);
    if (!variant || !name || !nameZh || !/^\d+$/.test(quantity ?? '')) return null;
    out.push({ variant, name, name_zh: nameZh, quantity: Number(quantity) });
  }
  return out.length > 0 ? out : null;
}

function dropForm() {
  const d = state.dropEdit;
  const input = (value, type = 'text') => h('input', { type, value: value ?? '' });
  const f = {
    id: input(d?.drop_id), name: input(d?.name), nameZh: input(d?.name_zh),
    kind: h('select', {}, ['merch', 'car'].map((k) => h('option', { value: k,
      selected: (d?.kind ?? 'merch') === k }, t(`d_kind_${k}`)))),
    price: input(d ? d.price_fen / 100 : '', 'number'),
    deposit: input(d ? d.deposit_fen / 100 : 0, 'number'),
    opens: h('input', { type: 'text', inputmode: 'numeric', autocomplete: 'off',
      placeholder: BEIJING_FORMAT, value: d ? toBeijingText(d.opens_at) : '' }),
    perAccount: input(d?.per_account_limit ?? 1, 'number'),
    perIdentity: input(d?.per_identity_limit ?? 1, 'number'),
    variants: h('textarea', { rows: 4 }, d ? d.variants.map((v) =>
      `${v.variant}, ${v.name}, ${v.name_zh}, ${v.quantity}`).join('\n') : ''),
  };
  const problem = h('p', { class: 'field-error', id: 'd-problem', role: 'alert' });
  // A deposit is a car's alone: a merchandise drop is paid in full, so its form has no deposit.
  const deposit = h('div', { id: 'd-deposit-field', hidden: f.kind.value !== 'car' },
    labelled('d-deposit', 'd_deposit_yuan', f.deposit));
  const kinded = () => {
    deposit.hidden = f.kind.value !== 'car';
  };
  f.kind.addEventListener('change', kinded);
  f.kind.addEventListener('restored', kinded);
  return h(
    'form',
    {
      class: 'card', id: 'drop-form', 'data-keep-typed': '',
      onsubmit: async (ev) => {
        ev.preventDefault();
        const opensAt = fromBeijingInput(f.opens.value);
        const variants = variantsOf(f.variants.value);
        if (!opensAt || !variants || !/^[a-z0-9][a-z0-9-]{0,47}$/.test(f.id.value.trim())) {
          problem.textContent = t(!opensAt ? 'bad_beijing_time' : !variants ? 'd_bad_variants'
            : 'd_bad_id');
          return;
        }
        const r = await api('PUT', `/admin/drops/${encodeURIComponent(f.id.value.trim())}`, {
          name: f.name.value, name_zh: f.nameZh.value, kind: f.kind.value,
          price_fen: fen(f.price.value),
          deposit_fen: f.kind.value === 'car' ? fen(f.deposit.value) : 0,
          opens_at: opensAt, per_account_limit: Number(f.perAccount.value),
          per_identity_limit: Number(f.perIdentity.value), variants,
        });
        say(r, 'd_saved');
        if (r.ok) state.dropEdit = null;
        await loadDrops();
        rerender();
      },
    },
    h('h2', {}, t(d ? 'd_edit_title' : 'd_new_title')),
    labelled('d-id', 'd_id', f.id), labelled('d-name', 'd_name', f.name),
    labelled('d-name-zh', 'd_name_zh', f.nameZh), labelled('d-kind', 'd_kind', f.kind),
    labelled('d-price', 'd_price_yuan', f.price),
    deposit,
    labelled('d-opens', 'd_opens_at', f.opens, { zone: BEIJING_LABEL }),
    labelled('d-per-account', 'd_per_account', f.perAccount),
    labelled('d-per-identity', 'd_per_identity', f.perIdentity),
    labelled('d-variants', 'd_variants', f.variants),
    h('p', { class: 'hint' }, t('d_variants_hint')),
    problem,
    h('div', { class: 'actions' },
      h('button', { type: 'submit', class: 'primary', id: 'd-save' }, t('d_save')),
      d ? h('button', { type: 'button', class: 'secondary',
        onclick: () => { state.dropEdit = null; rerender(); } }, t('d_new_title')) : null),
  );
}

export function dropsSection() {
  const drops = state.drops ?? [];
  return [
    h('p', { class: 'muted' }, t('d_live_hint')),
    drops.length === 0 ? h('p', {}, t('a_none')) : drops.map(dropCard),
    dropForm(),
  ];
}

// The live view: while the tab shows, each drop's figures are read again and redrawn in place.
setInterval(async () => {
  if (state.tab !== 'drops' || !state.drops || document.hidden) return;
  await loadDrops();
  for (const d of state.drops) {
    const box = document.getElementById(`figures-${d.drop_id}`);
    if (box) box.replaceChildren(figuresTable(d));
  }
}, LIVE_MS);
