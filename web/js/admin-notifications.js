// Operator console, the notification outbox: every message to buyers with its delivery state
// (queued, sending, sent, delivered, failed), how many tries it took and the last error, the
// counts per state, and a filter by state; each message's kind, channel and language, when it was
// sent and delivered, and on request every send and report of it (its delivery history).
import { codeText, t } from './i18n.js';
import { dateTime, h } from './format.js';
import { api, rerender, showToast, state } from './admin-context.js';
import { STRINGS } from './strings.js';

Object.assign(STRINGS, {
  n_kind: { zh: '类型', en: 'Kind' },
  n_kind_line: { zh: '{kind} · {channel} · {language}', en: '{kind} · {channel} · {language}' },
  n_kind_order_placed: { zh: '下定', en: 'order placed' },
  n_kind_order_locked: { zh: '锁单', en: 'order locked' },
  n_kind_order_cancelled: { zh: '取消', en: 'order cancelled' },
  n_kind_estimate_moved: { zh: '预计交付变动', en: 'estimate moved' },
  n_kind_order_scheduled: { zh: '已排产（VIN）', en: 'scheduled (VIN)' },
  n_sms: { zh: '短信', en: 'SMS' },
  n_push: { zh: '推送', en: 'push' },
  n_delivered: { zh: '送达时间', en: 'Delivered' },
  n_sent_at: { zh: '{at} 已发送，未确认送达', en: 'sent {at}, not yet confirmed' },
  n_history: { zh: '发送记录', en: 'History' },
  n_history_title: { zh: '消息 {id} 的发送记录', en: 'Delivery history of {id}' },
  n_history_facts: {
    zh: '去重键 {key} · 账户 {account} · 第 {generation} 次交给服务商 · 服务商消息号 {provider}',
    en: 'Key {key} · account {account} · provider message {generation} · provider id {provider}',
  },
  n_history_none: { zh: '尚未发送。', en: 'Not sent yet.' },
  n_outcome: { zh: '结果', en: 'Outcome' },
  n_detail: { zh: '详情', en: 'Detail' },
});

/** The message whose history is open: the reply of GET /admin/notifications/{id}, or null. */
let opened = null;

async function openHistory(id) {
  const r = await api('GET', `/admin/notifications/${encodeURIComponent(id)}`);
  if (!r.ok) {
    showToast({ failure: r });
    return;
  }
  opened = r.data;
  rerender();
  document.getElementById('n-history')?.focus();
}

function historyPanel() {
  if (!opened) return null;
  const m = opened;
  return h(
    'div',
    { class: 'card table-wrap', id: 'n-history', tabindex: '-1' },
    h('h3', {}, t('n_history_title', { id: m.message_id })),
    h('p', {}, m.text),
    h('p', { class: 'hint' }, t('n_history_facts', { key: m.key, account: m.account_id,
      generation: m.generation, provider: m.provider_message_id ?? '—' })),
    m.history.length === 0
      ? h('p', {}, t('n_history_none'))
      : h('table', {},
          h('thead', {}, h('tr', {}, ['col_at', 'n_outcome', 'n_detail'].map((k) =>
            h('th', { scope: 'col' }, t(k))))),
          h('tbody', {}, m.history.map((a) => h('tr', {},
            h('td', {}, dateTime(a.at, { seconds: true })),
            h('td', {}, codeText('n_outcome_', a.outcome)),
            h('td', {}, a.detail))))),
  );
}

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
                  ['col_at', 'n_order', 'n_kind', 'n_text', 'n_state', 'n_attempts',
                    'n_delivered', 'n_error', 'n_history'].map((k) =>
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
                    { 'data-message': m.message_id },
                    h('td', {}, dateTime(m.created_at)),
                    h('td', {}, m.order_id ?? '—'),
                    h('td', {}, t('n_kind_line', { kind: t(`n_kind_${m.kind}`),
                      channel: m.channel === 'sms' ? t('n_sms') : t('n_push'),
                      language: m.language === 'zh' ? '中文' : 'English' })),
                    h('td', {}, m.text),
                    h('td', {}, t(`msg_state_${m.state}`)),
                    h('td', {}, String(m.attempts)),
                    h('td', {}, m.delivered_at ? dateTime(m.delivered_at, { seconds: true })
                      : m.sent_at ? t('n_sent_at', { at: dateTime(m.sent_at, { seconds: true }) })
                        : '—'),
                    h('td', {}, m.last_error ?? ''),
                    h('td', {}, h('button', { type: 'button', class: 'secondary',
                      'aria-label': `${t('n_history')} ${m.message_id}`,
                      onclick: () => openHistory(m.message_id) }, t('n_history'))),
                  ),
                ),
              ),
            ),
          ),
    historyPanel(),
  ];
}
