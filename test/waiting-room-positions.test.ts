// Positions a waiting room shows are never raised and never false (issue 17, the attacker's
// find: a ticket held and then released left everyone behind it shown one place too few, for
// good). A property over random joins, polls, holds, releases and admissions with the clock
// moved by `tick` (in-process, simulated clock, SQLite): each ticket's shown position never goes
// up, and whenever it was counted from a copy of the line read after the last change it equals
// its true place, 1 + the tickets before it in the line (waiting or held: a held one keeps its
// place and is skipped), as the operator's list counts it.
import { strict as assert } from 'node:assert';
import { after, before, describe, it } from 'node:test';
import fc from 'fast-check';
import { ADMIN, tickingHarness, type Harness } from './harness.js';

const ROOM = '/waiting-rooms/line';

type Cmd =
  | { kind: 'join' }
  | { kind: 'poll'; who: number }
  | { kind: 'hold'; who: number; held: boolean }
  | { kind: 'admit' }
  | { kind: 'tick'; seconds: number };

const cmd: fc.Arbitrary<Cmd> = fc.oneof(
  fc.constant<Cmd>({ kind: 'join' }),
  fc.nat(40).map<Cmd>((who) => ({ kind: 'poll', who })),
  fc.record({ who: fc.nat(40), held: fc.boolean() }).map<Cmd>((r) => ({ kind: 'hold', ...r })),
  fc.constant<Cmd>({ kind: 'admit' }),
  fc.integer({ min: 1, max: 3 }).map<Cmd>((seconds) => ({ kind: 'tick', seconds })));

describe('positions shown in a waiting room', () => {
  let h: Harness;
  /** Ticket id -> the signed ticket of its last reply and the least position it was shown. */
  const line = new Map<string, { token: string; least: number | null }>();
  const ids = () => [...line.keys()];
  const idOf = (token: string) => JSON.parse(Buffer.from(token.split('.')[1]!, 'base64url')
    .toString()).t as string;

  /** Where each ticket stands in the store: 1 + waiting or held tickets with a smaller key. */
  const truth = async (): Promise<Map<string, number>> => {
    const all = (await h.ld.app.deps.store.ticketsOf('line', 1_000_000))
      .filter((t) => (t.status === 'waiting' || t.status === 'held') && t.key !== null);
    return new Map(all.map((t) => [t.ticketId, 1 + all.filter((o) => o.key! < t.key!).length]));
  };

  /** Reads a reply's position: never above the least shown before; follows an admission. */
  const shown = (id: string, body: any, status: number): number | null => {
    if (status === 429) return null; // polled again within the second: not counted
    assert.ok(status === 200 || status === 201, `${id}: ${status} ${JSON.stringify(body)}`);
    const t = line.get(id)!;
    if (body.phase === 'admitted') {
      line.delete(id);
      return null;
    }
    t.token = body.ticket;
    if (body.position === null) return null;
    assert.ok(t.least === null || body.position <= t.least,
      `${id} was shown ${t.least}, then ${body.position}`);
    t.least = body.position;
    return body.position;
  };

  const poll = async (id: string): Promise<number | null> => {
    const r = await h.call('GET', `${ROOM}/place`,
      { headers: { 'x-waiting-room-ticket': line.get(id)!.token } });
    return shown(id, r.body, r.status);
  };

  const run = async (c: Cmd): Promise<void> => {
    const pick = (n: number) => ids()[n % Math.max(1, line.size)];
    if (c.kind === 'join') {
      const r = await h.call('POST', `${ROOM}/tickets`);
      const id = idOf(r.body.ticket);
      line.set(id, { token: r.body.ticket, least: null });
      shown(id, r.body, r.status);
    } else if (c.kind === 'poll') {
      const id = pick(c.who);
      if (id) await poll(id);
    } else if (c.kind === 'hold') {
      const id = pick(c.who);
      if (!id) return;
      const r = await h.call('POST', `/admin/waiting-rooms/line/tickets/${id}/hold`,
        { token: ADMIN, body: { held: c.held, reason: 'property' } });
      // Admitted by a round since its last poll: out of the line, and said so.
      assert.ok(r.status === 200 || r.body.error?.code === 'waiting_ticket_not_in_line',
        JSON.stringify(r.body));
    } else if (c.kind === 'admit') {
      await h.tick(1);
      await h.ld.app.waitingRooms.admitRound();
    } else {
      await h.tick(c.seconds);
    }
  };

  before(async () => {
    h = await tickingHarness();
    const r = await h.call('PUT', '/admin/waiting-rooms/line', { token: ADMIN, body: {
      scope: 'launch', target_id: 'yu7-2025', enabled: true, opens_at: '2025-06-26T14:00:00.000Z',
      prequeue_at: '2025-06-26T13:50:00.000Z', admit_per_minute: 60, active_max: 1000,
      pass_seconds: 600, grace_seconds: 3600 } });
    assert.equal(r.status, 201, JSON.stringify(r.body));
    for (let i = 0; i < 6; i++) await run({ kind: 'join' });
    await h.tick(61);
    await h.ld.app.waitingRooms.admitRound();
  });
  after(async () => h.close());

  it('never go up, and are true once counted from a fresh copy of the line (property)',
    async () => {
      await fc.assert(fc.asyncProperty(fc.array(cmd, { minLength: 5, maxLength: 30 }),
        async (cmds) => {
          for (const c of cmds) await run(c);
          // Past twice the line's refresh: the next poll counts from a copy read after every
          // change above, so what it shows is the truth. A round now empties the bucket, so the
          // server's own rounds (every 500 ms of real time) admit nobody more at this instant.
          await h.tick(3);
          await h.ld.app.waitingRooms.admitRound();
          const want = await truth();
          const list = (await h.call('GET', '/admin/waiting-rooms/line/tickets',
            { token: ADMIN })).body.tickets as Array<{ ticket_id: string; position: number }>;
          for (const t of list) {
            assert.equal(t.position, want.get(t.ticket_id), `the operator's list: ${t.ticket_id}`);
          }
          for (const id of ids()) {
            const p = await poll(id);
            if (line.has(id)) assert.equal(p, want.get(id) ?? null, `${id} is shown its place`);
          }
        }), { numRuns: 25, endOnFailure: true, seed: 17 });
    });
});
