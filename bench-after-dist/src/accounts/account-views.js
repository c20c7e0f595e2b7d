import { maskIdNumber } from './identity.js';
export function accountView(a, role) {
    return { account_id: a.accountId, phone: a.phone, name: a.name,
        id_number_masked: maskIdNumber(a.idNumber), role };
}
//# sourceMappingURL=account-views.js.map