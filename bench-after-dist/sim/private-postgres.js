// A PostgreSQL cluster of our own, in a temporary folder on a port of its own, that a fault
// campaign may stop hard and start again. Never the shared server at 5432: other people's tests
// run on it. (test/private-postgres.ts does the same for the outage tests, with another API;
// the two are to be made one.)
import { execFile } from 'node:child_process';
import { chmodSync, chownSync, existsSync, mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
const run = promisify(execFile);
/** Where Debian's PostgreSQL 15 keeps initdb and pg_ctl. */
export const POSTGRES_BIN = '/usr/lib/postgresql/15/bin';
/**
 * Ports tried for a private cluster: away from 5432, and below Linux's ephemeral range
 * (32768-60999), so that no outgoing connection (a reconnecting client, say) can hold one.
 */
const PORT_RANGE = Object.freeze({ first: 24_000, count: 1_000 });
const START_TIMEOUT_SECONDS = 60;
/** Null when the binaries are there; otherwise why a private cluster cannot be made. */
export function privatePostgresUnavailable() {
    return existsSync(join(POSTGRES_BIN, 'initdb')) ? null
        : `no PostgreSQL binaries in ${POSTGRES_BIN}`;
}
/**
 * initdb, then start, on a free port in 24000-24999 chosen by `seed`. initdb refuses to run as
 * root, so as root the cluster belongs to the `postgres` user and is run through `su`.
 */
export async function startPrivatePostgres(seed) {
    const dir = mkdtempSync(join(tmpdir(), 'launchday-pg-'));
    const data = join(dir, 'data');
    const asRoot = process.getuid?.() === 0;
    if (asRoot) {
        const { stdout } = await run('id', ['-u', 'postgres']);
        const { stdout: gid } = await run('id', ['-g', 'postgres']);
        chownSync(dir, Number(stdout.trim()), Number(gid.trim()));
        chmodSync(dir, 0o700);
    }
    const sh = async (command) => {
        const r = asRoot ? await run('su', ['postgres', '-c', command])
            : await run('sh', ['-c', command]);
        return r.stdout + r.stderr;
    };
    await sh(`${POSTGRES_BIN}/initdb -D ${data} -A trust -U postgres --no-sync >/dev/null`);
    const port = await freePort(seed);
    const options = `-p ${port} -k ${dir} -c listen_addresses=127.0.0.1 -c max_connections=100`;
    const start = async () => {
        await sh(`${POSTGRES_BIN}/pg_ctl -D ${data} -l ${dir}/log -w -t ${START_TIMEOUT_SECONDS} ` +
            `-o '${options}' start >/dev/null`);
    };
    const crash = async () => {
        await sh(`${POSTGRES_BIN}/pg_ctl -D ${data} -m immediate -w stop >/dev/null`);
    };
    await start();
    return {
        url: `postgres://postgres@127.0.0.1:${port}/postgres`, port, start, crash,
        async destroy() {
            await sh(`${POSTGRES_BIN}/pg_ctl -D ${data} -m immediate -w stop >/dev/null 2>&1; true`);
            rmSync(dir, { recursive: true, force: true });
        },
    };
}
/** The first port from a seeded start in the range that nobody listens on. */
async function freePort(seed) {
    const offset = Math.abs(seed * 7919 + process.pid) % PORT_RANGE.count;
    for (let i = 0; i < PORT_RANGE.count; i++) {
        const port = PORT_RANGE.first + ((offset + i) % PORT_RANGE.count);
        if (await canListen(port))
            return port;
    }
    throw new Error('no free port in 24000-24999 for a private PostgreSQL');
}
function canListen(port) {
    return new Promise((resolve) => {
        const s = createServer();
        s.once('error', () => resolve(false));
        s.listen(port, '127.0.0.1', () => s.close(() => resolve(true)));
    });
}
//# sourceMappingURL=private-postgres.js.map