// The simulator's own server on the port asked for (`--port`): a watcher can open it there.
import assert from 'node:assert/strict';
import { createServer } from 'node:net';
import { test } from 'node:test';
import { startServers } from './server-process.js';

/** A port free a moment ago: the kernel's pick for port 0, released again. */
function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = createServer();
    s.once('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const { port } = s.address() as { port: number };
      s.close(() => resolve(port));
    });
  });
}

test('startServers listens on the port it is given', async () => {
  const port = await freePort();
  const servers = await startServers({ processes: 1, databaseUrl: null, port,
    adminToken: 'sim-port-test-token-0123456789', keepData: false });
  try {
    assert.deepEqual(servers.urls, [`http://127.0.0.1:${port}`]);
    const r = await fetch(`http://127.0.0.1:${port}/api/v1/health/live`);
    assert.equal(r.status, 200);
  } finally {
    await servers.stop();
  }
});
