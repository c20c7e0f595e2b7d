/** An implementation of the hook `name`, typed by it. */
export const hook = (name, fn) => ({ name, fn });
/** The hooks the capabilities implement; with no list, a composition without any. */
export function collectHooks(list = []) {
    const impls = list.flatMap((c) => c.hooks ?? []);
    return { all: (name) => impls.filter((h) => h.name === name)
            .map((h) => h.fn) };
}
/**
 * Checks a composition: names unique, each capability listed after every capability it
 * depends on (so the order is a topological one and no cycle can hide in it).
 */
export function checkCapabilities(list) {
    const seen = new Set();
    for (const c of list) {
        if (seen.has(c.name))
            throw new Error(`capability ${c.name} is listed twice`);
        for (const d of c.dependsOn) {
            if (!seen.has(d)) {
                throw new Error(`capability ${c.name} depends on ${d}, which is not listed before it`);
            }
        }
        seen.add(c.name);
    }
}
//# sourceMappingURL=capability.js.map