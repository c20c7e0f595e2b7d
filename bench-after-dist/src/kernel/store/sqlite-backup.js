// Backup and restore of the embedded SQLite store (`launchday backup <file>`,
// `launchday restore <file>`). A backup is taken online, while launchday serves: `VACUUM INTO`
// copies one read transaction's snapshot, so it is consistent to a single commit and never
// stops the writer (WAL readers do not block writers). A restore replaces the store's files and
// so refuses while any process has the store open. PostgreSQL is backed up with its own tools
// (docs/reliability.md).
import { closeSync, existsSync, fsyncSync, mkdirSync, openSync, renameSync, rmSync, statSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import Database from 'better-sqlite3';
/** The database file in the data folder, as SqliteStore names it (sqlite-store.ts). */
export const SQLITE_FILE = 'launchday.sqlite';
/** How long a restore waits for another process's lock before it concludes one holds it. */
const LOCK_PROBE_TIMEOUT_MS = 200;
/**
 * Copies the store in `dataDir` to `file` (which must not exist) while launchday may be serving.
 * The copy is written beside the target, checked, flushed, then renamed into place, so a
 * crash never leaves a half-written file under the target's name. Refuses `no_store` or
 * `target_exists`.
 */
export function backupSqlite(dataDir, file) {
    const source = join(dataDir, SQLITE_FILE);
    if (!existsSync(source)) {
        return { ok: false, reason: 'no_store', message: `no launchday store in ${dataDir}` };
    }
    const target = resolve(file);
    if (existsSync(target)) {
        return { ok: false, reason: 'target_exists', message: `${target} exists; name a new file` };
    }
    const partial = `${target}.partial`;
    rmSync(partial, { force: true });
    const db = new Database(source, { readonly: true, fileMustExist: true });
    try {
        db.prepare('VACUUM INTO ?').run(partial);
    }
    finally {
        db.close();
    }
    const checked = inspect(partial);
    if (!checked.ok) {
        rmSync(partial, { force: true });
        return checked;
    }
    flush(partial);
    renameSync(partial, target);
    flush(dirname(target));
    return { ok: true, value: { file: target, bytes: statSync(target).size, rows: checked.value } };
}
/**
 * Makes `file` (a backup) the store of `dataDir`. The folder may be new. Files of an existing
 * store are kept beside it, renamed `*.before-restore-<ms>`, never deleted. Refuses
 * `store_in_use` while any process (a running launchday) has the store open, and
 * `not_a_backup` for a file that is not a sound launchday store.
 */
export function restoreSqlite(dataDir, file, nowMs) {
    const backup = resolve(file);
    if (!existsSync(backup))
        return { ok: false, reason: 'no_store', message: `no file ${backup}` };
    const checked = inspect(backup);
    if (!checked.ok)
        return checked;
    mkdirSync(dataDir, { recursive: true });
    const target = join(dataDir, SQLITE_FILE);
    if (existsSync(target)) {
        if (inUse(target)) {
            return { ok: false, reason: 'store_in_use', message: `a process has the store in ` +
                    `${dataDir} open: stop launchday before restoring into it` };
        }
        for (const suffix of ['', '-wal', '-shm']) {
            if (existsSync(target + suffix)) {
                renameSync(target + suffix, `${target}${suffix}.before-restore-${nowMs}`);
            }
        }
    }
    const partial = `${target}.restoring`;
    const copy = new Database(backup, { readonly: true, fileMustExist: true });
    try {
        copy.prepare('VACUUM INTO ?').run(partial);
    }
    finally {
        copy.close();
    }
    flush(partial);
    renameSync(partial, target);
    flush(dataDir);
    return { ok: true, value: { file: target, bytes: statSync(target).size, rows: checked.value } };
}
/** Integrity and shape of a copy: launchday's tables present, rows counted. */
function inspect(file) {
    let db;
    try {
        db = new Database(file, { readonly: true, fileMustExist: true });
    }
    catch (e) {
        return { ok: false, reason: 'not_a_backup', message: `${file}: ${e.message}` };
    }
    try {
        const integrity = db.pragma('integrity_check', { simple: true });
        const tables = db.prepare("SELECT name FROM sqlite_master WHERE type = 'table' AND " +
            "name NOT LIKE 'sqlite_%' ORDER BY name").all()
            .map((t) => t.name);
        if (integrity !== 'ok' || !tables.includes('orders') || !tables.includes('accounts')) {
            return { ok: false, reason: 'not_a_backup',
                message: `${file} is not a sound launchday store (integrity: ${String(integrity)})` };
        }
        const rows = {};
        for (const t of tables) {
            rows[t] = db.prepare(`SELECT count(*) AS n FROM "${t}"`).get().n;
        }
        return { ok: true, value: rows };
    }
    catch (e) {
        return { ok: false, reason: 'not_a_backup', message: `${file}: ${e.message}` };
    }
    finally {
        db.close();
    }
}
/**
 * Whether another connection has the store open. Every WAL connection holds a shared lock while
 * it is open; an exclusive lock is granted only when none does.
 */
function inUse(file) {
    const db = new Database(file, { fileMustExist: true, timeout: LOCK_PROBE_TIMEOUT_MS });
    try {
        db.pragma('locking_mode = EXCLUSIVE');
        db.exec('BEGIN EXCLUSIVE');
        db.exec('COMMIT');
        return false;
    }
    catch (e) {
        if (e.code?.startsWith('SQLITE_BUSY'))
            return true;
        throw e;
    }
    finally {
        db.close();
    }
}
function flush(path) {
    const fd = openSync(path, 'r');
    try {
        fsyncSync(fd);
    }
    finally {
        closeSync(fd);
    }
}
//# sourceMappingURL=sqlite-backup.js.map