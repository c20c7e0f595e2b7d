// What an operator's edit of a launch changed, field by field, for the audit log
// (`detail.changes`): the console shows each as old -> new, so a wrong opening time or capacity
// can be seen and put back.
import { iso } from '../kernel/iso-time.js';
/** A launch's fields an operator may edit (PATCH /admin/launches/{id}), named as in the API. */
function editable(l) {
    const fields = {
        opens_at: iso(l.opensAtMs), deposit_fen: l.depositFen,
        per_account_limit: l.perAccountLimit, cooling_off_hours: l.coolingOffHours,
        cities: l.cities.map((c) => c.cityId),
    };
    for (const t of l.trims)
        fields[`capacity_per_week.${t.trim}`] = t.capacityPerWeek;
    return fields;
}
/**
 * The fields whose value differs between `before` and `after`, each `{from, to}`; empty when
 * the edit changed nothing. Keys are API field names; capacity is `capacity_per_week.<trim>`.
 */
export function launchChanges(before, after) {
    const a = editable(before);
    const b = editable(after);
    const changes = {};
    for (const key of Object.keys(b)) {
        if (JSON.stringify(a[key]) !== JSON.stringify(b[key])) {
            changes[key] = { from: a[key], to: b[key] };
        }
    }
    return changes;
}
//# sourceMappingURL=launch-changes.js.map