/**
 * One object holding every part's public methods, each bound to its part: the composed
 * transaction or read surface. Built once per connection (SQLite) or per transaction
 * (PostgreSQL), never per command. Two parts offering one name is a composition error.
 */
export function composeParts(parts) {
    const out = {};
    for (const part of parts) {
        for (let proto = Object.getPrototypeOf(part); proto !== null && proto !== Object.prototype; proto = Object.getPrototypeOf(proto)) {
            for (const name of Object.getOwnPropertyNames(proto)) {
                if (name === 'constructor')
                    continue;
                if (name in out)
                    throw new Error(`two store parts offer ${name}`);
                const method = part[name];
                if (typeof method === 'function')
                    out[name] = method.bind(part);
            }
        }
    }
    return out;
}
//# sourceMappingURL=store.js.map