// What the drop tests share: the limited jacket's definition. In a module of its own, not in a
// test file: a test file imported by another runs its tests again in the importer's process.
import { strict as assert } from 'node:assert';
import { ADMIN, BEFORE_YU7, type Harness } from './harness.js';

/** The jacket's opening in these tests: the YU7's, 2025-06-26T14:00:00Z (ISO 8601). */
export const JACKET_OPENS = new Date(Date.parse(BEFORE_YU7) + 60_000).toISOString();

/**
 * The body of `PUT /admin/drops/:drop_id` for the limited jacket (merchandise, 1,299 yuan, two
 * per account and per identity, opening at JACKET_OPENS): one variant per entry of `quantities`
 * (variant id -> units), named by its id in capitals; `overrides` replaces any field.
 */
export function jacketDrop(quantities: Record<string, number>, overrides: object = {}) {
  return { name: 'Limited jacket', name_zh: '限量夹克', kind: 'merch', price_fen: 129_900,
    opens_at: JACKET_OPENS, per_account_limit: 2, per_identity_limit: 2,
    variants: Object.entries(quantities).map(([variant, quantity]) => ({ variant,
      name: variant.toUpperCase(), name_zh: variant.toUpperCase(), quantity })),
    ...overrides };
}

/**
 * Puts the waiting room `roomId` in front of `scope` `targetId` (opening at JACKET_OPENS, its
 * pre-queue 10 minutes before; 60 admitted a minute, 3 at a time, passes of 15 minutes), takes
 * `count` tickets in its pre-queue, moves the clock past the opening (`h` a tickingHarness) and
 * runs admitter rounds until every ticket is admitted: their passes' tokens, in the order they
 * were admitted. Fails the test if any is not after 10 rounds.
 */
export async function admittedPasses(h: Harness, roomId: string, scope: 'drop' | 'launch',
  targetId: string, count: number): Promise<string[]> {
  const r = await h.call('PUT', `/admin/waiting-rooms/${roomId}`, { token: ADMIN, body: {
    scope, target_id: targetId, enabled: true, opens_at: JACKET_OPENS,
    prequeue_at: new Date(Date.parse(JACKET_OPENS) - 10 * 60_000).toISOString(),
    admit_per_minute: 60, active_max: 3, pass_seconds: 900, grace_seconds: 300 } });
  assert.equal(r.status, 201, JSON.stringify(r.body));
  const tickets: string[] = [];
  for (let i = 0; i < count; i++) {
    tickets.push((await h.call('POST', `/waiting-rooms/${roomId}/tickets`)).body.ticket);
  }
  await h.tick(61);
  const passes: string[] = [];
  for (let round = 0; round < 10 && tickets.length > 0; round++) {
    await h.ld.app.waitingRooms.admitRound();
    await h.tick(1);
    for (const [i, t] of [...tickets.entries()].reverse()) {
      const place = await h.call('GET', `/waiting-rooms/${roomId}/place`,
        { headers: { 'x-waiting-room-ticket': t } });
      tickets[i] = place.body.ticket ?? t;
      if (place.body.phase !== 'admitted') continue;
      passes.push(place.body.pass.token as string);
      tickets.splice(i, 1);
    }
  }
  assert.equal(passes.length, count, `all ${count} admitted`);
  return passes;
}
