// Operator console, change windows: open one (a model switch is also a new configuration),
// list them, close one early.
import { serverNow } from './api.js';
import { codeText, localName, t } from './i18n.js';
import { h } from './format.js';
import {
  BEIJING_FORMAT, beijingText, fromBeijingInput, toBeijingText,
} from './beijing-time.js';
import { confirmDialog } from './dialog.js';
import { api, loadTab, rerender, say, showToast, state } from './admin-context.js';

const ALLOWS = ['trim', 'colour', 'wheels', 'extras', 'city', 'model'];

export function windowsSection() {
  const sel = (id, withNone) =>
    h(
      'select',
      { id },
      withNone ? h('option', { value: '' }, t('cw_none')) : null,
      state.launches.map((l) =>
        h('option', { value: l.launch_id }, `${localName(l)} (${l.launch_id})`),
      ),
    );
  const from = sel('cw-from', false);
  const to = sel('cw-to', true);
  // Typed as Beijing wall time, whatever the operator's own zone (beijing-time.js), as the
  // launch times are; a wrong one is said beside its field.
  const timeInput = (id, ms) =>
    h('input', {
      id,
      type: 'text',
      inputmode: 'numeric',
      spellcheck: 'false',
      autocomplete: 'off',
      placeholder: BEIJING_FORMAT,
      'aria-describedby': `${id}-err`,
      value: toBeijingText(Math.floor(ms / 60e3) * 60e3),
    });
  const opens = timeInput('cw-opens', serverNow());
  const closes = timeInput('cw-closes', serverNow() + 72 * 3600e3);
  const errorOf = (input) => h('p', { class: 'field-error', id: `${input.id}-err` });
  const opensErr = errorOf(opens);
  const closesErr = errorOf(closes);
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
    const opensAt = fromBeijingInput(opens.value);
    const closesAt = fromBeijingInput(closes.value);
    for (const [input, err, ok] of [
      [opens, opensErr, opensAt !== null],
      [closes, closesErr, closesAt !== null],
    ]) {
      if (ok) input.removeAttribute('aria-invalid');
      else input.setAttribute('aria-invalid', 'true');
      err.textContent = ok ? '' : t('bad_beijing_time');
    }
    if (opensAt === null || closesAt === null) {
      showToast(null);
      (opensAt === null ? opens : closes).focus();
      return;
    }
    const body = {
      from_launch_id: from.value,
      opens_at: opensAt,
      closes_at: closesAt,
      allows: boxes.filter(([, b]) => b.checked).map(([a]) => a),
    };
    if (to.value) body.to_launch_id = to.value;
    const r = await api('POST', '/admin/change-windows', body);
    say(r, 'cw_created');
    if (r.ok) await loadTab();
    rerender();
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
      rerender();
    }
  };
  return [
    h(
      'form',
      { class: 'card', id: 'cw-form', onsubmit: create, 'data-keep-typed': '' },
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
        h('div', {}, h('label', { for: 'cw-opens' }, t('cw_opens')), opens, opensErr),
        h('div', {}, h('label', { for: 'cw-closes' }, t('cw_closes')), closes, closesErr),
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
      state.windows.length === 0
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
                state.windows.map((w) =>
                  h(
                    'tr',
                    { 'data-window': w.window_id },
                    h('td', {}, w.window_id),
                    h('td', {}, w.from_launch_id + (w.to_launch_id ? ` → ${w.to_launch_id}` : '')),
                    h('td', {}, `${beijingText(w.opens_at)} – ${beijingText(w.closes_at)}`),
                    h('td', {}, w.allows.map((a) => t(`allow_${a}`)).join(', ')),
                    h('td', {}, codeText('w_state_', w.state)),
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
