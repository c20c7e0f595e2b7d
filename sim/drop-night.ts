// `launchday simulate --drop jacket`: the 800-piece jacket's opening, in real time, against a
// server. Honest buyers (each with a device, network, payment source and address of their own)
// and planted scalper rings (one device and network, or one payment source, or one address and
// network; registered in bulk just before the opening; sending first, as bots do) race at the
// opening second for one jacket each. Some payments fail (the sandbox's declining instrument),
// refused buyers join the waitlist, and the waitlist is offered the units that come back: some
// pay, some let the offer go, some let it expire. Then the operator cancels the flagged
// clusters' purchases with a reason (each refunded; the units back on sale or down the
// waitlist, whose offers are decided as before), and it reads everything back and audits it
// (drop-auditor.ts), including whether the suspicious-pattern report finds the rings.
// Behind a waiting room (`--waiting-room`), nobody races: the operator puts a room in front of
// the drop, its pre-queue open from 5 minutes before the opening; the rings and four buyers in
// five join it before the opening and the rest after; each polls its place until admitted,
// then buys with its pass, and if refused as sold out joins the waitlist with it. The room is
// audited too (room-line.ts): the gate, positions, the shuffle, the rate, admitted once.
import { HttpClient, type Outcome } from './http-client.js';
import { identityNumber, personName, phoneNumber } from './identity-generator.js';
import { Random } from './random.js';
import { counted, fmt } from './run-metrics.js';
import {
  auditDrop, DROP_AUDIT_RULES, type BuyerEnd, type DropAudit, type OfferChoice, type Revoked,
  type VariantEnd,
} from './drop-auditor.js';
import { admitRate, auditRoom, describe, joinRoom, newPlace, roomBody, roomLine, waitForPass,
  type RoomPlace, type RoomSend } from './room-line.js';

/** The jacket's price (fen): each refund of a cancelled sale is this. */
const JACKET_PRICE_FEN = 129_900;
/** The 800-piece jacket, sizes as variants. */
export const JACKET_SIZES: Readonly<Record<string, number>> = { s: 150, m: 250, l: 250, xl: 150 };
const SIZE_WEIGHTS = [0.18, 0.32, 0.32, 0.18];

export const DROP_NIGHT_LIMITS = Object.freeze({
  buyersMax: 100_000,
  /** Seconds from the drop's definition to its opening: every buyer is ready by then. */
  openingDelaySeconds: 3,
  /** Behind a room: the seconds before the opening in which the pre-queue fills. */
  roomOpeningDelaySeconds: 8,
  /** Behind a room: the rate is set so that everyone is admitted in about this many seconds. */
  roomAdmitAllSeconds: 15,
  /** A waitlist offer's deadline on the started server (LAUNCHDAY_DROP_OFFER_SECONDS). */
  offerSeconds: 10,
  /** Real seconds the waitlist phase may take at most. */
  waitlistSecondsMax: 90,
  pollMs: 1000,
  /**
   * The waitlist phase ends after this many rounds in a row (pollMs apart, so the server's
   * one-second sweep runs between them) that answered no offer and read nothing held.
   */
  quietRoundsToEnd: 2,
  retriesMax: 10,
  /**
   * Registrations at once, and the times one is sent again after `503 overloaded`: each attempt
   * counts against the phone's registration limit (10 in the window), so at most 8 retries.
   */
  registerConcurrency: 64,
  registerRetriesMax: 8,
  requestTimeoutMs: 60_000,
});

/** Shares of the honest buyers' behaviour. */
const SHARE = { declining: 0.06, slow: 0.08, joinWaitlist: 0.6, offerPay: 0.6,
  offerCancel: 0.15 };
/** The planted rings: how they link their accounts, and how many accounts each has. */
const RING_KINDS = ['device', 'payment', 'address'] as const;

export interface DropNightOptions {
  readonly seed: number;
  readonly buyers: number;
  readonly rings: number;
  readonly connections: number;
  readonly adminToken: string;
  /** Behind a waiting room (`--drop jacket --waiting-room`) instead of a race. */
  readonly room: boolean;
  readonly log: (line: string) => void;
}

/** The room in front of the drop, when there is one. */
const ROOM = 'jacket-room';

interface Buyer {
  readonly index: number;
  readonly ring: number | null;
  readonly device: string;
  readonly source: string;
  readonly forwardedFor: string;
  readonly address: string;
  readonly variant: string;
  token: string;
  accountId: string;
  toldBought: number;
  joined: boolean;
  /** When its waitlist join was sent and answered (performance.now(), ms). */
  join: { sentMs: number; repliedMs: number } | null;
  /** Offers already decided: what the buyer did with each (by hold id). */
  readonly decided: Map<string, OfferChoice>;
  /** Its place in the room in front of the drop (null: no room). */
  place: RoomPlace | null;
}

/** The buyers: honest ones, then the rings' accounts (planted), by seed. */
export function plantBuyers(seed: number, honest: number, rings: number): Buyer[] {
  const r = Random.stream(seed, 'drop-buyers');
  const sizes = Object.keys(JACKET_SIZES);
  const out: Buyer[] = [];
  const make = (ring: number | null, device: string, source: string, net: string,
    address: string): Buyer => ({ index: out.length, ring, device, source, forwardedFor: net,
    address, variant: r.weighted(sizes, SIZE_WEIGHTS), token: '', accountId: '', toldBought: 0,
    joined: false, join: null, decided: new Map(), place: null });
  for (let i = 0; i < honest; i++) {
    // The sandbox's test instruments: `slow-` answers after 2 s (a hold in flight at the
    // sell-out), `decline` is declined (its units come back, to the waitlist first).
    const x = r.next();
    const source = x < SHARE.declining ? `slow-decline-card-${seed}-${i}`
      : x < SHARE.declining + SHARE.slow ? `slow-card-${seed}-${i}` : `card-${seed}-${i}`;
    out.push(make(null, `device-h-${seed}-${i}`, source,
      `10.${(i >> 8) & 255}.${i & 255}.${1 + r.int(250)}`, `${i + 1} Honest Road, Hangzhou`));
  }
  for (let k = 0; k < rings; k++) {
    const kind = RING_KINDS[k % RING_KINDS.length]!;
    const size = 6 + r.int(10);
    for (let j = 0; j < size; j++) {
      const own = `${k}-${j}`;
      out.push(make(k,
        kind === 'device' ? `device-ring-${seed}-${k}` : `device-r-${seed}-${own}`,
        kind === 'payment' ? `card-ring-${seed}-${k}` : `card-r-${seed}-${own}`,
        kind === 'payment' ? `10.200.${(k * 16 + j) & 255}.9` : `172.16.${k}.${1 + j}`,
        kind === 'address' ? `88 Warehouse Road ${k}, Shenzhen` : `${own} Ring Street`));
    }
  }
  return out;
}

export interface DropNightResult {
  readonly passed: boolean;
  readonly lines: string[];
  readonly violations: string[];
  /** The drop's audit (its figures go into the report file). */
  readonly audit: DropAudit;
  readonly ends: readonly VariantEnd[];
}

export class DropNight {
  readonly #client: HttpClient;
  readonly #buyers: Buyer[];
  readonly #outcomes = new Map<string, number>();
  #soldOutAtMs = 0;
  #openingMs = 0;
  /** Findings of the room's audit, as `kind: text` (they fail the run as the drop's do). */
  readonly #roomViolations = new Map<string, string[]>();
  /** Purchases with a pass answered 201 (each spent its pass). */
  #boughtWithPass = 0;
  /** The room in front of the drop once put: its seed commitment and rate. */
  #room: { commitment: string; ratePerMinute: number } | null = null;

  constructor(urls: readonly string[], private readonly o: DropNightOptions) {
    this.#client = new HttpClient(urls, o.connections);
    this.#buyers = plantBuyers(o.seed, o.buyers, o.rings);
  }

  close(): void {
    this.#client.close();
  }

  async run(): Promise<DropNightResult> {
    const t0 = performance.now();
    await this.#register();
    const lines = [`${counted(this.#buyers.length, 'buyer')} registered (` +
      `${counted(this.o.rings, 'ring')}, ` +
      `${counted(this.#buyers.filter((b) => b.ring !== null).length, 'ring account')}) in ` +
      `${((performance.now() - t0) / 1000).toFixed(1)} s`];
    await this.#defineDrop();
    let racing: Promise<void>;
    if (this.o.room) {
      await this.#putRoom();
      racing = this.#throughRoom(lines);
    } else {
      await this.#untilOpening();
      await this.#race();
      racing = Promise.resolve();
      lines.push(`race: ${this.#outcomesText()}; the race's last sale answered ` +
        `${(this.#soldOutAtMs / 1000).toFixed(2)} s after the opening (slow payments take 2 s)`);
    }
    // Behind a room offers come while others still wait to be admitted: answered meanwhile.
    const waited = await this.#waitlistPhase(racing);
    lines.push(`waitlist phase: the buyers answered ${counted(waited.offers, 'offer')} (` +
      `${waited.paid} paid, ${waited.declined} payment declined, ${waited.late} too late, ` +
      `${waited.let_go} let go, ${waited.ignored} left to expire) in ` +
      `${waited.seconds.toFixed(1)} s`);
    const revoked = await this.#cancelFlagged();
    const again = await this.#waitlistPhase(Promise.resolve());
    lines.push(`after the operator's cancel: the buyers answered ${again.offers} offers ` +
      `(${again.paid} paid)`);
    const { ends, buyers, clusters } = await this.#readBack();
    const audit = auditDrop(ends, buyers, clusters, DROP_AUDIT_RULES, revoked);
    const sold = ends.reduce((n, e) => n + e.sold, 0);
    lines.push(`sold ${sold} of ${ends.reduce((n, e) => n + e.quantity, 0)} ` +
      `(${ends.map((e) => `${e.variant} ${e.sold}/${e.quantity}, ${e.remaining} on sale, ` +
        `${e.waiting} waiting`).join('; ')})`, ...audit.lines);
    if (this.o.room) lines.push(...await this.#auditRoom(ends));
    const violations = [...audit.violations, ...[...this.#roomViolations]
      .flatMap(([kind, list]) => list.map((text) => `${kind}: ${text}`))];
    return { passed: violations.length === 0, lines, violations, audit, ends };
  }

  #outcomesText(): string {
    return [...this.#outcomes].map(([k, n]) => `${k} ${n}`).join(', ');
  }

  readonly #roomViolation = (kind: string, text: string): void => {
    this.#roomViolations.set(kind, [...(this.#roomViolations.get(kind) ?? []), text]);
  };

  #headers(b: Buyer): Record<string, string> {
    return { 'x-device-id': b.device, 'x-forwarded-for': b.forwardedFor,
      'x-payment-source': b.source };
  }

  /** Sends with the same body and key again after `503 overloaded`, as a client should. */
  async #send(method: string, path: string, b: Buyer | null, body?: unknown,
    headers: Record<string, string> = {}, retriesMax: number = DROP_NIGHT_LIMITS.retriesMax):
    Promise<Outcome> {
    for (let attempt = 0; ; attempt++) {
      const o = await this.#client.request(method, path, { timeoutMs: DROP_NIGHT_LIMITS
        .requestTimeoutMs, body, token: b?.token || undefined,
      headers: { ...(b ? this.#headers(b) : {}), ...headers } });
      if (o.kind !== 'reply' || o.status !== 503 || attempt >= retriesMax) {
        return o;
      }
      await new Promise((r) => setTimeout(r, 1000 * Number(o.headers['retry-after'] ?? 1)));
    }
  }

  async #pool<T>(items: readonly T[], f: (x: T) => Promise<void>,
    width = this.o.connections): Promise<void> {
    let next = 0;
    await Promise.all(Array.from({ length: Math.min(width, items.length) },
      async () => {
        for (let i = next++; i < items.length; i = next++) await f(items[i]!);
      }));
  }

  async #register(): Promise<void> {
    const r = Random.stream(this.o.seed, 'drop-names');
    // Honest buyers first; the rings register last, in bulk, just before the opening.
    await this.#pool(this.#buyers, async (b) => {
      const o = await this.#send('POST', '/accounts', b, { phone: phoneNumber(b.index, 0),
        name: personName(r), id_number: identityNumber(b.index, 0, r) }, {},
      DROP_NIGHT_LIMITS.registerRetriesMax);
      if (o.kind !== 'reply' || o.status !== 201) {
        throw new Error(`registering buyer ${b.index}: ${o.kind === 'reply'
          ? JSON.stringify(o.body) : o.message}`);
      }
      b.token = o.body.token;
      b.accountId = o.body.account_id;
    }, Math.min(this.o.connections, DROP_NIGHT_LIMITS.registerConcurrency));
  }

  async #defineDrop(): Promise<void> {
    this.#openingMs = Date.now() + 1000 * (this.o.room
      ? DROP_NIGHT_LIMITS.roomOpeningDelaySeconds : DROP_NIGHT_LIMITS.openingDelaySeconds);
    const o = await this.#send('PUT', '/admin/drops/jacket', null, { name: 'Limited jacket',
      name_zh: '限量夹克', kind: 'merch', price_fen: JACKET_PRICE_FEN,
      opens_at: new Date(this.#openingMs).toISOString(), per_account_limit: 1,
      per_identity_limit: 1, variants: Object.entries(JACKET_SIZES).map(([variant, quantity]) =>
        ({ variant, name: variant.toUpperCase(), name_zh: `${variant.toUpperCase()}码`,
          quantity })) }, { authorization: `Bearer ${this.o.adminToken}` });
    if (o.kind !== 'reply' || o.status !== 201) {
      throw new Error(`the drop was not created: ${o.kind === 'reply' ? JSON.stringify(o.body)
        : o.message}`);
    }
  }

  async #untilOpening(afterMs = 0): Promise<void> {
    await new Promise((r) => setTimeout(r, Math.max(0, this.#openingMs - Date.now() + afterMs)));
  }

  async #race(): Promise<void> {
    // Bots are fastest: the rings' requests go out first.
    const order = [...this.#buyers].sort((a, b) => (a.ring === null ? 1 : 0)
      - (b.ring === null ? 1 : 0) || a.index - b.index);
    const started = performance.now();
    const join = Random.stream(this.o.seed, 'drop-join');
    await this.#pool(order, (b) => this.#buy(b, started, join));
  }

  /**
   * One buyer's purchase (with its pass when a room is in front), counted by outcome; a buyer
   * refused as sold out is offered the waitlist at once (the page shows it with the refusal).
   */
  async #buy(b: Buyer, started: number, join: Random): Promise<void> {
    const pass = this.#passHeader(b);
    const o = await this.#send('POST', '/drops/jacket/purchases', b,
      { variant: b.variant, delivery_address: b.address },
      { 'idempotency-key': `jacket-${b.index}`, ...pass });
    // Told in words: a sale is `bought`, a refusal its code, no reply its kind.
    const key = o.kind !== 'reply' ? o.kind : o.code ?? (o.status === 201
      ? (o.body.hold.status === 'paid' ? 'bought' : `hold ${o.body.hold.status}`)
      : `status ${o.status}`);
    this.#outcomes.set(key, (this.#outcomes.get(key) ?? 0) + 1);
    // An admitted buyer's purchase is for the drop to answer, never the room's gate.
    if (this.o.room && key.startsWith('waiting_room_')) {
      this.#roomViolation('gate', `buyer ${b.index}'s purchase with ${pass ? 'its' : 'no'} `
        + `pass: ${describe(o)}`);
    }
    if (o.kind === 'reply' && o.status === 201) this.#boughtWithPass += pass ? 1 : 0;
    if (o.kind === 'reply' && o.status === 201 && o.body.hold.status === 'paid') {
      b.toldBought += 1;
      this.#soldOutAtMs = Math.max(this.#soldOutAtMs, o.repliedAtMs - started);
    }
    if (o.kind === 'reply' && o.code === 'drop_sold_out' && b.ring === null
      && join.chance(SHARE.joinWaitlist)) await this.#join(b);
  }

  /** The pass a buyer sends with its purchase or waitlist join, once its room admitted it. */
  #passHeader(b: Buyer): Record<string, string> | null {
    return b.place?.pass ? { 'x-waiting-room-pass': b.place.pass } : null;
  }

  /** Puts the room in front of the drop, opening with it (its commitment and rate kept). */
  async #putRoom(): Promise<void> {
    const ratePerMinute = admitRate(this.#buyers.length, DROP_NIGHT_LIMITS.roomAdmitAllSeconds);
    const o = await this.#send('PUT', `/admin/waiting-rooms/${ROOM}`, null, roomBody('drop',
      'jacket', this.#openingMs, ratePerMinute, this.#buyers.length),
    { authorization: `Bearer ${this.o.adminToken}` });
    if (o.kind !== 'reply' || o.status !== 201) {
      throw new Error(`the waiting room was not created: ${describe(o)}`);
    }
    if (o.body.seed !== null) {
      this.#roomViolation('shuffle', 'the seed was shown before the opening');
    }
    this.#room = { commitment: o.body.seed_commitment, ratePerMinute };
  }

  /**
   * The way through the room: a purchase without a pass refused; the rings (bots, first) and
   * four buyers in five join the pre-queue, the rest after the opening; each polls its place
   * until admitted, then buys with its pass. Adds the report's lines for the room.
   */
  async #throughRoom(lines: string[]): Promise<void> {
    const probe = this.#buyers[0]!;
    const noPass = await this.#send('POST', '/drops/jacket/purchases', probe,
      { variant: probe.variant }, { 'idempotency-key': `jacket-${probe.index}-no-pass` });
    if (noPass.kind !== 'reply' || noPass.code !== 'waiting_room_pass_required'
      || noPass.body.error?.room_id !== ROOM) {
      this.#roomViolation('gate', `a purchase without a pass got ${describe(noPass)}`);
    }
    const r = Random.stream(this.o.seed, 'drop-room');
    for (const b of this.#buyers) b.place = newPlace(b.ring !== null || r.next() < 0.8);
    const send = (b: Buyer): RoomSend => (method, path, headers) =>
      this.#send(method, path, b, undefined, headers, 0);
    const joinAll = (list: Buyer[]) => this.#pool(list, (b) => joinRoom(send(b), ROOM,
      b.place!, this.#openingMs, this.#roomViolation));
    // Both lists first: a pre-queue join tried again past the opening is in the line, and
    // must not join a second time with the late ones. Bots are fastest: the rings first.
    const [first, later] = [this.#buyers.filter((b) => b.place!.prequeue)
      .sort((a, b) => (a.ring === null ? 1 : 0) - (b.ring === null ? 1 : 0)),
    this.#buyers.filter((b) => !b.place!.prequeue)];
    await joinAll(first);
    await this.#untilOpening(200);
    await joinAll(later);
    const join = Random.stream(this.o.seed, 'drop-join');
    // The opening on the clock the replies are timed by (performance.now()).
    const openedAt = performance.now() - (Date.now() - this.#openingMs);
    await Promise.all(this.#buyers.map(async (b) => {
      await waitForPass(send(b), ROOM, b.place!, `buyer ${b.index}`, this.#roomViolation,
        () => r.next());
      if (b.place!.pass !== null) await this.#buy(b, openedAt, join);
    }));
    const soldOut = this.#buyers.filter((b) => b.place!.soldOut).length;
    lines.push(`through the room: ${this.#outcomesText()}; ${counted(soldOut, 'buyer')} told `
      + 'by the room that the drop sold for good; the last sale answered '
      + `${(this.#soldOutAtMs / 1000).toFixed(2)} s after the opening`,
    roomLine(this.#buyers.map((b) => b.place!), this.#room!.ratePerMinute,
      (Date.now() - this.#openingMs) / 1000, this.#roomViolations));
  }

  /**
   * The room's audit once all is read back: its own (room-line.ts), every purchase that went
   * through spent a pass, and a buyer told "sold for good" by the room only when it was.
   */
  async #auditRoom(ends: readonly VariantEnd[]): Promise<string[]> {
    const admin = { authorization: `Bearer ${this.o.adminToken}` };
    const seen = await this.#send('GET', `/waiting-rooms/${ROOM}`, null);
    const overview = await this.#send('GET', `/admin/waiting-rooms/${ROOM}`, null, undefined,
      admin);
    const o = overview.kind === 'reply' && overview.status === 200 ? overview.body : null;
    const lines = auditRoom(this.#buyers.map((b) => b.place!), { seed: seen.kind === 'reply'
      ? seen.body.seed ?? null : null, commitment: this.#room!.commitment, overview: o,
    ratePerMinute: this.#room!.ratePerMinute, opensAtMs: this.#openingMs, nowMs: Date.now(),
    fairnessPrefix: `drop-${this.o.seed}` }, this.#roomViolation);
    const spent = o === null ? -1 : Number(o.spent_passes);
    if (spent !== this.#boughtWithPass) {
      this.#roomViolation('gate', `${this.#boughtWithPass} purchases with a pass went through, `
        + `${spent} passes spent`);
    }
    const soldOut = this.#buyers.filter((b) => b.place!.soldOut).length;
    if (soldOut > 0 && !ends.every((e) => e.sold === e.quantity)) {
      this.#roomViolation('sold-out', `${soldOut} buyers told the drop sold for good, which `
        + 'it was not');
    }
    lines.push(`gate: a purchase without a pass refused; ${fmt(this.#boughtWithPass)} purchases `
      + `went through, each spending a pass (${fmt(spent)} spent)`);
    return lines;
  }

  async #join(b: Buyer): Promise<void> {
    // Behind a room the join shows the pass too (the place leads to a unit); it is not spent.
    const pass = this.#passHeader(b);
    const o = await this.#send('POST', '/drops/jacket/waitlist', b, { variant: b.variant },
      pass ?? {});
    if (this.o.room && o.kind === 'reply' && o.code?.startsWith('waiting_room_')) {
      this.#roomViolation('gate', `buyer ${b.index}'s waitlist join with its pass: `
        + describe(o));
    }
    if (o.kind === 'reply' && (o.status === 201 || o.status === 200)) {
      b.joined = true;
      b.join = { sentMs: o.sentAtMs, repliedMs: o.repliedAtMs };
    }
    // Units came back on sale meanwhile: the buyer simply buys (a new attempt, a new key).
    if (o.kind === 'reply' && o.code === 'waitlist_not_needed') {
      const again = await this.#send('POST', '/drops/jacket/purchases', b,
        { variant: b.variant, delivery_address: b.address },
        { 'idempotency-key': `jacket-${b.index}-again`, ...pass });
      if (again.kind === 'reply' && again.status === 201) {
        b.toldBought += 1;
        this.#boughtWithPass += pass ? 1 : 0;
      }
    }
  }

  /**
   * Polls each waiting buyer's place; decides each offer once; ends when `buying` (the race or
   * the way through the room) has ended and nothing is held, or waitlistSecondsMax after it.
   */
  async #waitlistPhase(buying: Promise<void>) {
    const r = Random.stream(this.o.seed, 'drop-offers');
    const started = performance.now();
    const bought: { atMs: number | null } = { atMs: null };
    void buying.then(() => { bought.atMs = performance.now(); }, () => {});
    const n: Record<OfferChoice | 'offers', number> = { offers: 0, paid: 0, declined: 0,
      late: 0, let_go: 0, ignored: 0 };
    // Rounds in a row that answered no offer and read nothing held. One is not enough: the
    // figures read may be a moment old, and a unit that came back may be offered to the next
    // in line by a later batch or the server's sweep (every second), an offer this phase would
    // then never see, and the audit would count as lost to its buyer.
    let quiet = 0;
    for (;;) {
      const answered = n.offers;
      // A buyer refused at the room's pace joins later: the list is taken each round.
      const waiting = this.#buyers.filter((b) => b.joined);
      await this.#pool(waiting, async (b) => {
        const mine = await this.#send('GET', '/drops/jacket/mine', b);
        if (mine.kind !== 'reply' || mine.status !== 200) return;
        for (const e of mine.body.waitlist) {
          if (e.status !== 'offered' || b.decided.has(e.offer_hold_id)) continue;
          const choice = await this.#answerOffer(b, e.offer_hold_id, r.next());
          b.decided.set(e.offer_hold_id, choice);
          n.offers += 1;
          n[choice] += 1;
        }
      });
      const f = await this.#send('GET', '/drops/jacket', null);
      const over = bought.atMs !== null && (performance.now() - bought.atMs) / 1000
        >= DROP_NIGHT_LIMITS.waitlistSecondsMax;
      const idle = bought.atMs !== null && n.offers === answered && f.kind === 'reply'
        && f.status === 200 && f.body.variants.every((v: { held: number }) => v.held === 0);
      quiet = idle ? quiet + 1 : 0;
      if (quiet >= DROP_NIGHT_LIMITS.quietRoundsToEnd || over) break;
      await new Promise((res) => setTimeout(res, DROP_NIGHT_LIMITS.pollMs));
    }
    await buying;
    return { ...n, seconds: (performance.now() - started) / 1000 };
  }

  /**
   * The operator's part: each flagged cluster (score at least the audit's flagScore) has its
   * cancellable holds cancelled with a reason, as the console's button does.
   */
  async #cancelFlagged(): Promise<Revoked> {
    const admin = { authorization: `Bearer ${this.o.adminToken}` };
    const rep = await this.#send('GET', '/admin/suspicious?drop_id=jacket', null, undefined,
      admin);
    if (rep.kind !== 'reply' || rep.status !== 200) throw new Error('the report failed');
    const holdIds = new Set<string>();
    let refundedFen = 0;
    for (const c of rep.body.clusters) {
      const ids = c.orders.filter((o: { cancellable: boolean }) => o.cancellable)
        .map((o: { order_id: string }) => o.order_id);
      if (c.score < DROP_AUDIT_RULES.flagScore || ids.length === 0) continue;
      const r = await this.#send('POST', '/admin/suspicious/cancel', null, { drop_id: 'jacket',
        cluster_id: c.cluster_id, order_ids: ids, reason: 'A planted ring (the simulator)' },
      admin);
      if (r.kind !== 'reply' || r.status !== 200) {
        throw new Error(`the cancel failed: ${r.kind === 'reply' ? JSON.stringify(r.body)
          : r.message}`);
      }
      refundedFen += r.body.refunded_fen;
      for (const x of r.body.results) {
        if (x.outcome === 'refunded' || x.outcome === 'cancelled') holdIds.add(x.order_id);
      }
    }
    return { holdIds, refundedFen, priceFen: JACKET_PRICE_FEN };
  }

  /**
   * A buyer's answer to an offer, by `x` (uniform in [0, 1)): pay, let it go, or leave it to
   * expire; a pay is `declined` when the payment is (the sandbox's declining instrument), and
   * a pay or a cancel is `late` when refused otherwise (the offer ended first).
   */
  async #answerOffer(b: Buyer, holdId: string, x: number): Promise<OfferChoice> {
    const path = `/drops/jacket/holds/${holdId}`;
    if (x < SHARE.offerPay) {
      const paid = await this.#send('POST', `${path}/pay`, b);
      if (paid.kind === 'reply' && paid.status === 200) {
        b.toldBought += 1;
        return 'paid';
      }
      return paid.kind === 'reply' && paid.code === 'payment_declined' ? 'declined' : 'late';
    }
    if (x < SHARE.offerPay + SHARE.offerCancel) {
      const gone = await this.#send('POST', `${path}/cancel`, b);
      return gone.kind === 'reply' && gone.status === 200 ? 'let_go' : 'late';
    }
    return 'ignored';
  }

  async #readBack(): Promise<{ ends: VariantEnd[]; buyers: BuyerEnd[];
    clusters: Array<{ cluster_id: string; score: number;
      accounts: Array<{ account_id: string }> }> }> {
    const f = await this.#send('GET', '/drops/jacket', null);
    if (f.kind !== 'reply' || f.status !== 200) throw new Error('the drop could not be read');
    const ends: VariantEnd[] = f.body.variants.map((v: any) => ({ variant: v.variant,
      quantity: v.quantity, remaining: v.remaining, held: v.held, sold: v.sold,
      waiting: v.waitlist_waiting }));
    const buyers: BuyerEnd[] = [];
    await this.#pool(this.#buyers, async (b) => {
      const m = await this.#send('GET', '/drops/jacket/mine', b);
      if (m.kind !== 'reply' || m.status !== 200) throw new Error(`reading ${b.accountId} back`);
      buyers.push({ accountId: b.accountId, ring: b.ring, holds: m.body.holds,
        entries: m.body.waitlist, toldBought: b.toldBought, join: b.join,
        offers: [...b.decided].map(([holdId, choice]) => ({ holdId, choice })) });
    });
    const rep = await this.#send('GET', '/admin/suspicious?drop_id=jacket', null, undefined,
      { authorization: `Bearer ${this.o.adminToken}` });
    if (rep.kind !== 'reply' || rep.status !== 200) throw new Error('the report failed');
    return { ends, buyers, clusters: rep.body.clusters };
  }
}

/** The server settings the drop night needs: short offers, and the buyers' own networks. */
export const DROP_NIGHT_SERVER_ENV: Readonly<Record<string, string>> = {
  LAUNCHDAY_DROP_OFFER_SECONDS: String(DROP_NIGHT_LIMITS.offerSeconds),
  // Every simulated buyer connects from 127.0.0.1; X-Forwarded-For carries the network each
  // stands for, as a proxy in front would.
  LAUNCHDAY_TRUST_PROXY: 'on',
};
