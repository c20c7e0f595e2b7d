// Price books' use cases: an operator records a price change (applied to the catalogue when it
// takes effect, with price protection for the orders it reaches); buyers see the price their
// order keeps and the protection applied; ready-stock cars are listed and sold first paid,
// first served; refunds owed go through payments' outbox (followed until the provider
// confirms them); the books and their CSV exports are read from the ledger. Every write is a transaction of its own: nothing
// here is on the order path (the ledger's rows there come from the order hook, order-ledger.ts).
import type { Clock } from '../kernel/clock.js';
import type { Limits } from '../kernel/config.js';
import { newId } from '../kernel/ids.js';
import { ok, quoted, refuse, type Result } from '../kernel/outcomes.js';
import type { Store, StoreTx } from '../kernel/store/store.js';
import { againOnUniqueRace } from '../kernel/store/unique-race.js';
import type { Account } from '../accounts/index.js';
import type { Launch, LaunchesService } from '../launches/index.js';
import type { Order, SettledRefund } from '../orders/index.js';
import type { PaymentProvider } from '../payments/index.js';
import {
  computeBooks, dailyFigures, DEFAULT_BOOK_SETTINGS, type BookSettings, type Books,
  type DayFigures,
} from './books.js';
import type { LedgerEntry } from './ledger.js';
import type { OrderPrice, PriceProtection } from './pricebooks-store.js';
import {
  configurationPrice, decidePriceChange, decideProtection, withPrice, type PriceChangeInput,
  type PriceVersion,
} from './pricing.js';
import {
  balanceReference, chargeNowFen, isFree, type ReadyCar, type ReadySale, type ReadySaleOfCar,
  type SaleMode,
} from './ready-stock.js';

export interface PricebooksDeps {
  readonly store: Store;
  readonly clock: Clock;
  readonly payments: PaymentProvider;
  readonly limits: Limits;
}

const DAY_MS = 86_400_000;
/** A ready-stock sale's charges carry this prefix (the payment reconciler asks holdsCharge). */
export const READY_REFERENCE_PREFIX = 'rsl_';

/** A refund owed to a buyer, as payments' outbox has it (asked, sent, confirmed). */
export interface RefundState {
  readonly reference: string;
  readonly amountFen: number;
  readonly status: 'requested' | 'sent' | 'confirmed';
  readonly requestedAtMs: number;
  readonly confirmedAtMs: number | null;
}

/** The payment reference of a price-protection refund: one per order and price version. */
export const protectionRefundReference = (orderId: string, version: number): string =>
  `pbr_${orderId}_v${version}`;

/** An order's price as the buyer sees it: the version it keeps and what protection did. */
export interface OrderPriceView {
  readonly order: Order;
  readonly placed: OrderPrice | null;
  readonly protections: readonly PriceProtection[];
  readonly refunds: readonly RefundState[];
  /** What the order costs now: its price less protection (credits and refunds), fen. */
  readonly priceNowFen: number;
  /** Its configuration's list price in the catalogue now, fen. */
  readonly listPriceNowFen: number;
  readonly rule: BookSettings['protection'];
}

/** The books and the launch-against-launch series. */
export interface BooksReport {
  readonly books: Books;
  readonly days: readonly DayFigures[];
  readonly compare: { readonly launchId: string; readonly days: readonly DayFigures[] } | null;
}

/**
 * How many times a claim reads the car: a compare-and-set that fails because the car was freed
 * meanwhile (another process's sweep ended a stale hold, or a declined payment returned the
 * car) reads it again; each further read needs yet another write to the same row in between.
 */
const CLAIM_READS_MAX = 3;

/**
 * Claims a ready car for a new sale inside `tx`: the car must be free at `nowMs` (isFree), and
 * the claim is a compare-and-set on the row as read, so of two buyers racing (threads or
 * processes) one wins and the other gets ready_car_taken (or ready_car_not_found once the
 * winner has bought it). `overtaken`: the stale sale whose hold or reservation had ended, for
 * the caller to close. Refusals: ready_car_not_found, ready_car_taken.
 */
export async function claimReadyCar(tx: StoreTx, req: { vin: string; accountId: string;
  mode: SaleMode; key: string }, nowMs: number, holdMs: number):
  Promise<Result<{ sale: ReadySale; overtaken: string | null }>> {
  for (let read = 1; ; read++) {
    const car = await tx.readyCarTx(req.vin);
    if (!car || car.status === 'sold') return refuse('ready_car_not_found');
    if (!isFree(car, nowMs)) return refuse('ready_car_taken');
    const saleId = newId('rs');
    const sale: ReadySale = { saleId, vin: req.vin, launchId: car.launchId,
      accountId: req.accountId, mode: req.mode, priceFen: car.priceFen,
      depositFen: car.depositFen, status: 'held',
      paymentReference: `${READY_REFERENCE_PREFIX}${saleId}`, createdAtMs: nowMs,
      expiresAtMs: nowMs + holdMs, balanceDueAtMs: null, settledAtMs: null,
      idempotencyKey: req.key };
    if (await tx.moveReadyCar({ vin: req.vin, expect: { status: car.status,
      saleId: car.saleId }, status: 'held', saleId, untilMs: sale.expiresAtMs })) {
      await tx.insertReadySale(sale);
      return ok({ sale, overtaken: car.saleId });
    }
    // The row changed since it was read. A failed compare-and-set alone does not say another
    // buyer has the car: on PostgreSQL the sweep of another process may have freed it, and then
    // "another buyer is paying for this car" would be untrue. Read it again and judge it as it is.
    if (read >= CLAIM_READS_MAX) return refuse('ready_car_taken');
  }
}

/**
 * How price protection reaches the orders' delivery records (set by the composition, as
 * production's onCarsAllocated is; null: protection writes its own rows and ledger only).
 */
export interface ProtectionLink {
  /** First in each page's transaction: locks the orders' delivery records. */
  lock(tx: StoreTx, orderIds: readonly string[]): Promise<void>;
  /** The credits this transaction gives (fen, one per order and version): balances fall. */
  credited(tx: StoreTx, credits: readonly PriceProtection[], atMs: number): Promise<void>;
}

export class PricebooksService {
  /** Delivery's side of price protection (the composition's; see ProtectionLink). */
  link: ProtectionLink | null = null;

  constructor(private readonly deps: PricebooksDeps, private readonly launches: LaunchesService) {}

  // ---------- price versions and protection ----------

  /**
   * Records a change of one item's list price from `effectiveFromMs`; applied at once when that
   * is now. Refusals: launch_not_found, unknown_price_item, invalid_price_change.
   */
  async recordPriceChange(actor: string, launchId: string, input: PriceChangeInput):
    Promise<Result<PriceVersion>> {
    const launch = await this.launches.launch(launchId);
    if (!launch) return refuse('launch_not_found');
    const nowMs = this.deps.clock.nowMs();
    const limits = { priceMaxFen: this.deps.limits.priceMaxFen,
      horizonMs: this.deps.limits.priceHorizonDays * DAY_MS };
    // The next version is numbered from the versions read: two operators' changes at once (two
    // processes on PostgreSQL) may both number it n + 1; the second's INSERT then fails on the
    // key, and run again it reads the first's and numbers its own n + 2.
    const r = await againOnUniqueRace(() => this.deps.store.transaction(async (tx) => {
      const versions = await tx.priceVersionsTx(launchId);
      if (versions.length >= this.deps.limits.priceVersionsMax) {
        return refuse('invalid_price_change', 'This launch has as many price versions as it may.');
      }
      const d = decidePriceChange(launch, versions, input, nowMs, limits);
      if (!d.ok) return d;
      const v = { ...d.value, actor };
      await tx.insertPriceVersion(v);
      await tx.appendAudit({ atMs: nowMs, actor, action: 'price_version_recorded',
        detail: { launch_id: launchId, version: v.version, item: `${v.itemKind}:${v.itemId}`,
          from_fen: v.previousFen, to_fen: v.priceFen, effective_from_ms: v.effectiveFromMs,
          reason: v.reason } });
      return ok(v);
    }));
    if (!r.ok) return r;
    if (r.value.effectiveFromMs <= nowMs) await this.applyDue();
    const applied = (await this.deps.store.priceVersions(launchId))
      .find((v) => v.version === r.value.version);
    return ok(applied ?? r.value);
  }

  /** Every version of a launch's price list (1 is the catalogue before any change). */
  async versions(launchId: string): Promise<Result<{ launch: Launch; versions: PriceVersion[] }>> {
    const launch = await this.launches.launch(launchId);
    if (!launch) return refuse('launch_not_found');
    return ok({ launch, versions: await this.deps.store.priceVersions(launchId) });
  }

  /**
   * Applies the price versions that have taken effect, oldest first: the catalogue takes the
   * price (new orders pay it) and protection reaches the orders placed before. Whichever
   * process marks a version applied first applies it. Returns how many it applied.
   */
  async applyDue(): Promise<number> {
    const nowMs = this.deps.clock.nowMs();
    let applied = 0;
    for (const launch of await this.launches.all()) {
      const due = (await this.deps.store.priceVersions(launch.launchId))
        .filter((v) => v.appliedAtMs === null && v.effectiveFromMs <= nowMs);
      for (const v of due) {
        const fresh = await this.launches.launch(launch.launchId);
        if (!fresh) break;
        const after = withPrice(fresh, v);
        const won = await this.deps.store.transaction(async (tx) => {
          if (!(await tx.markVersionApplied(v.launchId, v.version, nowMs))) return false;
          await tx.putLaunch(after);
          await tx.appendAudit({ atMs: nowMs, actor: 'system', action: 'price_version_applied',
            detail: { launch_id: v.launchId, version: v.version } });
          return true;
        });
        await this.launches.refresh(true);
        if (!won) continue;
        await this.#protect(after, v, nowMs);
        applied++;
      }
    }
    return applied;
  }

  /**
   * Runs price protection for version `version` of a launch again: for an operator after a
   * crash stopped it midway (the version is marked applied before its pages are protected, so
   * a restart does not run them again). Safe to repeat: an order given protection for this
   * version already is passed over (the protections table's key is order and version). The
   * price compared with is the version's own on today's catalogue. Returns the protections
   * given now. Outcomes: `launch_not_found`, `price_version_not_found`,
   * `price_version_not_applied` (it has not taken effect: its protection runs when it does).
   */
  async rerunProtection(actor: string, launchId: string, version: number):
    Promise<Result<{ version: PriceVersion; given: number }>> {
    const launch = await this.launches.launch(launchId);
    if (!launch) return refuse('launch_not_found');
    const v = (await this.deps.store.priceVersions(launchId)).find((x) => x.version === version);
    if (!v) return refuse('price_version_not_found');
    if (v.appliedAtMs === null) return refuse('price_version_not_applied');
    const nowMs = this.deps.clock.nowMs();
    // A later version of the same item applied since governs the orders placed under it: the
    // re-run reaches only the orders placed before that (an order placed after a price rise
    // never paid above this cut).
    const later = (await this.deps.store.priceVersions(launchId)).filter((x) =>
      x.version > v.version && x.appliedAtMs !== null && x.itemKind === v.itemKind
      && x.itemId === v.itemId).map((x) => x.appliedAtMs!);
    const given = await this.#protect(withPrice(launch, v), v, nowMs,
      later.length > 0 ? Math.min(...later) : Infinity);
    await this.deps.store.transaction((tx) => tx.appendAudit({ atMs: nowMs, actor,
      action: 'price_protection_rerun', detail: { launch_id: launchId, version, given } }));
    return ok({ version: v, given });
  }

  /**
   * Price protection for every order of the launch the version lowers, page by page: the
   * protections given (orders protected for this version before are passed over). Orders
   * placed at or after `supersededAtMs` (ms; when a later version of the item was applied)
   * are left to that version.
   */
  async #protect(launch: Launch, v: PriceVersion, nowMs: number,
    supersededAtMs = Infinity): Promise<number> {
    const settings = await this.settings(launch.launchId);
    let after = '';
    let given = 0;
    for (;;) {
      const page = await this.deps.store.ordersOfLaunch(launch.launchId, after,
        this.deps.limits.protectionPageOrders);
      if (page.length === 0) return given;
      after = page[page.length - 1]!.orderId;
      const reached = page.filter((o) => o.status !== 'cancelled'
        && o.createdAtMs < supersededAtMs && (v.itemKind === 'trim'
        ? o.trim === v.itemId : o.options.includes(v.itemId)));
      if (reached.length > 0) {
        given += await this.deps.store.transaction((tx) => this.#protectPage(tx, launch, v,
          reached, settings, nowMs));
      }
      if (page.length < this.deps.limits.protectionPageOrders) return given;
    }
  }

  async #protectPage(tx: StoreTx, launch: Launch, v: PriceVersion, orders: readonly Order[],
    settings: BookSettings, nowMs: number): Promise<number> {
    const ids = orders.map((o) => o.orderId);
    // First: a handover or an allocation of these orders either committed before (and is
    // seen below) or waits for this page's credits.
    await this.link?.lock(tx, ids);
    const earlier = await tx.protectionsTx(ids);
    const handed = await tx.handoversOf(ids);
    const given = new Map<string, number>();
    for (const p of earlier) {
      if (p.version === v.version) given.set(p.orderId, Number.NaN);
      else given.set(p.orderId, (given.get(p.orderId) ?? 0) + p.amountFen);
    }
    const rows: PriceProtection[] = [];
    const ledger: LedgerEntry[] = [];
    for (const o of orders) {
      const before = given.get(o.orderId) ?? 0;
      if (Number.isNaN(before)) continue;
      const d = decideProtection(o, o.priceFen - before,
        configurationPrice(launch, o.trim, o.options), handed.get(o.orderId) ?? null,
        v.effectiveFromMs, settings.protection);
      if (d.kind === 'none') continue;
      rows.push({ orderId: o.orderId, version: v.version, launchId: o.launchId, kind: d.kind,
        amountFen: d.amountFen, atMs: nowMs });
      const base = { atMs: nowMs, launchId: o.launchId, orderId: o.orderId,
        accountId: o.accountId, trim: o.trim, priceVersion: v.version };
      if (d.kind === 'credit') {
        ledger.push({ ...base, entryKey: `price_credit:${o.orderId}:${v.version}`,
          kind: 'price_credit', amountFen: -d.amountFen });
      } else {
        ledger.push({ ...base, entryKey: `protection_refund:${o.orderId}:${v.version}`,
          kind: 'protection_refund', amountFen: d.amountFen });
        // Through payments' outbox, as a deposit refund: sent, and asked after until the
        // provider confirms it; its settlement is an event in the order's history.
        await tx.queuePayment({ opId: newId('pop'), kind: 'refund', orderId: o.orderId,
          reference: protectionRefundReference(o.orderId, v.version), amountFen: d.amountFen,
          createdAtMs: nowMs });
      }
    }
    await tx.insertProtections(rows);
    await tx.appendLedger(ledger);
    const credits = rows.filter((p) => p.kind === 'credit');
    if (credits.length > 0) await this.link?.credited(tx, credits, nowMs);
    return rows.length;
  }

  /**
   * An order's price for its buyer (or an operator: `accountId` null): the version it was
   * placed at, protection given, refunds and their state. Refusal: order_not_found.
   */
  async orderPrice(orderId: string, accountId: string | null): Promise<Result<OrderPriceView>> {
    const order = await this.deps.store.order(orderId);
    if (!order || (accountId !== null && order.accountId !== accountId)) {
      return refuse('order_not_found');
    }
    const [placed, protections, launch, settings] = await Promise.all([
      this.deps.store.orderPrice(orderId), this.deps.store.protectionsOf(orderId),
      this.launches.launch(order.launchId), this.settings(order.launchId)]);
    const refunds = await this.#refunds(protections.filter((p) => p.kind === 'refund')
      .map((p) => protectionRefundReference(orderId, p.version)));
    const off = protections.reduce((a, p) => a + p.amountFen, 0);
    return ok({ order, placed, protections, refunds, priceNowFen: order.priceFen - off,
      listPriceNowFen: launch ? configurationPrice(launch, order.trim, order.options) : 0,
      rule: settings.protection });
  }

  /** The state of refunds in payments' outbox (a read-only transaction: refundOf is its). */
  async #refunds(references: readonly string[]): Promise<RefundState[]> {
    if (references.length === 0) return [];
    const found = await this.deps.store.transaction(async (tx) =>
      Promise.all(references.map((r) => tx.refundOf(r))));
    return found.flatMap((r) => (r === null ? [] : [{ reference: r.reference,
      amountFen: r.amountFen, requestedAtMs: r.createdAtMs, confirmedAtMs: r.settledAtMs,
      status: r.settledAtMs !== null ? 'confirmed' as const
        : r.sentAtMs !== null ? 'sent' as const : 'requested' as const }]));
  }

  // ---------- books ----------

  async settings(launchId: string): Promise<BookSettings> {
    return (await this.deps.store.bookSettings(launchId)) ?? DEFAULT_BOOK_SETTINGS;
  }

  /** Sets a launch's costs per trim, delivery target and protection rule. */
  async putSettings(actor: string, launchId: string, s: BookSettings):
    Promise<Result<BookSettings>> {
    const launch = await this.launches.launch(launchId);
    if (!launch) return refuse('launch_not_found');
    const unknown = Object.keys(s.costFenByTrim).find((t) => !launch.trims.some((x) =>
      x.trim === t));
    if (unknown !== undefined) {
      return refuse('unknown_price_item', `The launch has no trim "${unknown}".`);
    }
    const nowMs = this.deps.clock.nowMs();
    await this.deps.store.transaction(async (tx) => {
      await tx.putBookSettings(launchId, s, nowMs);
      await tx.appendAudit({ atMs: nowMs, actor, action: 'book_settings_updated',
        detail: { launch_id: launchId, costs: s.costFenByTrim,
          deliveries_per_year_target: s.deliveriesPerYearTarget,
          protection: { undelivered_pays_lower: s.protection.undeliveredPaysLower,
            delivered_within_days: s.protection.deliveredWithinDays } } });
    });
    return ok(s);
  }

  /**
   * The launch's books now, with its first days against `compareWith`'s at the same elapsed
   * days. Refusal: launch_not_found (either launch).
   */
  async books(launchId: string, compareWith: string | null): Promise<Result<BooksReport>> {
    const launch = await this.launches.launch(launchId);
    if (!launch) return refuse('launch_not_found');
    const other = compareWith === null ? null : await this.launches.launch(compareWith);
    if (compareWith !== null && !other) return refuse('launch_not_found');
    const nowMs = this.deps.clock.nowMs();
    const [sums, settings] = await Promise.all([
      this.deps.store.ledgerSums(launchId, launch.opensAtMs), this.settings(launchId)]);
    const books = computeBooks(launchId, launch.opensAtMs, sums, settings, nowMs,
      this.deps.limits.booksWeeksMax);
    const elapsed = Math.min(this.deps.limits.booksDaysMax,
      Math.max(1, Math.floor((nowMs - launch.opensAtMs) / DAY_MS) + 1));
    const days = dailyFigures(sums, elapsed);
    const compare = other ? { launchId: other.launchId, days: dailyFigures(
      await this.deps.store.ledgerSums(other.launchId, other.opensAtMs), elapsed) } : null;
    return ok({ books, days, compare });
  }

  // ---------- ready stock ----------

  /**
   * Lists a built car no order holds (production's pool, or the car of an order cancelled
   * after build) at a delivery centre's city. The price defaults to its configuration's list
   * price now, the deposit to the launch's. Refusals: ready_car_not_listable, unknown_city,
   * invalid_request (prices).
   */
  async listCar(actor: string, input: { vin: string; city: string; priceFen?: number;
    depositFen?: number }): Promise<Result<ReadyCar>> {
    const nowMs = this.deps.clock.nowMs();
    const r = await this.deps.store.transaction(async (tx) => {
      const [car] = await tx.carsByVin([input.vin]);
      // Each refusal says its own reason: one message for all of them read, for a cancelled
      // order's car that had gone on to the next order, as if the order had not been cancelled.
      if (!car) {
        return refuse('ready_car_not_listable', `No production run recorded a car with VIN ${
          input.vin}; record it first.`);
      }
      if (!car.pooled) {
        const order = car.orderId === null ? null : await this.deps.store.order(car.orderId);
        if (order?.status !== 'cancelled') {
          return refuse('ready_car_not_listable', order === null
            ? `Car ${car.vin} waits for the next allocation (its order was cancelled, or no `
              + 'allocation has placed it yet), which gives it to the next order waiting for its '
              + 'configuration, or else to the ready-stock pool: list it once it is there.'
            : `Car ${car.vin} is allocated to order ${order.orderId} (${order.status}): only a `
              + 'car no order holds can be listed.');
        }
      }
      const launch = await this.launches.launch(car.launchId);
      if (!launch) {
        return refuse('ready_car_not_listable', `Car ${car.vin}'s launch ${car.launchId} `
          + 'no longer exists.');
      }
      if (!launch.cities.some((c) => c.cityId === input.city)) {
        return refuse('unknown_city', `${launch.name} does not deliver to the city `
          + `${quoted(input.city)}; it delivers to `
          + `${launch.cities.map((c) => c.cityId).join(', ')}.`);
      }
      const priceFen = input.priceFen ?? configurationPrice(launch, car.trim, car.options);
      const depositFen = input.depositFen ?? launch.depositFen;
      if (priceFen <= 0 || priceFen > this.deps.limits.priceMaxFen || depositFen <= 0
        || depositFen >= priceFen) {
        return refuse('invalid_request', '"price_fen" must be 1-' + this.deps.limits.priceMaxFen
          + ' and "deposit_fen" more than 0 and less than the price.');
      }
      const listed: ReadyCar = { vin: car.vin, launchId: car.launchId, trim: car.trim,
        options: car.options, city: input.city, priceFen, depositFen, status: 'available',
        saleId: null, untilMs: null, listedAtMs: nowMs, listedBy: actor };
      if (!(await tx.insertReadyCar(listed))) {
        return refuse('ready_car_not_listable', `Car ${car.vin} is in ready stock already: `
          + 'a car is listed once.');
      }
      await tx.appendAudit({ atMs: nowMs, actor, action: 'ready_car_listed',
        detail: { vin: car.vin, city: input.city, price_fen: priceFen } });
      return ok(listed);
    });
    return r;
  }

  /** The cars on the list (not sold), first listed first. */
  async readyCars(): Promise<ReadyCar[]> {
    return this.deps.store.readyCars(this.deps.limits.readyStockListMax);
  }

  /**
   * Buys a car, first paid first served: holds it, charges the whole price or the deposit, and
   * the hold becomes a sale (or a reservation until the balance deadline). A retry with the same
   * key, car and mode returns the first purchase, and pays it if it is still held (#again); the
   * same key for another car or mode is `idempotency_key_reused`. Refusals: ready_car_not_found,
   * ready_car_taken, payment_declined (the car returns to sale), ready_hold_expired.
   */
  async buy(account: Account, vin: string, mode: SaleMode, key: string):
    Promise<Result<{ sale: ReadySale; replay: boolean }>> {
    const earlier = await this.#sameKey(account.accountId, key);
    if (earlier) return this.#again(account, earlier, vin, mode);
    const nowMs = this.deps.clock.nowMs();
    const holdMs = this.deps.limits.readyHoldSeconds * 1000;
    let held: Result<ReadySale>;
    try {
      held = await this.deps.store.transaction(async (tx) => {
        const r = await claimReadyCar(tx, { vin, accountId: account.accountId, mode, key },
          nowMs, holdMs);
        if (r.ok && r.value.overtaken !== null) {
          await this.#endStale(tx, r.value.overtaken, nowMs);
        }
        return r.ok ? ok(r.value.sale) : r;
      });
    } catch (err) {
      // Two requests with one key at once: the second's sale breaks the key's uniqueness and
      // rolls back; it answers with the first's sale, as a retry would.
      const first = await this.#sameKey(account.accountId, key);
      if (first) return this.#again(account, first, vin, mode);
      throw err;
    }
    if (!held.ok) {
      // Taken, or already sold, by this key's other request (one key sent twice at once, that
      // one paid between this one's look-up and its claim): answered as its retry.
      const first = held.code === 'ready_car_taken' || held.code === 'ready_car_not_found'
        ? await this.#sameKey(account.accountId, key) : null;
      return first ? this.#again(account, first, vin, mode) : held;
    }
    return this.#pay(account, held.value, held.value.paymentReference,
      chargeNowFen(held.value, mode));
  }

  /**
   * A purchase again under its key: answered with its sale (replayOf), or with the refusal its
   * first request got when it ended unpaid (payment_declined, ready_hold_expired). A sale still
   * held is paid by this request: its first request's settle threw after the charge (answered
   * 500), or that request is paying it now. The charge is under the sale's one reference, which
   * the provider answers with its first charge, so the buyer is charged once; a hold that
   * lapsed meanwhile is `ready_hold_expired`, as to the first request.
   */
  async #again(account: Account, earlier: ReadySale, vin: string, mode: SaleMode):
    Promise<Result<{ sale: ReadySale; replay: boolean }>> {
    const r = replayOf(earlier, vin, mode);
    // A purchase that did not become a sale says why, as its first reply did (a drop's too):
    // a 200 with the failed sale told a client that retried on a timeout it had bought.
    if (r.ok && earlier.status === 'failed') return refuse('payment_declined');
    if (r.ok && earlier.status === 'expired') return refuse('ready_hold_expired');
    if (!r.ok || earlier.status !== 'held') return r;
    const paid = await this.#pay(account, earlier, earlier.paymentReference,
      chargeNowFen(earlier, mode));
    return paid.ok ? ok({ sale: paid.value.sale, replay: true }) : paid;
  }

  /** Pays a reserved car's balance before its deadline. */
  async payBalance(account: Account, saleId: string): Promise<Result<{ sale: ReadySale;
    replay: boolean }>> {
    const sale = await this.deps.store.readySale(saleId);
    if (!sale || sale.accountId !== account.accountId) return refuse('ready_sale_not_found');
    if (sale.status === 'lapsed') return refuse('ready_balance_overdue');
    if (sale.status !== 'deposit_paid') return refuse('ready_sale_not_payable');
    if ((sale.balanceDueAtMs ?? 0) <= this.deps.clock.nowMs()) {
      return refuse('ready_balance_overdue');
    }
    return this.#pay(account, sale, balanceReference(sale), sale.priceFen - sale.depositFen);
  }

  async #sameKey(accountId: string, key: string): Promise<ReadySale | null> {
    return this.deps.store.transaction((tx) => tx.readySaleByKey(accountId, key));
  }

  /** A stale hold or reservation another buyer's claim just overtook ends here. */
  async #endStale(tx: StoreTx, saleId: string, nowMs: number): Promise<void> {
    const old = await tx.readySaleTx(saleId);
    if (!old) return;
    if (old.status === 'held') await tx.settleReadySale(old.saleId, 'held', 'expired', nowMs);
    if (old.status === 'deposit_paid') await this.#lapse(tx, old, nowMs);
  }

  /** The balance deadline passed: the sale lapses and its deposit is refunded (never kept). */
  async #lapse(tx: StoreTx, sale: ReadySale, nowMs: number): Promise<void> {
    if (!(await tx.settleReadySale(sale.saleId, 'deposit_paid', 'lapsed', nowMs))) return;
    // Through payments' outbox against the deposit's own charge; its settlement is recorded
    // under the sale's id.
    await tx.queuePayment({ opId: newId('pop'), kind: 'refund', orderId: sale.saleId,
      reference: sale.paymentReference, amountFen: sale.depositFen, createdAtMs: nowMs });
    const car = await tx.readyCarTx(sale.vin);
    await tx.appendLedger([{ entryKey: `ready_refunded:${sale.saleId}`, atMs: nowMs,
      launchId: sale.launchId, orderId: sale.saleId, accountId: sale.accountId,
      kind: 'ready_refunded', amountFen: sale.depositFen, trim: car?.trim ?? '',
      priceVersion: null }]);
  }

  /**
   * Charges `amountFen` under `reference` for the sale, then settles it: the car is sold (whole
   * price or balance) or reserved (deposit). A settle refused because another request paid the
   * sale under the same reference (a double tap, a key sent twice) answers that sale, `replay`;
   * otherwise a charge no sale holds (holdsCharge) is voided. Voiding on every refusal voided
   * the balance of a car the other request had just sold, and told this one the deadline had
   * passed.
   */
  async #pay(account: Account, sale: ReadySale, reference: string, amountFen: number):
    Promise<Result<{ sale: ReadySale; replay: boolean }>> {
    const charged = await this.deps.payments.charge({ reference, amountFen,
      payer: account.accountId });
    const nowMs = this.deps.clock.nowMs();
    if (charged.status !== 'approved') {
      if (sale.status === 'held') {
        await this.deps.store.transaction(async (tx) => {
          if (await tx.settleReadySale(sale.saleId, 'held', 'failed', nowMs)) {
            await tx.moveReadyCar({ vin: sale.vin, expect: { status: 'held', saleId: sale.saleId },
              status: 'available', saleId: null, untilMs: null });
          }
        });
      }
      return refuse('payment_declined');
    }
    const r = await this.deps.store.transaction(async (tx) => this.#settlePaid(tx, sale,
      amountFen, nowMs));
    if (r.ok) return ok({ sale: r.value, replay: false });
    const now = await this.deps.store.readySale(sale.saleId);
    if (now !== null && paidUnder(now, reference)) return ok({ sale: now, replay: true });
    try {
      if (!(await this.holdsCharge(reference))) await this.deps.payments.void({ reference });
    } catch {
      // The reconciler's sweep voids it later if no sale holds it (holdsCharge).
    }
    return r;
  }

  async #settlePaid(tx: StoreTx, sale: ReadySale, amountFen: number, nowMs: number):
    Promise<Result<ReadySale>> {
    const car = await tx.readyCarTx(sale.vin);
    const from = sale.status === 'held' ? 'held' : 'reserved';
    const whole = sale.mode === 'full' || sale.status === 'deposit_paid';
    const dueAt = whole ? null : nowMs + this.deps.limits.readyBalanceHours * 3_600_000;
    // The move is a compare-and-set on the car as read: on PostgreSQL another connection (a
    // buyer taking the lapsed hold, a sweep, this sale's other request) may have moved it since
    // the read, and then this sale did not take it. Going on regardless answered "paid", and
    // booked the revenue, for a car another buyer had just bought.
    if (!car || car.saleId !== sale.saleId || car.status !== from
      || (car.untilMs ?? 0) <= nowMs
      || !(await tx.moveReadyCar({ vin: sale.vin, expect: { status: from, saleId: sale.saleId },
        status: whole ? 'sold' : 'reserved', saleId: sale.saleId, untilMs: dueAt }))) {
      if (sale.status === 'held') {
        await tx.settleReadySale(sale.saleId, 'held', 'expired', nowMs);
        if (car?.saleId === sale.saleId) {
          await tx.moveReadyCar({ vin: sale.vin, expect: { status: 'held', saleId: sale.saleId },
            status: 'available', saleId: null, untilMs: null });
        }
        return refuse('ready_hold_expired');
      }
      return refuse('ready_balance_overdue');
    }
    const to = whole ? 'paid' : 'deposit_paid';
    if (!(await tx.settleReadySale(sale.saleId, sale.status, to, nowMs, dueAt))) {
      // The car was this sale's to move, so the sale is as read; if not, write nothing.
      throw new Error(`ready sale ${sale.saleId} is no longer ${sale.status}`);
    }
    const base = { atMs: nowMs, launchId: sale.launchId, orderId: sale.saleId,
      accountId: sale.accountId, trim: car.trim, priceVersion: null };
    const entries: LedgerEntry[] = [{ ...base, kind: 'ready_received', amountFen,
      entryKey: `ready_received:${sale.saleId}:${sale.status}` }];
    // Picked up at once: the revenue is recognised when the whole price is in.
    if (whole) {
      entries.push({ ...base, kind: 'revenue_recognised', amountFen: sale.priceFen,
        entryKey: `revenue_recognised:${sale.saleId}` });
    }
    await tx.appendLedger(entries);
    return ok({ ...sale, status: to, settledAtMs: nowMs, balanceDueAtMs: dueAt });
  }

  /** Ends holds past their end and reservations past their balance deadline. */
  async sweepReady(): Promise<number> {
    const nowMs = this.deps.clock.nowMs();
    // A read, not a transaction: on SQLite a transaction on the event loop's connection pauses
    // the order writer's thread, and this ran every round with nothing due.
    const due = await this.deps.store.dueReadySales(nowMs, 500);
    for (const s of due) await this.#end(s, nowMs);
    return due.length;
  }

  /**
   * Ends `s`, a hold past its end (`expired`, its car back on sale) or a reservation past its
   * balance deadline (`lapsed`, the deposit refunded, its car back on sale). The car first,
   * then the sale, in the order the settle (#settlePaid) takes them: sale first here against
   * car first there could deadlock two PostgreSQL processes at a hold's end. Each move is a
   * compare-and-set, so a sale paid meanwhile keeps its car (sold) and its status (paid).
   */
  async #end(s: ReadySale, nowMs: number): Promise<void> {
    await this.deps.store.transaction(async (tx) => {
      const held = s.status === 'held';
      await tx.moveReadyCar({ vin: s.vin, expect: { status: held ? 'held' : 'reserved',
        saleId: s.saleId }, status: 'available', saleId: null, untilMs: null });
      if (held) await tx.settleReadySale(s.saleId, 'held', 'expired', nowMs);
      else await this.#lapse(tx, s, nowMs);
    });
  }

  /** The buyer's sales, newest first, at most `readySalesListMax`, each with its car's label. */
  async mySales(account: Account): Promise<ReadySaleOfCar[]> {
    return this.deps.store.readySalesOf(account.accountId, this.deps.limits.readySalesListMax);
  }

  /** `sale` with the label of its car (trim, options, city), as a purchase's reply gives it. */
  async ofCar(sale: ReadySale): Promise<ReadySaleOfCar> {
    const car = await this.deps.store.readyCar(sale.vin);
    return { sale, car: car && { trim: car.trim, options: car.options, city: car.city } };
  }

  /**
   * Whether a charge at the provider is a ready-stock sale's that a sale still holds: the first
   * charge while the sale is held (until its hold ends), reserved, paid or lapsed; a balance
   * charge once the balance made the sale paid (paidUnder), and while the sale may still be
   * paid with it (reserved, before its balance deadline). A balance retry is answered with
   * the first request's charge (one reference per sale): a sweep voiding it between that
   * charge and the settle sold the car with its balance voided. The reconciler's sweep comes
   * back to a charge it kept (sweepCharges), so one the sale lets go is voided then.
   */
  async holdsCharge(reference: string): Promise<boolean> {
    if (!reference.startsWith(READY_REFERENCE_PREFIX)) return false;
    const saleId = reference.slice(READY_REFERENCE_PREFIX.length).replace(/:balance$/, '');
    let s = await this.deps.store.readySale(saleId);
    if (s === null) return false;
    // A hold or reservation that has ended by the clock is ended in the store first (#endDue),
    // and the sale read again: a settle that read the clock before the end may still commit
    // it paid, and a charge judged on the clock alone was voided for a car that settle sold.
    if (await this.#endDue(s)) s = (await this.deps.store.readySale(saleId))!;
    if (reference !== s.paymentReference) {
      return paidUnder(s, reference) || (s.status === 'deposit_paid'
        && (s.balanceDueAtMs ?? 0) > this.deps.clock.nowMs());
    }
    // A hold holds its charge until it ends, though no sweep has marked it ended yet: the sweep
    // of charges runs first on a start-up after a crash, and moves its cursor past a charge it
    // kept, so a charge kept for an ended hold was held at the provider for good. A settle
    // after the hold's end is refused, and a retry then finds the sale expired.
    if (s.status === 'held') return s.expiresAtMs > this.deps.clock.nowMs();
    // A lapsed sale's deposit is returned by a refund, never by voiding the charge.
    return s.status === 'paid' || s.status === 'deposit_paid' || s.status === 'lapsed';
  }

  /**
   * Ends `s` as sweepReady does (#end) if its hold or reservation has ended by the clock: of
   * it and a settle, one wins: a settle that committed first left the car sold or reserved and
   * the sale paid; one after finds the car gone and is refused. Whether it was due (the sale
   * may have changed).
   */
  async #endDue(s: ReadySale): Promise<boolean> {
    const nowMs = this.deps.clock.nowMs();
    if (!(s.status === 'held' && s.expiresAtMs <= nowMs)
      && !(s.status === 'deposit_paid' && (s.balanceDueAtMs ?? 0) <= nowMs)) {
      return false;
    }
    await this.#end(s, nowMs);
    return true;
  }

  /**
   * Records a refund the provider confirmed, if it is a ready-stock sale's (a lapsed deposit):
   * in the audit log as `ready_refund_settled` with the sale's id, in the settling transaction,
   * since a sale is not an order and has no order history. False (nothing written) for a
   * refund that is not a sale's. The payment reconciler's settlement asks it (launchday.ts),
   * for notifications and status queries alike.
   */
  async refundSettled(tx: StoreTx, refund: SettledRefund): Promise<boolean> {
    if (!refund.reference.startsWith(READY_REFERENCE_PREFIX)) return false;
    await tx.appendAudit({ atMs: refund.atMs, actor: 'payment_provider',
      action: 'ready_refund_settled', detail: { sale_id: refund.orderId,
        reference: refund.reference, amount_fen: refund.amountFen, ...refund.detail } });
    return true;
  }

  /** One round of the timer: due price changes, then due holds and reservations. */
  async round(): Promise<void> {
    await this.applyDue();
    await this.sweepReady();
  }
}

/**
 * Whether `sale` stands paid by the charge under `reference`: its first charge made it paid or
 * reserved (deposit_paid), its balance charge (balanceReference) made it paid.
 */
function paidUnder(sale: ReadySale, reference: string): boolean {
  if (reference === sale.paymentReference) {
    return sale.status === 'paid' || sale.status === 'deposit_paid';
  }
  return reference === balanceReference(sale) && sale.status === 'paid' && sale.mode === 'deposit';
}

/**
 * A purchase under a key that named `earlier`: a retry (the same car and mode) is answered with
 * it; another car or mode under the key is `idempotency_key_reused` (answered with the first
 * sale, another car's request read as bought: the attacker's find). Compared with the sale's
 * own fields, which every sale has kept, so sales from before this rule are judged by it too.
 */
function replayOf(earlier: ReadySale, vin: string, mode: SaleMode):
  Result<{ sale: ReadySale; replay: boolean }> {
  if (earlier.vin === vin && earlier.mode === mode) return ok({ sale: earlier, replay: true });
  return refuse('idempotency_key_reused', 'This Idempotency-Key was already used for a '
    + `purchase of the car ${earlier.vin} (${earlier.mode}); use a new key for a new purchase.`);
}
