// `launchday simulate --waiting-room`: a launch behind a waiting room. The operator puts a room
// in front of the launch with its opening a few seconds ahead; the buyers register, most join
// the pre-queue before the opening and the rest after it, every one polls its place until
// admitted and then orders with the pass. Some try to order without a pass first, some try a
// spent pass again. The auditor checks every reply and then the whole:
// - positions only ever went down, for every buyer, poll by poll;
// - no order without a pass while the room was on (every such try refused, every order placed
//   spent a pass, a spent pass never ordered twice; orders placed = passes spent);
// - the pre-queue's order is the published shuffle: the seed matches the commitment published
//   before the opening, and each pre-queue ticket's line key (readable in the ticket it holds)
//   is its rank in shuffleOrder(ticket ids, seed);
// - nobody admitted beyond the rate;
// - the pure shuffle is fair: a chi-square test of where each ticket lands over many seeds.
import { shuffleOrder, seedCommitment } from '../src/waiting-rooms/index.js';
import { whileOverloaded, type HttpClient, type Outcome } from './http-client.js';
import { identityNumber, personName, phoneNumber } from './identity-generator.js';
import { Random } from './random.js';
import { fmt } from './run-metrics.js';

export const WAITING_ROOM_LIMITS = Object.freeze({
  buyersMin: 50,
  buyersMax: 50_000,
  /** Registrations at once. */
  registerConcurrency: 64,
  /** Seconds from the room's creation to its opening: the pre-queue fills meanwhile. */
  openingDelaySeconds: 6,
  /** The rate is set so that everyone is admitted in about this many seconds. */
  admitAllSeconds: 15,
  pollIntervalMs: 1_000,
  requestTimeoutMs: 60_000,
  /** Seeds of the chi-square test of the pure shuffle, and tickets shuffled each time. */
  fairnessSeeds: 4_000,
  fairnessTickets: 8,
});

const ROOM = 'sim-night';
/** How far the server's clock and ours may differ when a join's phase is judged (ms). */
const CLOCKS_MS = 50;

export interface WaitingRoomNightResult {
  readonly lines: string[];
  readonly violations: Map<string, string[]>;
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

interface Buyer {
  token: string;
  ticket: string | null;
  prequeue: boolean;
  positions: number[];
  pass: string | null;
  ordered: boolean;
}

const claims = (ticket: string): { t: string; k: number | null; p: number } =>
  JSON.parse(Buffer.from(ticket.split('.')[1] ?? '', 'base64url').toString('utf8'));

export async function runWaitingRoomNight(client: HttpClient, adminToken: string,
  opts: { buyers: number; seed: number; launchId: string; log: (line: string) => void }):
  Promise<WaitingRoomNightResult> {
  const violations = new Map<string, string[]>();
  const violation = (kind: string, text: string) => {
    const list = violations.get(kind) ?? [];
    list.push(text);
    violations.set(kind, list);
  };
  const lines: string[] = [];
  const r = new Random(Random.stream(opts.seed, 'waiting-room').int(2 ** 31));
  const L = WAITING_ROOM_LIMITS;
  const req = (method: string, path: string, o: { token?: string; body?: unknown;
    headers?: Record<string, string> } = {}): Promise<Outcome> =>
    client.request(method, path, { ...o, timeoutMs: L.requestTimeoutMs });

  // The buyers register first (the room is not in front of registration).
  const buyers: Buyer[] = [];
  let next = 0;
  await Promise.all(Array.from({ length: L.registerConcurrency }, async () => {
    for (let i = next++; i < opts.buyers; i = next++) {
      const body = { phone: phoneNumber(i, 917), name: personName(r),
        id_number: identityNumber(i, 917, r) };
      const o = await whileOverloaded(() => req('POST', '/accounts', { body }));
      if (o.kind !== 'reply' || o.status !== 201) {
        throw new Error(`registering ${i} failed: ${describe(o)}`);
      }
      buyers[i] = { token: o.body.token, ticket: null, prequeue: i % 5 !== 4, positions: [],
        pass: null, ordered: false };
    }
  }));
  const ratePerMinute = Math.max(60, Math.ceil((opts.buyers * 60) / L.admitAllSeconds));
  const nowMs = Date.now();
  const opensAtMs = nowMs + L.openingDelaySeconds * 1000;
  const put = await req('PUT', `/admin/waiting-rooms/${ROOM}`, { token: adminToken, body: {
    scope: 'launch', target_id: opts.launchId, enabled: true,
    opens_at: new Date(opensAtMs).toISOString(),
    prequeue_at: new Date(opensAtMs - 5 * 60_000).toISOString(), order: 'shuffle',
    admit_per_minute: ratePerMinute, active_max: opts.buyers, pass_seconds: 600 } });
  if (put.kind !== 'reply' || put.status !== 201) throw new Error('the room was not created');
  const commitment = put.body.seed_commitment as string;
  if (put.body.seed !== null) violation('shuffle', 'the seed was shown before the opening');
  const before = await req('GET', `/launches/${opts.launchId}/stats`);
  const ordersBefore = before.kind === 'reply' ? Number(before.body.orders?.firm ?? 0) : 0;

  // Without a pass, while the room is on: refused, with the room's address.
  const noPass = await req('POST', '/orders', { token: buyers[0]!.token,
    headers: { 'idempotency-key': 'no-pass' }, body: orderBody(opts.launchId) });
  if (noPass.kind !== 'reply' || noPass.status !== 403
    || noPass.body.error?.code !== 'waiting_room_pass_required'
    || noPass.body.error?.room_id !== ROOM) {
    violation('gate', `an order without a pass got ${describe(noPass)}`);
  }

  const join = async (b: Buyer) => {
    // A join refused for load (503 overloaded: the commit queue past its delay bound, 100 ms,
    // which a loaded machine crosses) is tried again after its Retry-After, as the page does.
    // Counted as a violation it failed the audit (seen with the bound set to 5 ms), though the
    // server did as documented.
    let sentMs = 0;
    const o = await whileOverloaded(() => {
      sentMs = Date.now();
      return req('POST', `/waiting-rooms/${ROOM}/tickets`);
    });
    const answeredMs = Date.now();
    if (o.kind !== 'reply' || o.status !== 201) {
      violation('join', describe(o));
      return;
    }
    b.ticket = o.body.ticket;
    // The server decides the phase by its clock between the request's sending and its reply:
    // the pre-queue only for a join sent by the opening, the line only for one answered after
    // it (a few ms either way for the two clocks). The reply's arrival alone decided before,
    // and a pre-queue join answered late on a loaded machine counted as a miss.
    const wrong = o.body.phase === 'prequeue' ? sentMs > opensAtMs + CLOCKS_MS
      : answeredMs < opensAtMs - CLOCKS_MS;
    if (wrong) {
      violation('join', `phase ${o.body.phase}, sent ${sentMs - opensAtMs} ms and answered `
        + `${answeredMs - opensAtMs} ms from the opening`);
    }
    b.prequeue = o.body.phase === 'prequeue';
  };
  // The pre-queue fills before the opening; the others come after it.
  // Both lists first: a pre-queue join tried again past the opening is in the line, and must
  // not join a second time with the late ones.
  const [first, later] = [buyers.filter((b) => b.prequeue), buyers.filter((b) => !b.prequeue)];
  await Promise.all(first.map(join));
  await new Promise((res) => setTimeout(res, Math.max(0, opensAtMs - Date.now() + 200)));
  await Promise.all(later.map(join));
  const startedMs = Date.now();

  let reusedRefused = 0;
  const play = async (b: Buyer, i: number) => {
    if (b.ticket === null) return;
    const deadline = Date.now() + 120_000;
    while (Date.now() < deadline) {
      await new Promise((res) => setTimeout(res, L.pollIntervalMs + r.int(200)));
      const o = await req('GET', `/waiting-rooms/${ROOM}/place`,
        { headers: { 'x-waiting-room-ticket': b.ticket! } });
      if (o.kind !== 'reply' || !o.body?.ticket) {
        if (o.kind === 'reply' && o.body?.error?.code === 'rate_limited') continue;
        violation('poll', describe(o));
        return;
      }
      b.ticket = o.body.ticket;
      if (o.body.phase === 'admitted') {
        b.pass = o.body.pass?.token ?? null;
        break;
      }
      if (o.body.position !== null) {
        const last = b.positions[b.positions.length - 1];
        if (last !== undefined && o.body.position > last) {
          violation('monotonic', `buyer ${i}: position ${last} then ${o.body.position}`);
        }
        b.positions.push(o.body.position);
      }
    }
    if (b.pass === null) {
      violation('admission', `buyer ${i} was never admitted`);
      return;
    }
    const headers = { 'idempotency-key': `wr-${i}`, 'x-waiting-room-pass': b.pass };
    const o = await whileOverloaded(() => req('POST', '/orders', { token: b.token, headers,
      body: orderBody(opts.launchId) }));
    if (o.kind !== 'reply' || o.status !== 201) {
      violation('order', `buyer ${i} with a pass: ${describe(o)}`);
      return;
    }
    b.ordered = true;
    // One pass, one order: the same pass with a new key is refused.
    if (i % 20 === 3) {
      // Refused for load is no answer about the pass: asked again, as for the first order.
      const again = await whileOverloaded(() => req('POST', '/orders', { token: b.token,
        body: orderBody(opts.launchId),
        headers: { 'idempotency-key': `wr-${i}-again`, 'x-waiting-room-pass': b.pass! } }));
      if (again.kind === 'reply' && again.body?.error?.code === 'waiting_room_pass_invalid') {
        reusedRefused++;
      } else violation('gate', `a spent pass ordered again: ${describe(again)}`);
    }
  };
  await Promise.all(buyers.map(play));
  const elapsedS = (Date.now() - startedMs) / 1000;

  // The shuffle: the seed published now matches the commitment, and each pre-queue ticket's
  // line key is its rank in the pure shuffle of every pre-queue ticket id.
  const room = await req('GET', `/waiting-rooms/${ROOM}`);
  const seed = room.kind === 'reply' ? room.body.seed as string | null : null;
  const early = buyers.filter((b) => b.prequeue && b.ticket !== null);
  if (seed === null || seedCommitment(seed) !== commitment) {
    violation('shuffle', 'the published seed does not match the commitment');
  } else {
    const order = shuffleOrder(early.map((b) => claims(b.ticket!).t), seed);
    const rank = new Map(order.map((id, i) => [id, i + 1]));
    let wrong = 0;
    for (const b of early) {
      const c = claims(b.ticket!);
      if (c.k !== rank.get(c.t)) wrong++;
    }
    if (wrong > 0) violation('shuffle', `${wrong} pre-queue tickets not at their shuffled rank`);
    lines.push(`shuffle: the published seed matches its commitment; ${fmt(early.length)} `
      + 'pre-queue places, each at its rank in the shuffle that seed gives');
  }
  const fairness = shuffleFairness(L.fairnessSeeds, L.fairnessTickets, `sim-${opts.seed}`);
  if (!fairness.fair) {
    violation('fairness', `chi-square ${fairness.chi2.toFixed(1)} over ${fairness.critical
      .toFixed(1)}`);
  }
  lines.push(`fairness of the shuffle (apart from this run: ${fmt(L.fairnessSeeds)} seeds of `
    + `${L.fairnessTickets} tickets): chi-square ${fairness.chi2.toFixed(1)} < `
    + `${fairness.critical.toFixed(1)} (p 0.001, ${(L.fairnessTickets - 1) ** 2} df)`);

  const overview = await req('GET', `/admin/waiting-rooms/${ROOM}`, { token: adminToken });
  const after = await req('GET', `/launches/${opts.launchId}/stats`);
  const orders = (after.kind === 'reply' ? Number(after.body.orders?.firm ?? 0) : 0)
    - ordersBefore;
  const ordered = buyers.filter((b) => b.ordered).length;
  const spent = overview.kind === 'reply' ? overview.body.spent_passes as number : -1;
  const admitted = overview.kind === 'reply' ? overview.body.admitted as number : -1;
  if (orders !== ordered || spent !== ordered) {
    violation('gate', `orders ${orders}, orders answered 201 ${ordered}, passes spent ${spent}`);
  }
  // From the opening, whole seconds of the rate plus the bucket's one second.
  const allowed = (ratePerMinute * ((Date.now() - opensAtMs) / 1000)) / 60
    + Math.max(1, ratePerMinute / 60);
  if (admitted > allowed) violation('rate', `admitted ${admitted}, at most ${allowed.toFixed(0)}`);
  const polls = buyers.reduce((a, b) => a + b.positions.length, 0);
  lines.push(`waiting room: ${fmt(buyers.length)} buyers (${fmt(early.length)} in the `
    + `pre-queue), admitting ${fmt(ratePerMinute)}/min, all through in ${elapsedS.toFixed(1)} s; `
    + `${fmt(polls)} positions polled, ${violations.get('monotonic')?.length ?? 0} went up`);
  lines.push(`gate: an order without a pass refused; ${fmt(ordered)} orders each spent a pass `
    + `(${fmt(spent)} spent, ${fmt(orders)} counted in the launch's figures); `
    + `${fmt(reusedRefused)} spent passes tried again and refused`);
  lines.push(`rate: ${fmt(admitted)} admitted, at most ${fmt(allowed)} allowed since the `
    + 'opening');
  // The caller prints `lines` (once: they were also logged here, and the report came twice).
  return { lines, violations };
}

const orderBody = (launchId: string) =>
  ({ launch_id: launchId, trim: 'max', options: [], city: 'beijing' });

function describe(o: Outcome): string {
  return o.kind === 'reply' ? `${o.status} ${JSON.stringify(o.body).slice(0, 200)}`
    : `no reply (${o.message})`;
}
