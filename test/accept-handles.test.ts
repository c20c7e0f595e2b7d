// Several accept handles in the server (Limits.acceptHandles, accept-handles.ts): the setting,
// the listening socket's descriptors while the server runs, and none left after it closes.
import { strict as assert } from 'node:assert';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, readlinkSync, rmSync } from 'node:fs';
import { connect } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { ConfigError, defaultLimits, loadConfig } from '../src/kernel/config.js';
import { silentLogger } from '../src/kernel/logger.js';
import { startServer } from '../src/server.js';

/** The inode of the socket listening on `port` (/proc/net/tcp), or null. */
function listenerInode(port: number): string | null {
  const portHex = `:${port.toString(16).toUpperCase().padStart(4, '0')}`;
  for (const line of readFileSync('/proc/net/tcp', 'utf8').split('\n').slice(1)) {
    const f = line.trim().split(/\s+/);
    if (f[3] === '0A' && f[1]?.endsWith(portHex)) return f[9] ?? null;
  }
  return null;
}

/** This process's descriptors for the socket with inode `inode`. */
function descriptorsOf(inode: string): number {
  let n = 0;
  for (const fd of readdirSync('/proc/self/fd')) {
    try {
      if (readlinkSync(`/proc/self/fd/${fd}`) === `socket:[${inode}]`) n++;
    } catch { /* closed since the listing */ }
  }
  return n;
}

/** The listener's descriptors while a server runs with `env`, and whether its port is closed after. */
async function run(env: Record<string, string>): Promise<{ fds: number; refusedAfter: boolean }> {
  const dir = mkdtempSync(join(tmpdir(), 'launchday-accept-'));
  const server = await startServer(loadConfig({ LAUNCHDAY_DATA_DIR: dir, LAUNCHDAY_PORT: '0',
    LAUNCHDAY_HOST: '127.0.0.1', LAUNCHDAY_DEMO_LAUNCH: 'off', LAUNCHDAY_LISTEN_BACKLOG: '77',
    ...env }),
  { logger: silentLogger() });
  const port = Number(new URL(server.url).port);
  try {
    const inode = listenerInode(port);
    assert.ok(inode !== null);
    const res = await fetch(`${server.url}/api/v1/health/live`);
    assert.equal(res.status, 200);
    // Each handle's listen() sets the socket's queue anew: still the configured backlog.
    const ss = spawnSync('ss', ['-ltnH', `sport = :${port}`], { encoding: 'utf8' });
    if (!ss.error) assert.equal(ss.stdout.trim().split(/\s+/)[2], '77', ss.stdout);
    return { fds: descriptorsOf(inode), refusedAfter: await closeThenConnect() };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
  async function closeThenConnect(): Promise<boolean> {
    await server.close();
    return new Promise((resolve) => {
      const s = connect(port, '127.0.0.1');
      s.on('connect', () => { s.destroy(); resolve(false); });
      s.on('error', (err: NodeJS.ErrnoException) => resolve(err.code === 'ECONNREFUSED'));
    });
  }
}

describe('several accept handles in the server', () => {
  it('are 1 unless set, 1 to 64', () => {
    assert.equal(defaultLimits.acceptHandles, 1);
    assert.equal(loadConfig({}).limits.acceptHandles, 1);
    assert.equal(loadConfig({ LAUNCHDAY_ACCEPT_HANDLES: '8' }).limits.acceptHandles, 8);
    for (const bad of ['0', '65', 'many', '2.5']) {
      assert.throws(() => loadConfig({ LAUNCHDAY_ACCEPT_HANDLES: bad }),
        (e: unknown) => e instanceof ConfigError && /LAUNCHDAY_ACCEPT_HANDLES/.test(e.message),
        bad);
    }
  });

  it('listen as that many descriptors of one socket, and all close with the server',
    { skip: process.platform !== 'linux' ? 'reads /proc' : false }, async () => {
      const four = await run({ LAUNCHDAY_ACCEPT_HANDLES: '4' });
      assert.deepEqual(four, { fds: 4, refusedAfter: true });
      const one = await run({ LAUNCHDAY_ACCEPT_HANDLES: '1' });
      assert.deepEqual(one, { fds: 1, refusedAfter: true });
      // Behind a proxy the storm is the proxy's: the one handle.
      const proxied = await run({ LAUNCHDAY_ACCEPT_HANDLES: '4', LAUNCHDAY_TRUST_PROXY: 'on' });
      assert.deepEqual(proxied, { fds: 1, refusedAfter: true });
    });
});
