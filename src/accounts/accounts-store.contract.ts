// Accounts' part of the storage contract (kernel/store/store-contract.ts): accounts, sessions,
// codes and operators, on every adapter.
import { strict as assert } from 'node:assert';
import { describe } from 'node:test';
import {
  HOUR_MS, storeTest, T0, type OpenedStore,
} from '../kernel/store/store-contract.js';
import type { Store } from '../kernel/store/store.js';
import type { Account } from './accounts-store.js';

/** The session of one token hash, through the port's one read of many (null: none). */
const sessionOf = async (store: Store, tokenHash: string) =>
  (await store.sessionsByTokens([tokenHash])).get(tokenHash) ?? null;

/** The account a token hash signs in, through the session port. */
const accountOf = async (store: Store, tokenHash: string): Promise<Account | null> =>
  (await sessionOf(store, tokenHash))?.account ?? null;

export function account(n: number): Account {
  const pad = (width: number): string => String(n).padStart(width, '0');
  return { accountId: `acc_${pad(4)}`, phone: `139${pad(8)}`,
    name: `Buyer ${n}`, idNumber: `11010519491231${pad(4)}`,
    createdAtMs: T0 - HOUR_MS + n };
}

/** A firm order with every nullable field null and no options. */
export function accountsStoreContract(name: string, open: () => Promise<OpenedStore>): void {
  const test = storeTest(open);
  const withAccounts = (store: Store, ...ns: number[]) => store.transaction(async (tx) => {
    for (const n of ns) await tx.insertAccount(account(n), `token-${n}`);
  });

  describe(`${name} store contract`, () => {
    describe('accounts and tokens', () => {
      test('an account is found by token, phone, identity number and id', async (store) => {
        await withAccounts(store, 1, 2);
        await store.transaction((tx) => tx.insertToken('token-1b', account(1).accountId, T0));
        assert.deepEqual(await accountOf(store, 'token-1'), account(1));
        assert.deepEqual(await accountOf(store, 'token-1b'), account(1));
        assert.deepEqual(await accountOf(store, 'token-2'), account(2));
        assert.deepEqual(await store.accountByPhone(account(2).phone), account(2));
        assert.deepEqual(await store.accountByIdNumber(account(1).idNumber), account(1));
        assert.deepEqual(await store.accountById(account(2).accountId), account(2));
        assert.equal(await accountOf(store, 'token-3'), null);
        assert.equal(await store.accountByPhone('13900000099'), null);
        assert.equal(await store.accountByIdNumber('110105194912310099'), null);
        assert.equal(await store.accountById('acc_none'), null);
      });

      test('sessions: last use moves forward only, revocation ends them', async (store) => {
        await withAccounts(store, 1, 2);
        await store.transaction(async (tx) => {
          await tx.insertToken('token-1b', account(1).accountId, T0);
          await tx.insertAccount({ ...account(3) }, null);
        });
        const first = (await sessionOf(store, 'token-1'))!.session;
        assert.deepEqual(first, { tokenHash: 'token-1', accountId: account(1).accountId,
          createdAtMs: account(1).createdAtMs, lastSeenAtMs: account(1).createdAtMs,
          revokedAtMs: null });
        await store.transaction((tx) => tx.touchSessions(['token-1', 'token-1b'], T0 + 5));
        await store.transaction((tx) => tx.touchSessions(['token-1'], T0 + 1));
        assert.equal((await sessionOf(store, 'token-1'))!.session.lastSeenAtMs, T0 + 5);
        assert.deepEqual((await store.sessionsOf(account(1).accountId, 10))
          .map((x) => x.tokenHash), ['token-1b', 'token-1']);
        assert.deepEqual(await store.sessionsOf(account(3).accountId, 10), [],
          'an imported account has no session');
        assert.deepEqual(await store.transaction((tx) =>
          tx.revokeSessions(account(1).accountId, ['token-1b', 'token-2'], T0 + 9)), ['token-1b']);
        assert.equal((await sessionOf(store, 'token-1b'))!.session.revokedAtMs, T0 + 9);
        assert.deepEqual(await store.transaction((tx) =>
          tx.revokeSessions(account(1).accountId, null, T0 + 10)), ['token-1']);
        assert.deepEqual(await store.sessionsOf(account(1).accountId, 10), []);
        assert.equal((await sessionOf(store, 'token-2'))!.session.revokedAtMs, null);
        const many = await store.sessionsByTokens(['token-1', 'token-2', 'token-none']);
        assert.deepEqual([...many.keys()].sort(), ['token-1', 'token-2']);
        assert.equal(many.get('token-1')?.session.revokedAtMs, T0 + 10);
        assert.deepEqual(many.get('token-2')?.account, account(2));
        assert.equal((await store.sessionsByTokens([])).size, 0);
      });

      test('revocations are counted, one by one, in the revoking transaction', async (store) => {
        assert.deepEqual(await store.revocationsSince(0), { count: 0, tokenHashes: [] });
        assert.deepEqual(await Promise.all(['a', 'b', 'c'].map((h) =>
          store.transaction((tx) => tx.countRevocation([h, `${h}2`])))).then((n) => n.sort()),
        [1, 2, 3]);
        const all = await store.revocationsSince(0);
        assert.equal(all.count, 3);
        assert.deepEqual([...all.tokenHashes!].sort(), ['a', 'a2', 'b', 'b2', 'c', 'c2']);
        // Only the hashes under the counts after the one given.
        const last = await store.revocationsSince(2);
        assert.equal(last.count, 3);
        assert.equal(last.tokenHashes!.length, 2);
        assert.deepEqual(await store.revocationsSince(3), { count: 3, tokenHashes: [] });
        // A transaction that fails counts nothing and records nothing.
        await assert.rejects(store.transaction(async (tx) => {
          await tx.countRevocation(['z']);
          throw new Error('rolled back');
        }));
        assert.deepEqual(await store.revocationsSince(3), { count: 3, tokenHashes: [] });
      });

      test('operators: created, rotated, removed; found by token hash', async (store) => {
        const op = { name: 'ops', tokenHash: 'h1', createdAtMs: T0, createdBy: 'operator:admin' };
        await store.transaction((tx) => tx.putOperator(op));
        assert.deepEqual(await store.operatorByToken('h1'), op);
        await store.transaction((tx) => tx.putOperator({ ...op, tokenHash: 'h2' }));
        assert.equal(await store.operatorByToken('h1'), null);
        assert.deepEqual(await store.operators(), [{ ...op, tokenHash: 'h2' }]);
        assert.equal(await store.transaction((tx) => tx.deleteOperator('ops')), true);
        assert.equal(await store.transaction((tx) => tx.deleteOperator('ops')), false);
        assert.deepEqual(await store.operators(), []);
      });

      test('a second phone, identity number or account id is refused', async (store) => {
        await withAccounts(store, 1);
        const a = account(2);
        for (const dup of [{ ...a, phone: account(1).phone },
          { ...a, idNumber: account(1).idNumber }, { ...a, accountId: account(1).accountId }]) {
          await assert.rejects(store.transaction((tx) => tx.insertAccount(dup, 'token-x')));
        }
        await assert.rejects(store.transaction((tx) => tx.insertToken('token-1', 'acc_0002', T0)));
        assert.equal(await accountOf(store, 'token-x'), null);
        assert.equal(await store.accountById(a.accountId), null);
      });

      test('registered reports the phones and identity numbers already taken', async (store) => {
        await withAccounts(store, 1, 2);
        const found = await store.transaction((tx) => tx.registered(
          [account(1).phone, account(3).phone, account(2).phone],
          [account(3).idNumber, account(2).idNumber]));
        assert.deepEqual(found.phones, new Set([account(1).phone, account(2).phone]));
        assert.deepEqual(found.idNumbers, new Set([account(2).idNumber]));
        const none = await store.transaction((tx) => tx.registered([], []));
        assert.deepEqual(none, { phones: new Set(), idNumbers: new Set() });
      });

      test('one-time codes are put, replaced, read and deleted', async (store) => {
        const phone = account(1).phone;
        const code = { phone, codeHash: 'h1', expiresAtMs: T0 + 300_000, attempts: 0 };
        await store.transaction((tx) => tx.putCode(code));
        assert.deepEqual(await store.transaction((tx) => tx.getCode(phone)), code);
        await store.transaction((tx) => tx.putCode({ ...code, codeHash: 'h2', attempts: 3 }));
        assert.deepEqual(await store.transaction((tx) => tx.getCode(phone)),
          { ...code, codeHash: 'h2', attempts: 3 });
        await store.transaction((tx) => tx.deleteCode(phone));
        assert.equal(await store.transaction((tx) => tx.getCode(phone)), null);
        await store.transaction((tx) => tx.deleteCode(phone));
      });
    });
  });
}
