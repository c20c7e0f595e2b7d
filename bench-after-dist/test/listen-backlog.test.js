// The listen backlog (Limits.listenBacklog): read from LAUNCHDAY_LISTEN_BACKLOG within its
// bounds, and given to the kernel as the queue of connections waiting to be accepted. The
// kernel shows a listening socket's backlog as its Send-Q (`ss -ltn`).
import { strict as assert } from 'node:assert';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { ConfigError, defaultLimits, loadConfig } from '../src/kernel/config.js';
import { silentLogger } from '../src/kernel/logger.js';
import { startServer } from '../src/server.js';
describe('the listen backlog', () => {
    it('is 4096 unless set, and a setting out of bounds stops the start', () => {
        assert.equal(loadConfig({}).limits.listenBacklog, defaultLimits.listenBacklog);
        assert.equal(defaultLimits.listenBacklog, 4096);
        assert.equal(loadConfig({ LAUNCHDAY_LISTEN_BACKLOG: '1024' }).limits.listenBacklog, 1024);
        for (const bad of ['0', '-1', '65536', 'lots', '1.5']) {
            assert.throws(() => loadConfig({ LAUNCHDAY_LISTEN_BACKLOG: bad }), (e) => e instanceof ConfigError && /LAUNCHDAY_LISTEN_BACKLOG/.test(e.message), bad);
        }
    });
    const ss = spawnSync('ss', ['-V']);
    it('is the listening socket\'s queue', { skip: ss.error ? 'no ss (iproute2) to read it' : false }, async () => {
        const dir = mkdtempSync(join(tmpdir(), 'launchday-backlog-'));
        const server = await startServer(loadConfig({ LAUNCHDAY_DATA_DIR: dir, LAUNCHDAY_PORT: '0',
            LAUNCHDAY_DEMO_LAUNCH: 'off', LAUNCHDAY_LISTEN_BACKLOG: '77' }), { logger: silentLogger() });
        try {
            const port = new URL(server.url).port;
            const out = spawnSync('ss', ['-ltnH', `sport = :${port}`], { encoding: 'utf8' }).stdout;
            // State, Recv-Q, Send-Q (the backlog), local address, peer.
            assert.equal(out.trim().split(/\s+/)[2], '77', out);
        }
        finally {
            await server.close();
            rmSync(dir, { recursive: true, force: true });
        }
    });
});
//# sourceMappingURL=listen-backlog.test.js.map