// The entry point: the only place that reads the environment, listens on a port and handles
// signals. `launchday` serves; `launchday simulate ...` replays a launch night; `launchday
// faults` plays it while killing the server; `launchday backup|restore <file>` copies the store.
import { ConfigError, loadConfig } from './kernel/config.js';
import { createLogger } from './kernel/logger.js';
import { openStore, startServer } from './server.js';
import { isStoreUnavailable } from './kernel/store/store-unavailable.js';
/** How long a broken process may take to close before it exits anyway. */
const STOP_AFTER_BREAK_MS = 10_000;
/** The longest pause between two attempts to reach PostgreSQL at start-up. */
const STORE_WAIT_MAX_MS = 5_000;
/**
 * Waits at start-up for a PostgreSQL that is out of reach (started after launchday, or
 * restarting): a database away is an expected outcome at start too, and a process that exits
 * for it only makes its supervisor start it again, just as blind. Any other error (a wrong
 * password, a bad URL) ends the start as before.
 */
async function waitForStore(config, logger) {
    if (!config.databaseUrl)
        return;
    for (let attempt = 1;; attempt++) {
        try {
            await (await openStore(config)).close();
            return;
        }
        catch (err) {
            if (!isStoreUnavailable(err))
                throw err;
            const waitMs = Math.min(attempt * 1_000, STORE_WAIT_MAX_MS);
            logger.warn({ cause: err.message, retry_in_ms: waitMs }, 'PostgreSQL is out of reach at start-up; trying again');
            await new Promise((resolve) => setTimeout(resolve, waitMs));
        }
    }
}
/** The configuration from the environment, or null (said on stderr) when it is wrong. */
function readConfig() {
    try {
        return loadConfig(process.env);
    }
    catch (err) {
        if (!(err instanceof ConfigError))
            throw err;
        // No logger yet: the configuration that would set its level is what failed. A person at a
        // terminal reads this, so it stays a sentence on stderr.
        console.error(`launchday: ${err.message}`);
        return null;
    }
}
async function serve() {
    const config = readConfig();
    if (config === null)
        return 2;
    const logger = createLogger({ level: config.logLevel });
    processLogger = logger;
    await waitForStore(config, logger);
    const running = await startServer(config, { logger });
    const store = config.databaseUrl ? 'PostgreSQL' : `SQLite in ${config.dataDir}`;
    logger.info({ url: running.url, store: config.databaseUrl ? 'postgres' : 'sqlite',
        clock: config.clock }, 'listening');
    // The banner stays for people at a terminal (and for the simulator, which waits for it).
    console.log(`launchday listening on ${running.url}`);
    console.log(`  store: ${store}; clock: ${config.clock}`);
    console.log(`  pages: ${running.url}/ (buyers), ${running.url}/live (live launch), `
        + `${running.url}/admin (operators)`);
    if (running.adminTokenGenerated && running.adminToken !== null) {
        console.log(`  operator token (operator "admin"; shown this once): ${running.adminToken}`);
    }
    console.log(`  sign-in codes: ${config.sms.provider === 'sandbox'
        ? 'sandbox (nothing is texted; operators read them at /admin)' : config.sms.provider}`);
    if (config.devShowCodes) {
        console.warn('launchday: WARNING: LAUNCHDAY_DEV_SHOW_CODES=on: replies to code requests '
            + 'carry the code, so anyone can sign in as any buyer. Development only.');
    }
    let stopping = false;
    const stop = (signal) => {
        if (stopping)
            return;
        stopping = true;
        logger.info({ signal }, 'stopping: finishing the orders in flight');
        running.close().then(() => process.exit(0), (err) => {
            logger.error({ err }, 'closing failed');
            process.exit(1);
        });
    };
    // Nothing can be written any more: stop, so that a supervisor starts launchday again. Every
    // order acknowledged is on disk; the requests in flight were answered 500 and are retried.
    void running.app.broken.then((err) => {
        if (stopping)
            return;
        stopping = true;
        logger.fatal({ err }, 'nothing can be written; stopping so that it can be started again');
        // However the closing goes (a stream that never ends, say), the process ends.
        setTimeout(() => process.exit(1), STOP_AFTER_BREAK_MS).unref();
        running.close().finally(() => process.exit(1));
    });
    process.on('SIGINT', () => stop('SIGINT'));
    process.on('SIGTERM', () => stop('SIGTERM'));
    return -1;
}
/**
 * `launchday backup <file>` (online, while launchday serves) and `launchday restore <file>`
 * (refused while a process has the store open) for the embedded SQLite store in
 * LAUNCHDAY_DATA_DIR. PostgreSQL has its own tools (docs/reliability.md).
 */
async function copyStore(command, args) {
    const config = readConfig();
    if (config === null)
        return 2;
    if (args.length !== 1) {
        console.error(`usage: launchday ${command} <file>`);
        return 2;
    }
    if (config.databaseUrl) {
        console.error(`launchday ${command}: the store is PostgreSQL; use pg_dump / pg_restore ` +
            '(docs/reliability.md)');
        return 2;
    }
    const { backupSqlite, restoreSqlite } = await import('./kernel/store/sqlite-backup.js');
    const r = command === 'backup' ? backupSqlite(config.dataDir, args[0])
        : restoreSqlite(config.dataDir, args[0], Date.now());
    if (!r.ok) {
        console.error(`launchday ${command}: ${r.message} (${r.reason})`);
        return 1;
    }
    const rows = Object.entries(r.value.rows).map(([t, n]) => `${t} ${n}`).join(', ');
    console.log(`launchday ${command}: ${r.value.file}, ${r.value.bytes} bytes; rows: ${rows}`);
    return 0;
}
async function main(argv) {
    const [command, ...rest] = argv;
    if (command === 'simulate') {
        const mod = await import(new URL('../sim/simulate.js', import.meta.url).href);
        return mod.runSimulate(rest);
    }
    if (command === 'faults') {
        const mod = await import(new URL('../sim/faults.js', import.meta.url).href);
        return mod.runFaults(rest);
    }
    if (command === 'backup' || command === 'restore')
        return copyStore(command, rest);
    if (command !== undefined && command !== 'serve') {
        console.error(`launchday: unknown command "${command}"; use serve, simulate, faults, ` +
            "backup or restore");
        return 2;
    }
    return serve();
}
/** The server's logger once configured; before that, a failure can only go to stderr. */
let processLogger = null;
main(process.argv.slice(2)).then((code) => {
    if (code >= 0)
        process.exit(code);
}, (err) => {
    if (processLogger !== null)
        processLogger.fatal({ err }, 'launchday failed');
    else
        console.error(err);
    process.exit(1);
});
//# sourceMappingURL=main.js.map