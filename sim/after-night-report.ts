// The audit and the report of the weeks after the night: the server's own figures read through
// the API, the store read whole (production-store-reader.ts), the production auditor's checks
// (each violation goes to the run's auditor, so the verdict covers the weeks too), and the
// report's production section.
import type { AfterNightSummary } from './after-night.js';
import type { Auditor } from './auditor.js';
import type { Outcome } from './http-client.js';
import {
  auditProduction, type ProductionVerdict, type ServerFigures,
} from './production-auditor.js';
import { readProductionStore } from './production-store-reader.js';
import { fmt } from './run-metrics.js';

type Call = (method: string, path: string) => Promise<Outcome>;

/** SU7's reported figures the weeks are measured against (DOMAIN.md). */
export const SU7_LOCKED_BY_LATE_APRIL = 75_723;
export const SU7_FIRST_YEAR_DELIVERIES = 100_000;

async function body(call: Call, path: string): Promise<any> {
  const o = await call('GET', path);
  if (o.kind !== 'reply' || o.status !== 200) {
    throw new Error(`GET ${path}: ${o.kind === 'reply' ? o.status : o.message}`);
  }
  return o.body;
}

/** The truth audit, every estimate change (paged to the end) and the outbox's counts. */
export async function readServerFigures(call: Call): Promise<ServerFigures> {
  const t = await body(call, '/admin/truth-audit');
  let changes = 0;
  let after = 0;
  for (;;) {
    const page = await body(call, `/admin/estimate-changes?after=${after}&limit=1000`);
    changes += page.changes.length;
    if (page.next_after == null) break;
    after = page.next_after;
  }
  const outbox = await body(call, '/admin/notifications?limit=1');
  const outboxTotal = Object.values(outbox.counts as Record<string, number>)
    .reduce((a, b) => a + b, 0);
  return { truth: { allocated: t.allocated, shownAtLock: t.shown_at_lock, inside: t.inside },
    estimateChanges: changes, outboxTotal };
}

/** Reads the API and the store, checks, and hands every violation to the run's auditor. */
export async function auditAfterNight(call: Call, storeLocation: string, launchId: string,
  s: AfterNightSummary, auditor: Auditor, released: ReadonlySet<string> = new Set()):
  Promise<ProductionVerdict> {
  const server = await readServerFigures(call);
  const store = await readProductionStore(storeLocation, launchId);
  const verdict = auditProduction({ ...store, recorded: s.recorded, replied: s.replied,
    released }, server);
  for (const v of verdict.violations) auditor.violation(v.kind, v.detail);
  return verdict;
}

const pct = (x: number | null): string => (x === null ? 'none shown' : `${(x * 100).toFixed(1)}%`);

/** The report's section on the weeks after the night. */
export function afterNightText(s: AfterNightSummary, v: ProductionVerdict, scale: number,
  viewsRead = 0): string {
  const f = v.figures;
  const perScale = (n: number): string => fmt(Math.round(n / scale));
  return [
    'after the night:',
    `  ${s.weeks} weeks from ${s.firstWeek} to ${s.lastWeek} in ${s.seconds.toFixed(1)} s of ` +
      `real time; target ${fmt(s.target)} allocations`,
    `  real seconds by part: ${[...s.secondsBy].map(([k, x]) => `${k} ${x.toFixed(1)}`)
      .join(', ')}`,
    `  cooling-off week: ${fmt(s.cancelledInCoolingOff)} cancelled, ` +
      `${fmt(s.lockedAfterCoolingOff)} of ${fmt(s.nightOrders)} night orders locked ` +
      `(/ scale ${perScale(s.lockedAfterCoolingOff)};` +
      ` SU7 reported ${fmt(SU7_LOCKED_BY_LATE_APRIL)} by late April)`,
    `  ${fmt(s.ordersAfterNight)} orders after the night; ${s.planVersions} plan versions ` +
      `(a capacity increase among them), ${s.replans} re-plans, queue read ${s.queueReads} times`,
    `  delivery centres: ${s.citiesWithCentre.before} cities open after the night, ` +
      `${s.citiesWithCentre.after} at the end (${s.centresOpenedDuringRun} opened during the run)`,
    `  built ${fmt(f.built)}, allocated ${fmt(f.allocated)} (/ scale ${perScale(f.allocated)}; ` +
      `SU7 reported ${fmt(SU7_FIRST_YEAR_DELIVERIES)} deliveries in the first year), ready ` +
      `stock ${fmt(f.readyStock)}; ${s.lineShortWeeks} line-weeks short of waiting orders`,
    `  estimates moved: ${fmt(f.movedEarlier)} earlier, ${fmt(f.movedLater)} later; messages: ` +
      `${fmt(f.estimateMessages)} "estimate moved", ${fmt(f.scheduledMessages)} "scheduled"`,
    `  truth share: ${pct(f.truth.share)} (${fmt(f.truth.inside)} of ${fmt(f.truth.shownAtLock)}` +
      ` allocated orders shown a plan's estimate at lock came inside it; ` +
      `${fmt(f.truth.allocated)} allocated in all)`,
    `  production audit: ${v.violations.length === 0 ? 'PASSED' : `${v.violations.length} ` +
      'violations (listed with the audit)'} (queue order per configuration, one car per order ` +
      'and order per car, allocations within built cars, one message per moved estimate, ' +
      `truth audit = store; ${fmt(viewsRead)} orders read back: stage and VIN)`,
  ].join('\n');
}

/** The same section as data, for `--report-file` (`after_night`). */
export function afterNightJson(s: AfterNightSummary, v: ProductionVerdict):
  Record<string, unknown> {
  const f = v.figures;
  return { weeks: s.weeks, first_week: s.firstWeek, last_week: s.lastWeek, target: s.target,
    seconds: s.seconds, seconds_by: Object.fromEntries(s.secondsBy),
    night_orders: s.nightOrders, locked_after_cooling_off: s.lockedAfterCoolingOff,
    orders_after_night: s.ordersAfterNight, plan_versions: s.planVersions, replans: s.replans,
    cities_with_centre: s.citiesWithCentre, built: f.built, allocated: f.allocated,
    ready_stock: f.readyStock, moved_earlier: f.movedEarlier, moved_later: f.movedLater,
    estimate_messages: f.estimateMessages, scheduled_messages: f.scheduledMessages,
    truth: f.truth, violations: v.violations.length };
}
