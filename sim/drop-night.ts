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
// the drop, its pre-queue open from 5 minutes before the opening, its cap of passes half the
// units; the rings and one buyer in five join it before the opening and the rest after; each
// polls its place until admitted, then buys with its pass, and if refused as sold out joins the
// waitlist with it. The refused keep their passes, so the cap fills once the units are taken:
// the line behind waits while the offers are answered, until the room tells it the drop sold
// for good. The room is audited too (room-line.ts): the gate, positions, the shuffle, the rate,
// admitted once.
// The units the operator's cancel puts back once the lines closed (sold for good) are offered
// first to the places the sell-out closed, reopened in their order (their buyers look at their
// place again and answer); a refused buyer buys a unit it sees back on sale with nobody waiting
// for it: so they go to those who asked in time.
// Every behaviour the mode claims must have happened (drop-auditor.ts exercised).
// Either way a ring tries with every account, as scalpers do: one the server saw no attempt of
// by the end of the buying (no answer from the sale, no place in the room) tries once more, so
// that the audit judges each ring by all its accounts.
import { HttpClient, type Outcome } from './http-client.js';
import { identityNumber, personName, phoneNumber } from './identity-generator.js';
import { Random } from './random.js';
import { counted, fmt } from './run-metrics.js';
import {
  auditDrop, DROP_AUDIT_RULES, exercised, type BuyerEnd, type Claim, type DropAudit,
  type OfferChoice, type Revoked, type VariantEnd,
} from './drop-auditor.js';
import { admitRate, auditRoom, describe, joinRoom, newPlace, readDraw, roomBody, roomLine,
  waitForPass, type RoomPlace, type RoomSend } from './room-line.js';

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
  /**
   * Behind a room: the share of the honest buyers who join the pre-queue (the rings all do);
   * the rest join the line after the opening. Fewer than the units, so that the pre-queue,
   * rings included, reaches the sale.
   */
  roomPrequeueShare: 0.2,
  /**
   * Behind a room: its cap of active passes, as a share of the drop's units. A refused buyer
   * keeps its pass (unspent, for a unit that comes back), so once the sale has sold out the cap
   * fills and the room admits no more: the line behind still waits when the drop sells for good
   * and is told so by the room, and the offers are answered while it waits.
   */
  roomActiveShare: 0.5,
  /**
   * Behind a room, the declining payments take this long (the sandbox's `slowN-`): buyers reach
   * the sale at the room's pace, so a size runs out while some of its units are still held by
   * them, and those refused meanwhile join the waitlist that the declined units then go down.
   */
  roomDeclineSeconds: 8,
  /** A refused buyer comes back to buy a unit seen back on sale at most this many times. */
  returnsMax: 3,
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
/**
 * The refusals by which the sale itself answered a purchase (src/drops/drop-routes.ts
 * SALE_REFUSALS): the server tells the suspicious-pattern report of each as an attempt.
 */
const SALE_REFUSALS: ReadonlySet<string> = new Set(['drop_not_open', 'drop_sold_out',
  'drop_limit_reached', 'payment_declined']);
/** Whether the sale answered a purchase: a hold taken (201, or 200 for a retry) or refused. */
const saleAnswered = (o: Outcome): boolean => o.kind === 'reply' && (o.status === 201
  || o.status === 200 || (o.code !== null && SALE_REFUSALS.has(o.code)));
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
  /**
   * It made an attempt the server tells the suspicious-pattern report of: a purchase the sale
   * answered (bought or refused), a waitlist place taken, a room place taken signed in.
   */
  tried: boolean;
  joined: boolean;
  /** When its waitlist join was sent and answered (performance.now(), ms). */
  join: { sentMs: number; repliedMs: number } | null;
  /** Offers already decided: what the buyer did with each (by hold id). */
  readonly decided: Map<string, OfferChoice>;
  /**
   * Its waitlist place as last read: how many were ahead (0 when offered; -1 before the first
   * read), whether it is still in the line or offered (a place that ended needs no more polls),
   * and whether it was closed by its size's sell-out (`closed`: the operator's cancel reopens it).
   */
  lastSeen: { ahead: number; open: boolean; closed?: boolean };
  /** Its place in the room in front of the drop (null: no room). */
  place: RoomPlace | null;
  /**
   * Its size, when it was last told it was sold out (its purchase or join refused, or the
   * room's word) and has had no hold and let no offer go since: it still wants one, keeps the
   * drop page open, and buys a unit it sees back on sale (null: not refused, or served).
   */
  refusedFor: string | null;
  /** Times it came back to buy a unit seen back on sale. */
  returns: number;
}

/**
 * The buyers: honest ones, then the rings' accounts (planted), by seed. `declineSeconds`: how
 * long the declining buyers' payments take (the sandbox's `slow-` 2 s, or `slowN-` N s).
 */
export function plantBuyers(seed: number, honest: number, rings: number,
  declineSeconds = 2): Buyer[] {
  const slowDecline = declineSeconds === 2 ? 'slow-' : `slow${declineSeconds}-`;
  const r = Random.stream(seed, 'drop-buyers');
  const sizes = Object.keys(JACKET_SIZES);
  const out: Buyer[] = [];
  const make = (ring: number | null, device: string, source: string, net: string,
    address: string): Buyer => ({ index: out.length, ring, device, source, forwardedFor: net,
    address, variant: r.weighted(sizes, SIZE_WEIGHTS), token: '', accountId: '', toldBought: 0,
    tried: false, joined: false, join: null, decided: new Map(),
    lastSeen: { ahead: -1, open: true }, place: null, refusedFor: null, returns: 0 });
  for (let i = 0; i < honest; i++) {
    // The sandbox's test instruments: `slow-` answers after 2 s (a hold in flight at the
    // sell-out), `decline` is declined (its units come back, to the waitlist first).
    const x = r.next();
    const source = x < SHARE.declining ? `${slowDecline}decline-card-${seed}-${i}`
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
  /**
   * The room's joins and polls, on connections of their own: the line polls every second
   * until the drop sells for good, and the offers (10 s each) must not queue behind it.
   */
  readonly #roomClient: HttpClient;
  readonly #buyers: Buyer[];
  readonly #outcomes = new Map<string, number>();
  /** The waitlist joins' outcomes, in words as #outcomes (`joined`, a refusal's code, ...). */
  readonly #joins = new Map<string, number>();
  #soldOutAtMs = 0;
  #openingMs = 0;
  /** Findings of the room's audit, as `kind: text` (they fail the run as the drop's do). */
  readonly #roomViolations = new Map<string, string[]>();
  /** Purchases with a pass answered 201 (each spent its pass). */
  #boughtWithPass = 0;
  /** Every size sold for good just before the operator's cancel. */
  #soldForGood = false;
  /** The room in front of the drop once put: its seed commitment, rate and cap. */
  #room: { commitment: string; ratePerMinute: number; activeMax: number } | null = null;
  /** Buyers polling their place in the room now (not yet admitted or told sold out). */
  #inRoom = 0;
  /** Offers answered while someone still waited in the room. */
  #offersWhileWaiting = 0;
  /** Refused buyers who came back to a unit back on sale: purchases sent, and bought. */
  readonly #returned = { tried: 0, bought: 0 };

  constructor(urls: readonly string[], private readonly o: DropNightOptions) {
    this.#client = new HttpClient(urls, o.connections);
    this.#roomClient = new HttpClient(urls, o.connections);
    this.#buyers = plantBuyers(o.seed, o.buyers, o.rings, o.room
      ? DROP_NIGHT_LIMITS.roomDeclineSeconds : 2);
  }

  close(): void {
    this.#client.close();
    this.#roomClient.close();
  }

  async run(): Promise<DropNightResult> {
    const t0 = performance.now();
    await this.#register();
    const lines = [`${counted(this.#buyers.length, 'buyer')} registered (` +
      `${counted(this.o.rings, 'ring')}, ` +
      `${counted(this.#buyers.filter((b) => b.ring !== null).length, 'ring account')}) in ` +
      `${((performance.now() - t0) / 1000).toFixed(1)} s`];
    await this.#defineDrop();
    let buying: Promise<void>;
    if (this.o.room) {
      await this.#putRoom();
      buying = this.#throughRoom(lines);
    } else {
      await this.#untilOpening();
      // Offers come during the race too (a declined payment's unit goes down the waitlist at
      // once) and last offerSeconds: answered meanwhile, not after a race that a loaded machine
      // can make last longer than that (offers expired unseen, the audit failed).
      buying = this.#race().then(() => {
        lines.push(`race (the first purchases; the rings' retries and the buy-back after the `
          + `operator's cancel come later, counted in "exercised"): ${this.#outcomesText()}; `
          + 'the race\'s last sale answered ' +
          `${(this.#soldOutAtMs / 1000).toFixed(2)} s after the opening (slow payments take 2 s)`);
      });
    }
    // Then the ring accounts that have not tried yet try (before the operator reads the report).
    const racing = buying.then(() => this.#ringsTry()).then((line) => { lines.push(line); });
    // Behind a room offers come while others still wait to be admitted: answered meanwhile.
    const waited = await this.#waitlistPhase(racing);
    lines.push(`waitlist joins: ${[...this.#joins].map(([k, n]) => `${k} ${n}`).join(', ')
      || 'none asked'}`);
    lines.push(`waitlist phase: the buyers answered ${counted(waited.offers, 'offer')} (` +
      `${waited.paid} paid, ${waited.declined} payment declined, ${waited.late} too late, ` +
      `${waited.let_go} let go, ${waited.ignored} left to expire) in ` +
      `${waited.seconds.toFixed(1)} s`);
    // Every size sold for good before the operator's cancel (which puts units back on sale):
    // what the room's "sold for good" is checked against.
    this.#soldForGood = await this.#allSold();
    const revoked = await this.#cancelFlagged();
    // The cancel reopens the places its sizes' sell-out closed, in their order, and offers them
    // the units first (drop-revoke.ts): those buyers look at their place again (the drop page's
    // "my place"), as a buyer still in the line does, and answer the offers.
    for (const b of this.#buyers) {
      if (b.joined && b.lastSeen.closed === true) b.lastSeen = { open: true, ahead: 0 };
    }
    const before = { ...this.#returned };
    const again = await this.#waitlistPhase(Promise.resolve());
    const backBought = this.#returned.bought - before.bought;
    lines.push(`after the operator's cancel (${counted(revoked.holdIds.size, 'unit')} back): the `
      + `buyers answered ${counted(again.offers, 'offer')} (${again.paid} paid); `
      + `${counted(this.#returned.tried - before.tried, 'refused buyer')} came back to buy one `
      + `back on sale, ${backBought} bought`);
    const { ends, buyers, clusters } = await this.#readBack();
    const audit = auditDrop(ends, buyers, clusters, DROP_AUDIT_RULES, revoked);
    const claims = exercised(this.#claims(audit, again.paid + backBought));
    const sold = ends.reduce((n, e) => n + e.sold, 0);
    lines.push(`sold ${sold} of ${ends.reduce((n, e) => n + e.quantity, 0)} ` +
      `(${ends.map((e) => `${e.variant} ${e.sold}/${e.quantity}, ${e.remaining} on sale, ` +
        `${e.waiting} waiting`).join('; ')})`, ...audit.lines);
    if (this.o.room) lines.push(...await this.#auditRoom(ends));
    lines.push(claims.line);
    const violations = [...audit.violations, ...claims.violations, ...[...this.#roomViolations]
      .flatMap(([kind, list]) => list.map((text) => `${kind}: ${text}`))];
    return { passed: violations.length === 0, lines, violations, audit, ends };
  }

  /**
   * What the mode claims (README), each with how often it happened: the race's declined
   * payments, waitlist joins, offers and the cancelled units sold to those who asked in time;
   * behind a room also the offers answered while others still waited in it and the buyers it
   * told that the drop sold for good. `afterCancel`: units bought after the operator's cancel,
   * by the offers to the waitlist places reopened (those the sell-out closed) and by refused
   * buyers back at a unit on sale: both asked in time.
   */
  #claims(audit: DropAudit, afterCancel: number): Claim[] {
    const joined = this.#joins.get('joined') ?? 0;
    return [
      { claim: 'payments declined at a purchase, in every phase',
        count: this.#outcomes.get('payment_declined') ?? 0 },
      { claim: this.o.room ? 'refused buyers joined the waitlist with their pass'
        : 'refused buyers joined the waitlist', count: joined },
      { claim: 'offers made', count: audit.offers.made },
      ...(this.o.room ? [
        { claim: 'offers answered while others still waited in the room',
          count: this.#offersWhileWaiting },
        { claim: 'buyers told by the room that the drop sold for good',
          count: this.#buyers.filter((b) => b.place!.soldOut).length }] : []),
      { claim: 'units the operator\'s cancel put back, sold to those who asked in time',
        count: afterCancel },
    ];
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
    headers: Record<string, string> = {}, retriesMax: number = DROP_NIGHT_LIMITS.retriesMax,
    client: HttpClient = this.#client): Promise<Outcome> {
    for (let attempt = 0; ; attempt++) {
      const o = await client.request(method, path, { timeoutMs: DROP_NIGHT_LIMITS
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
   * Sent again with the same key after no reply (a ring's try once more), it may be answered
   * 200 with the hold the lost one took: told bought then, its pass spent by it. `join` null:
   * a buyer back for a unit it saw on sale, which decided on the waitlist already (#comeBack).
   */
  async #buy(b: Buyer, started: number, join: Random | null,
    idempotencyKey = `jacket-${b.index}`): Promise<void> {
    const pass = this.#passHeader(b);
    const o = await this.#send('POST', '/drops/jacket/purchases', b,
      { variant: b.variant, delivery_address: b.address },
      { 'idempotency-key': idempotencyKey, ...pass });
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
    const took = o.kind === 'reply' && (o.status === 201 || o.status === 200);
    if (took) this.#boughtWithPass += pass ? 1 : 0;
    b.tried ||= saleAnswered(o);
    // Its unit taken, or its own payment failed (it had its chance): no longer refused.
    if (took || (o.kind === 'reply' && o.code === 'payment_declined')) b.refusedFor = null;
    if (took && o.body.hold.status === 'paid') {
      b.toldBought += 1;
      this.#soldOutAtMs = Math.max(this.#soldOutAtMs, o.repliedAtMs - started);
    }
    const soldOut = o.kind === 'reply' && o.code === 'drop_sold_out';
    if (soldOut && b.ring === null) b.refusedFor = b.variant;
    // A buyer back for a unit it saw on sale has decided on the waitlist already (join null).
    if (soldOut && b.ring === null && join?.chance(SHARE.joinWaitlist)) await this.#join(b);
  }

  /**
   * Refused buyers still on the drop page buy the units they see back on sale (`remaining`
   * per size, as the page reads it): a unit nobody waits for (a declined payment's or a lapsed
   * offer's, the waitlist empty), or one the operator's cancel put back once its size had sold
   * for good (its line closed). Honest buyers only, with their pass behind a room, a new key
   * each time, at most `remaining` per size a round. Returns how many came back this round.
   */
  async #comeBack(remaining: ReadonlyMap<string, number>): Promise<number> {
    const back: Buyer[] = [];
    for (const [variant, n] of remaining) {
      if (n <= 0) continue;
      back.push(...this.#buyers.filter((b) => b.ring === null && b.toldBought === 0
        && b.refusedFor === variant && b.returns < DROP_NIGHT_LIMITS.returnsMax
        && !(b.joined && b.lastSeen.open) && (!this.o.room || b.place?.pass))
        .slice(0, n));
    }
    await this.#pool(back, async (b) => {
      b.returns += 1;
      this.#returned.tried += 1;
      const told = b.toldBought;
      // Timed from the opening, as the buying's sales are.
      await this.#buy(b, performance.now() - (Date.now() - this.#openingMs), null,
        `jacket-${b.index}-back-${b.returns}`);
      if (b.toldBought > told) this.#returned.bought += 1;
    });
    return back.length;
  }

  /** The pass a buyer sends with its purchase or waitlist join, once its room admitted it. */
  #passHeader(b: Buyer): Record<string, string> | null {
    return b.place?.pass ? { 'x-waiting-room-pass': b.place.pass } : null;
  }

  /** Puts the room in front of the drop, opening with it (its commitment and rate kept). */
  async #putRoom(): Promise<void> {
    const ratePerMinute = admitRate(this.#buyers.length, DROP_NIGHT_LIMITS.roomAdmitAllSeconds);
    const units = Object.values(JACKET_SIZES).reduce((a, n) => a + n, 0);
    const activeMax = Math.ceil(units * DROP_NIGHT_LIMITS.roomActiveShare);
    const o = await this.#send('PUT', `/admin/waiting-rooms/${ROOM}`, null, roomBody('drop',
      'jacket', this.#openingMs, ratePerMinute, activeMax),
    { authorization: `Bearer ${this.o.adminToken}` });
    if (o.kind !== 'reply' || o.status !== 201) {
      throw new Error(`the waiting room was not created: ${describe(o)}`);
    }
    if (o.body.seed !== null) {
      this.#roomViolation('shuffle', 'the seed was shown before the opening');
    }
    this.#room = { commitment: o.body.seed_commitment, ratePerMinute, activeMax };
  }

  /**
   * The way through the room: a purchase without a pass refused; the rings (bots, first) and
   * one buyer in five join the pre-queue, the rest after the opening; each polls its place
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
    for (const b of this.#buyers) {
      b.place = newPlace(b.ring !== null || r.next() < DROP_NIGHT_LIMITS.roomPrequeueShare);
    }
    const joinAll = (list: Buyer[]) => this.#pool(list, (b) => this.#joinRoom(b));
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
      await this.#waitForPass(b, `buyer ${b.index}`, () => r.next());
      if (b.place!.pass !== null) await this.#buy(b, openedAt, join);
    }));
    const soldOut = this.#buyers.filter((b) => b.place!.soldOut).length;
    lines.push(`through the room (the first purchases; the rings' retries and the buy-back `
      + `after the operator's cancel come later, counted in "exercised"): `
      + `${this.#outcomesText()}; ${counted(soldOut, 'buyer')} told `
      + 'by the room that the drop sold for good; the last sale answered '
      + `${(this.#soldOutAtMs / 1000).toFixed(2)} s after the opening`,
    roomLine(this.#buyers.map((b) => b.place!), this.#room!.ratePerMinute,
      (Date.now() - this.#openingMs) / 1000, this.#roomViolations));
  }

  /**
   * Polls the buyer's place until admitted or told the drop sold for good (then it still wants
   * its size: `refusedFor`), counted in #inRoom meanwhile.
   */
  async #waitForPass(b: Buyer, who: string, jitter: () => number): Promise<void> {
    const waiting = b.place!.ticket !== null;
    if (waiting) this.#inRoom += 1;
    try {
      await waitForPass(this.#roomSend(b), ROOM, b.place!, who, this.#roomViolation, jitter);
    } finally {
      if (waiting) this.#inRoom -= 1;
    }
    if (b.place!.soldOut && b.ring === null && b.toldBought === 0) b.refusedFor = b.variant;
  }

  /** One request of the buyer's to the room, signed in (its headers and token), not retried. */
  #roomSend(b: Buyer): RoomSend {
    return (method, path, headers) => this.#send(method, path, b, undefined, headers, 0,
      this.#roomClient);
  }

  /** Takes the buyer's place in the room, signed in: a place taken is an attempt it reports. */
  async #joinRoom(b: Buyer): Promise<void> {
    await joinRoom(this.#roomSend(b), ROOM, b.place!, this.#openingMs, this.#roomViolation);
    b.tried ||= b.place!.ticket !== null;
    if (b.place!.soldOut && b.ring === null) b.refusedFor = b.variant;
  }

  /**
   * A ring tries, as scalpers do: each ring account that neither bought nor made an attempt the
   * report is told of by the end of the buying (its purchase never answered by the sale; behind
   * a room, no place taken) tries once more: its purchase sent again (the same key, as after a
   * lost reply; with its pass behind a room), or behind a room without a place, it takes one
   * (signed in), waits for its pass and buys. One the room refuses as sold for good stays
   * unseen, and the audit fails on it (`tried` false). Returns the report's line on it.
   */
  async #ringsTry(): Promise<string> {
    const ring = this.#buyers.filter((b) => b.ring !== null);
    const idle = ring.filter((b) => !b.tried && b.toldBought === 0);
    const join = Random.stream(this.o.seed, 'drop-ring-tries');
    const openedAt = performance.now() - (Date.now() - this.#openingMs);
    await this.#pool(idle, async (b) => {
      if (this.o.room && b.place!.pass === null) {
        if (b.place!.ticket === null) await this.#joinRoom(b);
        await this.#waitForPass(b, `ring buyer ${b.index}`, () => join.next());
        if (b.place!.pass === null) return;
      }
      await this.#buy(b, openedAt, join);
    });
    const seen = idle.filter((b) => b.tried || b.toldBought > 0).length;
    // Told "sold for good" while waiting, a ring account never reached the sale: the report
    // has only its room join (device, network, payment source; no delivery address).
    const soldOut = ring.filter((b) => b.place?.soldOut).length;
    return `ring accounts: ${fmt(ring.length - idle.length)} of ${fmt(ring.length)} bought or `
      + `tried by the end of the buying; ${counted(idle.length, 'other')} tried once more, `
      + `${fmt(seen)} of them seen by the server` + (this.o.room ? `; ${fmt(soldOut)} told by `
        + 'the room that the drop sold for good before they could buy' : '');
  }

  /**
   * The room's audit once all is read back: its own (room-line.ts), every purchase that went
   * through spent a pass, and a buyer told "sold for good" by the room only when it was (every
   * size sold before the operator's cancel, which puts the ring's units back on sale).
   */
  /** Whether every size is sold (every unit paid, none held): sold for good. */
  async #allSold(): Promise<boolean> {
    const f = await this.#send('GET', '/drops/jacket', null);
    return f.kind === 'reply' && f.status === 200 && f.body.variants.every((v: {
      sold: number; quantity: number }) => v.sold === v.quantity);
  }

  async #auditRoom(ends: readonly VariantEnd[]): Promise<string[]> {
    const admin = { authorization: `Bearer ${this.o.adminToken}` };
    const seen = await this.#send('GET', `/waiting-rooms/${ROOM}`, null);
    const overview = await this.#send('GET', `/admin/waiting-rooms/${ROOM}`, null, undefined,
      admin);
    const o = overview.kind === 'reply' && overview.status === 200 ? overview.body : null;
    const draw = await readDraw((method, path, headers) =>
      this.#send(method, path, null, undefined, headers, 0), ROOM);
    const lines = auditRoom(this.#buyers.map((b) => b.place!), { seed: seen.kind === 'reply'
      ? seen.body.seed ?? null : null, commitment: this.#room!.commitment, draw, overview: o,
    ratePerMinute: this.#room!.ratePerMinute, opensAtMs: this.#openingMs, nowMs: Date.now(),
    fairnessPrefix: `drop-${this.o.seed}` }, this.#roomViolation);
    const spent = o === null ? -1 : Number(o.spent_passes);
    if (spent !== this.#boughtWithPass) {
      this.#roomViolation('gate', `${this.#boughtWithPass} purchases with a pass went through, `
        + `${spent} passes spent`);
    }
    const soldOut = this.#buyers.filter((b) => b.place!.soldOut).length;
    if (soldOut > 0 && !this.#soldForGood && !ends.every((e) => e.sold === e.quantity)) {
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
    const said = o.kind !== 'reply' ? o.kind : o.code ?? (o.status === 201 ? 'joined'
      : `status ${o.status}`);
    this.#joins.set(said, (this.#joins.get(said) ?? 0) + 1);
    if (o.kind === 'reply' && o.code === 'drop_sold_out') b.refusedFor = b.variant;
    if (o.kind === 'reply' && (o.status === 201 || o.status === 200)) {
      b.tried = true;
      b.joined = true;
      b.join = { sentMs: o.sentAtMs, repliedMs: o.repliedAtMs };
    }
    // Units came back on sale meanwhile: the buyer simply buys (a new attempt, a new key).
    if (o.kind === 'reply' && o.code === 'waitlist_not_needed') {
      const again = await this.#send('POST', '/drops/jacket/purchases', b,
        { variant: b.variant, delivery_address: b.address },
        { 'idempotency-key': `jacket-${b.index}-again`, ...pass });
      b.tried ||= saleAnswered(again);
      if (again.kind === 'reply' && again.status === 201) {
        b.refusedFor = null;
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
      // A buyer refused at the room's pace joins later: the list is taken each round. Only
      // places still open, the front of the line first: an offer goes to the front and lasts
      // offerSeconds, and a round over every buyer of a loaded machine can take longer than
      // that (offers expired unseen, the audit failed, on a machine running other work).
      const waiting = this.#buyers.filter((b) => b.joined && b.lastSeen.open)
        .sort((a, b) => a.lastSeen.ahead - b.lastSeen.ahead);
      await this.#pool(waiting, async (b) => {
        const mine = await this.#send('GET', '/drops/jacket/mine', b);
        if (mine.kind !== 'reply' || mine.status !== 200) return;
        const open = mine.body.waitlist.filter((e: { status: string }) => e.status === 'waiting'
          || e.status === 'offered');
        b.lastSeen = { open: open.length > 0, ahead: Math.min(Infinity,
          ...open.map((e: { status: string; ahead: number }) => (e.status === 'offered' ? 0
            : e.ahead))),
        closed: mine.body.waitlist.some((e: { status: string }) => e.status === 'closed') };
        for (const e of mine.body.waitlist) {
          if (e.status !== 'offered' || b.decided.has(e.offer_hold_id)) continue;
          if (this.#inRoom > 0) this.#offersWhileWaiting += 1;
          const choice = await this.#answerOffer(b, e.offer_hold_id, r.next());
          // Paid, or let go (declined, cancelled, left to expire): no longer refused either way.
          b.refusedFor = null;
          b.decided.set(e.offer_hold_id, choice);
          n.offers += 1;
          n[choice] += 1;
        }
      });
      const f = await this.#send('GET', '/drops/jacket', null);
      // Units back on sale with nobody waiting for them: refused buyers still on the page buy.
      const back = f.kind === 'reply' && f.status === 200 ? await this.#comeBack(new Map(
        f.body.variants.map((v: { variant: string; remaining: number }) => [v.variant,
          v.remaining]))) : 0;
      const over = bought.atMs !== null && (performance.now() - bought.atMs) / 1000
        >= DROP_NIGHT_LIMITS.waitlistSecondsMax;
      const idle = bought.atMs !== null && n.offers === answered && back === 0
        && f.kind === 'reply'
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
    const before = await this.#dropTotals();
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
    // Where the units went, as the drop's figures show it (nobody buys meanwhile): the units on
    // sale gained, and the units held gained (each an offer to a place the sell-out closed,
    // which the cancel reopened).
    const after = await this.#dropTotals();
    const went = before === null || after === null ? {} : {
      backOnSale: after.remaining - before.remaining, offered: after.held - before.held };
    return { holdIds, refundedFen, priceFen: JACKET_PRICE_FEN, ...went };
  }

  /** The drop's units on sale and waitlist entries waiting, over every size; null unread. */
  async #dropTotals(): Promise<{ remaining: number; held: number } | null> {
    const f = await this.#send('GET', '/drops/jacket', null);
    if (f.kind !== 'reply' || f.status !== 200) return null;
    const vs = f.body.variants as Array<{ remaining: number; held: number }>;
    return { remaining: vs.reduce((n, v) => n + v.remaining, 0),
      held: vs.reduce((n, v) => n + v.held, 0) };
  }

  /**
   * A buyer's answer to an offer, by `x` (uniform in [0, 1)): pay, let it go, or leave it to
   * expire; a pay is `declined` when the payment is (the sandbox's declining instrument), and
   * a pay or a cancel is `late` when refused otherwise (the offer ended first).
   */
  async #answerOffer(b: Buyer, holdId: string, x: number): Promise<OfferChoice> {
    const path = `/drops/jacket/holds/${holdId}`;
    if (x < SHARE.offerPay) {
      // An offer's payment takes the sandbox's 2 s at most, well inside the offer's deadline
      // (a declining buyer's 8 s behind a room would outlast an offer seen late: expired).
      const paid = await this.#send('POST', `${path}/pay`, b, undefined,
        { 'x-payment-source': b.source.replace(/^slow\d+-/, 'slow-') });
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
        entries: m.body.waitlist, toldBought: b.toldBought, tried: b.tried, join: b.join,
        refusedFor: b.refusedFor,
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
