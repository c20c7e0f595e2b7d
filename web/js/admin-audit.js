// Operator console, the audit log: who did what, newest first.
import { t } from './i18n.js';
import { dateTime, h } from './format.js';
import { loadAudit, rerender, state } from './admin-context.js';

export function auditSection() {
  const limit = h('input', { type: 'number', id: 'a-limit', min: '1', max: '1000', value: '100' });
  return [
    h(
      'form',
      {
        class: 'card',
        onsubmit: async (ev) => {
          ev.preventDefault();
          await loadAudit(Number(limit.value));
          rerender();
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
    !state.audit
      ? null
      : state.audit.length === 0
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
                state.audit.map((e) =>
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
