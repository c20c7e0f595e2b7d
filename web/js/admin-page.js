// The operator console: launches, change windows, orders and the audit log, one module each.
import { initPage } from './ui.js';
import { t } from './i18n.js';
import { h } from './format.js';
import { STRINGS } from './strings.js';
import { ADMIN_STRINGS } from './admin-strings.js';
import {
  TOKEN_KEY, adminToken, api, keepTyped, loadTab, onRender, paintToast, restoreTyped, say,
  showToast, state,
} from './admin-context.js';
import { BEIJING_LABEL, beijingSeconds } from './beijing-time.js';
import { serverNow } from './api.js';
import { launchForm } from './admin-launches.js';
import { windowsSection } from './admin-windows.js';
import { ordersSection } from './admin-orders.js';
import { auditSection } from './admin-audit.js';
import { paymentsSection } from './admin-payments.js';
import { loadSandboxSms, sandboxSection } from './admin-sandbox.js';
import { loadNotifications, notificationsSection } from './admin-notifications.js';
// The Production tab is the console's largest: loaded when first opened, not with the page.
let production = null;
import { deliveriesSection, loadDeliveries } from './admin-deliveries.js';
import { dropsSection, loadDrops } from './admin-drops.js';
import { loadScopes, suspiciousSection } from './admin-suspicious.js';
import { loadRooms, roomsSection } from './admin-rooms.js';

Object.assign(STRINGS, ADMIN_STRINGS);

const TABS = ['launches', 'windows', 'orders', 'audit', 'payments', 'sms', 'notifications',
  'production', 'deliveries', 'drops', 'suspicious', 'rooms'];

function tokenForm() {
  const input = h('input', {
    type: 'password',
    id: 'admin-token',
    autocomplete: 'off',
    value: adminToken() || '',
  });
  return h(
    'form',
    {
      class: 'card',
      onsubmit: async (ev) => {
        ev.preventDefault();
        sessionStorage.setItem(TOKEN_KEY, input.value.trim());
        const r = await api('GET', '/admin/audit-log?limit=1');
        if (!r.ok) sessionStorage.removeItem(TOKEN_KEY);
        say(r, 'admin_token_ok');
        await loadTab();
        render();
      },
    },
    h('label', { for: 'admin-token' }, t('admin_token')),
    input,
    h('p', { class: 'hint' }, t('admin_token_hint')),
    h(
      'div',
      { class: 'actions' },
      h('button', { type: 'submit', class: 'primary', id: 'use-token' }, t('admin_use_token')),
      adminToken()
        ? h(
            'button',
            {
              type: 'button',
              class: 'secondary',
              onclick: () => {
                sessionStorage.removeItem(TOKEN_KEY);
                state.status = null;
                render();
              },
            },
            t('admin_forget_token'),
          )
        : null,
    ),
  );
}

function render() {
  const main = document.getElementById('main');
  document.title = `${t('admin_title')} · launchday`;
  const parts = [h('h1', {}, t('admin_title')), clockLine(), tokenForm()];
  if (adminToken()) {
    parts.push(
      h(
        'nav',
        { class: 'tabs', 'aria-label': t('admin_sections') },
        TABS.map((name) =>
          h(
            'button',
            {
              type: 'button',
              id: `tab-${name}`,
              'aria-pressed': String(state.tab === name),
              onclick: async () => {
                state.tab = name;
                state.status = null;
                await loadTab();
                if (name === 'sms') await loadSandboxSms();
                if (name === 'notifications') await loadNotifications();
                if (name === 'production') {
                  production ??= await import('./admin-production.js');
                  await production.loadProduction();
                }
                if (name === 'deliveries') await loadDeliveries();
                if (name === 'drops') await loadDrops();
                if (name === 'suspicious') await loadScopes();
                if (name === 'rooms') await loadRooms();
                render();
                document.getElementById(`tab-${name}`)?.focus();
              },
            },
            t(`tab_${name}`),
          ),
        ),
      ),
    );
    const section = {
      launches: () => state.launches.map(launchForm),
      windows: windowsSection,
      orders: ordersSection,
      audit: auditSection,
      payments: paymentsSection,
      sms: sandboxSection,
      notifications: notificationsSection,
      production: () => production?.productionSection() ?? [],
      deliveries: deliveriesSection,
      drops: dropsSection,
      suspicious: suspiciousSection,
      rooms: roomsSection,
    }[state.tab]();
    parts.push(h('section', { 'aria-labelledby': `tab-${state.tab}` }, section));
  }
  const kept = keepTyped(main);
  main.replaceChildren(...parts);
  restoreTyped(main, kept);
  paintToast();
}

// The time zone every time in the console is entered and shown in, with the time now in it to
// the second (the server's clock), so `22:00` in a field can be read against it.
function clockLine() {
  return h(
    'p',
    { class: 'console-clock' },
    t('console_clock'),
    ' ',
    h('time', { id: 'console-clock' }, beijingSeconds(serverNow())),
    ` ${BEIJING_LABEL} (UTC+8)`,
  );
}

setInterval(() => {
  const clock = document.getElementById('console-clock');
  if (clock) clock.textContent = beijingSeconds(serverNow());
}, 1000);

// Any further edit takes down the last notice: a "Saved" must not stand beside new, unsaved
// values.
document.getElementById('main').addEventListener('input', (ev) => {
  if (state.status && !ev.target.closest('dialog')) showToast(null);
});

onRender(render);
initPage(render);
await loadTab();
render();
