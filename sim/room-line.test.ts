// The room's audit of admissions (room-line.ts admittedOnce), pure: what the buyers hold and the
// room's overview counts, with nothing else running.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { admittedOnce, newPlace, roomLine, type RoomPlace } from './room-line.js';

/** A place that holds the pass `passId` (a token the simulator reads, unsigned here). */
function holding(passId: string): RoomPlace {
  const body = Buffer.from(JSON.stringify({ r: 'room', p: passId, e: 0 })).toString('base64url');
  return { ...newPlace(true), ticket: 'wrt1.x.y', pass: `wrp1.${body}.sig` };
}
const toldSoldOut = (): RoomPlace => ({ ...newPlace(true), ticket: 'wrt1.x.y', soldOut: true });
const overview = (admitted: number, passes = admitted) => ({ admitted,
  active_passes: passes, spent_passes: 0, revoked_passes: 0 });

function findings(places: RoomPlace[], o: Record<string, number> | null): string[] {
  const out: string[] = [];
  admittedOnce(places, o, (kind, text) => out.push(`${kind}: ${text}`));
  return out;
}

test('admitted once: one pass per admitted ticket, each held by one buyer', () => {
  assert.deepEqual(findings([holding('p1'), holding('p2'), newPlace(false)], overview(2)), []);
  // Admitted just before the drop sold for good, then told so at the next poll: its pass is
  // never seen, and the room admitted it once all the same (seed 2 of the default drop).
  assert.deepEqual(findings([holding('p1'), toldSoldOut(), toldSoldOut()], overview(3)), []);
  assert.deepEqual(findings([holding('p1'), toldSoldOut()], overview(1)), []);
});

test('admitted twice, or a pass shared, or admitted unseen, is found', () => {
  assert.match(findings([holding('p1'), holding('p1')], overview(2)).join(), /held by two/);
  // A ticket admitted twice: two passes for one admitted ticket.
  assert.match(findings([holding('p1')], overview(1, 2)).join(), /1 tickets admitted, 2 passes/);
  // More admitted than the buyers who hold a pass or were told the drop sold out.
  assert.match(findings([holding('p1'), newPlace(true)], overview(2)).join(),
    /2 tickets admitted, 2 passes given, 1 buyers hold one, 0 told sold out/);
  assert.match(findings([holding('p1')], null).join(), /overview could not be read/);
});

test('the lines say how each place ended, and who was admitted without a pass seen', () => {
  const waiting = (): RoomPlace => ({ ...newPlace(false), ticket: 'wrt1.x.y' });
  const places = [holding('p1'), holding('p2'), toldSoldOut(), toldSoldOut(), waiting(),
    newPlace(false)];
  assert.equal(roomLine(places, 600, 57.34, new Map()), 'waiting room: 6 buyers (4 in the '
    + 'pre-queue), admitting 600/min; 57.3 s after the opening 2 admitted (a pass seen), 2 told '
    + 'the drop sold for good instead, 1 never admitted nor told, 1 without a place (the join '
    + 'failed); 0 positions polled, 0 went up');
  const text = admittedOnce([holding('p1'), holding('p2'), toldSoldOut(), toldSoldOut()],
    { admitted: 3, active_passes: 1, spent_passes: 1, revoked_passes: 1 }, () => {});
  assert.equal(text, 'admitted once: 2 buyers each hold one pass of their own; the room '
    + 'admitted 3 tickets and gave 3 passes (1 spent on a purchase, 1 unspent, 1 revoked); the 1 '
    + 'more admitted than hold one were admitted just before the drop sold for good, their '
    + 'buyers told so at the next poll, the pass never shown; 2 buyers in all told the drop sold '
    + 'for good instead of a pass');
});
