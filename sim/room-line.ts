// A simulated buyer's place in a waiting room, shared by the two runs behind a room (a launch:
// waiting-room-night.ts; the drop: drop-night.ts): taking a place, polling it until admitted,
// and the audits of what the room told everyone:
// - each join's phase agrees with when it was sent and answered (pre-queue up to the opening);
// - positions only ever went down, for every buyer, poll by poll;
// - the pre-queue's order is the published shuffle: the seed matches the commitment published
//   before the opening; the published draw (GET /waiting-rooms/{id}/shuffle) is what the seed
//   gives its own hashes sorted, from public data alone (docs/api.md, "Checking the draw"); and
//   each pre-queue ticket's line key (readable in the ticket it holds) is its rank in that draw
//   and in shuffleOrder(ticket ids, seed);
// - the pure shuffle is fair: a chi-square test of where each ticket lands over many seeds;
// - nobody admitted beyond the rate;
// - every buyer admitted at most once: one pass per admitted ticket, no pass held by two.
// Source: issue #17 (the simulator's waiting-room mode and its auditor).
import {
  permute, PREQUEUE_LEAD_MIN_MS, seedCommitment, shuffleOrder, ticketHash,
} from '../src/waiting-rooms/index.js';
import { whileOverloaded, type Outcome } from './http-client.js';
import { fmt } from './run-metrics.js';

export const ROOM_LINE_LIMITS = Object.freeze({
  /** A buyer polls this often (ms; the server refuses more than one poll a second). */
  pollIntervalMs: 1_000,
  /** Extra random delay added to each poll, so polls do not come in waves (ms, at most). */
  pollJitterMs: 200,
  /** A buyer still waiting this long after the opening counts as never admitted (ms). */
  waitMaxMs: 120_000,
  /** Seeds of the chi-square test of the pure shuffle, and tickets shuffled each time. */
  fairnessSeeds: 4_000,
  fairnessTickets: 8,
});

/** How far the server's clock and ours may differ when a join's phase is judged (ms). */
const CLOCKS_MS = 50;

/** The admission rate (per minute) that lets `buyers` through in about `seconds`. */
export const admitRate = (buyers: number, seconds: number): number =>
  Math.max(60, Math.ceil((buyers * 60) / seconds));

/**
 * The operator's room (PUT /admin/waiting-rooms/{id}) in front of a launch or a drop opening at
 * `opensAtMs`: its pre-queue opens the 5 minutes before (the least DOMAIN.md allows), shuffled
 * at the opening, admitting `ratePerMinute` with room for everyone at once, passes of 10 min.
 */
export const roomBody = (scope: 'launch' | 'drop', targetId: string, opensAtMs: number,
  ratePerMinute: number, activeMax: number) => ({ scope, target_id: targetId, enabled: true,
  opens_at: new Date(opensAtMs).toISOString(),
  prequeue_at: new Date(opensAtMs - PREQUEUE_LEAD_MIN_MS).toISOString(), order: 'shuffle',
  admit_per_minute: ratePerMinute, active_max: activeMax, pass_seconds: 600 });

/**
 * The report's line on the room: who waited, the rate, how each place ended `elapsedS` seconds
 * after the opening (admitted with a pass seen, told the drop sold for good, never admitted:
 * still waiting when the buyer gave up, or no place taken), the positions polled.
 */
export function roomLine(places: readonly RoomPlace[], ratePerMinute: number, elapsedS: number,
  violations: ReadonlyMap<string, readonly string[]>): string {
  const early = places.filter((p) => p.prequeue && p.ticket !== null).length;
  const polls = places.reduce((a, p) => a + p.positions.length, 0);
  const admitted = places.filter((p) => p.pass !== null).length;
  const soldOut = places.filter((p) => p.pass === null && p.soldOut).length;
  const gaveUp = places.filter((p) => p.pass === null && !p.soldOut && p.ticket !== null).length;
  const noPlace = places.length - admitted - soldOut - gaveUp;
  return `waiting room: ${fmt(places.length)} buyers (${fmt(early)} in the pre-queue), `
    + `admitting ${fmt(ratePerMinute)}/min; ${elapsedS.toFixed(1)} s after the opening `
    + `${fmt(admitted)} admitted (a pass seen), ${fmt(soldOut)} told the drop sold for good `
    + `instead, ${fmt(gaveUp)} never admitted nor told` + (noPlace > 0 ? `, ${fmt(noPlace)} `
      + 'without a place (the join failed)' : '') + `; ${fmt(polls)} positions polled, `
    + `${violations.get('monotonic')?.length ?? 0} went up`;
}

/** One buyer's place, as the buyer saw it. */
export interface RoomPlace {
  /** The signed ticket as last returned (null: the join failed). */
  ticket: string | null;
  /** Joined in the pre-queue (as the join's reply said). */
  prequeue: boolean;
  /** Every position shown while waiting, in order. */
  readonly positions: number[];
  /** The pass given at admission (null: not admitted). */
  pass: string | null;
  /** The room answered `drop_sold_out` instead of admitting: its drop sold for good. */
  soldOut: boolean;
}

/** A place not taken yet, for a buyer who means to join the pre-queue (or, false, the line). */
export const newPlace = (prequeue: boolean): RoomPlace => ({ ticket: null, prequeue,
  positions: [], pass: null, soldOut: false });

/** Sends one request of the buyer's (its own headers added by the caller), with `headers`. */
export type RoomSend = (method: string, path: string, headers?: Record<string, string>) =>
  Promise<Outcome>;
/** Records a finding of the audit under its kind. */
export type Violation = (kind: string, text: string) => void;

/** The claims of a ticket or pass (its middle part; the simulator cannot check the signature). */
export const tokenClaims = (token: string): Record<string, unknown> =>
  JSON.parse(Buffer.from(token.split('.')[1] ?? '', 'base64url').toString('utf8'));

/** An outcome in a violation's words: the status and the start of the body, or why none. */
export function describe(o: Outcome): string {
  return o.kind === 'reply' ? `${o.status} ${JSON.stringify(o.body).slice(0, 200)}`
    : `no reply (${o.message})`;
}

/**
 * Takes a place in `roomId` for `place`. A join refused for load (503 overloaded: the commit
 * queue past its delay bound, which a loaded machine crosses) is tried again after its
 * Retry-After, as the page does. The server decides the phase by its clock between the
 * request's sending and its reply: the pre-queue only for a join sent by the opening, the line
 * only for one answered after it (a few ms either way for the two clocks).
 */
export async function joinRoom(send: RoomSend, roomId: string, place: RoomPlace,
  opensAtMs: number, violation: Violation): Promise<void> {
  let sentMs = 0;
  const o = await whileOverloaded(() => {
    sentMs = Date.now();
    return send('POST', `/waiting-rooms/${roomId}/tickets`);
  });
  const answeredMs = Date.now();
  if (o.kind === 'reply' && o.code === 'drop_sold_out') {
    place.soldOut = true;
    return;
  }
  if (o.kind !== 'reply' || o.status !== 201) {
    violation('join', describe(o));
    return;
  }
  place.ticket = o.body.ticket;
  const wrong = o.body.phase === 'prequeue' ? sentMs > opensAtMs + CLOCKS_MS
    : answeredMs < opensAtMs - CLOCKS_MS;
  if (wrong) {
    violation('join', `phase ${o.body.phase}, sent ${sentMs - opensAtMs} ms and answered `
      + `${answeredMs - opensAtMs} ms from the opening`);
  }
  place.prequeue = o.body.phase === 'prequeue';
}

/**
 * Polls the place until the room admits it (its pass kept), says its drop sold out for good,
 * or `waitMaxMs` passes; each position shown is checked against the last (`monotonic`).
 * `jitter` gives a number in [0, 1).
 */
export async function waitForPass(send: RoomSend, roomId: string, place: RoomPlace,
  who: string, violation: Violation, jitter: () => number): Promise<void> {
  if (place.ticket === null) return;
  const L = ROOM_LINE_LIMITS;
  const deadline = Date.now() + L.waitMaxMs;
  while (Date.now() < deadline) {
    await new Promise((res) => setTimeout(res, L.pollIntervalMs + jitter() * L.pollJitterMs));
    const o = await send('GET', `/waiting-rooms/${roomId}/place`,
      { 'x-waiting-room-ticket': place.ticket ?? '' });
    if (o.kind === 'reply' && o.code === 'drop_sold_out') {
      place.soldOut = true;
      return;
    }
    if (o.kind !== 'reply' || !o.body?.ticket) {
      if (o.kind === 'reply' && (o.code === 'rate_limited' || o.status === 503)) continue;
      violation('poll', `${who}: ${describe(o)}`);
      return;
    }
    place.ticket = o.body.ticket;
    if (o.body.phase === 'admitted') {
      place.pass = o.body.pass?.token ?? null;
      return;
    }
    if (o.body.position !== null) {
      const last = place.positions[place.positions.length - 1];
      if (last !== undefined && o.body.position > last) {
        violation('monotonic', `${who}: position ${last} then ${o.body.position}`);
      }
      place.positions.push(o.body.position);
    }
  }
  violation('admission', `${who} was never admitted`);
}

/** The chi-square statistic of observed counts against a uniform expectation. */
export function chiSquare(counts: readonly number[], expected: number): number {
  return counts.reduce((a, c) => a + ((c - expected) ** 2) / expected, 0);
}

/** The upper quantile of the chi-square distribution (Wilson-Hilferty), for z standard units. */
export function chiSquareCritical(df: number, z: number): number {
  const a = 2 / (9 * df);
  return df * (1 - a + z * Math.sqrt(a)) ** 3;
}

/**
 * Where each of `tickets` ids lands over `seeds` shuffles: a tickets x tickets table whose
 * chi-square against uniform must stay under the 0.999 quantile ((n-1)^2 degrees of freedom).
 */
export function shuffleFairness(seeds: number, tickets: number, seedPrefix: string):
  { chi2: number; critical: number; fair: boolean } {
  const ids = Array.from({ length: tickets }, (_, i) => `t${i}`);
  const table = new Array<number>(tickets * tickets).fill(0);
  for (let s = 0; s < seeds; s++) {
    shuffleOrder(ids, `${seedPrefix}:${s}`).forEach((id, place) => {
      table[Number(id.slice(1)) * tickets + place]!++;
    });
  }
  const chi2 = chiSquare(table, seeds / tickets);
  const critical = chiSquareCritical((tickets - 1) ** 2, 3.09);
  return { chi2, critical, fair: chi2 < critical };
}

/** A room's published draw as anyone reads it: its scheme and its hashes in rank order. */
export interface PublishedDraw {
  readonly scheme: number;
  readonly hashes: readonly string[];
}

/**
 * Reads every page of a room's published draw (GET /waiting-rooms/{id}/shuffle), as an outsider
 * checking it would; null when a page is refused or lost, or its entries are out of rank order.
 */
export async function readDraw(send: RoomSend, roomId: string): Promise<PublishedDraw | null> {
  const hashes: string[] = [];
  let scheme = 0;
  for (;;) {
    const o = await whileOverloaded(() => send('GET',
      `/waiting-rooms/${roomId}/shuffle?offset=${hashes.length}`));
    if (o.kind !== 'reply' || o.status !== 200) return null;
    scheme = o.body.scheme;
    for (const e of o.body.entries as Array<{ rank: number; ticket_hash: string }>) {
      if (e.rank !== hashes.length + 1) return null;
      hashes.push(e.ticket_hash);
    }
    if (o.body.entries.length === 0 || hashes.length >= o.body.count) return { scheme, hashes };
  }
}

/**
 * The shuffle's audit: the seed against the commitment published before the opening, the
 * published draw recomputed from public data alone (its hashes sorted, permuted by the seed),
 * and each pre-queue place at its rank both in that draw (by its ticket's hash) and in
 * shuffleOrder over the ids the buyers hold.
 */
function auditDraw(early: readonly RoomPlace[], seed: string | null, commitment: string,
  draw: PublishedDraw | null, violation: Violation): string[] {
  if (seed === null || seedCommitment(seed) !== commitment) {
    violation('shuffle', 'the published seed does not match the commitment');
    return [];
  }
  if (draw === null || draw.scheme !== 2) {
    violation('shuffle', `the published draw could not be read as scheme 2 (${draw?.scheme})`);
    return [];
  }
  const recomputed = permute([...draw.hashes].sort(), seed);
  if (recomputed.some((h, i) => h !== draw.hashes[i])) {
    violation('shuffle', 'the published draw is not the seed\'s order of its hashes sorted');
  }
  const published = new Map(draw.hashes.map((h, i) => [h, i + 1]));
  const order = shuffleOrder(early.map((p) => tokenClaims(p.ticket!).t as string), seed);
  const rank = new Map(order.map((id, i) => [id, i + 1]));
  const wrong = early.filter((p) => {
    const c = tokenClaims(p.ticket!);
    return c.k !== rank.get(c.t as string) || c.k !== published.get(ticketHash(c.t as string));
  }).length;
  if (wrong > 0) violation('shuffle', `${wrong} pre-queue tickets not at their shuffled rank`);
  return [`shuffle: the published seed matches its commitment; the published draw of `
    + `${fmt(draw.hashes.length)} is the seed's order of its hashes sorted; ${fmt(early.length)} `
    + 'pre-queue places, each at its rank in it'];
}

/**
 * The room's audit once everyone is through: the shuffle against the seed published now (read
 * from GET /waiting-rooms/{id}) and the published draw (readDraw), the fairness of the pure
 * shuffle, the rate, and every buyer admitted at most once (`overview`:
 * GET /admin/waiting-rooms/{id}). Returns the report's lines.
 */
export function auditRoom(places: readonly RoomPlace[], r: { seed: string | null;
  commitment: string; draw: PublishedDraw | null; overview: Record<string, any> | null;
  ratePerMinute: number; opensAtMs: number; nowMs: number; fairnessPrefix: string },
  violation: Violation): string[] {
  const early = places.filter((p) => p.prequeue && p.ticket !== null);
  const lines = auditDraw(early, r.seed, r.commitment, r.draw, violation);
  const L = ROOM_LINE_LIMITS;
  const fairness = shuffleFairness(L.fairnessSeeds, L.fairnessTickets, r.fairnessPrefix);
  if (!fairness.fair) {
    violation('fairness', `chi-square ${fairness.chi2.toFixed(1)} over ${fairness.critical
      .toFixed(1)}`);
  }
  lines.push(`fairness of the shuffle (apart from this run: ${fmt(L.fairnessSeeds)} seeds of `
    + `${L.fairnessTickets} tickets): chi-square ${fairness.chi2.toFixed(1)} < `
    + `${fairness.critical.toFixed(1)} (p 0.001, ${(L.fairnessTickets - 1) ** 2} df)`);
  const admitted = r.overview === null ? -1 : Number(r.overview.admitted);
  // From the opening, whole seconds of the rate plus the bucket's one second.
  const allowed = (r.ratePerMinute * ((r.nowMs - r.opensAtMs) / 1000)) / 60
    + Math.max(1, r.ratePerMinute / 60);
  if (admitted > allowed) violation('rate', `admitted ${admitted}, at most ${allowed.toFixed(0)}`);
  lines.push(`rate: ${fmt(admitted)} admitted, at most ${fmt(allowed)} allowed since the `
    + 'opening');
  lines.push(admittedOnce(places, r.overview, violation));
  return lines;
}

/**
 * Every buyer admitted at most once: no pass held by two buyers, the room gave one pass per
 * admitted ticket (passes active, spent and revoked add up to the admitted), and it admitted
 * every buyer who holds a pass and no one else, but for those it told the drop sold for good
 * (a place admitted just before that is never polled again, so its pass is never seen).
 */
export function admittedOnce(places: readonly RoomPlace[], overview: Record<string, any> | null,
  violation: Violation): string {
  const passIds = places.flatMap((p) => (p.pass === null ? [] : [tokenClaims(p.pass).p]));
  const distinct = new Set(passIds).size;
  if (distinct !== passIds.length) {
    violation('admitted-once', `${passIds.length - distinct} passes held by two buyers`);
  }
  if (overview === null) {
    violation('admitted-once', 'the room\'s overview could not be read');
    return 'admitted once: not checked (no overview)';
  }
  const given = Number(overview.active_passes) + Number(overview.spent_passes)
    + Number(overview.revoked_passes);
  const admitted = Number(overview.admitted);
  const toldSoldOut = places.filter((p) => p.soldOut).length;
  if (given !== admitted || admitted < passIds.length
    || admitted > passIds.length + toldSoldOut) {
    violation('admitted-once', `${fmt(admitted)} tickets admitted, ${fmt(given)} passes given, `
      + `${fmt(passIds.length)} buyers hold one, ${fmt(toldSoldOut)} told sold out`);
  }
  const unseen = admitted - passIds.length;
  return `admitted once: ${fmt(passIds.length)} buyers each hold one pass of their own; the room `
    + `admitted ${fmt(admitted)} tickets and gave ${fmt(given)} passes (${fmt(Number(overview
      .spent_passes))} spent on a purchase, ${fmt(Number(overview.active_passes))} unspent, `
    + `${fmt(Number(overview.revoked_passes))} revoked)`
    + (unseen > 0 ? `; the ${fmt(unseen)} more admitted than hold one were admitted just before `
      + 'the drop sold for good, their buyers told so at the next poll, the pass never shown'
      : '')
    + (toldSoldOut > 0 ? `; ${fmt(toldSoldOut)} buyers in all told the drop sold for good `
      + 'instead of a pass' : '');
}
