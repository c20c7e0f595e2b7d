// The JSON shape of an account (docs/api.md): the identity number masked.
import type { Account } from './accounts-store.js';
import { maskIdNumber } from './identity.js';

export function accountView(a: Account, role: string) {
  return { account_id: a.accountId, phone: a.phone, name: a.name,
    id_number_masked: maskIdNumber(a.idNumber), role };
}
