// Operator console, launches: opening time, deposit, per-account limit, cooling-off, cities
// and capacity per trim per week. Only the fields the operator changed are sent.
import { localName, t } from './i18n.js';
import { h } from './format.js';
import { api, labelled, rerender, say, state } from './admin-context.js';
import { beijingText, fromBeijingInput, toBeijingInput } from './beijing-time.js';

export function launchForm(l) {
  const f = (id) => `${l.launch_id}-${id}`;
  const inputs = {
    // Beijing wall time, whatever the operator's own zone (beijing-time.js).
    opens_at: h('input', { type: 'datetime-local', value: toBeijingInput(l.opens_at) }),
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
    if (inputs.opens_at.value.trim() !== toBeijingInput(l.opens_at)) {
      const opensAt = fromBeijingInput(inputs.opens_at.value);
      if (opensAt === null) {
        state.status = { text: t('bad_beijing_time') };
        rerender();
        return;
      }
      body.opens_at = opensAt;
    }
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
      state.status = { text: t('nothing_changed') };
      rerender();
      return;
    }
    const r = await api('PATCH', `/admin/launches/${encodeURIComponent(l.launch_id)}`, body);
    say(r, 'saved');
    if (r.ok)
      state.launches = state.launches.map((x) => (x.launch_id === l.launch_id ? r.data : x));
    rerender();
  };
  return h(
    'form',
    { class: 'card launch-form', 'data-launch': l.launch_id, onsubmit: save },
    h('h2', {}, `${localName(l)} (${l.launch_id})`),
    h(
      'p',
      { class: 'muted small' },
      t('l_state', { state: l.state }),
      ' · ',
      beijingText(l.opens_at),
    ),
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
