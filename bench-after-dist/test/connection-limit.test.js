// The connections a process holds are bounded (Limits.connectionsMax): past the limit a new
// connection is closed as it arrives, and the ones already open are still served. Without it a
// crowd of idle sockets took every file descriptor and the server answered no one.
import { strict as assert } from 'node:assert';
import { mkdtempSync, rmSync } from 'node:fs';
import { connect } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { silentLogger } from '../src/kernel/logger.js';
import { defaultLimits, loadConfig } from '../src/kernel/config.js';
import { startServer } from '../src/server.js';
const MAX = 5;
/** Opens a connection; resolves with it once open, or with null if the server closed it. */
function open(port) {
    return new Promise((resolve, reject) => {
        const s = connect(port, '127.0.0.1', () => resolve(s));
        s.once('error', reject);
    });
}
/** A GET of /api/v1/time on `s`: the status, or null when the server closed the socket. */
function ask(s) {
    return new Promise((resolve) => {
        let text = '';
        s.on('data', (d) => {
            text += d.toString('latin1');
            const m = /^HTTP\/1\.1 (\d{3})/.exec(text);
            if (m && text.includes('\r\n\r\n'))
                resolve(Number(m[1]));
        });
        s.once('close', () => resolve(null));
        s.once('error', () => resolve(null));
        s.write('GET /api/v1/time HTTP/1.1\r\nhost: x\r\n\r\n');
    });
}
describe('connections are bounded', () => {
    let dir;
    let server;
    let port;
    before(async () => {
        dir = mkdtempSync(join(tmpdir(), 'launchday-conns-'));
        server = await startServer(loadConfig({ LAUNCHDAY_DATA_DIR: dir, LAUNCHDAY_PORT: '0',
            LAUNCHDAY_DEMO_LAUNCH: 'off' }, { limits: { ...defaultLimits, liveViewersMax: 2,
                connectionsMax: MAX } }), { logger: silentLogger() });
        port = Number(new URL(server.url).port);
    });
    after(async () => {
        await server.close();
        rmSync(dir, { recursive: true, force: true });
    });
    it('closes the one past the limit, serves those open, and takes new ones once room is made', async () => {
        const held = [];
        for (let i = 0; i < MAX; i++)
            held.push(await open(port));
        const extra = await open(port);
        assert.equal(await ask(extra), null, 'the connection past the limit is closed');
        for (const s of held)
            assert.equal(await ask(s), 200, 'those open are still served');
        held.pop().destroy();
        // The server learns of the close on its next turn; a new connection then finds room.
        let again = null;
        for (let i = 0; i < 50 && again === null; i++) {
            const s = await open(port);
            again = await ask(s);
            s.destroy();
        }
        assert.equal(again, 200);
        for (const s of held)
            s.destroy();
    });
});
//# sourceMappingURL=connection-limit.test.js.map