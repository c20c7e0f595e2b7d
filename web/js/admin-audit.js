// Operator console, the audit log: who did what, newest first; the operator by name, each
// changed field old and new, times to the second (admin-history.js).
import { t } from './i18n.js';
import { h } from './format.js';
import { loadAudit, rerender, state } from './admin-context.js';
import { actionText, actorText, auditDetail, timeCell } from './admin-history.js';

export function auditSection() {
  const limit = h('input', { type: 'number', id: 'a-limit', min: '1', max: '1000', value: '100' });
  return [
    h(
      'form',
      {
        class: 'card',
        'data-keep-typed': '',
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
                    { 'data-action': e.action },
                    h('td', { class: 'at' }, timeCell(e.at)),
                    h('td', { class: 'actor' }, actorText(e.actor)),
                    h(
                      'td',
                      { class: 'action' },
                      actionText(e.action),
                      h('br'),
                      h('code', { class: 'small muted' }, e.action),
                    ),
                    h('td', { class: 'detail' }, auditDetail(e)),
                  ),
                ),
              ),
            ),
          ),
  ];
}
