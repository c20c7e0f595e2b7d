// Operator console: an order's history and the audit log in words, never raw JSON. Each event
// says what happened, who did it (the buyer, launchday itself, or the operator by name) and the
// detail that matters (the deposit, the reason, the configuration before and after), with its
// time to the second in Beijing time.
import { codeText, t } from './i18n.js';
import { h, yuan } from './format.js';
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
      return t('ev_car_released', { vin: d.vin ?? '–', reason: d.reason ?? '–' });
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

/** A value from an audit entry's `changes` as an operator reads it (times, money). */
function changeValue(field, v) {
  if (v === null || v === undefined) return '–';
  // The state alone: whether a held deposit is still refundable depends on the order's status,
  // which its own row says.
  if (field === 'deposit_state') return t(`dstate_${v}`);
  if (field === 'status') return t(`status_${v}`);
  if (field.endsWith('_at') && typeof v === 'string') return beijingText(v);
  if (field.endsWith('_fen') && typeof v === 'number') return yuan(v);
  if (Array.isArray(v)) return v.join(', ');
  return String(v);
}

const FIELD_KEYS = {
  opens_at: 'l_opens_at',
  deposit_fen: 'l_deposit_yuan',
  per_account_limit: 'l_limit',
  cooling_off_hours: 'l_cooling',
  cities: 'l_cities',
  status: 'detail_status',
  deposit_state: 'detail_deposit_state',
  closed_at: 'detail_closed_at',
};

function fieldName(field) {
  if (field.startsWith('capacity_per_week.')) {
    return t('l_capacity', { trim: field.slice('capacity_per_week.'.length) });
  }
  return FIELD_KEYS[field] ? t(FIELD_KEYS[field]) : field;
}

/**
 * An audit entry's detail in words: each changed field old -> new, the reason, and the other
 * facts it holds as `name: value` lines.
 */
export function auditDetail(entry) {
  const d = entry.detail || {};
  const parts = [];
  if (d.changes && typeof d.changes === 'object') {
    parts.push(
      h(
        'table',
        { class: 'console-changes' },
        h(
          'thead',
          {},
          h(
            'tr',
            {},
            ['col_field', 'col_before', 'col_after'].map((k) => h('th', { scope: 'col' }, t(k))),
          ),
        ),
        h(
          'tbody',
          {},
          Object.entries(d.changes).map(([field, c]) =>
            h(
              'tr',
              { 'data-field': field },
              h('th', { scope: 'row' }, fieldName(field)),
              h('td', { class: 'before' }, changeValue(field, c?.from)),
              h('td', { class: 'after' }, changeValue(field, c?.to)),
            ),
          ),
        ),
      ),
    );
  }
  const rest = Object.entries(d).filter(
    ([k]) => k !== 'changes' && k !== 'fields' && !(d.changes && k in d.changes),
  );
  if (rest.length) {
    parts.push(
      h(
        'dl',
        { class: 'console-detail' },
        rest.flatMap(([k, v]) => [
          h('dt', {}, t(`detail_${k}`) === `detail_${k}` ? k : t(`detail_${k}`)),
          h('dd', {}, typeof v === 'object' && v !== null ? JSON.stringify(v) : changeValue(k, v)),
        ]),
      ),
    );
  }
  return parts;
}

/** An audit action in words, with its code kept beside it for searching the docs. */
export function actionText(action) {
  return codeText('act_', action);
}
