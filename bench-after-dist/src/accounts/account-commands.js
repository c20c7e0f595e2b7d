// Registration runs through group commit too: a pre-launch rush of sign-ups is a stampede of its
// own, and uniqueness of phone and identity number is decided inside the transaction.
import { ok, refuse } from '../kernel/outcomes.js';
import { newId } from '../kernel/ids.js';
export function accountCommands() {
    const register = async (tx, cmds, nowMs) => {
        const taken = await tx.registered(cmds.map((c) => c.phone), cmds.map((c) => c.idNumber));
        const results = [];
        for (const c of cmds) {
            if (taken.phones.has(c.phone)) {
                results.push(refuse('phone_taken'));
                continue;
            }
            if (taken.idNumbers.has(c.idNumber)) {
                results.push(refuse('id_number_taken'));
                continue;
            }
            const account = { accountId: newId('acc'), phone: c.phone, name: c.name,
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
//# sourceMappingURL=account-commands.js.map