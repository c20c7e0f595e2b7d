// Operator console: an order's history and the audit log in words, never raw JSON. Each event
// says what happened, who did it (the buyer, launchday itself, or the operator by name) and the
// detail that matters (the deposit, the reason, the configuration before and after), with its
// time to the second in Beijing time.
import { codeText, t } from './i18n.js';
import { counted, h, yuan } from './format.js';
import { BEIJING_LABEL, beijingSeconds, beijingText } from './beijing-time.js';

/** `operator:mei` -> `mei`; `buyer:acc_1` -> "buyer"; `system` -> "launchday (automatic)". */
export function actorText(actor) {
  const s = String(actor ?? '');
  if (s.startsWith('operator:')) return t('actor_operator', { name: s.slice('operator:'.length) });
  if (s.startsWith('buyer:')) return t('actor_buyer');
  if (s === 'system') return t('actor_system');
  return s;
}

/** A time to the second in Beijing time, in a <time> element. */
export function timeCell(iso) {
  return h('time', { datetime: iso, title: BEIJING_LABEL }, beijingSeconds(iso));
}

const config = (c) =>
  c ? [c.launch_id, c.trim, ...(c.options || []), c.city].filter(Boolean).join(' · ') : '';

/** The order event's type in words (the operator's view: who acted is said separately). */
function eventText(e) {
  const d = e.detail || {};
  switch (e.type) {
    case 'placed':
      return t('ev_placed');
    case 'placed_and_locked':
      return t('ev_placed_and_locked', { place: d.queue_place ?? '–' });
    case 'locked':
      return t(d.reason === 'cooling_off_ended' ? 'ev_auto_locked' : 'ev_locked', {
        place: d.queue_place ?? '–',
      });
    case 'cancelled':
      return ['refunded', 'forfeited'].includes(d.deposit_state)
        ? t(`ev_cancelled_${d.deposit_state}`, { deposit: yuan(d.deposit_fen ?? 0) })
        : t('ev_cancelled');
    case 'changed':
      return t(d.requeued ? 'ev_changed_requeued' : 'ev_changed');
    case 'scheduled':
      return t('ev_scheduled', { vin: d.vin ?? '–' });
    case 'delivered':
      return t('ev_delivered', { vin: d.vin ?? '–' });
    case 'car_released':
      return t('ev_car_released', { vin: d.vin ?? '–',
        reason: d.reason ? codeText('detail_release_', d.reason) : '–' });
    default:
      return e.type;
  }
}

/** One history event as a timeline item: time, what, who, and the details below. */
function historyItem(e) {
  const d = e.detail || {};
  const more = [];
  if (d.reason && e.type === 'cancelled') more.push([t('o_reason_short'), d.reason]);
  if (e.type === 'changed' && d.from && d.to) {
    more.push([t('col_before'), config(d.from)], [t('col_after'), config(d.to)]);
  }
  if ((e.type === 'placed' || e.type === 'placed_and_locked') && d.trim) {
    more.push([t('configuration'), config(d)]);
  }
  return h(
    'li',
    { 'data-type': e.type },
    timeCell(e.at),
    h('span', { class: 'console-what' }, eventText(e)),
    h('span', { class: 'console-who' }, actorText(e.actor)),
    more.length
      ? h(
          'dl',
          { class: 'console-detail' },
          more.flatMap(([k, v]) => [h('dt', {}, k), h('dd', {}, v)]),
        )
      : null,
  );
}

export function historyTimeline(history) {
  return h('ol', { class: 'timeline console-timeline' }, history.map(historyItem));
}

// Each key an audit entry's detail can hold (every appendAudit and audit() call in src/), with
// its name in words and how its value reads: times in Beijing time, money in yuan, states and
// switches in words. test/web/admin-audit-words.test.ts fails when the server writes a key that
// is not here, or when any entry would show a raw key or an epoch-ms number.
const time = (v) => beijingText(v);
const money = (v) => yuan(v);
const yes = (v) => t(v ? 'detail_yes' : 'detail_no');
const list = (v) => v.join(', ');
const word = (prefix) => (v) => codeText(prefix, v);
const DETAIL = {
  launch_id: ['detail_launch_id'], order_id: ['detail_order_id'],
  window_id: ['detail_window_id'], account_id: ['detail_account_id'],
  // A car's release gives its cause as a code (delivery.ts, ReleaseReason); an operator's
  // reason is their own words, shown as typed.
  reason: ['detail_reason', word('detail_release_')], deposit_state: ['detail_deposit_state', word('dstate_')],
  status: ['detail_status', word('status_')], revoked: ['detail_revoked'],
  operator: ['detail_operator'], created: ['detail_created'], refused: ['detail_refused'],
  advance_seconds: ['detail_advance_seconds'], now: ['detail_now', time],
  closed_at: ['detail_closed_at', time],
  // A launch's edited fields (launch-changes.ts).
  opens_at: ['l_opens_at', time], deposit_fen: ['l_deposit_yuan', money],
  per_account_limit: ['l_limit'], cooling_off_hours: ['l_cooling'], cities: ['l_cities', list],
  // Deliveries and production.
  vin: ['detail_vin'], due_at_ms: ['detail_due_at', time], to_order_id: ['detail_to_order_id'],
  until_ms: ['detail_until', time], no_shows: ['detail_no_shows'],
  revenue_fen: ['detail_revenue', money], centre: ['detail_centre'],
  capacity: ['detail_capacity'], trim: ['detail_trim'], version: ['detail_version'],
  city_id: ['detail_city'], city: ['detail_city'], cause: ['detail_cause', word('detail_cause_')],
  replan_id: ['detail_replan_id'], moved_earlier: ['detail_moved_earlier'],
  moved_later: ['detail_moved_later'], built_on: ['detail_built_on'],
  recorded: ['detail_recorded'], allocated: ['detail_allocated'], pooled: ['detail_pooled'],
  // Price books.
  item: ['detail_item', (v) => itemText(v)], from_fen: ['detail_from_price', money],
  to_fen: ['detail_to_price', money], effective_from_ms: ['detail_effective_from', time],
  costs: ['detail_costs', (v) => Object.entries(v).map(([k, fen]) => `${k} ${yuan(fen)}`)
    .join(' · ')],
  deliveries_per_year_target: ['detail_deliveries_target'],
  protection: ['detail_protection', (v) => t(v.undelivered_pays_lower ? 'detail_protection_on'
    : 'detail_protection_off', { days: counted('n_detail_days', v.delivered_within_days) })],
  price_fen: ['detail_price', money], given: ['detail_given'],
  // Drops.
  drop_id: ['detail_drop_id'], hold_id: ['detail_hold_id'], was: ['detail_was', word('s_hold_')],
  refund_fen: ['detail_refund', money], flagged: ['detail_flagged', yes],
  cluster_id: ['detail_cluster_id'], opens_at_ms: ['d_opens_at', time],
  // A refund confirmed (drops', price books' and deliveries' refundSettled): how the provider
  // said so; a ready-stock sale's by its id.
  sale_id: ['detail_sale_id'],
  reference: ['detail_reference'], amount_fen: ['detail_amount', money],
  via: ['detail_via', word('detail_via_')], event_id: ['detail_event_id'],
  variants: ['d_variants', (v) => v.map((x) => `${x.variant} × ${x.quantity}`).join(', ')],
  // Waiting rooms: the settings as the room form names them (waiting-rooms-service.ts, diff).
  room_id: ['detail_room_id'], ticket_id: ['detail_ticket_id'], pass_id: ['detail_pass_id'],
  // A pass revoked while an order or purchase with it was under way: whose request held it.
  claimed_by: ['detail_claimed_by'],
  follows: ['detail_follows', (v) => followsText(v)],
  enabled: ['detail_room_on', yes], suspended: ['wr_suspended', yes],
  opensAtMs: ['wr_opens_at', time], prequeueAtMs: ['wr_prequeue_at', time],
  order: ['wr_order', word('wr_order_')], admitPerMinute: ['wr_rate'], activeMax: ['wr_cap'],
  passSeconds: ['wr_pass'], graceSeconds: ['wr_grace'], adaptive: ['wr_adaptive', yes],
  waitingStatus: ['wr_status'],
};

/** `trim:max` -> "trim max" in words (a price version's item). */
function itemText(v) {
  const [kind, id] = String(v).split(':');
  return t(kind === 'option' ? 'detail_item_option' : 'detail_item_trim', { id });
}

/** `drop:tee` -> "drop tee": the launch or drop a room follows. */
function followsText(v) {
  const [kind, id] = String(v).split(':');
  return `${t(`s_kind_${kind}`)} ${id}`;
}

/** A detail key's name in words; a key this page does not know reads as itself. */
function fieldName(field) {
  if (field.startsWith('capacity_per_week.')) {
    return t('l_capacity', { trim: field.slice('capacity_per_week.'.length) });
  }
  return DETAIL[field] ? t(DETAIL[field][0], { zone: t('wr_beijing') }) : field;
}

/** A detail value as an operator reads it: times, money, states and switches in words. */
function valueText(field, v) {
  if (v === null || v === undefined || v === '') return '–';
  const show = DETAIL[field]?.[1];
  if (show) return show(v);
  if (Array.isArray(v)) return v.join(', ');
  return String(v);
}

// A value that changed: the launch's and order's `changes` ({from, to}) and a room's settings
// ({old, new}).
const isChange = (v) => v !== null && typeof v === 'object' && !Array.isArray(v)
  && (('from' in v && 'to' in v) || ('old' in v && 'new' in v));

/**
 * An audit entry's detail in words, without the DOM: `changes`, each changed field's name,
 * before and after; `facts`, the other keys' names and values. `fields` (the names a launch
 * edit sent) is left out: `changes` says the same in words.
 */
export function auditWords(entry) {
  const d = entry.detail || {};
  const changes = [];
  const facts = [];
  const change = (field, c) => changes.push({ field, name: fieldName(field),
    before: valueText(field, c.from ?? c.old), after: valueText(field, c.to ?? c.new) });
  for (const [k, v] of Object.entries(d)) {
    if (k === 'fields') continue;
    if (k === 'changes' && v && typeof v === 'object') {
      for (const [field, c] of Object.entries(v)) change(field, c ?? {});
    } else if (isChange(v)) {
      change(k, v);
    } else if (!(d.changes && k in d.changes)) {
      facts.push({ field: k, name: fieldName(k), value: valueText(k, v) });
    }
  }
  return { changes, facts };
}

/**
 * An audit entry's detail in words: each changed field old -> new, the reason, and the other
 * facts it holds as `name: value` lines.
 */
export function auditDetail(entry) {
  const { changes, facts } = auditWords(entry);
  const parts = [];
  if (changes.length) {
    parts.push(h('table', { class: 'console-changes' },
      h('thead', {}, h('tr', {}, ['col_field', 'col_before', 'col_after'].map((k) =>
        h('th', { scope: 'col' }, t(k))))),
      h('tbody', {}, changes.map((c) => h('tr', { 'data-field': c.field },
        h('th', { scope: 'row' }, c.name),
        h('td', { class: 'before' }, c.before),
        h('td', { class: 'after' }, c.after))))));
  }
  if (facts.length) {
    parts.push(h('dl', { class: 'console-detail' }, facts.flatMap((f) => [
      h('dt', {}, f.name), h('dd', { 'data-field': f.field }, f.value)])));
  }
  return parts;
}

/** An audit action in words, with its code kept beside it for searching the docs. */
export function actionText(action) {
  return codeText('act_', action);
}
