// `launchday simulate --waiting-room`: a launch behind a waiting room. The operator puts a room
// in front of the launch with its opening a few seconds ahead; the buyers register, most join
// the pre-queue before the opening and the rest after it, every one polls its place until
// admitted and then orders with the pass. Some try to order without a pass first, some try a
// spent pass again. The auditor checks every reply and then the whole:
// - no order without a pass while the room was on (every such try refused, every order placed
//   spent a pass, a spent pass never ordered twice; orders placed = passes spent);
// - and the room's own audits (room-line.ts): each join's phase, positions only going down,
//   the shuffle against its published seed, its fairness, the rate, admitted at most once.
import { whileOverloaded, type HttpClient, type Outcome } from './http-client.js';
import { identityNumber, personName, phoneNumber } from './identity-generator.js';
import { Random } from './random.js';
import { admitRate, auditRoom, describe, joinRoom, newPlace, readDraw, roomBody, roomLine,
  waitForPass, type RoomPlace, type RoomSend } from './room-line.js';
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
  requestTimeoutMs: 60_000,
});

const ROOM = 'sim-night';

export interface WaitingRoomNightResult {
  readonly lines: string[];
  readonly violations: Map<string, string[]>;
}

interface Buyer {
  readonly token: string;
  readonly place: RoomPlace;
  ordered: boolean;
}

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
      buyers[i] = { token: o.body.token, place: newPlace(i % 5 !== 4), ordered: false };
    }
  }));
  const ratePerMinute = admitRate(opts.buyers, L.admitAllSeconds);
  const nowMs = Date.now();
  const opensAtMs = nowMs + L.openingDelaySeconds * 1000;
  // A room opens when its launch does (PUT /admin/waiting-rooms): the launch's opening first.
  const moved = await req('PATCH', `/admin/launches/${opts.launchId}`, { token: adminToken,
    body: { opens_at: new Date(opensAtMs).toISOString() } });
  if (moved.kind !== 'reply' || moved.status !== 200) throw new Error('the launch did not move');
  const put = await req('PUT', `/admin/waiting-rooms/${ROOM}`, { token: adminToken,
    body: roomBody('launch', opts.launchId, opensAtMs, ratePerMinute, opts.buyers) });
  // Refused once its opening has passed (a shuffle stands before it): the reply says so.
  if (put.kind !== 'reply' || put.status !== 201) {
    throw new Error(`the room was not created: ${describe(put)}`);
  }
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

  const send: RoomSend = (method, path, headers) => req(method, path, { headers });
  // The pre-queue fills before the opening; the others come after it.
  // Both lists first: a pre-queue join tried again past the opening is in the line, and must
  // not join a second time with the late ones.
  const [first, later] = [buyers.filter((b) => b.place.prequeue),
    buyers.filter((b) => !b.place.prequeue)];
  await Promise.all(first.map((b) => joinRoom(send, ROOM, b.place, opensAtMs, violation)));
  await new Promise((res) => setTimeout(res, Math.max(0, opensAtMs - Date.now() + 200)));
  await Promise.all(later.map((b) => joinRoom(send, ROOM, b.place, opensAtMs, violation)));
  const startedMs = Date.now();

  let reusedRefused = 0;
  const play = async (b: Buyer, i: number) => {
    await waitForPass(send, ROOM, b.place, `buyer ${i}`, violation, () => r.next());
    const pass = b.place.pass;
    if (pass === null) return;
    const headers = { 'idempotency-key': `wr-${i}`, 'x-waiting-room-pass': pass };
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
        headers: { 'idempotency-key': `wr-${i}-again`, 'x-waiting-room-pass': pass } }));
      if (again.kind === 'reply' && again.body?.error?.code === 'waiting_room_pass_invalid') {
        reusedRefused++;
      } else violation('gate', `a spent pass ordered again: ${describe(again)}`);
    }
  };
  await Promise.all(buyers.map(play));
  const elapsedS = (Date.now() - startedMs) / 1000;

  const room = await req('GET', `/waiting-rooms/${ROOM}`);
  const overview = await req('GET', `/admin/waiting-rooms/${ROOM}`, { token: adminToken });
  const places = buyers.map((b) => b.place);
  const draw = await readDraw(send, ROOM);
  const roomLines = auditRoom(places, { seed: room.kind === 'reply' ? room.body.seed : null,
    commitment, draw, overview: overview.kind === 'reply' && overview.status === 200 ? overview.body
      : null, ratePerMinute, opensAtMs, nowMs: Date.now(), fairnessPrefix: `sim-${opts.seed}` },
  violation);
  const after = await req('GET', `/launches/${opts.launchId}/stats`);
  const orders = (after.kind === 'reply' ? Number(after.body.orders?.firm ?? 0) : 0)
    - ordersBefore;
  const ordered = buyers.filter((b) => b.ordered).length;
  const spent = overview.kind === 'reply' ? overview.body.spent_passes as number : -1;
  if (orders !== ordered || spent !== ordered) {
    violation('gate', `orders ${orders}, orders answered 201 ${ordered}, passes spent ${spent}`);
  }
  lines.push(roomLine(places, ratePerMinute, elapsedS, violations), ...roomLines);
  lines.push(`gate: an order without a pass refused; ${fmt(ordered)} orders each spent a pass `
    + `(${fmt(spent)} spent, ${fmt(orders)} counted in the launch's figures); `
    + `${fmt(reusedRefused)} spent passes tried again and refused`);
  // The caller prints `lines` (once: they were also logged here, and the report came twice).
  return { lines, violations };
}

const orderBody = (launchId: string) =>
  ({ launch_id: launchId, trim: 'max', options: [], city: 'beijing' });
