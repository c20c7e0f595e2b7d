// The weeks after the night (`launchday simulate --after-night`): the operator's production plan
// and delivery centres are set before the opening, as a carmaker publishes them; after the night
// the cooling-off week ends, and then, one simulated week at a time, more buyers order and lock,
// the line builds the plan's cars of the orders first in the queue (a few of another
// configuration, which go to ready stock or to a later order of theirs), recorded with VINs
// through POST /admin/production-runs, the operator re-plans, a capacity increase and new
// delivery cities come on their dates, and the server's simulated clock moves a week. It stops
// once the target number of cars is allocated. Everything goes through the API; the auditor
// (production-auditor.ts) then reads the API and the store.
import type { Auditor, ModelOrder } from './auditor.js';
import type { Catalog } from './catalog.js';
import type { Outcome, Reply } from './http-client.js';
import { identityNumber, personName, phoneNumber } from './identity-generator.js';
import { orderBody, type LaunchNight } from './launch-night.js';
import { Random } from './random.js';
import { configuration, type Workload } from './workload.js';
import type { AuditCar } from './production-auditor.js';
import { withCheckCharacter } from '../src/production/vin.js';
import {
  beijingDate, beijingDateMs, weekOf, weekOfDate, weekStartMs, DAY_MS, WEEK_MS,
} from '../src/production/plan.js';

/** Plan rates as `[from date, units per week]`, all trims together, at scale 1. */
type Rates = ReadonlyArray<readonly [string, number]>;

/**
 * The story, at scale 1. SU7 deliveries began on 3 April 2024; the line ramped through the
 * spring, suppliers sped up in the summer, and the 100,000th car came in mid-November: the
 * plan below reaches 100,000 cars by then (22,000 by July, 35,000 by August, 70,000 by October).
 */
export const AFTER_NIGHT = Object.freeze({
  /** The plan published before the opening (version 1 of every trim). */
  planV1: [['2024-04-01', 1000], ['2024-05-06', 2000], ['2024-06-03', 2500],
    ['2024-07-01', 3000]] as Rates,
  /** The capacity increase: posted in the week of this date, two weeks ahead of its rates. */
  increasePostedOn: '2024-07-15',
  planIncrease: [['2024-07-29', 4000], ['2024-09-30', 5000]] as Rates,
  /** The first 29 cities' centres hand over from the first delivery week. */
  centresOpenOn: '2024-04-01',
  firstCities: 29,
  /** The cities announced days after the opening, "by the end of the year". */
  announcedOpenOn: '2024-12-30',
  /** They open in fact from this date, one every `openingEveryWeeks`, each posted a week ahead. */
  firstOpeningOn: '2024-06-03',
  openingEveryWeeks: 2,
  /** Handover capacity: this many times a city's share of the peak rate (5,000 a week). */
  handoverHeadroom: 1.5,
  peakUnitsPerWeek: 5000,
  /** Firm orders a week after the night (the year's deliveries passed 100,000). */
  ordersPerWeek: 1000,
  /** Of them: locked at once; cancelled in the cooling-off (the rest lock when it ends). */
  lockAtOnce: 0.5,
  cancelFirm: 0.08,
  /** Reported: 75,723 of the night's 88,898 orders were locked by late April. */
  nightLockedShare: 75_723 / 88_898,
  /** Cars built in a configuration other than the next order's (ready stock, or a later order). */
  offQueueShare: 0.03,
  /**
   * Going on to deliveries: cars built each week, as a share of the plan, in a configuration
   * no waiting order has (surplus): they go to ready stock.
   */
  surplusShare: 0.02,
  /** Cars per POST /admin/production-runs (the server takes 5,000). */
  carsPerRequest: 2000,
  weeksMax: 104,
  /** The clock stands at this hour of Monday (Beijing) while a week is played. */
  weekHourMs: 12 * 3_600_000,
});

/**
 * Where a city's buyers are served until its own centre opens. Those without one wait for it
 * (the remote ones); either way the opening moves their estimates, earlier.
 */
const SERVED_BY: Readonly<Record<string, string | null>> = {
  jinan: 'qingdao', changzhou: 'wuxi', nantong: 'suzhou', jinhua: 'hangzhou',
  zhuhai: 'foshan', quanzhou: 'xiamen', nanning: null, changchun: null, guiyang: null,
  xiantao: 'wuhan',
};

/** The weekly rate of `rates` in week `w` (0 before the first). */
export function rateInWeek(rates: Rates, w: number): number {
  let units = 0;
  for (const [from, n] of rates) if (weekOfDate(from) <= w) units = n;
  return units;
}

/** A trim's plan: the total rates times its share, at least 1 a week once the line runs. */
export function trimRates(total: Rates, share: number, scale: number): Array<[string, number]> {
  return total.map(([from, n]) => [from, Math.max(1, Math.round(n * share * scale))]);
}

/**
 * A valid VIN (ISO 3779) for the `serial`-th car: WMI `LXM`, the model and trim, the ninth the
 * check character, the model year (R 2024, S 2025, T 2026), plant B, six serial digits.
 */
export function vinFor(trim: string, builtOn: string, serial: number): string {
  const year = 'RSTVWXY'[Math.max(0, Number(builtOn.slice(0, 4)) - 2024)] ?? 'Y';
  const t = (trim[0] ?? 'X').toUpperCase().replace(/[IOQ]/, 'X');
  return withCheckCharacter(`LXMSU7${t}A0${year}B${String(serial % 1e6).padStart(6, '0')}`);
}

export interface AfterNightSummary {
  readonly weeks: number;
  readonly firstWeek: string;
  readonly lastWeek: string;
  readonly target: number;
  readonly allocated: number;
  readonly built: number;
  readonly pooled: number;
  readonly lockedAfterCoolingOff: number;
  readonly nightOrders: number;
  readonly ordersAfterNight: number;
  readonly cancelledInCoolingOff: number;
  readonly planVersions: number;
  readonly centresOpenedDuringRun: number;
  readonly citiesWithCentre: { readonly before: number; readonly after: number };
  readonly replans: number;
  readonly lineShortWeeks: number;
  readonly queueReads: number;
  readonly seconds: number;
  /** Real seconds per part of the weeks (orders, runs, re-plans, clock, queue reads, events). */
  readonly secondsBy: ReadonlyMap<string, number>;
  readonly recorded: readonly AuditCar[];
  readonly replied: ReadonlyArray<{ vin: string; orderId: string }>;
}

interface Waiting {
  readonly orderId: string;
  readonly seq: number;
  readonly options: readonly string[];
}

export interface Account {
  readonly accountId: string;
  readonly token: string;
}

/**
 * What runs after each week's production when the run goes on to deliveries
 * (delivery-weeks.ts): the weeks stop once it is `done`, not at the allocation target.
 */
export interface AfterWeek {
  readonly done: boolean;
  /** The week's deliveries, the clock standing after the week's production runs. */
  week(): Promise<void>;
}

export class AfterNight {
  private readonly random: Random;
  private readonly shares = new Map<string, number>();
  private readonly allocatedOrders = new Set<string>();
  private readonly recorded: AuditCar[] = [];
  private readonly replied: Array<{ vin: string; orderId: string }> = [];
  private queues = new Map<string, Waiting[]>();
  private serverNowMs = 0;
  private serial = 0;
  private planVersions = 0;
  private replans = 0;
  private queueReads = 0;
  private lineShortWeeks = 0;
  private pooled = 0;
  private buyers = 0;
  private ordersAfterNight = 0;
  private readonly opened = new Set<string>();
  private readonly secondsBy = new Map<string, number>();
  /** Tokens of the buyers who ordered after the night, by account. */
  private readonly laterTokens = new Map<string, string>();
  /** Set to go on to deliveries: the weeks then run until it is done. */
  afterWeek: AfterWeek | null = null;

  /** Runs `f`, adding its real time to `part`. */
  private async timed<T>(part: string, f: () => Promise<T>): Promise<T> {
    const start = performance.now();
    try {
      return await f();
    } finally {
      this.secondsBy.set(part, (this.secondsBy.get(part) ?? 0)
        + (performance.now() - start) / 1000);
    }
  }

  constructor(
    private readonly night: LaunchNight,
    private readonly auditor: Auditor,
    private readonly workload: Workload,
    private readonly adminToken: string,
    private readonly target: number,
    private readonly log: (line: string) => void,
  ) {
    this.random = Random.stream(workload.seed, 'after-night');
    // The plan splits the line by the trim mix the night is drawn from.
    const counts = new Map<string, number>();
    let all = 0;
    for (const b of workload.buyers) {
      for (const o of b.orders) {
        if (o.beyondLimit) continue;
        counts.set(o.config.trim, (counts.get(o.config.trim) ?? 0) + 1);
        all++;
      }
    }
    for (const t of this.catalog.trims) this.shares.set(t.trim, (counts.get(t.trim) ?? 0) / all);
  }

  private get catalog(): Catalog {
    return this.night.target;
  }

  private get launchId(): string {
    return this.catalog.launchId;
  }

  private get scale(): number {
    return this.workload.scale;
  }

  /** An operator's call that must succeed; retried while the server is busy. */
  async adminOk(method: string, path: string, body?: unknown): Promise<Reply> {
    for (let attempt = 0; ; attempt++) {
      const o = await this.night.call(method, path, { token: this.adminToken, body,
        timeoutMs: 300_000 });
      if (o.kind === 'reply' && o.status < 300) {
        const t = Date.parse(String(o.headers['x-server-time'] ?? ''));
        if (Number.isFinite(t)) this.serverNowMs = t;
        return o;
      }
      if (attempt >= 20 || (o.kind === 'reply' && o.status !== 503 && o.status !== 429)) {
        throw new Error(`${method} ${path}: ${o.kind === 'reply'
          ? `${o.status} ${JSON.stringify(o.body).slice(0, 300)}` : o.message}`);
      }
      await sleep(retryAfterMs(o));
    }
  }

  /** A buyer's call: retried while the server is busy; the reply, whatever it says. */
  async buyer(method: string, path: string, token: string | undefined, body: unknown,
    headers?: Record<string, string>): Promise<Reply | null> {
    for (let attempt = 0; attempt < 20; attempt++) {
      const o = await this.night.call(method, path, { token, body, headers });
      if (o.kind === 'reply' && o.status !== 503 && o.status !== 429) return o;
      await sleep(retryAfterMs(o));
    }
    this.auditor.violation('unresolved', `${method} ${path}: no definite answer`);
    return null;
  }

  // ---------- before the opening: centres and the published plan ----------

  /** Delivery centres and every trim's plan (version 1), before the opening. */
  async setUp(): Promise<void> {
    const cities = this.catalog.cities;
    const weights = cities.map((_, i) => 1 / (i + 1) ** 0.8);
    const sum = weights.reduce((a, b) => a + b, 0);
    const capacity = (i: number): number => Math.max(3, Math.ceil(AFTER_NIGHT.peakUnitsPerWeek *
      this.scale * (weights[i]! / sum) * AFTER_NIGHT.handoverHeadroom));
    // The first cities first: the later ones name one of them as their server.
    for (const [i, city] of cities.entries()) {
      const first = i < AFTER_NIGHT.firstCities;
      await this.adminOk('POST', '/admin/delivery-centres', { city_id: city,
        handovers_per_week: capacity(i),
        opens_on: first ? AFTER_NIGHT.centresOpenOn : AFTER_NIGHT.announcedOpenOn,
        served_by: first ? null : SERVED_BY[city] ?? null,
        reason: first ? 'SU7 deliveries: the first 29 cities'
          : 'announced: by the end of the year' });
      this.replans++;
    }
    for (const t of this.catalog.trims) await this.postPlan(t.trim, AFTER_NIGHT.planV1,
      'the plan published at the launch');
  }

  private async postPlan(trim: string, total: Rates, reason: string): Promise<void> {
    const rates = trimRates(total, this.shares.get(trim) ?? 0, this.scale)
      .map(([from, units]) => ({ from, units_per_week: units }));
    const r = await this.adminOk('POST', '/admin/production-plans', { launch_id: this.launchId,
      trim, rates, reason });
    this.planVersions++;
    this.replans++;
    const rp = r.body?.replan;
    this.log(`plan ${trim} v${r.body?.plan?.version}: ${reason}; re-plan of ` +
      `${rp?.orders_estimated} orders, ${rp?.moved_earlier} earlier, ${rp?.moved_later} later`);
  }

  // ---------- after the night ----------

  /** Plays the weeks until `target` cars are allocated (or `weeksMax` weeks). */
  async run(): Promise<AfterNightSummary> {
    const started = performance.now();
    const nightOrders = [...this.auditor.orders.values()]
      .filter((o) => o.launchId === this.launchId);
    const cancelled = await this.coolingOffWeek(nightOrders);
    // The cooling-off ends 168 hours after the night: every firm order left locks then.
    await this.advanceTo(this.serverNowMs + 7 * DAY_MS + 60_000);
    const stats = await this.adminOk('GET', `/launches/${this.launchId}/stats`);
    const lockedAfterCoolingOff = Number(stats.body?.orders?.locked ?? 0)
      + Number(stats.body?.orders?.scheduled ?? 0);
    this.log(`after the cooling-off week: ${lockedAfterCoolingOff} locked of ` +
      `${nightOrders.length} night orders (${cancelled} cancelled in the week)`);
    await this.replan('the night\'s orders are locked');
    const citiesBefore = this.openCitiesAt(this.serverNowMs);
    let week = weekOf(this.serverNowMs);
    const firstWeek = week;
    let allocated = 0;
    const more = (): boolean => (this.afterWeek === null ? allocated < this.target
      : !this.afterWeek.done);
    for (; more(); week++) {
      if (week - firstWeek >= AFTER_NIGHT.weeksMax) {
        this.auditor.violation('production_deadline', `${allocated} of ${this.target} cars ` +
          `allocated after ${AFTER_NIGHT.weeksMax} weeks`);
        break;
      }
      await this.timed('plan and centre changes', () => this.weekEvents(week));
      await this.timed('orders after the night', () => this.newOrders(week));
      // The week ends: orders whose cooling-off ended lock, and its cars are counted.
      await this.timed('clock', () =>
        this.advanceTo(weekStartMs(week + 1) + AFTER_NIGHT.weekHourMs));
      allocated += await this.build(week);
      await this.timed('weekly re-plans', () =>
        this.replan(`weekly re-plan after week ${beijingDate(weekStartMs(week))}`));
      if (this.afterWeek !== null) await this.timed('deliveries', () => this.afterWeek!.week());
      this.log(`week of ${beijingDate(weekStartMs(week))}: ${allocated} of ${this.target} ` +
        `cars allocated, ${this.recorded.length} built, ${this.pooled} in ready stock`);
    }
    return {
      weeks: week - firstWeek, firstWeek: beijingDate(weekStartMs(firstWeek)),
      lastWeek: beijingDate(weekStartMs(week - 1)), target: this.target, allocated,
      built: this.recorded.length, pooled: this.pooled, lockedAfterCoolingOff,
      nightOrders: nightOrders.length, ordersAfterNight: this.ordersAfterNight,
      cancelledInCoolingOff: cancelled, planVersions: this.planVersions,
      centresOpenedDuringRun: this.opened.size,
      citiesWithCentre: { before: citiesBefore, after: this.openCitiesAt(this.serverNowMs) },
      replans: this.replans, lineShortWeeks: this.lineShortWeeks, queueReads: this.queueReads,
      seconds: (performance.now() - started) / 1000, secondsBy: this.secondsBy,
      recorded: this.recorded,
      replied: this.replied,
    };
  }

  /** Cities whose own centre hands over at `ms`. */
  private openCitiesAt(ms: number): number {
    const w = weekOf(ms);
    return this.catalog.cities.filter((c, i) => {
      if (i < AFTER_NIGHT.firstCities) return weekOfDate(AFTER_NIGHT.centresOpenOn) <= w;
      const on = this.openingOf(i);
      return this.opened.has(c) && weekOfDate(on) <= w;
    }).length;
  }

  /** The date the `i`-th city (beyond the first 29) opens in fact. */
  private openingOf(i: number): string {
    const k = i - AFTER_NIGHT.firstCities;
    return beijingDate(beijingDateMs(AFTER_NIGHT.firstOpeningOn)! +
      k * AFTER_NIGHT.openingEveryWeeks * WEEK_MS);
  }

  /**
   * The rest of the cooling-off week: buyers who change their mind cancel (refunded) until the
   * night's locked share is the reported one (75,723 of 88,898).
   */
  private async coolingOffWeek(nightOrders: readonly ModelOrder[]): Promise<number> {
    const live = nightOrders.filter((o) => o.status !== 'cancelled');
    const firm = live.filter((o) => o.status === 'firm');
    const want = Math.round(AFTER_NIGHT.nightLockedShare * nightOrders.length);
    let excess = Math.max(0, live.length - want);
    const tokens = this.tokens();
    let cancelled = 0;
    // Selection sampling: each firm order in turn, with the chance that leaves `excess` picks
    // spread evenly over the ones not yet seen.
    const picks: ModelOrder[] = [];
    for (const [i, o] of firm.entries()) {
      if (excess === 0) break;
      if (this.random.chance(excess / (firm.length - i))) {
        picks.push(o);
        excess--;
      }
    }
    await Promise.all(picks.map(async (o) => {
      const token = tokens.get(o.accountId);
      if (token === undefined || this.auditor.isUncertain(o)) return;
      const r = await this.buyer('POST', `/orders/${o.orderId}/cancel`, token, {});
      if (r === null) return;
      this.auditor.cancelled(o, r);
      if (r.status === 200) cancelled++;
    }));
    return cancelled;
  }

  /** Every buyer's token by account: the night's and those who ordered after it. */
  tokens(): Map<string, string> {
    const m = new Map<string, string>(this.laterTokens);
    for (const a of this.night.accounts.values()) m.set(a.accountId, a.token);
    return m;
  }

  /**
   * What the order says: for a sample of allocated orders, `GET /admin/orders?order_id=` (the
   * view the buyer's page gets; buyers' own sessions have long expired after weeks of simulated
   * time) says stage `scheduled` with the VIN the run's reply gave (status `locked`, or
   * `scheduled` once allocation sets it), and for a sample of orders still waiting, no VIN.
   * Returns the orders read.
   */
  async checkOrderViews(sampleMax: number, released: ReadonlySet<string> = new Set()):
    Promise<number> {
    // A car deliveries released is no longer the one the run named (delivery-auditor.ts).
    const vinOf = new Map(this.replied.filter((a) => !released.has(a.orderId))
      .map((a) => [a.orderId, a.vin]));
    const allocated = this.sample([...vinOf.keys()], sampleMax);
    const waiting = this.sample([...this.auditor.orders.values()].filter((o) =>
      o.launchId === this.launchId && o.status !== 'cancelled' && !vinOf.has(o.orderId)
      && !released.has(o.orderId))
      .map((o) => o.orderId), sampleMax);
    let read = 0;
    await Promise.all([...allocated, ...waiting].map(async (id) => {
      const r = await this.adminOk('GET', `/admin/orders?order_id=${id}`);
      read++;
      const b = r.body?.orders?.[0] ?? {};
      const vin = b.vehicle?.vin ?? b.vin ?? null;
      const want = vinOf.get(id) ?? null;
      if (b.order_id !== id || vin !== want || (want !== null && (b.stage !== 'scheduled'
        || (b.status !== 'locked' && b.status !== 'scheduled')))) {
        this.auditor.violation('order_view', `GET /admin/orders?order_id=${id}: status ` +
          `${b.status} stage ${b.stage} VIN ${vin}; the runs allocated ${want ?? 'no car'}`);
      }
    }));
    return read;
  }

  private sample<T>(items: readonly T[], n: number): T[] {
    const a = [...items];
    for (let i = 0; i < Math.min(n, a.length); i++) {
      const j = i + this.random.int(a.length - i);
      [a[i], a[j]] = [a[j]!, a[i]!];
    }
    return a.slice(0, n);
  }

  /** The server's simulated time as its last reply said (ms). */
  get nowMs(): number {
    return this.serverNowMs;
  }

  /** Moves the server's simulated clock to `ms` (orders whose cooling-off ended lock). */
  async advanceTo(ms: number): Promise<void> {
    if (this.serverNowMs === 0) await this.adminOk('POST', '/admin/clock', { advance_seconds: 0 });
    const seconds = Math.max(0, Math.ceil((ms - this.serverNowMs) / 1000));
    const r = await this.adminOk('POST', '/admin/clock', { advance_seconds: seconds });
    this.serverNowMs = Date.parse(r.body.now);
  }

  private async replan(reason: string): Promise<void> {
    await this.adminOk('POST', '/admin/replans', { reason });
    this.replans++;
  }

  /** The capacity increase and the cities opening, each posted in its week. */
  private async weekEvents(week: number): Promise<void> {
    if (week === weekOfDate(AFTER_NIGHT.increasePostedOn)) {
      const total = [...AFTER_NIGHT.planV1, ...AFTER_NIGHT.planIncrease];
      for (const t of this.catalog.trims) {
        await this.postPlan(t.trim, total, 'suppliers sped up: capacity increase');
      }
    }
    for (const [i, city] of this.catalog.cities.entries()) {
      if (i < AFTER_NIGHT.firstCities || this.opened.has(city)) continue;
      const on = this.openingOf(i);
      // Posted the week before it opens, as the operator announces it.
      if (weekOfDate(on) - 1 > week) continue;
      const versions = await this.adminOk('GET', `/admin/delivery-centres/${city}`);
      const last = versions.body.versions[versions.body.versions.length - 1];
      const r = await this.adminOk('POST', '/admin/delivery-centres', { city_id: city,
        handovers_per_week: last.handovers_per_week, opens_on: on,
        served_by: last.served_by ?? null, reason: `${city} opens on ${on}` });
      this.opened.add(city);
      this.replans++;
      const rp = r.body?.replan;
      this.log(`centre ${city} opens on ${on}: re-plan moved ${rp?.moved_earlier} earlier, ` +
        `${rp?.moved_later} later`);
    }
  }

  /** The week's new buyers: each registers, orders, and locks at once or cancels or waits. */
  private async newOrders(week: number): Promise<void> {
    const mean = AFTER_NIGHT.ordersPerWeek * this.scale;
    // Whole orders, the fraction carried at random, so a small scale still orders weekly.
    const n = Math.floor(mean) + (this.random.chance(mean - Math.floor(mean)) ? 1 : 0);
    const people = Random.stream(this.workload.seed, `after-night-people-${week}`);
    const jobs: Array<Promise<void>> = [];
    for (let k = 0; k < n; k++) {
      const index = this.workload.buyers.length + this.buyers++;
      const config = configuration(this.catalog, this.random);
      const lockNow = this.random.chance(AFTER_NIGHT.lockAtOnce);
      const cancel = !lockNow && this.random.chance(AFTER_NIGHT.cancelFirm);
      const who = { phone: phoneNumber(index, 0), name: personName(people),
        id_number: identityNumber(index, 0, people) };
      jobs.push(this.oneBuyer(who, index, config, lockNow, cancel));
    }
    await Promise.all(jobs);
  }

  /** A new person registers (POST /accounts); null when refused (a violation) or unresolved. */
  async newAccount(label: string): Promise<Account | null> {
    const index = this.workload.buyers.length + this.buyers++;
    const people = Random.stream(this.workload.seed, `${label}-${index}`);
    return this.register({ phone: phoneNumber(index, 0), name: personName(people),
      id_number: identityNumber(index, 0, people) });
  }

  private async register(who: { phone: string; name: string; id_number: string }):
    Promise<Account | null> {
    const reg = await this.buyer('POST', '/accounts', undefined, who);
    if (reg === null) return null;
    if (reg.status !== 201) {
      this.auditor.violation('identity_refused', `after the night: ${who.phone}: ${reg.status}`);
      return null;
    }
    const account: Account = { accountId: reg.body.account_id, token: reg.body.token };
    this.laterTokens.set(account.accountId, account.token);
    return account;
  }

  private async oneBuyer(who: { phone: string; name: string; id_number: string }, index: number,
    config: ReturnType<typeof configuration>, lockNow: boolean, cancel: boolean): Promise<void> {
    const account = await this.register(who);
    if (account === null) return;
    const key = `after-${index}`;
    const placed = await this.buyer('POST', '/orders', account.token,
      orderBody(this.launchId, config), { 'idempotency-key': key });
    if (placed === null) return;
    const order = this.auditor.placed(`order ${key}`, account.accountId, key, this.launchId,
      config, placed, false);
    if (order === null) return;
    this.ordersAfterNight++;
    if (lockNow) {
      const r = await this.buyer('POST', `/orders/${order.orderId}/lock`, account.token,
        { confirm: true });
      if (r !== null) this.auditor.locked(order, r);
    } else if (cancel) {
      const r = await this.buyer('POST', `/orders/${order.orderId}/cancel`, account.token, {});
      if (r !== null) this.auditor.cancelled(order, r);
    }
  }

  /**
   * Every live locked order without a car, per trim by production sequence (GET
   * /admin/launches/{id}/orders, a thousand a page). Options come from the simulator's own
   * record of the orders it placed: the list does not carry them.
   */
  private async readQueues(): Promise<void> {
    this.queueReads++;
    const queues = new Map<string, Waiting[]>();
    let after = '';
    for (;;) {
      const r = await this.adminOk('GET', `/admin/launches/${this.launchId}/orders?limit=1000` +
        (after === '' ? '' : `&after=${after}`));
      for (const o of r.body.orders as any[]) {
        if ((o.status !== 'locked' && o.status !== 'scheduled') || o.trim_seq == null) continue;
        if (this.allocatedOrders.has(o.order_id)) continue;
        const model = this.auditor.orders.get(o.order_id);
        if (model === undefined) {
          this.auditor.violation('unknown_order', `${o.order_id} is locked in the queue, but ` +
            'the simulator never placed it');
          continue;
        }
        let q = queues.get(o.trim);
        if (q === undefined) queues.set(o.trim, q = []);
        q.push({ orderId: o.order_id, seq: o.trim_seq, options: model.options });
      }
      if (r.body.next_after == null) break;
      after = r.body.next_after;
    }
    for (const q of queues.values()) q.sort((a, b) => a.seq - b.seq);
    this.queues = queues;
  }

  /**
   * The week's surplus: `surplusShare` of the plan, each in a configuration no known waiting
   * order has (drawn among all the catalogue's; none while every one has a waiting order), so
   * it goes to ready stock.
   */
  private surplus(builtOn: string, plan: ReadonlyMap<string, number>,
    waitingOf: (trim: string) => Waiting[]): LineCar[] {
    const n = [...plan.values()].reduce((a, b) => a + b, 0) * AFTER_NIGHT.surplusShare;
    const count = Math.floor(n) + (this.random.chance(n - Math.floor(n)) ? 1 : 0);
    if (count === 0) return [];
    const waiting = new Set(this.catalog.trims.flatMap((t) => waitingOf(t.trim)
      .map((w) => `${t.trim}/${[...w.options].sort().join(',')}`)));
    const free = allConfigurations(this.catalog).filter((c) =>
      !waiting.has(`${c.trim}/${c.options.join(',')}`));
    if (free.length === 0) return [];
    return Array.from({ length: count }, () => {
      const c = this.random.pick(free);
      return { vin: vinFor(c.trim, builtOn, ++this.serial), trim: c.trim, options: c.options };
    });
  }

  /** The week's cars per trim, recorded and allocated; returns the cars allocated. */
  private async build(week: number): Promise<number> {
    const builtOn = beijingDate(weekStartMs(week) + 4 * DAY_MS);
    const total = week >= weekOfDate(AFTER_NIGHT.planIncrease[0]![0])
      ? [...AFTER_NIGHT.planV1, ...AFTER_NIGHT.planIncrease] : AFTER_NIGHT.planV1;
    const plan = new Map(this.catalog.trims.map((t) => [t.trim,
      rateInWeek(trimRates(total, this.shares.get(t.trim) ?? 0, this.scale), week)]));
    const waitingOf = (trim: string): Waiting[] => (this.queues.get(trim) ?? [])
      .filter((w) => !this.allocatedOrders.has(w.orderId));
    if ([...plan].some(([trim, n]) => waitingOf(trim).length < n)) {
      await this.timed('queue reads', () => this.readQueues());
    }
    const cars: LineCar[] = [];
    for (const [trim, n] of plan) {
      const next = waitingOf(trim).slice(0, n);
      if (next.length < n) this.lineShortWeeks++;
      for (const w of next) {
        const off = this.random.chance(AFTER_NIGHT.offQueueShare);
        const options = off ? configuration(this.catalog, this.random).options : w.options;
        cars.push({ vin: vinFor(trim, builtOn, ++this.serial), trim, options });
      }
    }
    if (this.afterWeek !== null) cars.push(...this.surplus(builtOn, plan, waitingOf));
    return this.postCars(cars, builtOn, `built in the week of ${beijingDate(weekStartMs(week))}`);
  }

  /**
   * Cars built before the opening (the pre-production run that fills the centres' showrooms):
   * `count` cars of configurations drawn as buyers draw them, recorded while no order is
   * locked, so they all go to ready stock.
   */
  async showroomRun(builtOn: string, count: number): Promise<void> {
    const cars = Array.from({ length: count }, () => {
      const c = configuration(this.catalog, this.random);
      return { vin: vinFor(c.trim, builtOn, ++this.serial), trim: c.trim, options: c.options };
    });
    await this.postCars(cars, builtOn, 'pre-production run for the showrooms');
  }

  /** Records `cars` through POST /admin/production-runs; returns the cars allocated. */
  private async postCars(cars: readonly LineCar[], builtOn: string, reason: string):
    Promise<number> {
    let allocated = 0;
    for (let i = 0; i < cars.length; i += AFTER_NIGHT.carsPerRequest) {
      const chunk = cars.slice(i, i + AFTER_NIGHT.carsPerRequest);
      const r = await this.timed('production runs', () => this.adminOk('POST',
        '/admin/production-runs', { launch_id: this.launchId,
        built_on: builtOn, cars: chunk.map((c) => ({ vin: c.vin, trim: c.trim,
          options: c.options })), reason }));
      for (const c of chunk) {
        this.recorded.push({ vin: c.vin, launchId: this.launchId, trim: c.trim,
          options: c.options, builtOn, orderId: null, pooled: false });
      }
      for (const a of r.body.allocated as Array<{ vin: string; order_id: string }>) {
        this.replied.push({ vin: a.vin, orderId: a.order_id });
        this.allocatedOrders.add(a.order_id);
        allocated++;
      }
      this.pooled += (r.body.pooled as string[]).length;
    }
    return allocated;
  }
}

/** Every configuration of the catalogue: a trim, one colour, one wheel, any extras (sorted). */
export function allConfigurations(catalog: Catalog): Array<{ trim: string; options: string[] }> {
  const of = (g: string) => catalog.options.filter((o) => o.group === g).map((o) => o.optionId);
  const extras = of('extras');
  const out: Array<{ trim: string; options: string[] }> = [];
  for (const t of catalog.trims) {
    for (const colour of of('colour').length > 0 ? of('colour') : [null]) {
      for (const wheels of of('wheels').length > 0 ? of('wheels') : [null]) {
        for (let mask = 0; mask < 1 << extras.length; mask++) {
          const options = [colour, wheels, ...extras.filter((_, i) => mask & (1 << i))]
            .filter((x): x is string => x !== null).sort();
          out.push({ trim: t.trim, options });
        }
      }
    }
  }
  return out;
}

/** A car of the week's line, as recorded. */
interface LineCar {
  readonly vin: string;
  readonly trim: string;
  readonly options: readonly string[];
}

function retryAfterMs(o: Outcome): number {
  if (o.kind !== 'reply') return 200;
  const s = Number(o.headers['retry-after']);
  return Number.isFinite(s) ? Math.min(5000, s * 1000) : 200;
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
