// What the simulator needs to know about a launch, read from `GET /launches` (docs/api.md), so the
// workload and the auditor price orders from the server's own catalogue.
/** Reads a Launch as the API sends it; throws if a field the simulator relies on is missing. */
export function catalogFromLaunch(launch) {
    const need = (ok, field) => {
        if (!ok)
            throw new Error(`launch ${launch?.launch_id}: field ${field} missing or malformed`);
    };
    need(typeof launch?.launch_id === 'string', 'launch_id');
    need(Number.isInteger(launch.deposit_fen), 'deposit_fen');
    need(Array.isArray(launch.trims) && launch.trims.length > 0, 'trims');
    need(Array.isArray(launch.options), 'options');
    need(Array.isArray(launch.cities) && launch.cities.length > 0, 'cities');
    return Object.freeze({
        launchId: launch.launch_id,
        modelId: launch.model_id,
        depositFen: launch.deposit_fen,
        // A launch without cooling-off locks its orders as they are placed, as a founder's edition.
        locksOnPayment: launch.locks_on_payment === true || launch.cooling_off_hours === 0,
        perAccountLimit: launch.per_account_limit,
        opensAt: launch.opens_at,
        trims: launch.trims.map((t) => ({ trim: t.trim, priceFen: t.price_fen })),
        options: launch.options.map((o) => ({ optionId: o.option_id, group: o.group,
            priceFen: o.price_fen, isDefault: o.default === true })),
        cities: launch.cities.map((c) => c.city_id),
    });
}
/** List price of a configuration: trim plus options (docs/api.md, `potential_revenue_fen`). */
export function listPriceFen(catalog, trim, options) {
    const t = catalog.trims.find((x) => x.trim === trim);
    if (t === undefined)
        throw new Error(`${catalog.launchId} has no trim ${trim}`);
    let price = t.priceFen;
    for (const id of options) {
        const o = catalog.options.find((x) => x.optionId === id);
        if (o === undefined)
            throw new Error(`${catalog.launchId} has no option ${id}`);
        price += o.priceFen;
    }
    return price;
}
//# sourceMappingURL=catalog.js.map