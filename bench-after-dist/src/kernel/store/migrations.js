// Versioned migrations, composed from the capabilities' pieces. The numbers are global (1, 2, ...)
// and never change: a database records in schema_migrations which it has applied, whatever
// capability wrote the pieces. Each number runs once, in order, at start-up, in its own
// transaction, holding every capability's piece of it in the order the composition lists them
// (src/stores.ts: a capability after those it depends on, so a reference finds its table).
// A migration is never edited after it has shipped: add a new number instead.
/** `bigint` is the PostgreSQL type for milliseconds and fen; SQLite's INTEGER holds 64 bits. */
export const int = (d) => (d === 'postgres' ? 'BIGINT' : 'INTEGER');
/**
 * The global migrations, in number order, each the pieces of its number in the order given.
 * A piece whose number has no name, or a name with no piece, is a composition error.
 */
export function composeMigrations(names, pieces) {
    const all = pieces.flat();
    for (const p of all) {
        if (!names.some((n) => n.version === p.version)) {
            throw new Error(`migration ${p.version} has no name`);
        }
    }
    return [...names].sort((a, b) => a.version - b.version).map(({ version, name }) => {
        const own = all.filter((p) => p.version === version);
        if (own.length === 0)
            throw new Error(`migration ${version} has no pieces`);
        return { version, name, sql: (d) => own.map((p) => p.sql(d)).join('') };
    });
}
//# sourceMappingURL=migrations.js.map