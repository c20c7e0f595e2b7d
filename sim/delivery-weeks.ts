// From the car built to the keys (`launchday simulate --until-deliveries N`): after each week's
// production (after-night.ts) the cars of the week arrive at their centres and are marked ready
// (an operator, per centre); each buyer pays the balance in 1-3 parts by several methods through
// the payment port (the sandbox answers late, twice, out of order; a part that fails is paid
// again), a share defers instead, a few never pay and lapse after the notice and the grace; the
// paid book a slot at their centre (capacity per centre, racing for the early ones), some move
// it, and at the week's end the operator hands over the cars of those who came and records the
// no-shows (the no-show rule releases the car at the second). A price cut with protection comes
// on its date; ready stock (cars no order holds) is listed and sold, whole price or deposit then
// balance, sometimes to two buyers racing for one car (the loser buys another car still on sale,
// sim/ready-race.ts). Everything goes through the API, buyers with their own tokens; the run is
// a function of the seed (each order's choices come from a stream of its own).
// sim/delivery-auditor.ts then checks the store and the books.
import type { Account, AfterNight, AfterWeek } from './after-night.js';
import type { Auditor } from './auditor.js';
import type { Catalog } from './catalog.js';
import type { Reply } from './http-client.js';
import { Random } from './random.js';
import { judgeReadyRace, type ReadyPurchaseVerdict } from './ready-race.js';
import { beijingDateMs, weekOf, weekStartMs, DAY_MS } from '../src/production/plan.js';

/** The story's shares and dates (each a choice per order and car cycle, by its own stream). */
export const DELIVERY_STORY = Object.freeze({
  /** Balance methods, a loan or lease among them (paid by a finance provider for the buyer). */
  methods: ['card', 'alipay', 'wechat_pay', 'bank_transfer', 'loan', 'lease'] as const,
  partsMax: 3,
  /** Parts whose request the app sends twice under one key (a retry after a timeout). */
  sameKeyTwiceShare: 0.05,
  /** Buyers who defer taking the car, and for how many days (the rule allows 360 in all). */
  deferShare: 0.03,
  deferDays: [30, 120] as const,
  /** Buyers who do not pay this car: reminder, notice, grace, then the car is released. */
  neverPayShare: 0.015,
  /** Buyers who move their booked appointment once. */
  rescheduleShare: 0.1,
  /** Buyers who miss an appointment (the rule releases the car at `noShowMax`, 2). */
  noShowShare: 0.06,
  /** Slot choice: among the first this many open slots (everyone wants the earliest). */
  earlySlots: 4,
  /** Handovers per slot per centre, set by the operator (the default is 4). */
  slotCapacity: 2,
  /** The price cut: Tesla's 14,000 yuan off the entry trim, on this date (Beijing). */
  priceCutOn: '2024-06-03',
  priceCutFen: 1_400_000,
  /** Protection: undelivered orders pay the lower price; delivered within 30 days get it back. */
  protectionDeliveredWithinDays: 30,
  /** Cost per car as a share of the trim's list price (SU7's margin was put at 5-10%). */
  costShare: 0.92,
  /** Ready stock: chance a listed car finds a buyer in a week; two racing; a deposit first. */
  readySellShare: 0.6,
  readyRaceShare: 0.25,
  readyDepositShare: 0.4,
  /** Deposit buyers who pay the balance (the rest lapse: the deposit is refunded). */
  readyBalancePaidShare: 0.85,
  /** Cars built before the opening for the showrooms (ready stock), at scale 1. */
  showroomCars: 500,
  showroomBuiltOn: '2024-03-25',
  /** Buyers acting at once. */
  concurrency: 64,
  /** Real time a part's notification is waited for before the buyer looks again next week. */
  settleWaitMs: 30_000,
});

/** A ready-stock buyer: the account, how it pays, and the car it first tried to buy. */
interface ReadyBuyer {
  readonly account: Account;
  readonly mode: 'full' | 'deposit';
  readonly lostVin: string;
}

/** A booked appointment the week's end settles. */
interface Booked {
  readonly orderId: string;
  readonly cycle: number;
}

export interface DeliveryFigures {
  delivered: number;
  partsPaid: number;
  partsByMethod: Record<string, number>;
  partsRepaid: number;
  sameKeyTwice: number;
  deferrals: number;
  neverPaid: number;
  bookings: number;
  reschedules: number;
  slotFull: number;
  noShows: number;
  noShowReleases: number;
  readyListed: number;
  readySoldFull: number;
  readySoldDeposit: number;
  readyBalancePaid: number;
  readyRaceLost: number;
  priceCut: { version: number; appliedAt: string } | null;
}

export class DeliveryWeeks implements AfterWeek {
  readonly figures: DeliveryFigures = { delivered: 0, partsPaid: 0, partsByMethod: {},
    partsRepaid: 0, sameKeyTwice: 0, deferrals: 0, neverPaid: 0, bookings: 0, reschedules: 0,
    slotFull: 0, noShows: 0, noShowReleases: 0, readyListed: 0, readySoldFull: 0,
    readySoldDeposit: 0, readyBalancePaid: 0, readyRaceLost: 0, priceCut: null };
  /** Whether a buyer was sent to defer already (the first who can does: payOrDefer). */
  #deferredOnce = false;
  /** Ready orders still to pay (carried from week to week), and paid ones still to book. */
  private toPay = new Set<string>();
  private toBook = new Set<string>();
  private readonly listed = new Set<string>();
  private tokens = new Map<string, string>();

  constructor(
    private readonly an: AfterNight,
    private readonly auditor: Auditor,
    private readonly catalog: Catalog,
    private readonly seed: number,
    private readonly scale: number,
    readonly target: number,
    private readonly log: (line: string) => void,
  ) {}

  get done(): boolean {
    return this.figures.delivered >= this.target;
  }

  private get launchId(): string {
    return this.catalog.launchId;
  }

  /** The books' settings the operator gives (costs per trim, the year's target, protection). */
  get settings(): { costFenByTrim: Record<string, number>; perYearTarget: number;
    undeliveredPaysLower: boolean; deliveredWithinDays: number } {
    return { costFenByTrim: Object.fromEntries(this.catalog.trims.map((t) => [t.trim,
      Math.round(t.priceFen * DELIVERY_STORY.costShare)])),
    perYearTarget: Math.max(1, Math.round(100_000 * this.scale)), undeliveredPaysLower: true,
    deliveredWithinDays: DELIVERY_STORY.protectionDeliveredWithinDays };
  }

  /** The operator's settings before the opening: the books' and each centre's slot capacity. */
  async setUp(): Promise<void> {
    const s = this.settings;
    await this.an.adminOk('PUT', `/admin/books/${this.launchId}/settings`, {
      costs: s.costFenByTrim, deliveries_per_year_target: s.perYearTarget,
      undelivered_pays_lower: s.undeliveredPaysLower,
      delivered_within_days: s.deliveredWithinDays });
    for (const c of this.catalog.cities) {
      await this.an.adminOk('PUT', `/admin/delivery-slots/${c}/capacity`,
        { capacity: DELIVERY_STORY.slotCapacity });
    }
    await this.an.showroomRun(DELIVERY_STORY.showroomBuiltOn,
      Math.max(2, Math.round(DELIVERY_STORY.showroomCars * this.scale)));
  }

  /** One week: the price cut on its date, cars ready, balances, slots, handovers, ready stock. */
  async week(): Promise<void> {
    const w = weekOf(this.an.nowMs);
    this.tokens = this.an.tokens();
    if (w === weekOf(beijingDateMs(DELIVERY_STORY.priceCutOn)!)) await this.priceCut();
    for (const id of await this.markReady()) this.toPay.add(id);
    // Slots up to Saturday 18:00 of this week; the handovers happen after it.
    const endMs = weekStartMs(w) + 5 * DAY_MS + 10 * 3_600_000;
    const paying = [...this.toPay];
    this.toPay = new Set();
    await this.pool(paying, (id) => this.payOrDefer(id));
    const booking = [...this.toBook];
    this.toBook = new Set();
    const booked: Booked[] = [];
    await this.pool(booking, async (id) => {
      const b = await this.book(id, endMs);
      if (b !== null) booked.push(b);
    });
    await this.an.advanceTo(endMs + 3_600_000);
    booked.sort((a, b) => (a.orderId < b.orderId ? -1 : 1));
    await this.pool(booked, (b) => this.handOver(b));
    await this.readyStock(w);
    this.log(`deliveries: ${this.figures.delivered} of ${this.target} handed over; ` +
      `${this.toPay.size} to pay, ${this.toBook.size} to book next week`);
  }

  /** Runs `f` over `items`, `concurrency` at a time. */
  private async pool<T>(items: readonly T[], f: (x: T) => Promise<void>): Promise<void> {
    let next = 0;
    const worker = async (): Promise<void> => {
      while (next < items.length) await f(items[next++]!);
    };
    await Promise.all(Array.from({ length: DELIVERY_STORY.concurrency }, worker));
  }

  /** Each order's own choices for its car (`cycle`): the same whatever the interleaving. */
  private choices(orderId: string, cycle: number, what: string): Random {
    return Random.stream(this.seed, `delivery-${orderId}-${cycle}-${what}`);
  }

  private tokenOf(orderId: string): string | undefined {
    const o = this.auditor.orders.get(orderId);
    return o === undefined ? undefined : this.tokens.get(o.accountId);
  }

  /** The week's trucks: every car built for a centre marked ready there; the orders marked. */
  private async markReady(): Promise<string[]> {
    const marked: string[] = [];
    for (const centre of this.catalog.cities) {
      for (;;) {
        const r = await this.an.adminOk('POST', '/admin/deliveries/ready', { centre });
        const got = r.body.marked as string[];
        marked.push(...got);
        if (got.length === 0) break;
      }
    }
    return marked.sort();
  }

  private async view(orderId: string, token: string): Promise<any | null> {
    const r = await this.an.buyer('GET', `/orders/${orderId}/delivery`, token, undefined);
    if (r === null) return null;
    if (r.status !== 200) {
      this.auditor.violation('delivery_view', `GET /orders/${orderId}/delivery: ${r.status} ` +
        `${r.code}`);
      return null;
    }
    return r.body;
  }

  /** A ready car's buyer: defers, does not pay, or pays the balance in parts. */
  private async payOrDefer(orderId: string): Promise<void> {
    const token = this.tokenOf(orderId);
    if (token === undefined) return;
    const v = await this.view(orderId, token);
    if (v === null || v.stage !== 'ready') return;
    const pick = this.choices(orderId, v.cycle, 'choice');
    const s = DELIVERY_STORY;
    // A buyer who already paid part of it (carried from last week) goes on paying.
    if (v.balance.received_fen === 0 && v.balance.pending_fen === 0) {
      // The first buyer who can defers, so that every run tells that part of the story: at 3%
      // of some 160 ready cars, a run with none came about once in 130 (a CI run saw it). Taken
      // before the request: buyers run at once, and all would see no deferral yet.
      const first = !this.#deferredOnce && v.deferral.days_left > 0;
      if (first) this.#deferredOnce = true;
      if ((first || pick.chance(s.deferShare)) && v.deferral.days_left > 0) {
        const days = Math.min(v.deferral.days_left, s.deferDays[0]
          + pick.int(s.deferDays[1] - s.deferDays[0] + 1));
        const r = await this.an.buyer('POST', `/orders/${orderId}/delivery/defer`, token,
          { days });
        if (r?.status === 200) this.figures.deferrals++;
        else this.refused('defer', orderId, r);
        return;
      }
      if (pick.chance(s.neverPayShare)) {
        this.figures.neverPaid++;
        return;
      }
    }
    const paid = await this.payBalance(orderId, token, v);
    if (paid === 'paid') this.toBook.add(orderId);
    else if (paid === 'waiting') this.toPay.add(orderId);
  }

  /** Parts each order has sent so far (their idempotency keys are numbered by it). */
  private readonly partsSent = new Map<string, number>();

  /** Parts until the balance is in; 'waiting' while a notification is still awaited. */
  private async payBalance(orderId: string, token: string, first: any):
    Promise<'paid' | 'waiting' | 'gone'> {
    let v = first;
    for (let round = 0; round < 4; round++) {
      if (v.balance.outstanding_fen === 0 && v.balance.pending_fen === 0) return 'paid';
      const payable = v.balance.payable_fen as number;
      if (payable > 0) {
        const pick = this.choices(orderId, v.cycle, `parts-${round}`);
        if (round > 0) this.figures.partsRepaid++;
        const amounts = splitFen(payable, 1 + pick.int(DELIVERY_STORY.partsMax), pick);
        for (const amountFen of amounts) {
          // One key per part this order ever sent: a buyer still waiting for a notification
          // pays again in a later week, and a key used before with another amount is refused.
          const n = (this.partsSent.get(orderId) ?? 0) + 1;
          this.partsSent.set(orderId, n);
          await this.payPart(orderId, token, `bal-${v.cycle}-${n}`, amountFen, pick);
        }
      }
      const settled = await this.settled(orderId, token);
      if (settled === null) return 'gone';
      if (settled.balance.pending_fen > 0) return 'waiting';
      v = settled;
    }
    return v.balance.outstanding_fen === 0 ? 'paid' : 'waiting';
  }

  private async payPart(orderId: string, token: string, key: string, amountFen: number,
    pick: Random): Promise<void> {
    const method = pick.pick(DELIVERY_STORY.methods);
    const twice = pick.chance(DELIVERY_STORY.sameKeyTwiceShare);
    const send = (): Promise<Reply | null> => this.an.buyer('POST',
      `/orders/${orderId}/balance/parts`, token, { amount_fen: amountFen, method },
      { 'idempotency-key': key });
    const replies = await Promise.all(twice ? [send(), send()] : [send()]);
    const ok = replies.filter((r): r is Reply => r !== null && (r.status === 200
      || r.status === 201));
    if (twice) this.figures.sameKeyTwice++;
    if (new Set(ok.map((r) => r.body.part.part_id)).size > 1) {
      this.auditor.violation('balance_double_part', `${orderId}: one key ${key}, two parts`);
    }
    if (ok.length === 0) {
      this.refused('balance part', orderId, replies[0] ?? null);
      return;
    }
    this.figures.partsPaid++;
    this.figures.partsByMethod[method] = (this.figures.partsByMethod[method] ?? 0) + 1;
  }

  /** The delivery once no part is under way (or after the wait: still pending). */
  private async settled(orderId: string, token: string): Promise<any | null> {
    const until = performance.now() + DELIVERY_STORY.settleWaitMs;
    for (;;) {
      const v = await this.view(orderId, token);
      if (v === null || v.stage !== 'ready') return null;
      if (v.balance.pending_fen === 0 || performance.now() > until) return v;
      await sleep(200);
    }
  }

  /** Books a slot before `endMs` (racing for the early ones), sometimes moves it once. */
  private async book(orderId: string, endMs: number): Promise<Booked | null> {
    const token = this.tokenOf(orderId);
    if (token === undefined) return null;
    const v = await this.view(orderId, token);
    if (v === null || v.stage !== 'ready') return null;
    const pick = this.choices(orderId, v.cycle, `slot-${v.no_shows}`);
    const moves = pick.chance(DELIVERY_STORY.rescheduleShare) ? 2 : 1;
    let booked = false;
    for (let m = 0; m < moves; m++) {
      const got = await this.takeSlot(orderId, token, endMs, pick);
      if (got) {
        if (m > 0) this.figures.reschedules++;
        else this.figures.bookings++;
      }
      booked ||= got;
    }
    if (!booked) {
      this.toBook.add(orderId);
      return null;
    }
    return { orderId, cycle: v.cycle };
  }

  private async takeSlot(orderId: string, token: string, endMs: number, pick: Random):
    Promise<boolean> {
    for (let attempt = 0; attempt < 6; attempt++) {
      const s = await this.an.buyer('GET', `/orders/${orderId}/delivery/slots`, token, undefined);
      if (s === null || s.status !== 200) return false;
      const open = (s.body.slots as Array<{ slot_start: string; left: number }>)
        .filter((x) => x.left > 0 && Date.parse(x.slot_start) < endMs);
      if (open.length === 0) return false;
      const slot = open[pick.int(Math.min(open.length, DELIVERY_STORY.earlySlots))]!;
      const r = await this.an.buyer('PUT', `/orders/${orderId}/delivery/appointment`, token,
        { slot_start: slot.slot_start });
      if (r?.status === 200) return true;
      if (r?.code !== 'slot_full') {
        this.refused('appointment', orderId, r);
        return false;
      }
      this.figures.slotFull++;
    }
    return false;
  }

  /** The week's end at the centre: the buyer came (handover) or did not (the no-show rule). */
  private async handOver(b: Booked): Promise<void> {
    const pick = this.choices(b.orderId, b.cycle, 'came');
    if (pick.chance(DELIVERY_STORY.noShowShare)) {
      const r = await this.an.adminOk('POST', `/admin/orders/${b.orderId}/no-show`, {});
      this.figures.noShows++;
      if (r.body.delivery.stage === 'released') this.figures.noShowReleases++;
      else this.toBook.add(b.orderId);
      return;
    }
    await this.an.adminOk('POST', `/admin/orders/${b.orderId}/handover`,
      { inspection_confirmed: true, keys_given: true });
    this.figures.delivered++;
  }

  /** The price cut on its date: recorded, then waited for until the server applied it. */
  private async priceCut(): Promise<void> {
    const trim = this.catalog.trims[0]!;
    const r = await this.an.adminOk('POST', `/admin/launches/${this.launchId}/price-versions`, {
      item_kind: 'trim', item_id: trim.trim, price_fen: trim.priceFen
        - DELIVERY_STORY.priceCutFen, reason: 'price cut of 14,000 yuan on the entry trim' });
    const version = r.body.version as number;
    for (;;) {
      const v = await this.an.adminOk('GET', `/admin/launches/${this.launchId}/price-versions`);
      const mine = (v.body.versions as any[]).find((x) => x.version === version);
      if (mine?.applied_at) {
        this.auditor.repriced(this.launchId, trim.trim, mine.price_fen);
        this.figures.priceCut = { version, appliedAt: mine.applied_at };
        this.log(`price cut: ${trim.trim} -14,000 yuan, version ${version}, applied ` +
          `${mine.applied_at}`);
        return;
      }
      await sleep(250);
    }
  }

  /**
   * Cars no order holds are listed; buyers buy them, now and then two racing for one. A buyer
   * who lost a race goes back to the list and buys one car still on sale, as a person would:
   * one at a time, after the races, so that nobody races them and any refusal is a violation
   * (which racer lost, and so how the loser pays, was timing's and still is).
   */
  private async readyStock(w: number): Promise<void> {
    const pool = await this.an.adminOk('GET', '/admin/ready-stock');
    const first = this.catalog.cities.slice(0, 29);
    for (const c of pool.body.cars as Array<{ vin: string; launch_id: string }>) {
      if (this.listed.has(c.vin) || c.launch_id !== this.launchId) continue;
      this.listed.add(c.vin);
      const city = first[Random.stream(this.seed, `ready-city-${c.vin}`).int(first.length)]!;
      await this.an.adminOk('POST', '/admin/ready-stock/listings', { vin: c.vin, city });
      this.figures.readyListed++;
    }
    const losers: ReadyBuyer[] = [];
    await this.pool(await this.openCars(), (vin) => this.sellOne(vin, w, losers));
    losers.sort((a, b) => (a.lostVin < b.lostVin ? -1 : 1));
    for (const b of losers) {
      const open = await this.openCars();
      if (open.length === 0) return;
      const pick = Random.stream(this.seed, `ready-again-${b.lostVin}-${w}`);
      const vin = open[pick.int(open.length)]!;
      const r = await this.an.buyer('POST', `/ready-stock/${vin}/purchases`, b.account.token,
        { mode: b.mode }, { 'idempotency-key': `ready-again-${b.lostVin}-${w}` });
      // Alone on this car: a lost-race answer now is a refusal.
      await this.settleReady(vin, b, r, judgeReadyRace([r])[0]!, pick.chance(
        DELIVERY_STORY.readyBalancePaidShare), null);
    }
  }

  /** The launch's cars on sale now, by VIN. */
  private async openCars(): Promise<string[]> {
    const cars = (await this.an.adminOk('GET', '/ready-stock')).body.cars as
      Array<{ vin: string; status: string; launch_id: string }>;
    return cars.filter((c) => c.status === 'available' && c.launch_id === this.launchId)
      .map((c) => c.vin).sort();
  }

  private async sellOne(vin: string, w: number, losers: ReadyBuyer[]): Promise<void> {
    const pick = Random.stream(this.seed, `ready-${vin}-${w}`);
    const s = DELIVERY_STORY;
    if (!pick.chance(s.readySellShare)) return;
    const racers = pick.chance(s.readyRaceShare) ? 2 : 1;
    const modes = Array.from({ length: racers }, () =>
      (pick.chance(s.readyDepositShare) ? 'deposit' as const : 'full' as const));
    const payBalance = pick.chance(s.readyBalancePaidShare);
    const accounts = await Promise.all(modes.map(() => this.an.newAccount('ready-buyer')));
    const replies = await Promise.all(modes.map((mode, i) => accounts[i] === null
      ? Promise.resolve(null) : this.an.buyer('POST', `/ready-stock/${vin}/purchases`,
        accounts[i]!.token, { mode }, { 'idempotency-key': `ready-${vin}-${w}-${i}` })));
    const verdicts = judgeReadyRace(replies);
    for (const [i, r] of replies.entries()) {
      if (accounts[i] === null) continue;
      await this.settleReady(vin, { account: accounts[i]!, mode: modes[i]!, lostVin: vin }, r,
        verdicts[i]!, payBalance, losers);
    }
  }

  /**
   * Counts one buyer's purchase by its verdict; a buyer who paid a deposit pays the balance
   * when `payBalance`. A buyer who lost a race joins `losers` (null: not again).
   */
  private async settleReady(vin: string, b: ReadyBuyer, r: Reply | null,
    verdict: ReadyPurchaseVerdict, payBalance: boolean, losers: ReadyBuyer[] | null):
    Promise<void> {
    if (r === null) return;
    if (verdict === 'race_lost') {
      this.figures.readyRaceLost++;
      losers?.push(b);
    }
    if (verdict === 'refused') this.refused('ready purchase', vin, r);
    if (verdict !== 'bought') return;
    const sale = r.body.sale;
    if (sale.status === 'paid') this.figures.readySoldFull++;
    if (sale.status !== 'deposit_paid') return;
    this.figures.readySoldDeposit++;
    if (!payBalance) return;
    const paid = await this.an.buyer('POST', `/ready-stock/sales/${sale.sale_id}/balance`,
      b.account.token, {});
    if (paid?.status === 200) this.figures.readyBalancePaid++;
    else this.refused('ready balance', vin, paid);
  }

  /** A refusal the story did not expect: kept as a violation with the code. */
  private refused(what: string, id: string, r: Reply | null): void {
    if (r === null) return;
    this.auditor.violation('delivery_refused', `${what} of ${id}: ${r.status} ${r.code}`);
  }
}

/** `fen` in `parts` whole parts, none below 100 fen (the smallest part), summing to `fen`. */
export function splitFen(fen: number, parts: number, pick: Random): number[] {
  const out: number[] = [];
  let left = fen;
  for (let i = 1; i < parts && left >= 200_00; i++) {
    const share = 0.2 + pick.next() * 0.4;
    const part = Math.max(100, Math.round(left * share));
    out.push(part);
    left -= part;
  }
  out.push(left);
  return out;
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
