// The configuration controls (trim, colour, wheels, extras, city) and the price they add up to.
// Used by the configurator and by "change" / "switch model" on an order.
import { localName, t } from './i18n.js';
import { h, yuan } from './format.js';
import { paintOf } from './car-drawing.js';

let formSeq = 0;

export function defaultSelection(launch) {
  const pick = (group) => {
    const opts = launch.options.filter((o) => o.group === group);
    return (opts.find((o) => o.default) || opts[0])?.option_id;
  };
  return {
    trim: launch.trims[0]?.trim,
    options: [pick('colour'), pick('wheels')].filter(Boolean),
    city: launch.cities[0]?.city_id,
  };
}

// Keeps only options this launch knows and fills a missing colour or wheels with the default.
export function fitSelection(launch, sel) {
  const base = defaultSelection(launch);
  const known = new Map(launch.options.map((o) => [o.option_id, o]));
  const options = (sel.options || []).filter((id) => known.has(id));
  for (const group of ['colour', 'wheels']) {
    if (!options.some((id) => known.get(id).group === group)) {
      const d = base.options.find((id) => known.get(id)?.group === group);
      if (d) options.push(d);
    }
  }
  return {
    trim: launch.trims.some((tr) => tr.trim === sel.trim) ? sel.trim : base.trim,
    options,
    city: launch.cities.some((c) => c.city_id === sel.city) ? sel.city : base.city,
  };
}

const GROUP_ORDER = ['colour', 'wheels', 'extras'];

// The lines of a price in a fixed order whatever order they were clicked in: trim, colour,
// wheels, then extras as the launch lists them. Each line: {group, label, fen}.
export function priceLines(launch, sel) {
  const trim = launch.trims.find((tr) => tr.trim === sel.trim);
  const lines = [{ group: 'trim', label: localName(trim), fen: trim ? trim.price_fen : 0 }];
  for (const group of GROUP_ORDER) {
    for (const o of launch.options) {
      if (o.group === group && sel.options.includes(o.option_id))
        lines.push({ group, label: localName(o), fen: o.price_fen });
    }
  }
  return { lines, totalFen: lines.reduce((s, l) => s + l.fen, 0) };
}

function choice(type, name, value, checked, label, priceFen, onchange, swatch = null) {
  return h(
    'label',
    { class: 'choice' },
    h('input', { type, name, value, checked: checked || null, onchange }),
    swatch
      ? h('span', { class: 'swatch', 'aria-hidden': 'true', style: `background:${swatch}` })
      : null,
    h('span', {}, label),
    priceFen === null
      ? null
      : h('span', { class: 'price' }, priceFen === 0 ? t('included') : '+' + yuan(priceFen)),
  );
}

// Returns a <div> of fieldsets. `allow` limits what can change (for locked orders in a window):
// a set of 'trim' | 'colour' | 'wheels' | 'extras' | 'city'; absent means everything.
export function configFields(launch, initial, onChange, { allow = null } = {}) {
  const sel = { ...initial, options: [...initial.options] };
  const id = `cf${++formSeq}`;
  const can = (what) => !allow || allow.has(what);
  const emit = () => onChange({ ...sel, options: [...sel.options] });
  const optionsOf = (group) => launch.options.filter((o) => o.group === group);

  const trimSet = h(
    'fieldset',
    { disabled: !can('trim') || null },
    h('legend', {}, t('choose_trim')),
    launch.trims.map((tr) =>
      choice('radio', `${id}-trim`, tr.trim, tr.trim === sel.trim, localName(tr), null, () => {
        sel.trim = tr.trim;
        emit();
      }),
    ),
  );
  for (const label of trimSet.querySelectorAll('label')) {
    const tr = launch.trims.find((x) => x.trim === label.querySelector('input').value);
    label.append(h('span', { class: 'price' }, yuan(tr.price_fen)));
  }

  const groupSet = (group, legendKey, type) => {
    const opts = optionsOf(group);
    if (opts.length === 0) return null;
    return h(
      'fieldset',
      { disabled: !can(group) || null },
      h('legend', {}, t(legendKey)),
      opts.map((o) =>
        choice(
          type,
          `${id}-${group}`,
          o.option_id,
          sel.options.includes(o.option_id),
          localName(o),
          o.price_fen,
          (ev) => {
            if (type === 'radio') {
              sel.options = sel.options.filter((x) => !opts.some((p) => p.option_id === x));
              sel.options.push(o.option_id);
            } else if (ev.target.checked) sel.options.push(o.option_id);
            else sel.options = sel.options.filter((x) => x !== o.option_id);
            emit();
          },
          group === 'colour' ? paintOf(o.option_id) : null,
        ),
      ),
    );
  };

  const citySelect = h(
    'select',
    {
      id: `${id}-city`,
      disabled: !can('city') || null,
      onchange: (ev) => {
        sel.city = ev.target.value;
        emit();
      },
    },
    launch.cities.map((c) =>
      h('option', { value: c.city_id, selected: c.city_id === sel.city || null }, localName(c)),
    ),
  );

  return h(
    'div',
    { class: 'config-fields' },
    trimSet,
    groupSet('colour', 'choose_colour', 'radio'),
    groupSet('wheels', 'choose_wheels', 'radio'),
    groupSet('extras', 'choose_extras', 'checkbox'),
    h('label', { for: `${id}-city` }, t('choose_city')),
    citySelect,
    h('p', { class: 'hint' }, t('city_hint')),
  );
}
