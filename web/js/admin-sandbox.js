// Operator console, the sandbox's text messages: with the sandbox SMS sender nothing is texted,
// so the sign-in codes it would have sent are shown here, to operators only, never to the buyer
// who asked. With a real provider the list is empty.
import { t } from './i18n.js';
import { dateTime, h } from './format.js';
import { api, rerender, state } from './admin-context.js';

export async function loadSandboxSms() {
  const r = await api('GET', '/admin/sandbox/sms');
  if (r.ok) state.sms = r.data;
  else state.status = { failure: r };
}

export function sandboxSection() {
  const sms = state.sms;
  return [
    h(
      'div',
      { class: 'card' },
      h('p', {}, t('s_provider', { provider: sms ? sms.provider : '…' })),
      h(
        'div',
        { class: 'actions' },
        h(
          'button',
          {
            type: 'button',
            class: 'primary',
            id: 's-refresh',
            onclick: async () => {
              await loadSandboxSms();
              rerender();
            },
          },
          t('a_refresh'),
        ),
      ),
    ),
    !sms
      ? null
      : sms.messages.length === 0
        ? h('p', {}, t('sms_none'))
        : h(
            'div',
            { class: 'card table-wrap' },
            h(
              'table',
              { id: 'sandbox-sms' },
              h(
                'thead',
                {},
                h(
                  'tr',
                  {},
                  ['col_at', 's_phone', 's_text'].map((k) => h('th', { scope: 'col' }, t(k))),
                ),
              ),
              h(
                'tbody',
                {},
                sms.messages.map((m) =>
                  h(
                    'tr',
                    {},
                    h('td', {}, dateTime(m.at)),
                    h('td', {}, m.phone),
                    h('td', {}, m.text),
                  ),
                ),
              ),
            ),
          ),
  ];
}
