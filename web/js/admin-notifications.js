// Operator console, the notification outbox: every message to buyers with its delivery state
// (queued, sending, sent, delivered, failed), how many tries it took and the last error, the
// counts per state, and a filter by state.
import { t } from './i18n.js';
import { dateTime, h } from './format.js';
import { api, rerender, state } from './admin-context.js';

const STATES = ['queued', 'sending', 'sent', 'delivered', 'failed'];

export async function loadNotifications() {
  const filter = state.notificationState ? `?state=${state.notificationState}` : '';
  const r = await api('GET', `/admin/notifications${filter}`);
  if (r.ok) state.notifications = r.data;
  else state.status = { failure: r };
}

function stateFilter() {
  const select = h(
    'select',
    {
      id: 'n-state',
      onchange: async () => {
        state.notificationState = select.value;
        await loadNotifications();
        rerender();
      },
    },
    h('option', { value: '' }, t('n_all')),
    STATES.map((s) =>
      h(
        'option',
        { value: s, selected: state.notificationState === s || null },
        t(`msg_state_${s}`),
      ),
    ),
  );
  return [h('label', { for: 'n-state' }, t('n_state')), select];
}

export function notificationsSection() {
  const n = state.notifications;
  const counts = n ? STATES.map((s) => `${t(`msg_state_${s}`)} ${n.counts[s]}`).join(' · ') : '…';
  return [
    h(
      'div',
      { class: 'card' },
      h('p', {}, t('n_provider', { provider: n ? n.provider : '…' })),
      h('p', { id: 'n-counts' }, counts),
      ...stateFilter(),
      h(
        'div',
        { class: 'actions' },
        h(
          'button',
          {
            type: 'button',
            class: 'primary',
            id: 'n-refresh',
            onclick: async () => {
              await loadNotifications();
              rerender();
            },
          },
          t('a_refresh'),
        ),
      ),
    ),
    !n
      ? null
      : n.notifications.length === 0
        ? h('p', {}, t('n_none'))
        : h(
            'div',
            { class: 'card table-wrap' },
            h(
              'table',
              { id: 'notifications' },
              h(
                'thead',
                {},
                h(
                  'tr',
                  {},
                  ['col_at', 'n_order', 'n_text', 'n_state', 'n_attempts', 'n_error'].map((k) =>
                    h('th', { scope: 'col' }, t(k)),
                  ),
                ),
              ),
              h(
                'tbody',
                {},
                n.notifications.map((m) =>
                  h(
                    'tr',
                    {},
                    h('td', {}, dateTime(m.created_at)),
                    h('td', {}, m.order_id ?? '—'),
                    h('td', {}, m.text),
                    h('td', {}, t(`msg_state_${m.state}`)),
                    h('td', {}, String(m.attempts)),
                    h('td', {}, m.last_error ?? ''),
                  ),
                ),
              ),
            ),
          ),
  ];
}
