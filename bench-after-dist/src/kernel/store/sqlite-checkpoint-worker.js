// Runs in a worker thread: copies the WAL back into the database file every so often, with its
// own connection, so that neither the copy nor its flushes ever hold up the event loop.
// PASSIVE never blocks the writer; the writer starts the WAL over once a copy has caught up.
import Database from 'better-sqlite3';
import { closeSync, fsyncSync, openSync } from 'node:fs';
import { parentPort, workerData } from 'node:worker_threads';
const { file, intervalMs } = workerData;
const db = new Database(file);
db.pragma('busy_timeout = 1000');
db.pragma('synchronous = NORMAL');
const dbFd = openSync(file, 'r');
const timer = setInterval(() => {
    try {
        const [result] = db.pragma('wal_checkpoint(PASSIVE)');
        // SQLite flushes the database file only when a checkpoint reaches the end of the WAL, which
        // the writer's own catch-up does, on the event loop. Flushing here, after every copy, leaves
        // that flush next to nothing to write.
        if (result && result.checkpointed > 0)
            fsyncSync(dbFd);
    }
    catch {
        // Busy: the next round will catch up.
    }
}, intervalMs);
parentPort.on('message', (message) => {
    if (message !== 'stop')
        return;
    clearInterval(timer);
    closeSync(dbFd);
    db.close();
    parentPort.close();
});
//# sourceMappingURL=sqlite-checkpoint-worker.js.map