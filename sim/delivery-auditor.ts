// The auditor of the way from the car built to the keys (issue 16): from what the store holds
// (orders, deliveries, balance parts, price versions and protections, releases, messages, slots,
// ready stock) it checks the money of every order, slot capacity, ready stock sold once,
// handovers paid in full, releases only after notice, deferrals by the rules, protection given to
// exactly the orders the rule covers, and rebuilds the books from that history, to the fen, to
// compare with `GET /admin/books/{launch}` and its CSV. Pure: the data comes in, the violations
// and figures go out (delivery-store-reader.ts reads the store, delivery-report.ts the API).
import { DAY_MS } from '../src/production/plan.js';

export interface DOrder {
  readonly orderId: string;
  readonly trim: string;
  readonly options: readonly string[];
  readonly status: string;
  readonly priceFen: number;
  readonly depositFen: number;
  /** held, refunded, forfeited, applied. */
  readonly depositState: string;
  readonly createdAtMs: number;
  readonly cancelledAtMs: number | null;
}

export interface DDelivery {
  readonly orderId: string;
  readonly centre: string;
  readonly vin: string | null;
  readonly priceFen: number;
  readonly depositFen: number;
  readonly cycle: number;
  readonly stage: string;
  readonly scheduledAtMs: number;
  readonly receivedFen: number;
  readonly pendingFen: number;
  readonly refundedFen: number;
  readonly deferredDays: number;
  readonly slotStartMs: number | null;
  readonly deliveredAtMs: number | null;
  readonly revenueFen: number | null;
}

export interface DPart {
  readonly orderId: string;
  readonly reference: string;
  readonly status: string;
  readonly amountFen: number;
  readonly refundedFen: number;
}

export interface DProtection {
  readonly orderId: string;
  readonly version: number;
  readonly kind: 'credit' | 'refund';
  readonly amountFen: number;
}

export interface DVersion {
  readonly version: number;
  readonly itemKind: string;
  readonly itemId: string;
  readonly priceFen: number;
  readonly previousFen: number;
  readonly effectiveFromMs: number;
  readonly appliedAtMs: number | null;
}

/** A `car_released` entry of the audit log. */
export interface DRelease {
  readonly orderId: string;
  readonly atMs: number;
  readonly reason: string;
  readonly toOrderId: string | null;
  readonly untilMs: number | null;
}

export interface DMessage {
  readonly key: string;
  readonly orderId: string | null;
  readonly atMs: number;
}

export interface DReadySale {
  readonly saleId: string;
  readonly vin: string;
  readonly trim: string;
  readonly priceFen: number;
  readonly depositFen: number;
  readonly status: string;
  readonly settledAtMs: number | null;
}

export interface DeliveryData {
  readonly orders: readonly DOrder[];
  readonly deliveries: readonly DDelivery[];
  readonly parts: readonly DPart[];
  readonly versions: readonly DVersion[];
  readonly protections: readonly DProtection[];
  readonly releases: readonly DRelease[];
  readonly messages: readonly DMessage[];
  readonly slots: ReadonlyArray<{ centre: string; slotStartMs: number; booked: number }>;
  readonly capacities: ReadonlyMap<string, number>;
  readonly readySales: readonly DReadySale[];
  readonly readyCars: ReadonlyArray<{ vin: string; status: string; saleId: string | null }>;
  /** Built cars and the order each is allocated to (null: ready stock). */
  readonly cars: ReadonlyArray<{ vin: string; orderId: string | null }>;
}

export interface DeliveryRulesInForce {
  readonly defaultSlotCapacity: number;
  readonly deferralMaxDays: number;
  readonly graceDays: number;
  readonly deliveredWithinDays: number;
  readonly undeliveredPaysLower: boolean;
  readonly costFenByTrim: Readonly<Record<string, number>>;
  readonly perYearTarget: number;
  readonly opensAtMs: number;
}

/** The books as the API shows them (`GET /admin/books/{launch}`), and its CSV parts. */
export interface ServerBooks {
  readonly json: any;
  readonly summaryCsv: string;
  readonly weeksCsv: string;
}

/** The books' summary figures rebuilt from the history, by section and figure (fen, counts). */
export type BookFigures = Record<string, Record<string, number | null>>;

export interface DeliveryVerdict {
  readonly violations: ReadonlyArray<{ readonly kind: string; readonly detail: string }>;
  readonly books: BookFigures;
  readonly figures: {
    readonly delivered: number;
    readonly released: Readonly<Record<string, number>>;
    readonly credits: number;
    readonly refunds: number;
    readonly readySold: number;
    readonly slotsFull: number;
  };
}

type Bad = (kind: string, detail: string) => void;

const sum = <T>(xs: readonly T[], f: (x: T) => number): number =>
  xs.reduce((a, x) => a + f(x), 0);
const configuration = (o: DOrder): string => `${o.trim}/${[...o.options].sort().join(',')}`;
const groupBy = <T>(xs: readonly T[], key: (x: T) => string): Map<string, T[]> => {
  const m = new Map<string, T[]>();
  for (const x of xs) {
    const k = key(x);
    const list = m.get(k);
    if (list === undefined) m.set(k, [x]);
    else list.push(x);
  }
  return m;
};

/** Runs every check; `server` null skips the comparison with the server's books. */
export function auditDeliveries(d: DeliveryData, rules: DeliveryRulesInForce,
  server: ServerBooks | null, asOfMs: number): DeliveryVerdict {
  const violations: Array<{ kind: string; detail: string }> = [];
  const bad: Bad = (kind, detail) => {
    violations.push({ kind, detail });
  };
  const orders = new Map(d.orders.map((o) => [o.orderId, o]));
  const partsOf = groupBy(d.parts, (p) => p.orderId);
  const credits = new Map<string, number>();
  for (const p of d.protections) {
    if (p.kind === 'credit') credits.set(p.orderId, (credits.get(p.orderId) ?? 0) + p.amountFen);
  }
  checkMoney(d, orders, partsOf, credits, bad);
  const slotsFull = checkSlots(d, rules, bad);
  checkReadyStock(d, bad);
  checkReleases(d, orders, rules, bad);
  checkProtection(d, orders, rules, bad);
  const books = rebuildBooks(d, orders, partsOf, credits, rules);
  if (server !== null) compareBooks(books, weeksOf(d, rules, asOfMs), server, bad);
  const released: Record<string, number> = {};
  for (const r of d.releases) released[r.reason] = (released[r.reason] ?? 0) + 1;
  return { violations, books, figures: {
    delivered: d.deliveries.filter((x) => x.stage === 'delivered').length, released,
    credits: d.protections.filter((p) => p.kind === 'credit').length,
    refunds: d.protections.filter((p) => p.kind === 'refund').length,
    readySold: d.readySales.filter((s) => s.status === 'paid').length, slotsFull } };
}

/**
 * Every order's money: the record's sums are its parts' sums; its price is the order's less
 * the protection credits (never below the deposit); received - refunded never exceeds the
 * balance; a delivered order paid deposit + parts - refunds = the price charged = the revenue,
 * with nothing outstanding or under way.
 */
function checkMoney(d: DeliveryData, orders: ReadonlyMap<string, DOrder>,
  partsOf: ReadonlyMap<string, DPart[]>, credits: ReadonlyMap<string, number>, bad: Bad): void {
  for (const x of d.deliveries) {
    const o = orders.get(x.orderId);
    if (o === undefined) {
      bad('money_balance', `${x.orderId} has a delivery but the launch holds no such order`);
      continue;
    }
    const parts = partsOf.get(x.orderId) ?? [];
    const received = sum(parts.filter((p) => p.status === 'received'), (p) => p.amountFen);
    const pending = sum(parts.filter((p) => p.status === 'pending'), (p) => p.amountFen);
    const refunded = sum(parts, (p) => p.refundedFen);
    if (received !== x.receivedFen || pending !== x.pendingFen || refunded !== x.refundedFen) {
      bad('money_balance', `${x.orderId}: the record says received ${x.receivedFen}, pending ` +
        `${x.pendingFen}, refunded ${x.refundedFen}; its parts ${received}, ${pending}, ` +
        `${refunded}`);
    }
    const price = Math.max(Math.min(o.priceFen, o.depositFen),
      o.priceFen - (credits.get(o.orderId) ?? 0));
    if (x.priceFen !== price) {
      bad('money_balance', `${x.orderId}: charged ${x.priceFen}; the order's ${o.priceFen} ` +
        `less ${credits.get(o.orderId) ?? 0} of protection is ${price}`);
    }
    if (received - refunded > x.priceFen - x.depositFen) {
      bad('money_balance', `${x.orderId}: ${received - refunded} kept of a balance of ` +
        `${x.priceFen - x.depositFen}`);
    }
    if (x.stage !== 'delivered') continue;
    const paid = x.depositFen + received - refunded;
    if (paid !== x.priceFen || pending !== 0) {
      bad('delivered_unpaid', `${x.orderId} was handed over with ${paid} of ${x.priceFen} ` +
        `paid (${pending} under way)`);
    } else if (x.revenueFen !== paid) {
      bad('money_balance', `${x.orderId}: revenue ${x.revenueFen}, paid ${paid}`);
    }
    if (o.depositState !== 'applied') {
      bad('money_balance', `${x.orderId} was handed over; its deposit is ${o.depositState}`);
    }
  }
}

/** No slot over its centre's capacity, and each slot's count is the records holding it. */
function checkSlots(d: DeliveryData, rules: DeliveryRulesInForce, bad: Bad): number {
  const holding = new Map<string, number>();
  for (const x of d.deliveries) {
    if (x.slotStartMs === null || x.stage === 'released') continue;
    const k = `${x.centre}@${x.slotStartMs}`;
    holding.set(k, (holding.get(k) ?? 0) + 1);
  }
  let full = 0;
  for (const s of d.slots) {
    const capacity = d.capacities.get(s.centre) ?? rules.defaultSlotCapacity;
    const k = `${s.centre}@${s.slotStartMs}`;
    if (s.booked > capacity) {
      bad('slot_over_capacity', `${k}: ${s.booked} booked, capacity ${capacity}`);
    }
    if (s.booked === capacity) full++;
    if (s.booked !== (holding.get(k) ?? 0)) {
      bad('slot_over_capacity', `${k}: counted ${s.booked}, held by ${holding.get(k) ?? 0}`);
    }
    holding.delete(k);
  }
  for (const [k, n] of holding) bad('slot_over_capacity', `${k}: held by ${n}, never counted`);
  return full;
}

/** A car sold once: one paid sale per VIN, its listing `sold` by it, and no order holding it. */
function checkReadyStock(d: DeliveryData, bad: Bad): void {
  const carOrder = new Map(d.cars.map((c) => [c.vin, c.orderId]));
  const cars = new Map(d.readyCars.map((c) => [c.vin, c]));
  for (const [vin, sales] of groupBy(d.readySales, (s) => s.vin)) {
    const won = sales.filter((s) => s.status === 'paid' || s.status === 'deposit_paid');
    if (won.length > 1) {
      bad('ready_sold_twice', `${vin} sold ${won.length} times: ${won.map((s) => s.saleId)}`);
    }
    if (won.length === 0) continue;
    const holder = carOrder.get(vin);
    if (holder !== null && holder !== undefined) {
      bad('ready_sold_twice', `${vin} was sold from ready stock and is ${holder}'s car`);
    }
    const car = cars.get(vin);
    const want = won[0]!.status === 'paid' ? 'sold' : 'reserved';
    if (car?.saleId !== won[0]!.saleId || car.status !== want) {
      bad('ready_sold_twice', `${vin}: sale ${won[0]!.saleId} is ${won[0]!.status}, the ` +
        `listing is ${car?.status} for ${car?.saleId}`);
    }
  }
}

/**
 * Releases by the rules: a lapsed balance only after the overdue notice and its grace; a
 * deferral within the days allowed, its car to an order of the same configuration (or ready
 * stock), and no next car before the deferral ends.
 */
function checkReleases(d: DeliveryData, orders: ReadonlyMap<string, DOrder>,
  rules: DeliveryRulesInForce, bad: Bad): void {
  const overdue = groupBy(d.messages.filter((m) => m.key.startsWith('balance_overdue:')),
    (m) => m.orderId ?? '');
  const deliveries = new Map(d.deliveries.map((x) => [x.orderId, x]));
  for (const r of d.releases) {
    if (r.reason === 'lapsed') {
      const notice = (overdue.get(r.orderId) ?? []).find((m) =>
        m.atMs + rules.graceDays * DAY_MS <= r.atMs);
      if (notice === undefined) {
        bad('forfeit_without_notice', `${r.orderId}'s car was released for an unpaid balance ` +
          `at ${new Date(r.atMs).toISOString()} without an overdue notice ${rules.graceDays} ` +
          'days before');
      }
      continue;
    }
    if (r.reason !== 'deferral') continue;
    const days = r.untilMs === null ? Infinity : (r.untilMs - r.atMs) / DAY_MS;
    if (days > rules.deferralMaxDays) {
      bad('deferral_rule', `${r.orderId} deferred ${days} days (at most ${rules.deferralMaxDays})`);
    }
    const from = orders.get(r.orderId);
    const to = r.toOrderId === null ? null : orders.get(r.toOrderId);
    if (from !== undefined && to !== null && (to === undefined
      || configuration(to) !== configuration(from))) {
      bad('deferral_rule', `${r.orderId}'s car went to ${r.toOrderId}, of another configuration`);
    }
    const x = deliveries.get(r.orderId);
    if (x !== undefined && x.scheduledAtMs > r.atMs && r.untilMs !== null
      && x.scheduledAtMs < r.untilMs) {
      bad('deferral_rule', `${r.orderId} got its next car before its deferral ended`);
    }
  }
  for (const x of d.deliveries) {
    if (x.deferredDays > rules.deferralMaxDays) {
      bad('deferral_rule', `${x.orderId} deferred ${x.deferredDays} days in all`);
    }
  }
}

/**
 * Protection reaches exactly the orders the rule covers: for each applied lower price, every
 * order of the item placed before it and live then is credited the difference while not
 * delivered, or refunded it when delivered within the days allowed; nobody else gets anything.
 */
function checkProtection(d: DeliveryData, orders: ReadonlyMap<string, DOrder>,
  rules: DeliveryRulesInForce, bad: Bad): void {
  const delivered = new Map(d.deliveries.filter((x) => x.deliveredAtMs !== null)
    .map((x) => [x.orderId, x.deliveredAtMs!]));
  const given = groupBy(d.protections, (p) => String(p.version));
  for (const v of d.versions) {
    if (v.appliedAtMs === null) continue;
    const expected = new Map<string, { kind: string; amountFen: number }>();
    const cut = v.previousFen - v.priceFen;
    for (const o of orders.values()) {
      const reached = v.itemKind === 'trim' ? o.trim === v.itemId : o.options.includes(v.itemId);
      if (cut <= 0 || !reached || o.createdAtMs >= v.appliedAtMs) continue;
      if (o.cancelledAtMs !== null && o.cancelledAtMs <= v.appliedAtMs) continue;
      const at = delivered.get(o.orderId);
      if (at === undefined || at > v.appliedAtMs) {
        if (rules.undeliveredPaysLower) expected.set(o.orderId, { kind: 'credit', amountFen: cut });
      } else if (v.effectiveFromMs - at <= rules.deliveredWithinDays * DAY_MS) {
        expected.set(o.orderId, { kind: 'refund', amountFen: cut });
      }
    }
    for (const p of given.get(String(v.version)) ?? []) {
      const e = expected.get(p.orderId);
      if (e === undefined || e.kind !== p.kind || e.amountFen !== p.amountFen) {
        bad('protection_scope', `version ${v.version} gave ${p.orderId} a ${p.kind} of ` +
          `${p.amountFen}; the rule gives ${e ? `a ${e.kind} of ${e.amountFen}` : 'nothing'}`);
      }
      expected.delete(p.orderId);
    }
    for (const [id, e] of expected) {
      bad('protection_scope', `version ${v.version} gave ${id} nothing; the rule gives a ` +
        `${e.kind} of ${e.amountFen}`);
    }
  }
}

/** The books' summary rebuilt from orders, deliveries, parts, protections and ready stock. */
export function rebuildBooks(d: DeliveryData, orders: ReadonlyMap<string, DOrder>,
  partsOf: ReadonlyMap<string, DPart[]>, credits: ReadonlyMap<string, number>,
  rules: DeliveryRulesInForce): BookFigures {
  const all = [...orders.values()];
  const deposits = (state: string): number =>
    sum(all.filter((o) => o.depositState === state), (o) => o.depositFen);
  const received = sum(all, (o) => o.depositFen);
  const parts = (id: string): number => sum((partsOf.get(id) ?? [])
    .filter((p) => p.status === 'received'), (p) => p.amountFen - p.refundedFen);
  const handed = d.deliveries.filter((x) => x.stage === 'delivered');
  const paidSales = d.readySales.filter((s) => s.status === 'paid');
  const paid = sum(d.deliveries, (x) => parts(x.orderId));
  const due = sum(d.deliveries, (x) => orders.get(x.orderId)!.priceFen - x.depositFen);
  const creditsOnDue = sum(d.deliveries, (x) => credits.get(x.orderId) ?? 0);
  const recognised = sum(handed, (x) => x.depositFen + parts(x.orderId))
    + sum(paidSales, (s) => s.priceFen);
  const protection = sum(d.protections.filter((p) => p.kind === 'refund'), (p) => p.amountFen);
  const net = recognised - protection;
  const trims = [...handed.map((x) => orders.get(x.orderId)!.trim),
    ...paidSales.map((s) => s.trim)];
  const cost = sum(trims, (t) => rules.costFenByTrim[t] ?? 0);
  const handedIds = new Set(handed.map((x) => x.orderId));
  return {
    deposits: { received_fen: received, refunded_fen: deposits('refunded'),
      forfeited_fen: deposits('forfeited'), applied_fen: deposits('applied'),
      held_fen: received - deposits('refunded') - deposits('forfeited') - deposits('applied'),
      orders: all.length },
    balance: { due_fen: due, received_fen: paid, outstanding_fen: due - creditsOnDue - paid },
    revenue: { recognised_fen: recognised, protection_refunds_fen: protection, net_fen: net,
      deliveries: trims.length,
      ready_stock_received_fen: sum(d.readySales, (s) => (s.status === 'paid' ? s.priceFen
        : s.status === 'deposit_paid' || s.status === 'lapsed' ? s.depositFen : 0)),
      ready_stock_refunded_fen: sum(d.readySales.filter((s) => s.status === 'lapsed'),
        (s) => s.depositFen) },
    order_book: {
      potential_revenue_fen: sum(all.filter((o) => o.status !== 'cancelled'
        && !handedIds.has(o.orderId)), (o) => o.priceFen - (credits.get(o.orderId) ?? 0)),
      price_credits_fen: sum([...credits.values()], (c) => c) },
    margin: { cost_fen: cost, gross_margin_fen: net - cost,
      basis_points: net > 0 ? Math.round(((net - cost) * 10_000) / net) : null },
  };
}

/** Deliveries (handovers and ready-stock sales paid) per week since the opening. */
export function weeksOf(d: DeliveryData, rules: DeliveryRulesInForce, asOfMs: number):
  Array<{ week: number; deliveries: number; cumulative: number; target: number }> {
  const n = Math.max(1, Math.floor((asOfMs - rules.opensAtMs) / (7 * DAY_MS)) + 1);
  const per = new Array<number>(n).fill(0);
  const times = [...d.deliveries.filter((x) => x.stage === 'delivered').map((x) =>
    x.deliveredAtMs!), ...d.readySales.filter((s) => s.status === 'paid')
    .map((s) => s.settledAtMs!)];
  for (const t of times) {
    const w = Math.floor(Math.max(0, Math.floor((t - rules.opensAtMs) / DAY_MS)) / 7);
    if (w < n) per[w]!++;
  }
  let cumulative = 0;
  return per.map((deliveries, i) => {
    cumulative += deliveries;
    const target = Math.round((rules.perYearTarget * (i + 1)) / 52)
      - Math.round((rules.perYearTarget * i) / 52);
    return { week: i + 1, deliveries, cumulative, target };
  });
}

/** The server's books (JSON, summary CSV, weeks CSV) against the rebuilt ones, to the fen. */
function compareBooks(books: BookFigures, weeks: ReturnType<typeof weeksOf>,
  server: ServerBooks, bad: Bad): void {
  const csv = parseCsv(server.summaryCsv);
  const csvValue = new Map(csv.slice(1).map((r) => [`${r[0]}.${r[1]}`, r[2] ?? '']));
  for (const [section, figures] of Object.entries(books)) {
    for (const [name, want] of Object.entries(figures)) {
      const got = server.json?.[section]?.[name];
      if (got !== want) {
        bad('books_mismatch', `GET books ${section}.${name} = ${got}; the history gives ${want}`);
      }
      const cell = csvValue.get(`${section}.${name}`);
      if (cell !== (want === null ? '' : String(want))) {
        bad('books_mismatch', `books CSV ${section}.${name} = ${cell}; the history gives ${want}`);
      }
    }
  }
  const rows = parseCsv(server.weeksCsv).slice(1);
  const jsonWeeks = (server.json?.weeks ?? []) as any[];
  const limit = Math.max(rows.length, jsonWeeks.length);
  for (let i = 0; i < limit; i++) {
    const want = weeks[i];
    const j = jsonWeeks[i];
    const r = rows[i];
    const line = want === undefined ? 'none' : `${want.deliveries}/${want.cumulative}`;
    if (want === undefined || j?.deliveries !== want.deliveries
      || j?.cumulative !== want.cumulative || j?.target !== want.target) {
      bad('books_mismatch', `week ${i + 1}: GET books says ${j?.deliveries}/${j?.cumulative}` +
        ` (target ${j?.target}); the history gives ${line}`);
    }
    if (want === undefined || r?.[1] !== String(want.deliveries)
      || r?.[3] !== String(want.cumulative)) {
      bad('books_mismatch', `week ${i + 1}: the weeks CSV says ${r?.[1]}/${r?.[3]}; the ` +
        `history gives ${line}`);
    }
  }
}

/** RFC 4180 records (quoted fields with doubled quotes, CRLF or LF). */
export function parseCsv(text: string): string[][] {
  const rows: string[][] = [];
  let row: string[] = [];
  let field = '';
  let quoted = false;
  for (let i = 0; i < text.length; i++) {
    const c = text[i]!;
    if (quoted) {
      if (c === '"' && text[i + 1] === '"') {
        field += '"';
        i++;
      } else if (c === '"') quoted = false;
      else field += c;
    } else if (c === '"') quoted = true;
    else if (c === ',') {
      row.push(field);
      field = '';
    } else if (c === '\n' || c === '\r') {
      if (c === '\r' && text[i + 1] === '\n') i++;
      row.push(field);
      rows.push(row);
      row = [];
      field = '';
    } else field += c;
  }
  if (field !== '' || row.length > 0) rows.push([...row, field]);
  return rows;
}
