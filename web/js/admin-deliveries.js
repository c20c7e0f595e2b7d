// Operator console, deliveries: overdue balances (past the deadline, not paid in full) with
// where each stands (notice to send, in grace, waiting for a part under way, grace over),
// balance parts awaiting the provider's word with the collection reconciler's questions, cars
// built to mark ready at the centre, ready cars to hand over or record as a no-show, and a
// centre's appointment slots with its capacity (docs/api.md, "Deliveries").
import { t } from './i18n.js';
import { count, dateTime, h, yuan } from './format.js';
import { api, rerender, say, state } from './admin-context.js';
import { serverNow } from './api.js';
import { BALANCE_STRINGS } from './balance-strings.js';
import { STRINGS } from './strings.js';

// The payment methods' names, as the buyer's balance page says them.
Object.assign(STRINGS, Object.fromEntries(Object.entries(BALANCE_STRINGS)
  .filter(([k]) => k.startsWith('method_'))));

Object.assign(STRINGS, {
  tab_deliveries: { zh: '交付', en: 'Deliveries' },
  d_overdue: { zh: '逾期尾款（{n}）', en: 'Overdue balances ({n})' },
  d_pending: { zh: '待支付机构确认的尾款（{n}）', en: 'Balance parts awaiting the provider ({n})' },
  d_state_part: { zh: '有 {amount} 正在支付中：等其结果后再处理', en:
    '{amount} under way: waited for before anything else' },
  d_state_notice: { zh: '已过期限：即将发送逾期通知', en: 'Past the deadline: the notice goes next' },
  d_state_grace: { zh: '已发逾期通知，宽限期中', en: 'Notice sent: in grace' },
  d_state_release: { zh: '宽限期已过：车辆将转给下一位', en:
    'Grace over: the car goes to the next order' },
  d_check_first: { zh: '等待通知；{at} 起向支付机构查询', en:
    'Awaiting the notice; the provider is asked from {at}' },
  d_check_again: { zh: '已查询 {n} 次，仍在处理；下次查询 {at}', en:
    'Still under way (questions to the provider: {n}); asked again at {at}' },
  col_method: { zh: '方式', en: 'Method' },
  col_requested: { zh: '发起时间', en: 'Requested' },
  d_built: { zh: '已生产，待到店（{n}）', en: 'Built, not yet at the centre ({n})' },
  d_ready: { zh: '已到店，待交付（{n}）', en: 'Ready at the centre ({n})' },
  d_slots: { zh: '交付中心时段', en: 'A centre\'s slots' },
  d_centre: { zh: '交付中心', en: 'Centre' },
  d_no_centre: { zh: '没有车型交付到「{centre}」，因此没有交付时段。',
    en: 'No launch delivers to "{centre}", so it has no slots.' },
  d_capacity: { zh: '每时段交付数（1-1000）', en: 'Handovers per slot (1-1,000)' },
  d_show: { zh: '查看', en: 'Show' },
  d_set_capacity: { zh: '保存容量', en: 'Save capacity' },
  d_mark_ready: { zh: '标记到店可验车', en: 'Mark ready' },
  d_handover: { zh: '交付（已验车、已交钥匙）', en: 'Hand over (inspected, keys given)' },
  d_no_show: { zh: '未到店', en: 'No-show' },
  d_why_balance: { zh: '尾款未付清（待付 {amount}）。', en:
    'Balance not received in full ({amount} outstanding).' },
  d_why_pending: { zh: '有 {amount} 尾款待支付机构确认。', en:
    '{amount} of the balance awaits the provider.' },
  d_why_appointment: { zh: '未预约交付时间。', en: 'No appointment booked.' },
  d_why_then: { zh: '以上解决后才能交付。', en: 'No handover until then.' },
  d_done_ready: { zh: '已标记到店，尾款期限开始计算', en: 'Marked ready: the balance deadline runs' },
  d_done_handover: { zh: '已交付，收入已确认', en: 'Handed over: revenue recognised' },
  d_done_no_show: { zh: '已记录未到店', en: 'No-show recorded' },
  d_done_capacity: { zh: '容量已保存', en: 'Capacity saved' },
  col_outstanding: { zh: '待付', en: 'Outstanding' },
  col_due: { zh: '期限', en: 'Due' },
  col_grace: { zh: '宽限至', en: 'Grace until' },
  col_vin: { zh: 'VIN', en: 'VIN' },
  col_appointment: { zh: '预约', en: 'Appointment' },
  col_slot: { zh: '时段', en: 'Slot' },
  col_booked: { zh: '已约', en: 'Booked' },
  col_action: { zh: '操作', en: 'Action' },
  col_centre: { zh: '中心', en: 'Centre' },
});

/**
 * Loads the lists and `centre`'s slots (by default the centre shown) into state.deliveries. A
 * centre no launch delivers to (404 delivery_city_not_found) leaves the lists shown, its slots empty and
 * the reason in the toast, so a mistyped name is said and can be corrected.
 */
export async function loadDeliveries(centre = state.deliveries?.centre ?? 'beijing') {
  const [overdue, pending, built, ready, slots] = await Promise.all([
    api('GET', '/admin/deliveries?overdue=true'), api('GET', '/admin/deliveries/pending-parts'),
    api('GET', '/admin/deliveries?stage=built'), api('GET', '/admin/deliveries?stage=ready'),
    api('GET', `/admin/delivery-slots/${encodeURIComponent(centre)}`)]);
  const failed = [overdue, pending, built, ready].find((r) => !r.ok)
    ?? (slots.ok || slots.code === 'delivery_city_not_found' ? undefined : slots);
  if (failed) {
    state.status = { failure: failed };
    return;
  }
  if (!slots.ok) state.status = { failure: slots };
  state.deliveries = { centre, overdue: overdue.data.deliveries, pending: pending.data.parts,
    built: built.data.deliveries, ready: ready.data.deliveries,
    slots: slots.ok ? slots.data : null };
}

async function act(method, path, body, okKey) {
  const r = await api(method, path, body);
  say(r, okKey);
  await loadDeliveries();
  rerender();
}

function table(id, columns, rows) {
  return h('div', { class: 'card table-wrap' }, h('table', { id },
    h('thead', {}, h('tr', {}, columns.map((k) => h('th', { scope: 'col' }, t(k))))),
    h('tbody', {}, rows.map((cells) => h('tr', {}, cells.map((c) => h('td', {}, c)))))));
}

/**
 * Where an overdue balance stands, by the sweep's rules (deliveries/delivery.ts): a part under
 * way is waited for; otherwise the notice, then the grace, then the release.
 */
export function overdueState(x, nowMs) {
  const b = x.balance;
  if (b.pending_fen > 0) return t('d_state_part', { amount: yuan(b.pending_fen) });
  if (!b.notice_at) return t('d_state_notice');
  return Date.parse(b.grace_ends_at) > nowMs ? t('d_state_grace') : t('d_state_release');
}

/** What the collection reconciler has done about a pending part, and when it asks next. */
export function pendingState(p) {
  const at = dateTime(p.next_check_at, { seconds: true });
  return p.checks === 0 ? t('d_check_first', { at }) : t('d_check_again', { n: count(p.checks), at });
}

/**
 * Why a ready car cannot be handed over yet, as lines to show (none: it can). The server refuses
 * a handover before the balance is received in full, parts under way included
 * (`balance_outstanding`), and without a booked appointment (`appointment_not_found`):
 * deliveries-service.ts, handover.
 */
export function handoverBlockers(x) {
  const why = [];
  if (x.balance.outstanding_fen > 0) {
    why.push(t('d_why_balance', { amount: yuan(x.balance.outstanding_fen) }));
  }
  if (x.balance.pending_fen > 0) {
    why.push(t('d_why_pending', { amount: yuan(x.balance.pending_fen) }));
  }
  if (!x.appointment) why.push(t('d_why_appointment'));
  return why;
}

/** The handover button of a ready car, or why there is none yet. */
function handoverAction(x, orderPath) {
  const why = handoverBlockers(x);
  if (why.length > 0) {
    return h('span', { id: `handover-why-${x.order_id}` },
      [...why, t('d_why_then')].join(' '));
  }
  return button(`handover-${x.order_id}`, 'd_handover', () => act('POST',
    `${orderPath(x)}/handover`, { inspection_confirmed: true, keys_given: true },
    'd_done_handover'));
}

const button = (id, key, onclick, kind = 'primary') =>
  h('button', { type: 'button', class: kind, id, onclick }, t(key));

export function deliveriesSection() {
  const d = state.deliveries;
  const refresh = h('div', { class: 'actions' }, button('d-refresh', 'a_refresh', async () => {
    await loadDeliveries();
    rerender();
  }));
  if (!d) return [refresh];
  const orderPath = (x) => `/admin/orders/${encodeURIComponent(x.order_id)}`;
  const centreInput = h('input', { id: 'd-centre', value: d.centre, autocomplete: 'off' });
  const capacityInput = h('input', { id: 'd-capacity', type: 'number', min: '1', max: '1000',
    value: d.slots ? String(d.slots.capacity) : '' });
  return [
    refresh,
    h('h2', {}, t('d_overdue', { n: count(d.overdue.length) })),
    d.overdue.length === 0 ? h('p', {}, t('a_none')) : table('d-overdue-table',
      ['col_order', 'col_centre', 'col_outstanding', 'col_due', 'col_grace', 'col_state'],
      d.overdue.map((x) => [x.order_id, x.centre, yuan(x.balance.outstanding_fen),
        dateTime(x.balance.due_at), x.balance.grace_ends_at ? dateTime(x.balance.grace_ends_at)
          : '—', overdueState(x, serverNow())])),
    h('h2', {}, t('d_pending', { n: count(d.pending.length) })),
    d.pending.length === 0 ? h('p', {}, t('a_none')) : table('d-pending-table',
      ['col_order', 'col_method', 'col_amount', 'col_requested', 'col_state'],
      d.pending.map((p) => [p.order_id, t(`method_${p.method}`), yuan(p.amount_fen),
        dateTime(p.requested_at, { seconds: true }), pendingState(p)])),
    h('h2', {}, t('d_built', { n: count(d.built.length) })),
    d.built.length === 0 ? h('p', {}, t('a_none')) : table('d-built-table',
      ['col_order', 'col_vin', 'col_centre', 'col_action'],
      d.built.map((x) => [x.order_id, x.vin ?? '', x.centre, button(`ready-${x.order_id}`,
        'd_mark_ready', () => act('POST', `${orderPath(x)}/ready`, undefined,
          'd_done_ready'))])),
    h('h2', {}, t('d_ready', { n: count(d.ready.length) })),
    d.ready.length === 0 ? h('p', {}, t('a_none')) : table('d-ready-table',
      ['col_order', 'col_outstanding', 'col_appointment', 'col_action'],
      d.ready.map((x) => [x.order_id, yuan(x.balance.outstanding_fen),
        x.appointment ? dateTime(x.appointment.slot_start) : '—',
        h('div', { class: 'actions' },
          handoverAction(x, orderPath),
          x.appointment ? button(`no-show-${x.order_id}`, 'd_no_show', () => act('POST',
            `${orderPath(x)}/no-show`, undefined, 'd_done_no_show'), 'secondary') : null)])),
    h('h2', {}, t('d_slots')),
    h('div', { class: 'card' },
      h('label', { for: 'd-centre' }, t('d_centre')), centreInput,
      button('d-show', 'd_show', async () => {
        await loadDeliveries(centreInput.value.trim() || 'beijing');
        rerender();
      }, 'secondary'),
      // A city no launch delivers to has no slots: no capacity is offered for it.
      ...(d.slots ? [h('label', { for: 'd-capacity' }, t('d_capacity')), capacityInput,
        button('d-save-capacity', 'd_set_capacity', () => act('PUT',
          `/admin/delivery-slots/${encodeURIComponent(d.centre)}/capacity`,
          { capacity: Number(capacityInput.value) }, 'd_done_capacity'))] : [])),
    d.slots ? table('d-slots-table', ['col_slot', 'col_booked'], d.slots.slots
      .filter((s) => s.booked > 0).map((s) => [dateTime(s.slot_start),
        `${count(s.booked)} / ${count(d.slots.capacity)}`]))
      : h('p', { id: 'd-slots-none' }, t('d_no_centre', { centre: d.centre })),
  ];
}
