// A purchase that can only be refused (nothing on sale, no hold past due, by a stock read that
// started after it arrived) is refused without a batch: the crowd still asking after a sell-out
// costs a shared read and one key lookup each, not a transaction. A retry of a purchase that
// got its hold is still answered with it, and the same key with another body still refused;
// a size still on sale, or one whose hold is past due, still goes through the batch.
import { strict as assert } from 'node:assert';
import { after, before, it } from 'node:test';
import { jacketDrop } from './drop-fixtures.js';
import { ADMIN, BEFORE_YU7, harness, type Harness } from './harness.js';
import { dropSchema, postgresUrl, testSchema, withPostgres } from './postgres.js';
import type { Hold } from '../src/drops/drop.js';
import { identityKey } from '../src/drops/drops-service.js';
import { sha256 } from '../src/kernel/ids.js';

let h: Harness;
before(async () => {
  h = await harness();
});
after(async () => h.close());

/** Puts drop `id` with `stock` (units by variant) on sale a second from now, then opens it. */
async function openDrop(id: string, stock: Record<string, number>): Promise<void> {
  const r = await h.call('PUT', `/admin/drops/${id}`, { token: ADMIN, body: jacketDrop(stock,
    { opens_at: new Date(h.ld.app.clock.nowMs() + 1000).toISOString() }) });
  assert.equal(r.status, 201, JSON.stringify(r.body));
  await h.tick(2);
}

/** How many times the store's read `name` is called while `body` runs. */
async function callsOf(name: 'drop' | 'holdByIdempotency' | 'hold' | 'dropStock'
  | 'holdsOfDrop', body: () => Promise<void>):
  Promise<number> {
  const store = h.ld.app.deps.store;
  const read = store[name] as (...args: unknown[]) => Promise<unknown>;
  let calls = 0;
  (store as unknown as Record<string, unknown>)[name] = (...args: unknown[]) => {
    calls++;
    return read.apply(store, args);
  };
  try {
    await body();
  } finally {
    (store as unknown as Record<string, unknown>)[name] = read;
  }
  return calls;
}

it('refuses a sold-for-good size without a commit, and still replays its buyer', async () => {
  assert.equal((await h.call('PUT', '/admin/drops/tee', { token: ADMIN,
    body: jacketDrop({ s: 1, m: 5 }) })).status, 201);
  await h.tick(61);
  const [a, b, c] = [await h.buyer(1), await h.buyer(2), await h.buyer(3)];
  const buy = (token: string, key: string, variant = 's', quantity = 1) => h.call('POST',
    '/drops/tee/purchases', { token, body: { variant, quantity },
      headers: { 'idempotency-key': key } });
  assert.equal((await buy(a.token, 'a-1')).status, 201);
  const commands = h.ld.app.committer.commands;
  assert.equal((await buy(b.token, 'b-1')).body.error?.code, 'drop_sold_out');
  const refused = await buy(c.token, 'c-1');
  assert.equal(refused.body.error?.code, 'drop_sold_out');
  assert.match(refused.body.error?.message, /none can come back/);
  const replay = await buy(a.token, 'a-1');
  assert.equal(replay.status, 200);
  assert.equal(replay.headers['idempotent-replay'], 'true');
  assert.equal((await buy(a.token, 'a-1', 's', 2)).body.error?.code, 'idempotency_key_reused');
  assert.equal(h.ld.app.committer.commands, commands, 'no batch for a sold-for-good size');
  // Another size still on sale goes through the batch as before.
  assert.equal((await buy(c.token, 'c-2', 'm')).status, 201);
  assert.ok(h.ld.app.committer.commands > commands);
});

it('a size whose last unit is held past its deadline goes to the batch, which frees it',
  async () => {
  await openDrop('mug', { one: 1 });
  const [a, b] = [await h.buyer(11), await h.buyer(12)];
  // A hold without its payment: the service's first half of a purchase.
  const account = (await h.ld.app.deps.store.accountById(a.accountId))!;
  const held = await h.ld.app.drops.hold(account, 'mug', { variant: 'one', quantity: 1 }, 'h-1');
  assert.ok(held.ok);
  const buy = () => h.call('POST', '/drops/mug/purchases', { token: b.token,
    body: { variant: 'one' }, headers: { 'idempotency-key': 'b-mug' } });
  assert.equal((await buy()).body.error?.code, 'drop_sold_out', 'held: nothing on sale');
  await h.tick(h.ld.app.deps.limits.dropHoldSeconds + 1);
  const r = await buy();
  assert.equal(r.status, 201, JSON.stringify(r.body));
});

it('once every size is sold for good, a refusal and a replay read nothing from the store',
  async () => {
  await openDrop('cap', { s: 1, m: 1 });
  const [a, b, c] = [await h.buyer(21), await h.buyer(22), await h.buyer(23)];
  const buy = (token: string, key: string, variant: string, quantity = 1) => h.call('POST',
    '/drops/cap/purchases', { token, body: { variant, quantity },
      headers: { 'idempotency-key': key } });
  assert.equal((await buy(a.token, 'a-s', 's')).status, 201);
  assert.equal((await buy(b.token, 'b-m', 'm')).status, 201);
  // The first refusals learn that both sizes are sold for good.
  for (const v of ['s', 'm']) {
    assert.equal((await buy(c.token, `c-${v}`, v)).body.error?.code, 'drop_sold_out');
  }
  const lookups = await callsOf('holdByIdempotency', async () => {
    for (let i = 0; i < 5; i++) {
      assert.equal((await buy(c.token, `c-again-${i}`, i % 2 ? 's' : 'm')).body.error?.code,
        'drop_sold_out');
    }
    const replay = await buy(a.token, 'a-s', 's');
    assert.equal(replay.status, 200, 'a retry of a purchase that got its hold still gets it');
    assert.equal(replay.body.hold.variant, 's');
    assert.equal((await buy(b.token, 'b-m', 'm', 2)).body.error?.code, 'idempotency_key_reused');
  });
  assert.equal(lookups, 0, 'no key was looked up in the store');
});

it('at the sell-out the final holds are the batches\' results: the drop\'s holds are not read',
  async () => {
  await openDrop('sock', { s: 1, m: 1 });
  const [a, b, c] = [await h.buyer(51), await h.buyer(52), await h.buyer(53)];
  const buy = (token: string, key: string, variant: string, quantity = 1) => h.call('POST',
    '/drops/sock/purchases', { token, body: { variant, quantity },
      headers: { 'idempotency-key': key } });
  const reads = await callsOf('holdsOfDrop', async () => {
    assert.equal((await buy(a.token, 'a-s', 's')).status, 201);
    assert.equal((await buy(b.token, 'b-m', 'm')).status, 201);
    for (const v of ['s', 'm', 's']) {
      assert.equal((await buy(c.token, `c-${v}`, v)).body.error?.code, 'drop_sold_out');
    }
    const replay = await buy(a.token, 'a-s', 's');
    assert.equal(replay.status, 200, 'a retry of a purchase that got its hold still gets it');
    assert.equal(replay.body.hold.status, 'paid');
    assert.equal((await buy(b.token, 'b-m', 'm', 2)).body.error?.code, 'idempotency_key_reused');
  });
  assert.equal(reads, 0);
});

it('at the sell-out a hold this process did not take or saw held is still replayed',
  async () => {
  await openDrop('belt', { s: 1, m: 1, l: 1 });
  const [a, b, c, d] = [await h.buyer(61), await h.buyer(62), await h.buyer(63),
    await h.buyer(64)];
  const buy = (token: string, key: string, variant: string) => h.call('POST',
    '/drops/belt/purchases', { token, body: { variant, quantity: 1 },
      headers: { 'idempotency-key': key } });
  assert.equal((await buy(a.token, 'a-s', 's')).status, 201);
  const store = h.ld.app.deps.store;
  const nowMs = h.ld.app.clock.nowMs();
  // B's hold is taken here, but paid by another process: this process last saw it held.
  const taken = await h.ld.app.drops.hold((await store.accountById(b.accountId))!, 'belt',
    { variant: 'm', quantity: 1 }, 'b-m');
  assert.ok(taken.ok);
  // D's unit is sold by another process's batches altogether: never seen here.
  const dHold: Hold = { ...taken.value.hold, holdId: 'hld_elsewhere', variant: 'l',
    accountId: d.accountId, identityKey: identityKey((await store.accountById(d.accountId))!),
    paymentReference: 'drp_hld_elsewhere', idempotencyKey: 'd-l', status: 'paid',
    settledAtMs: nowMs, requestHash: sha256(JSON.stringify(['belt', 'l', 1])) };
  await store.transaction(async (tx) => {
    await tx.settleHolds([taken.value.hold.holdId], 'paid', nowMs);
    await tx.moveStock({ dropId: 'belt', variant: 'm', available: 0, held: -1, sold: 1 });
    await tx.insertHolds([dHold]);
    await tx.moveStock({ dropId: 'belt', variant: 'l', available: -1, held: 0, sold: 1 });
  });
  const reads = await callsOf('holdsOfDrop', async () => {
    for (const v of ['s', 'm', 'l']) {
      assert.equal((await buy(c.token, `c-${v}`, v)).body.error?.code, 'drop_sold_out');
    }
    for (const [who, key, v] of [[b, 'b-m', 'm'], [d, 'd-l', 'l']] as const) {
      const replay = await buy(who.token, key, v);
      assert.equal(replay.status, 200, JSON.stringify(replay.body));
      assert.equal(replay.body.hold.status, 'paid');
    }
  });
  assert.equal(reads, 1, 'the count differed: read from the store once');
});

it('purchases that find the drop\'s cached definition stale share one read of it', async () => {
  assert.equal((await h.call('PUT', '/admin/drops/pin', { token: ADMIN,
    body: jacketDrop({ one: 1 }) })).status, 201);
  const reads = await callsOf('drop', async () => {
    // The definition was just written: nothing of it is cached yet in this process.
    const drops = await Promise.all(Array.from({ length: 20 }, () => h.ld.app.drops.drop('pin')));
    assert.ok(drops.every((d) => d?.dropId === 'pin'));
  });
  assert.equal(reads, 1);
});

it('a purchase pays the hold its batch returned, without reading it again', async () => {
  await openDrop('scarf', { one: 5 });
  const a = await h.buyer(31);
  const reads = await callsOf('hold', async () => {
    const r = await h.call('POST', '/drops/scarf/purchases', { token: a.token,
      body: { variant: 'one' }, headers: { 'idempotency-key': 'a-scarf' } });
    assert.equal(r.status, 201, JSON.stringify(r.body));
    assert.equal(r.body.hold.status, 'paid');
  });
  assert.equal(reads, 0);
});

it('purchases of one event-loop turn share one read of the stock', async () => {
  await openDrop('glove', { one: 1 });
  const buyers = await Promise.all(Array.from({ length: 8 }, (_, i) => h.buyer(41 + i)));
  const accounts = await Promise.all(buyers.map(async (b) =>
    (await h.ld.app.deps.store.accountById(b.accountId))!));
  // The one unit held, so that every purchase after it can only be refused from the read.
  assert.ok((await h.ld.app.drops.hold(accounts[0]!, 'glove', { variant: 'one', quantity: 1 },
    'g-0')).ok);
  const reads = await callsOf('dropStock', async () => {
    const refused = await Promise.all(accounts.slice(1).map((a, i) => h.ld.app.drops.hold(a,
      'glove', { variant: 'one', quantity: 1 }, `g-${i + 1}`)));
    assert.ok(refused.every((r) => !r.ok && r.code === 'drop_sold_out'));
  });
  assert.equal(reads, 1, 'SQLite answers a read at once: one per turn, not one per purchase');
});

it('a key used for a purchase in one drop is refused in another, and the message says so',
  async () => {
    // Keys are the account's across its drops; the message said "in this drop" (a review find).
    await openDrop('hat', { one: 5 });
    await openDrop('sash', { one: 5 });
    const a = await h.buyer(71);
    const buy = (dropId: string) => h.call('POST', `/drops/${dropId}/purchases`,
      { token: a.token, body: { variant: 'one' }, headers: { 'idempotency-key': 'mine' } });
    assert.equal((await buy('hat')).status, 201);
    const again = await buy('sash');
    assert.equal(again.status, 409);
    assert.equal(again.body.error?.code, 'idempotency_key_reused');
    assert.match(again.body.error?.message, /or in another drop/);
  });

/**
 * A unit held past its deadline, swept back to sale by the server's timer (or another
 * process) while a purchase's lock-free refusal reads whether a hold is due and the stock: the
 * purchase gets the unit whichever of the two reads the sweep commits before. With the stock
 * read first and the due read after the sweep, it was refused drop_sold_out with the unit on
 * sale (the model test's "never undersell").
 */
async function sweptBetweenReads(store: () => { env: Record<string, string>;
  cleanup(): Promise<void> }): Promise<void> {
  for (const before of ['hasDueHolds', 'dropStock'] as const) {
    const { env, cleanup } = store();
    const s = await harness(env);
    try {
      const r = await s.call('PUT', '/admin/drops/vest', { token: ADMIN, body: jacketDrop(
        { one: 1 }, { opens_at: new Date(s.ld.app.clock.nowMs() + 1000).toISOString() }) });
      assert.equal(r.status, 201, JSON.stringify(r.body));
      await s.tick(2);
      const store = s.ld.app.deps.store;
      const [a, b] = await Promise.all([s.buyer(1), s.buyer(2)]);
      assert.ok((await s.ld.app.drops.hold((await store.accountById(a.accountId))!, 'vest',
        { variant: 'one', quantity: 1 }, 'v-a')).ok);
      await s.tick(s.ld.app.deps.limits.dropHoldSeconds + 1);
      const surface = store as unknown as Record<string, (...args: unknown[]) => unknown>;
      const read = surface[before]!;
      surface[before] = async (...args: unknown[]) => {
        surface[before] = read;
        await s.ld.app.drops.sweep();
        return read.apply(store, args);
      };
      const got = await s.ld.app.drops.hold((await store.accountById(b.accountId))!, 'vest',
        { variant: 'one', quantity: 1 }, 'v-b');
      assert.ok(got.ok, `swept before ${before}: ${JSON.stringify(got)}, stock ${
        JSON.stringify(await store.dropStock('vest'))}`);
      assert.equal(got.value.hold.status, 'held');
    } finally {
      await s.close();
      await cleanup();
    }
  }
}

it('a sweep between the due read and the stock read leaves no unit refused (SQLite)', () =>
  sweptBetweenReads(() => ({ env: {}, cleanup: async () => undefined })));

await withPostgres('a sweep between the due read and the stock read (PostgreSQL)', () => {
  it('a sweep between the due read and the stock read leaves no unit refused (PostgreSQL)',
    () => sweptBetweenReads(() => {
      const schema = testSchema();
      return { env: { LAUNCHDAY_DATABASE_URL: postgresUrl, LAUNCHDAY_DATABASE_SCHEMA: schema,
        LAUNCHDAY_CLOCK_START: BEFORE_YU7 }, cleanup: () => dropSchema(schema) };
    }));
});
