// A PostgreSQL cluster of a test's own, in a temporary folder on a port of its own, that the
// test may stop, start and restart at will: never the shared server on 5432, which other
// tests use. initdb and postgres refuse to run as root, so as root they run as `postgres`.
//
//   const pg = await startPrivatePostgres();   // initdb + start; pg.url is ready to use
//   await pg.stop();  await pg.start();  await pg.restart();
//   await pg.destroy();                         // stop (if running) and remove the folder
//
// `privatePostgresUnavailable()` says why a cluster cannot be made here (no binaries, no
// `postgres` user), and `withPrivatePostgres` skips with that reason, except under CI or
// LAUNCHDAY_REQUIRE_POSTGRES=1, where it is a failure.
import { strict as assert } from 'node:assert';
import { execFile } from 'node:child_process';
import { chownSync, existsSync, mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { it } from 'node:test';
import { promisify } from 'node:util';
const run = promisify(execFile);
/** Where Debian puts PostgreSQL's programs; LAUNCHDAY_TEST_PG_BIN overrides. */
const BIN = process.env.LAUNCHDAY_TEST_PG_BIN ?? '/usr/lib/postgresql/15/bin';
/** Ports tried, at random: away from 5432 and from the usual ephemeral range. */
const PORT_MIN = 24_000;
const PORT_SPAN = 1_000;
const required = Boolean(process.env.CI) || process.env.LAUNCHDAY_REQUIRE_POSTGRES === '1';
const asRoot = process.getuid?.() === 0;
/** Runs a PostgreSQL program, as `postgres` when this process is root. */
async function pgRun(program, args) {
    const file = join(BIN, program);
    const { stdout } = asRoot
        ? await run('runuser', ['-u', 'postgres', '--', file, ...args])
        : await run(file, [...args]);
    return stdout;
}
/** Null when a private cluster can be made here; otherwise why not. */
export async function privatePostgresUnavailable() {
    if (!existsSync(join(BIN, 'initdb')))
        return `no PostgreSQL programs in ${BIN}`;
    if (asRoot) {
        try {
            await run('id', ['postgres']);
        }
        catch {
            return 'running as root, and there is no postgres user to run initdb as';
        }
    }
    return null;
}
/** A port nobody listens on now, in the private range. */
async function freePort() {
    for (let attempt = 0; attempt < 20; attempt++) {
        const port = PORT_MIN + Math.floor(Math.random() * PORT_SPAN);
        const free = await new Promise((resolve) => {
            const s = createServer();
            s.once('error', () => resolve(false));
            s.listen(port, '127.0.0.1', () => s.close(() => resolve(true)));
        });
        if (free)
            return port;
    }
    throw new Error(`no free port in ${PORT_MIN}-${PORT_MIN + PORT_SPAN - 1}`);
}
/** Makes a cluster in a temporary folder and starts it. */
export async function startPrivatePostgres() {
    const dir = mkdtempSync(join(tmpdir(), 'launchday-pg-'));
    if (asRoot) {
        const { stdout } = await run('id', ['-u', 'postgres']);
        const { stdout: gid } = await run('id', ['-g', 'postgres']);
        chownSync(dir, Number(stdout.trim()), Number(gid.trim()));
    }
    const data = join(dir, 'data');
    const logFile = join(dir, 'server.log');
    // No fsync: the data is thrown away, and a test's restart is a clean stop, not a crash.
    await pgRun('initdb', ['-D', data, '-A', 'trust', '-U', 'postgres', '--no-sync', '-E', 'UTF8']);
    let port = await freePort();
    // What the server will be once the operations asked for have run: each runs after the one
    // before, so a test's clean-up can start the server while its own stop is still under way.
    let running = false;
    let last = Promise.resolve();
    const serially = (op) => {
        const next = last.catch(() => undefined).then(op);
        last = next;
        return next.then(() => undefined);
    };
    const options = () => `-p ${port} -k ${dir} -c listen_addresses=127.0.0.1 `
        + '-c fsync=off -c full_page_writes=off -c max_connections=60';
    const cluster = {
        get url() { return `postgres://postgres@127.0.0.1:${port}/postgres`; },
        get port() { return port; },
        dir,
        get running() { return running; },
        start() {
            running = true;
            return serially(() => pgRun('pg_ctl', ['-D', data, '-o', options(), '-l', logFile, '-w',
                '-t', '60', 'start']));
        },
        stop() {
            running = false;
            return serially(() => pgRun('pg_ctl', ['-D', data, '-m', 'fast', '-w', '-t', '60',
                'stop']));
        },
        async restart() {
            await cluster.stop();
            await cluster.start();
        },
        async destroy() {
            await cluster.stop().catch(() => undefined);
            rmSync(dir, { recursive: true, force: true });
        },
        async log() {
            try {
                return (await run('cat', [logFile])).stdout;
            }
            catch {
                return '';
            }
        },
    };
    try {
        await cluster.start();
    }
    catch (first) {
        // The port was taken between the check and the start: one more try on another.
        port = await freePort();
        try {
            await cluster.start();
        }
        catch {
            await cluster.destroy();
            throw first;
        }
    }
    return cluster;
}
/** Registers `register` when a private cluster can be made; otherwise a skipped (or failing,
 * under CI) test saying why. */
export async function withPrivatePostgres(name, register) {
    const reason = await privatePostgresUnavailable();
    if (reason === null)
        register();
    else if (required) {
        it(name, () => assert.fail(`${reason} (required: CI or LAUNCHDAY_REQUIRE_POSTGRES=1)`));
    }
    else
        it(name, { skip: reason }, () => undefined);
}
//# sourceMappingURL=private-postgres.js.map