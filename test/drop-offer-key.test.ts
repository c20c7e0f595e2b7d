// A waitlist offer is a hold, and every hold has an idempotency key, unique per account
// (drop_holds' UNIQUE (account_id, idempotency_key)). The offer's key was `offer-<entry id>`,
// which a buyer may send as an Idempotency-Key of their own (it matches the header's pattern,
// and the entry id is in the join's reply): their purchase took the key first, and the offer
// then broke the constraint in whichever batch returned a unit (a cancel, or every batch of the
// drop while a hold past due waited to be ended), on each try: a 500, and a drop stuck.
import { strict as assert } from 'node:assert';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, it } from 'node:test';
import { dropCommands, type HoldCommand, type HoldOutcome } from '../src/drops/drop-commands.js';
import type { Result } from '../src/kernel/outcomes.js';
import type { Drop, Hold } from '../src/drops/drop.js';
import { IDEMPOTENCY_KEY_PATTERN } from '../src/kernel/http/schema.js';
import { SqliteStore } from '../src/stores.js';

const T0 = Date.parse('2025-06-26T14:00:00Z');
const TIMES = { holdMs: 120_000, offerMs: 600_000 };
const drop: Drop = { dropId: 'tee', name: 'Tee', nameZh: 'T恤', kind: 'merch', priceFen: 100,
  depositFen: 0, opensAtMs: T0, perAccountLimit: 2, perIdentityLimit: 2, createdAtMs: T0 - 1,
  variants: [{ variant: 's', name: 'S', nameZh: 'S', quantity: 2 },
    { variant: 'm', name: 'M', nameZh: 'M', quantity: 1 }] };

const hold = (accountId: string, variant: string, key: string): HoldCommand => ({ dropId: 'tee',
  variant, quantity: 1, accountId, identityKey: `id-${accountId}`, idempotencyKey: key,
  requestHash: `${variant}-${key}`, times: TIMES });

let dir: string;
let store: SqliteStore;
before(async () => {
  dir = mkdtempSync(join(tmpdir(), 'launchday-offer-key-'));
  store = new SqliteStore(dir);
  await store.transaction((tx) => tx.putDrop(drop));
});
after(async () => {
  await store.close();
  rmSync(dir, { recursive: true, force: true });
});

it('a buyer who took the key their waitlist offer would get still gets the offer, and the '
  + 'cancel that returned the unit succeeds', async () => {
  const { dropHold, dropJoin, dropSettle } = dropCommands();
  const nowMs = T0 + 1_000;
  // B holds M's only unit; A joins M's waitlist.
  // On SQLite a hold batch is decided here, under the lock: its results are plain.
  const holdNow = (cmd: ReturnType<typeof hold>) => store.transaction(async (tx) =>
    (await dropHold(tx, [cmd], nowMs)) as Array<Result<HoldOutcome>>);
  const [b] = await holdNow(hold('acc_b', 'm', 'b1'));
  assert.ok(b?.ok);
  const [joined] = await store.transaction((tx) => dropJoin(tx, [{ dropId: 'tee', variant: 'm',
    accountId: 'acc_a', identityKey: 'id-acc_a', waitlistMax: 10, times: TIMES }], nowMs));
  assert.ok(joined?.ok, JSON.stringify(joined));
  // A buys an S with the key an offer of that entry was given.
  const key = `offer-${joined.value.entry.entryId}`;
  assert.match(key, new RegExp(IDEMPOTENCY_KEY_PATTERN), 'a key a buyer may send');
  const [a] = await holdNow(hold('acc_a', 's', key));
  assert.ok(a?.ok, JSON.stringify(a));
  // B lets M go: its unit is offered to A.
  const [cancelled] = await store.transaction(async (tx) => (await dropSettle(tx, [{
    dropId: 'tee', holdId: b.value.hold.holdId, accountId: 'acc_b', outcome: 'cancelled',
    times: TIMES }], nowMs + 1)) as Array<Result<Hold>>);
  assert.ok(cancelled?.ok, JSON.stringify(cancelled));
  const mine = await store.holdsOf('tee', 'acc_a', 10);
  const offered = mine.find((h) => h.source === 'waitlist');
  assert.ok(offered, 'A has the offer');
  assert.equal(offered.variant, 'm');
  assert.equal(offered.status, 'held');
  assert.doesNotMatch(offered.idempotencyKey, new RegExp(IDEMPOTENCY_KEY_PATTERN),
    'an offer\'s key is none a buyer can send');
  // A's own purchase is as it was.
  assert.deepEqual(mine.filter((h) => h.source === 'sale').map((h) => [h.variant,
    h.idempotencyKey]), [['s', key]]);
});
