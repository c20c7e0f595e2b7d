// Registration runs through group commit too: a pre-launch rush of sign-ups is a stampede of its
// own, and uniqueness of phone and identity number is decided inside the transaction.
import { ok, refuse, type Result } from '../kernel/outcomes.js';
import type { Account } from './accounts-store.js';
import type { BatchHandler } from '../kernel/write/group-committer.js';
import { newId } from '../kernel/ids.js';

export interface RegisterCommand {
  readonly phone: string;
  readonly name: string;
  readonly idNumber: string;
  /**
   * The first session's token hash (only the hash is stored: a copy of the database signs
   * nobody in); null for an operator's import, which signs nobody in.
   */
  readonly tokenHash: string | null;
}

export function accountCommands() {
  const register: BatchHandler<RegisterCommand, Result<Account>> = async (tx, cmds, nowMs) => {
    const taken = await tx.registered(cmds.map((c) => c.phone), cmds.map((c) => c.idNumber));
    const results: Array<Result<Account>> = [];
    for (const c of cmds) {
      if (taken.phones.has(c.phone)) { results.push(refuse('phone_taken')); continue; }
      if (taken.idNumbers.has(c.idNumber)) { results.push(refuse('id_number_taken')); continue; }
      const account: Account = { accountId: newId('acc'), phone: c.phone, name: c.name,
        idNumber: c.idNumber, createdAtMs: nowMs };
      await tx.insertAccount(account, c.tokenHash);
      taken.phones.add(c.phone);
      taken.idNumbers.add(c.idNumber);
      results.push(ok(account));
    }
    return results;
  };
  return { register };
}
