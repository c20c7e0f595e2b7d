// Price books' SQL, the same text on both stores (`?` placeholders; the PostgreSQL adapter
// numbers them): the tables are small and written off the hot path, except the ledger rows the
// order hook appends, which are one multi-row INSERT per batch. Every claim on a ready car is a
// compare-and-set UPDATE on the row as read, so two buyers (threads or processes) racing for a
// car cannot both win on either store, and no lock is held while a payment is taken.
import { sortSums, type BookSettings, type LedgerSums } from './books.js';
import type { LedgerEntry, LedgerKind, StoredLedgerEntry } from './ledger.js';
import type {
  CarMove, OrderPrice, PriceProtection, PricebooksReads, PricebooksTx,
} from './pricebooks-store.js';
import type { PriceVersion } from './pricing.js';
import type { ReadyCar, ReadySale, ReadySaleOfCar, SaleStatus } from './ready-stock.js';

type Row = Record<string, unknown>;

/** What the SQL needs of a connection: rows of a query, and the rows a write changed. */
export interface Sql {
  all(sql: string, params?: readonly unknown[]): Promise<Row[]>;
  run(sql: string, params?: readonly unknown[]): Promise<number>;
}

const n = (v: unknown): number => Number(v);
const nOrNull = (v: unknown): number | null => (v === null || v === undefined ? null : Number(v));
const sOrNull = (v: unknown): string | null => (v === null || v === undefined ? null : String(v));

const LEDGER_COLS = 'entry_key, at_ms, launch_id, order_id, account_id, kind, amount_fen, trim, '
  + 'price_version';
/** Rows per INSERT: well under SQLite's 32,766 parameters with 9 columns. */
const LEDGER_ROWS_PER_INSERT = 500;

const rowToVersion = (r: Row): PriceVersion => ({ launchId: String(r.launch_id),
  version: n(r.version), itemKind: String(r.item_kind) as PriceVersion['itemKind'],
  itemId: String(r.item_id), priceFen: n(r.price_fen), previousFen: n(r.previous_fen),
  effectiveFromMs: n(r.effective_from_ms), reason: String(r.reason), actor: String(r.actor),
  recordedAtMs: n(r.recorded_at_ms), appliedAtMs: nOrNull(r.applied_at_ms) });

const rowToProtection = (r: Row): PriceProtection => ({ orderId: String(r.order_id),
  version: n(r.version), launchId: String(r.launch_id), kind: String(r.kind) as 'credit',
  amountFen: n(r.amount_fen), atMs: n(r.at_ms) });

const rowToCar = (r: Row): ReadyCar => ({ vin: String(r.vin), launchId: String(r.launch_id),
  trim: String(r.trim), options: JSON.parse(String(r.options)) as string[], city: String(r.city),
  priceFen: n(r.price_fen), depositFen: n(r.deposit_fen),
  status: String(r.status) as ReadyCar['status'], saleId: sOrNull(r.sale_id),
  untilMs: nOrNull(r.until_ms), listedAtMs: n(r.listed_at_ms), listedBy: String(r.listed_by) });

const rowToSale = (r: Row): ReadySale => ({ saleId: String(r.sale_id), vin: String(r.vin),
  launchId: String(r.launch_id), accountId: String(r.account_id),
  mode: String(r.mode) as ReadySale['mode'], priceFen: n(r.price_fen),
  depositFen: n(r.deposit_fen), status: String(r.status) as SaleStatus,
  paymentReference: String(r.payment_reference), createdAtMs: n(r.created_at_ms),
  expiresAtMs: n(r.expires_at_ms), balanceDueAtMs: nOrNull(r.balance_due_at_ms),
  settledAtMs: nOrNull(r.settled_at_ms), idempotencyKey: String(r.idempotency_key) });

const rowToEntry = (r: Row): StoredLedgerEntry => ({ seq: n(r.seq), entryKey: String(r.entry_key),
  atMs: n(r.at_ms), launchId: String(r.launch_id), orderId: String(r.order_id),
  accountId: String(r.account_id), kind: String(r.kind) as LedgerKind,
  amountFen: n(r.amount_fen), trim: String(r.trim), priceVersion: nOrNull(r.price_version) });

const rowToSettings = (r: Row): BookSettings => ({
  costFenByTrim: JSON.parse(String(r.costs)) as Record<string, number>,
  deliveriesPerYearTarget: n(r.deliveries_per_year_target),
  protection: JSON.parse(String(r.protection)) as BookSettings['protection'] });

const marks = (k: number): string => Array.from({ length: k }, () => '?').join(', ');

const LEDGER_COL_COUNT = 9;
/** The multi-row ledger INSERT by number of rows (1 to LEDGER_ROWS_PER_INSERT), built once. */
const ledgerInserts = new Map<number, string>();
function ledgerInsertSql(rows: number): string {
  let sql = ledgerInserts.get(rows);
  if (sql === undefined) {
    const row = `(${marks(LEDGER_COL_COUNT)})`;
    sql = `INSERT INTO ledger_entries (${LEDGER_COLS}) VALUES ${Array.from({ length: rows },
      () => row).join(', ')} ON CONFLICT (entry_key) DO NOTHING`;
    ledgerInserts.set(rows, sql);
  }
  return sql;
}

/** Price books' writes inside one transaction. */
export class PricebooksSqlTx implements PricebooksTx {
  constructor(private readonly q: Sql) {}

  async appendLedger(entries: readonly LedgerEntry[]): Promise<void> {
    // On the order path (a batch's placements): the statement text is built once per size and
    // the parameters are filled in one flat array, since building them per entry (a string of
    // 500 marks, a flatMap) cost more than SQLite's own work (bench:ledger's profile).
    for (let i = 0; i < entries.length; i += LEDGER_ROWS_PER_INSERT) {
      const end = Math.min(entries.length, i + LEDGER_ROWS_PER_INSERT);
      const params: unknown[] = new Array((end - i) * LEDGER_COL_COUNT);
      let j = 0;
      for (let k = i; k < end; k++) {
        const e = entries[k]!;
        params[j++] = e.entryKey; params[j++] = e.atMs; params[j++] = e.launchId;
        params[j++] = e.orderId; params[j++] = e.accountId; params[j++] = e.kind;
        params[j++] = e.amountFen; params[j++] = e.trim; params[j++] = e.priceVersion;
      }
      await this.q.run(ledgerInsertSql(end - i), params);
    }
  }

  async priceVersionsTx(launchId: string): Promise<PriceVersion[]> {
    return (await this.q.all('SELECT * FROM price_versions WHERE launch_id = ? ORDER BY version',
      [launchId])).map(rowToVersion);
  }

  async insertPriceVersion(v: PriceVersion): Promise<void> {
    await this.q.run('INSERT INTO price_versions (launch_id, version, item_kind, item_id, '
      + 'price_fen, previous_fen, effective_from_ms, reason, actor, recorded_at_ms, '
      + `applied_at_ms) VALUES (${marks(11)})`, [v.launchId, v.version, v.itemKind, v.itemId,
      v.priceFen, v.previousFen, v.effectiveFromMs, v.reason, v.actor, v.recordedAtMs,
      v.appliedAtMs]);
  }

  async markVersionApplied(launchId: string, version: number, atMs: number): Promise<boolean> {
    return (await this.q.run('UPDATE price_versions SET applied_at_ms = ? WHERE launch_id = ? '
      + 'AND version = ? AND applied_at_ms IS NULL', [atMs, launchId, version])) === 1;
  }

  async appliedVersions(): Promise<Map<string, number>> {
    return new Map((await this.q.all('SELECT launch_id, max(version) AS v FROM price_versions '
      + 'WHERE applied_at_ms IS NOT NULL GROUP BY launch_id'))
      .map((r) => [String(r.launch_id), n(r.v)]));
  }

  async protectionsTx(orderIds: readonly string[]): Promise<PriceProtection[]> {
    if (orderIds.length === 0) return [];
    const out: PriceProtection[] = [];
    for (let i = 0; i < orderIds.length; i += LEDGER_ROWS_PER_INSERT) {
      const part = orderIds.slice(i, i + LEDGER_ROWS_PER_INSERT);
      out.push(...(await this.q.all(`SELECT * FROM price_protections WHERE order_id IN (${
        marks(part.length)}) ORDER BY order_id, version`, part)).map(rowToProtection));
    }
    return out;
  }

  async insertProtections(rows: readonly PriceProtection[]): Promise<void> {
    for (const p of rows) {
      await this.q.run(`INSERT INTO price_protections VALUES (${marks(6)})`, [p.orderId,
        p.version, p.launchId, p.kind, p.amountFen, p.atMs]);
    }
  }

  async handoversOf(orderIds: readonly string[]): Promise<Map<string, number>> {
    const out = new Map<string, number>();
    for (let i = 0; i < orderIds.length; i += LEDGER_ROWS_PER_INSERT) {
      const part = orderIds.slice(i, i + LEDGER_ROWS_PER_INSERT);
      for (const r of await this.q.all('SELECT order_id, min(at_ms) AS at FROM ledger_entries '
        + `WHERE kind = 'revenue_recognised' AND order_id IN (${marks(part.length)}) `
        + 'GROUP BY order_id', part)) out.set(String(r.order_id), n(r.at));
    }
    return out;
  }

  async bookedTrims(orderIds: readonly string[]): Promise<Map<string, string>> {
    const out = new Map<string, string>();
    for (let i = 0; i < orderIds.length; i += LEDGER_ROWS_PER_INSERT) {
      const part = orderIds.slice(i, i + LEDGER_ROWS_PER_INSERT);
      // In append order: the last booking or repricing carries the trim the order has now.
      for (const r of await this.q.all('SELECT order_id, trim FROM ledger_entries WHERE kind IN '
        + `('order_booked', 'order_repriced') AND order_id IN (${marks(part.length)}) `
        + 'ORDER BY seq', part)) out.set(String(r.order_id), String(r.trim));
    }
    return out;
  }

  async putBookSettings(launchId: string, s: BookSettings, atMs: number): Promise<void> {
    await this.q.run(`INSERT INTO book_settings VALUES (${marks(5)}) ON CONFLICT (launch_id) `
      + 'DO UPDATE SET costs = excluded.costs, deliveries_per_year_target = '
      + 'excluded.deliveries_per_year_target, protection = excluded.protection, '
      + 'updated_at_ms = excluded.updated_at_ms',
    [launchId, JSON.stringify(s.costFenByTrim), s.deliveriesPerYearTarget,
      JSON.stringify(s.protection), atMs]);
  }

  async insertReadyCar(c: ReadyCar): Promise<boolean> {
    return (await this.q.run(`INSERT INTO ready_cars VALUES (${marks(12)}) `
      + 'ON CONFLICT (vin) DO NOTHING', [c.vin, c.launchId, c.trim, JSON.stringify(c.options),
      c.city, c.priceFen, c.depositFen, c.status, c.saleId, c.untilMs, c.listedAtMs,
      c.listedBy])) === 1;
  }

  async readyCarTx(vin: string): Promise<ReadyCar | null> {
    const [r] = await this.q.all('SELECT * FROM ready_cars WHERE vin = ?', [vin]);
    return r ? rowToCar(r) : null;
  }

  async moveReadyCar(m: CarMove): Promise<boolean> {
    // `sale_id IS ?` compares NULL too on SQLite; PostgreSQL spells it IS NOT DISTINCT FROM,
    // so the expected sale is compared through coalesce on both.
    return (await this.q.run('UPDATE ready_cars SET status = ?, sale_id = ?, until_ms = ? '
      + "WHERE vin = ? AND status = ? AND coalesce(sale_id, '') = ?", [m.status, m.saleId,
      m.untilMs, m.vin, m.expect.status, m.expect.saleId ?? ''])) === 1;
  }

  async insertReadySale(s: ReadySale): Promise<void> {
    await this.q.run(`INSERT INTO ready_sales VALUES (${marks(14)})`, [s.saleId, s.vin,
      s.launchId, s.accountId, s.mode, s.priceFen, s.depositFen, s.status, s.paymentReference,
      s.createdAtMs, s.expiresAtMs, s.balanceDueAtMs, s.settledAtMs, s.idempotencyKey]);
  }

  async readySaleTx(saleId: string): Promise<ReadySale | null> {
    const [r] = await this.q.all('SELECT * FROM ready_sales WHERE sale_id = ?', [saleId]);
    return r ? rowToSale(r) : null;
  }

  async readySaleByKey(accountId: string, key: string): Promise<ReadySale | null> {
    const [r] = await this.q.all('SELECT * FROM ready_sales WHERE account_id = ? '
      + 'AND idempotency_key = ?', [accountId, key]);
    return r ? rowToSale(r) : null;
  }

  async settleReadySale(saleId: string, from: SaleStatus, to: SaleStatus, atMs: number,
    balanceDueAtMs: number | null = null): Promise<boolean> {
    return (await this.q.run('UPDATE ready_sales SET status = ?, settled_at_ms = ?, '
      + 'balance_due_at_ms = coalesce(?, balance_due_at_ms) WHERE sale_id = ? AND status = ?',
    [to, atMs, balanceDueAtMs, saleId, from])) === 1;
  }
}

/** Price books' reads of committed data. */
export class PricebooksSqlReads implements PricebooksReads {
  constructor(private readonly q: Sql) {}

  async dueReadySales(nowMs: number, limit: number): Promise<ReadySale[]> {
    return (await this.q.all("SELECT * FROM ready_sales WHERE (status = 'held' "
      + "AND expires_at_ms <= ?) OR (status = 'deposit_paid' AND balance_due_at_ms <= ?) "
      + 'ORDER BY created_at_ms, sale_id LIMIT ?', [nowMs, nowMs, limit])).map(rowToSale);
  }

  async priceVersions(launchId: string): Promise<PriceVersion[]> {
    return (await this.q.all('SELECT * FROM price_versions WHERE launch_id = ? ORDER BY version',
      [launchId])).map(rowToVersion);
  }

  async orderPrice(orderId: string): Promise<OrderPrice | null> {
    // The latest booking: a model switch books the order again on the other launch.
    const [r] = await this.q.all("SELECT * FROM ledger_entries WHERE order_id = ? "
      + "AND kind = 'order_booked' ORDER BY seq DESC LIMIT 1", [orderId]);
    return r ? { orderId: String(r.order_id), launchId: String(r.launch_id),
      priceVersion: nOrNull(r.price_version) ?? 1, priceFen: n(r.amount_fen),
      atMs: n(r.at_ms) } : null;
  }

  async protectionsOf(orderId: string): Promise<PriceProtection[]> {
    return (await this.q.all('SELECT * FROM price_protections WHERE order_id = ? '
      + 'ORDER BY version', [orderId])).map(rowToProtection);
  }

  async ledgerSums(launchId: string, opensAtMs: number): Promise<LedgerSums> {
    const byTrim = (await this.q.all('SELECT kind, trim, sum(amount_fen) AS fen, count(*) AS c '
      + 'FROM ledger_entries WHERE launch_id = ? GROUP BY kind, trim ORDER BY kind, trim',
    [launchId])).map((r) => ({ kind: String(r.kind) as LedgerKind, trim: String(r.trim),
      fen: n(r.fen), count: n(r.c) }));
    // Whole days since the opening, 0 before it: (at - opens) / day on non-negative integers
    // divides the same way on both stores (the CAST: SQLite binds a JS number as a real).
    const byDay = (await this.q.all('SELECT kind, d AS day, sum(amount_fen) AS fen, '
      + 'count(*) AS c FROM (SELECT kind, amount_fen, CASE WHEN at_ms < ? THEN 0 ELSE '
      + '(at_ms - CAST(? AS BIGINT)) / 86400000 END AS d FROM ledger_entries '
      + 'WHERE launch_id = ?) x '
      + 'GROUP BY kind, d ORDER BY kind, d', [opensAtMs, opensAtMs, launchId]))
      .map((r) => ({ kind: String(r.kind) as LedgerKind, day: n(r.day), fen: n(r.fen),
        count: n(r.c) }));
    const [c] = await this.q.all("SELECT coalesce(sum(amount_fen), 0) AS fen FROM "
      + "ledger_entries WHERE launch_id = ? AND kind = 'price_credit' AND order_id IN "
      + "(SELECT order_id FROM ledger_entries WHERE kind = 'balance_due' AND launch_id = ?)",
    [launchId, launchId]);
    return sortSums({ byTrim, byDay, creditsOnDueFen: n(c?.fen ?? 0) });
  }

  async ledgerEntries(launchId: string, afterSeq: number, limit: number):
    Promise<StoredLedgerEntry[]> {
    return (await this.q.all('SELECT * FROM ledger_entries WHERE launch_id = ? AND seq > ? '
      + 'ORDER BY seq LIMIT ?', [launchId, afterSeq, limit])).map(rowToEntry);
  }

  async bookSettings(launchId: string): Promise<BookSettings | null> {
    const [r] = await this.q.all('SELECT * FROM book_settings WHERE launch_id = ?', [launchId]);
    return r ? rowToSettings(r) : null;
  }

  async readyCars(limit: number): Promise<ReadyCar[]> {
    return (await this.q.all("SELECT * FROM ready_cars WHERE status <> 'sold' "
      + 'ORDER BY listed_at_ms, vin LIMIT ?', [limit])).map(rowToCar);
  }

  async readyCar(vin: string): Promise<ReadyCar | null> {
    const [r] = await this.q.all('SELECT * FROM ready_cars WHERE vin = ?', [vin]);
    return r ? rowToCar(r) : null;
  }

  async readySale(saleId: string): Promise<ReadySale | null> {
    const [r] = await this.q.all('SELECT * FROM ready_sales WHERE sale_id = ?', [saleId]);
    return r ? rowToSale(r) : null;
  }

  async readySalesOf(accountId: string, limit: number): Promise<ReadySaleOfCar[]> {
    // One read for the list and its cars' labels (a read per sale was up to 100 per request).
    const rows = await this.q.all('SELECT s.*, c.trim AS car_trim, c.options AS car_options, '
      + 'c.city AS car_city FROM ready_sales s LEFT JOIN ready_cars c ON c.vin = s.vin '
      + 'WHERE s.account_id = ? ORDER BY s.created_at_ms DESC, s.sale_id DESC LIMIT ?',
    [accountId, limit]);
    return rows.map((r) => ({ sale: rowToSale(r), car: r.car_trim === null
      || r.car_trim === undefined ? null : { trim: String(r.car_trim),
        options: JSON.parse(String(r.car_options)) as string[], city: String(r.car_city) } }));
  }
}
