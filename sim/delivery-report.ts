// The audit and the report of the way to the keys: the books read through the API (JSON and
// two CSV parts), the history read from the store (delivery-store-reader.ts), the delivery
// auditor's checks (each violation goes to the run's auditor), and the report's section.
import type { Auditor } from './auditor.js';
import {
  auditDeliveries, type DeliveryData, type DeliveryRulesInForce, type DeliveryVerdict,
  type ServerBooks,
} from './delivery-auditor.js';
import type { DeliveryFigures } from './delivery-weeks.js';
import type { Outcome } from './http-client.js';
import { fmt } from './run-metrics.js';

type Call = (method: string, path: string) => Promise<Outcome>;

async function get(call: Call, path: string): Promise<any> {
  const o = await call('GET', path);
  if (o.kind !== 'reply' || o.status !== 200) {
    throw new Error(`GET ${path}: ${o.kind === 'reply' ? o.status : o.message}`);
  }
  return o.body;
}

/**
 * The books as an operator sees them: the JSON, and the summary and weeks CSV parts (the
 * client parses JSON only, so a CSV reply comes back as `{ unparsed }`: read it raw here).
 */
export async function readServerBooks(call: Call, baseUrl: string, adminToken: string,
  launchId: string): Promise<ServerBooks> {
  const json = await get(call, `/admin/books/${launchId}`);
  const csv = async (part: string): Promise<string> => {
    const r = await fetch(`${baseUrl}/api/v1/admin/books/${launchId}/csv?part=${part}`,
      { headers: { authorization: `Bearer ${adminToken}` } });
    if (r.status !== 200) throw new Error(`books CSV ${part}: ${r.status}`);
    return r.text();
  };
  return { json, summaryCsv: await csv('summary'), weeksCsv: await csv('weeks') };
}

/** Checks the history against the rules and the books; every violation to the run's auditor. */
export function auditDeliveryRun(data: DeliveryData, rules: DeliveryRulesInForce,
  books: ServerBooks, auditor: Auditor): DeliveryVerdict {
  const asOfMs = Date.parse(books.json.as_of);
  const verdict = auditDeliveries(data, rules, books, asOfMs);
  for (const v of verdict.violations) auditor.violation(v.kind, v.detail);
  return verdict;
}

const yuan = (fen: number | null): string => (fen === null ? '-'
  : `${fmt(Math.round(fen / 100))} yuan`);

/** The report's section on the way to the keys. */
export function deliveriesText(f: DeliveryFigures, v: DeliveryVerdict, target: number): string {
  const b = v.books;
  const methods = Object.entries(f.partsByMethod).sort().map(([m, n]) => `${m} ${fmt(n)}`)
    .join(', ');
  return [
    'to the keys:',
    `  ${fmt(f.delivered)} of ${fmt(target)} orders handed over (the store: ` +
      `${fmt(v.figures.delivered)}); ${fmt(f.bookings)} appointments booked, ` +
      `${fmt(f.reschedules)} moved, ${fmt(f.slotFull)} refused as full, ` +
      `${fmt(v.figures.slotsFull)} slots filled to capacity`,
    `  balance: ${fmt(f.partsPaid)} parts (${methods}); ${fmt(f.partsRepaid)} buyers paid ` +
      `again after a failed part; ${fmt(f.sameKeyTwice)} parts sent twice under one key`,
    `  ${fmt(f.deferrals)} deferrals, ${fmt(f.neverPaid)} cars left unpaid, ${fmt(f.noShows)} ` +
      `no-shows (${fmt(f.noShowReleases)} released by the rule); releases by reason: ` +
      `${Object.entries(v.figures.released).map(([k, n]) => `${k} ${fmt(n)}`).join(', ')}`,
    `  price cut: ${f.priceCut === null ? 'none in the run' : `version ${f.priceCut.version} ` +
      `applied ${f.priceCut.appliedAt}`}; protection: ${fmt(v.figures.credits)} orders ` +
      `credited, ${fmt(v.figures.refunds)} delivered orders refunded`,
    `  ready stock: ${fmt(f.readyListed)} cars listed, ${fmt(f.readySoldFull)} sold whole, ` +
      `${fmt(f.readySoldDeposit)} on a deposit (${fmt(f.readyBalancePaid)} balances paid), ` +
      `${fmt(f.readyRaceLost)} buyers lost a race for a car`,
    `  books: deposits ${yuan(b.deposits!.received_fen!)} received, ` +
      `${yuan(b.deposits!.applied_fen!)} applied; balance ${yuan(b.balance!.received_fen!)} ` +
      `received, ${yuan(b.balance!.outstanding_fen!)} outstanding; revenue ` +
      `${yuan(b.revenue!.recognised_fen!)} recognised, ${yuan(b.revenue!.net_fen!)} net; ` +
      `gross margin ${yuan(b.margin!.gross_margin_fen!)}`,
    // The books' "deliveries" is every car whose revenue is recognised, ready stock included:
    // counted apart here, so that it is not read as handovers.
    `  books: ${fmt(b.revenue!.deliveries!)} cars delivered = ${fmt(v.figures.delivered)} ` +
      `handed over to their orders + ${fmt(v.figures.readySold)} ready-stock cars sold and paid`,
    `  delivery audit: ${v.violations.length === 0 ? 'PASSED' : `${v.violations.length} ` +
      'violations (listed with the audit)'} (money per order, slot capacity, ready stock sold ` +
      'once, handovers paid in full, no release without notice, deferrals, protection scope, ' +
      'books JSON and CSV = the history to the fen)',
  ].join('\n');
}

/** The same section as data, for `--report-file` (`deliveries`). */
export function deliveriesJson(f: DeliveryFigures, v: DeliveryVerdict): Record<string, unknown> {
  return { ...f, store_delivered: v.figures.delivered, released: v.figures.released,
    credits: v.figures.credits, refunds: v.figures.refunds, ready_sold: v.figures.readySold,
    // The books' revenue.deliveries, counted apart (it holds ready-stock sales too).
    books_deliveries: { handed_over: v.figures.delivered, ready_stock_sold: v.figures.readySold },
    slots_full: v.figures.slotsFull, books: v.books, violations: v.violations.length };
}
