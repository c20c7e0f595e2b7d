// A transaction that reads "no row with this key" and then inserts one can lose to another
// transaction that read the same and inserted first: on PostgreSQL (several API processes, or
// group-commit batches of two lanes in one) its INSERT waits for the other's COMMIT, then fails
// with a unique violation. Run again, its reads see the winner's row and it decides from it, as
// it would have had it come second. On SQLite one writer serialises every transaction, so the
// read always sees the winner and this never happens there.

/** PostgreSQL's unique_violation (PostgreSQL 15 docs, Appendix A). */
const UNIQUE_VIOLATION = '23505';

/** better-sqlite3's codes of a unique or primary-key violation. */
const SQLITE_UNIQUE = new Set(['SQLITE_CONSTRAINT_UNIQUE', 'SQLITE_CONSTRAINT_PRIMARYKEY']);

/**
 * Whether `err` (or an error it was caused by) is a unique-key violation: PostgreSQL's always,
 * SQLite's too with `sqlite` (there it is never a race between transactions, but it can be one
 * between two requests' awaits when the check was read outside the transaction).
 */
export function isUniqueViolation(err: unknown, sqlite = false): boolean {
  for (let e = err, depth = 0; e !== null && e !== undefined && depth < 5; depth++) {
    const code = (e as { code?: unknown }).code;
    if (code === UNIQUE_VIOLATION || (sqlite && typeof code === 'string'
      && SQLITE_UNIQUE.has(code))) return true;
    e = (e as { cause?: unknown }).cause;
  }
  return false;
}

/** Attempts of a transaction that keeps losing unique-key races (each loss needs a winner). */
const UNIQUE_RACE_ATTEMPTS_MAX = 3;

/**
 * Runs `run` (one whole transaction, reads included) again when it failed on a unique-key
 * violation, at most UNIQUE_RACE_ATTEMPTS_MAX times in all; any other failure, or the last, is
 * thrown as it came. Only for transactions that read the key they insert, inside themselves:
 * run again, they must find the winner's row and refuse or number past it.
 */
export async function againOnUniqueRace<T>(run: () => Promise<T>): Promise<T> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await run();
    } catch (err) {
      if (!isUniqueViolation(err) || attempt >= UNIQUE_RACE_ATTEMPTS_MAX) throw err;
    }
  }
}
