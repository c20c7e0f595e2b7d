// Losing the database is an expected outcome, not a bug: PostgreSQL restarts, its network goes
// away, a disk fills up or turns read-only. Such errors are recognised here, in one place, so
// that every layer answers them the same way: `503 store_unavailable` with Retry-After, the
// process kept alive, and the store used again as soon as it answers.

/**
 * A write or read failed because the store cannot be reached or cannot write now. It carries
 * only a message across the SQLite writer thread, so it is rebuilt there from `unavailable`
 * flags (group-committer.ts, sqlite-batch-executor.ts).
 */
export class StoreUnavailable extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'StoreUnavailable';
  }
}

/**
 * The store went away while a COMMIT was under way: the transaction may have committed or not,
 * and nobody can say until it is read back (`commit_unknown`, never "not completed").
 */
export class CommitUnknown extends StoreUnavailable {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'CommitUnknown';
  }
}

/**
 * A command's transaction committed, but its result, read from the COMMIT's reply (AtCommit,
 * group-committer.ts), could not be read or did not check out: the change was made and the
 * store is reachable. Answered `commit_unknown` (503, Retry-After) so that the same request sent
 * again with its Idempotency-Key is answered from what was written (a drop purchase's hold by
 * its key, a payment's sale), never a 500 with the change made.
 */
export class ResultUnread extends CommitUnknown {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'ResultUnread';
  }
}

/** Whether `err` (or an error it was caused by) is a COMMIT whose outcome is unknown. */
export function isCommitUnknown(err: unknown): boolean {
  for (let e = err, depth = 0; e !== null && e !== undefined && depth < 5; depth++) {
    if (e instanceof CommitUnknown) return true;
    e = (e as { cause?: unknown }).cause;
  }
  return false;
}

/**
 * PostgreSQL SQLSTATEs that mean "not now" rather than "wrong": connection exceptions (class
 * 08), the server shutting down or starting (57P01 admin shutdown, 57P02 crash shutdown, 57P03
 * cannot connect now), too many connections (53300), its disk full (53100), out of memory
 * (53200), and a read-only server (25006, a standby after fail-over). PostgreSQL 15 docs,
 * Appendix A.
 */
const POSTGRES_STATES = new Set(['57P01', '57P02', '57P03', '53300', '53100', '53200', '25006']);
/** Node's socket and file errors that mean the database or its disk is out of reach. */
const SYSTEM_CODES = new Set(['ECONNREFUSED', 'ECONNRESET', 'EPIPE', 'ETIMEDOUT', 'EHOSTUNREACH',
  'ENETUNREACH', 'ENOTFOUND', 'EAI_AGAIN', 'ENOSPC', 'EDQUOT', 'EIO', 'EROFS']);
/**
 * better-sqlite3's codes (the extended code, e.g. SQLITE_IOERR_WRITE, starts with its primary
 * one): the disk is full, the file or its folder is read-only, the disk failed, the file
 * cannot be opened, or another connection kept the lock past busy_timeout.
 */
const SQLITE_PREFIXES = ['SQLITE_FULL', 'SQLITE_READONLY', 'SQLITE_IOERR', 'SQLITE_CANTOPEN',
  'SQLITE_BUSY'];
/**
 * pg's own errors, which carry no code: the socket closed under a query, a connection attempt
 * timed out, or a client already broken is used again.
 */
const POSTGRES_MESSAGES = ['Connection terminated', 'timeout exceeded when trying to connect',
  'Client has encountered a connection error', 'Client was closed and is not queryable',
  'Cannot use a pool after calling end'];

/** Whether `err` (or an error it was caused by) means the store is out of reach for now. */
export function isStoreUnavailable(err: unknown): boolean {
  for (let e = err, depth = 0; e !== null && e !== undefined && depth < 5; depth++) {
    if (e instanceof StoreUnavailable) return true;
    const code = (e as { code?: unknown }).code;
    if (typeof code === 'string') {
      if (code.startsWith('08') && code.length === 5) return true;
      if (POSTGRES_STATES.has(code) || SYSTEM_CODES.has(code)) return true;
      if (SQLITE_PREFIXES.some((p) => code.startsWith(p))) return true;
    }
    const message = (e as { message?: unknown }).message;
    if (typeof message === 'string' && POSTGRES_MESSAGES.some((m) => message.startsWith(m))) {
      return true;
    }
    e = (e as { cause?: unknown }).cause;
  }
  return false;
}
