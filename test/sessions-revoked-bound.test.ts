// The sessions' memory of revoked token hashes is bounded like the token cache: past the bound
// it is let go, and every session cached before it is read again instead, so a flood of
// sign-outs can neither grow it without end nor leave a revoked token honoured.
import { strict as assert } from 'node:assert';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { SqliteStore } from '../src/stores.js';
import { defaultLimits } from '../src/kernel/config.js';
import { systemClock } from '../src/kernel/clock.js';
import { transactionWrite } from '../src/kernel/write/batch-handlers.js';
import { Sessions } from '../src/accounts/sessions.js';

test('past the bound of revoked hashes remembered, cached sessions are read again', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'launchday-sessions-'));
  const store = new SqliteStore(dir);
  try {
    const sessions = new Sessions({ store, clock: systemClock, sms: {} as never,
      limits: { ...defaultLimits, tokenCacheMax: 3 }, showCodes: false, log: () => {},
      write: transactionWrite(store) });
    const now = Date.now();
    const tokens: string[] = [];
    for (let i = 0; i < 5; i++) {
      const { token, tokenHash } = sessions.newToken();
      const account = { accountId: `acc_${i}`, phone: `+86138000000${i}0`, name: `N${i}`,
        idNumber: `11010519491231002${i}`, createdAtMs: now };
      await store.transaction((tx) => tx.insertAccount(account, tokenHash));
      tokens.push(token);
    }
    // The last buyer stays signed in, and cached.
    const stays = tokens[4]!;
    assert.ok(await sessions.authenticate(stays));
    const read = store.sessionsByTokens.bind(store);
    let reads = 0;
    store.sessionsByTokens = async (hashes) => { reads += hashes.length; return read(hashes); };
    // Three others sign out within the bound (3): the buyer who stayed costs no read.
    for (const i of [0, 1, 2]) assert.ok((await sessions.revoke(`acc_${i}`, 'all', null)).ok);
    assert.ok(await sessions.authenticate(stays));
    assert.equal(reads, 0);
    // A fourth passes it: the memory starts over, and what was cached before is read again.
    assert.ok((await sessions.revoke('acc_3', 'all', null)).ok);
    assert.ok(await sessions.authenticate(stays), 'still signed in');
    assert.equal(reads, 1, 'read again, not taken from the cache');
    for (const i of [0, 3]) assert.equal(await sessions.authenticate(tokens[i]!), null);
  } finally {
    await store.close();
    rmSync(dir, { recursive: true, force: true });
  }
});
