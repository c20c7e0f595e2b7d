// The JSON shapes of launches and change windows (docs/api.md): snake_case, money in fen,
// times as ISO strings.
import { iso } from '../kernel/iso-time.js';
import { roomNoticeView, type NoticedRoom } from '../kernel/room-notice.js';
import { isWindowOpen, launchState, type ChangeWindow, type Launch } from './launch.js';

/** A launch as anyone may read it, with the waiting room in front of its orders (null: none). */
export function launchView(l: Launch, nowMs: number, room: NoticedRoom | null) {
  return {
    launch_id: l.launchId, model_id: l.modelId, name: l.name, name_zh: l.nameZh,
    opens_at: iso(l.opensAtMs), state: launchState(l, nowMs),
    server_time: iso(nowMs), deposit_fen: l.depositFen, cooling_off_hours: l.coolingOffHours,
    per_account_limit: l.perAccountLimit, locks_on_payment: l.locksOnPayment,
    waiting_room: roomNoticeView(room),
    trims: l.trims.map((t) => ({ trim: t.trim, name: t.name, name_zh: t.nameZh,
      price_fen: t.priceFen, capacity_per_week: t.capacityPerWeek, lead_weeks: t.leadWeeks })),
    options: l.options.map((o) => ({ option_id: o.optionId, group: o.group, name: o.name,
      name_zh: o.nameZh, price_fen: o.priceFen, default: o.isDefault })),
    cities: l.cities.map((c) => ({ city_id: c.cityId, name: c.name, name_zh: c.nameZh,
      opened_on: c.openedOn })),
  };
}

export function windowView(w: ChangeWindow, nowMs: number) {
  const state = w.closedAtMs !== null || nowMs >= w.closesAtMs ? 'closed'
    : isWindowOpen(w, nowMs) ? 'open' : 'scheduled';
  return { window_id: w.windowId, from_launch_id: w.fromLaunchId, to_launch_id: w.toLaunchId,
    opens_at: iso(w.opensAtMs), closes_at: iso(w.closesAtMs), allows: w.allows, state,
    closed_at: iso(w.closedAtMs), created_by: w.createdBy, created_at: iso(w.createdAtMs) };
}
