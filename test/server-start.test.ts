// The start as an operator sees it: the port opens only once launchday is ready to answer, so no
// health check meets a half-started process. Before, the port opened first and the web folder
// was compressed after (brotli 11 and gzip 9 of every file in libuv's thread pool); a health
// check meanwhile probed the store with a commit whose flush (fdatasync, in the same thread
// pool) waited behind the compression, and on a busy machine passed the probe's 2 s: /health
// said 503 "degraded" for a moment before the log said "listening".
import { strict as assert } from 'node:assert';
import { mkdtempSync, rmSync } from 'node:fs';
import { Server } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { it } from 'node:test';
import { loadConfig } from '../src/kernel/config.js';
import { StaticFiles } from '../src/kernel/http/static-files.js';
import { silentLogger } from '../src/kernel/logger.js';
import { startServer } from '../src/server.js';

/** Servers of this process that accept connections now. */
function listening(): number {
  const handles = (process as unknown as { _getActiveHandles(): unknown[] })._getActiveHandles();
  return handles.filter((h) => h instanceof Server && h.listening).length;
}

it('opens its port only after the web pages are prepared, and answers health 200 at once', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'launchday-start-'));
  const prepare = Object.getOwnPropertyDescriptor(StaticFiles.prototype, 'prepare')!;
  const seen: number[] = [];
  StaticFiles.prototype.prepare = async function (this: StaticFiles): Promise<void> {
    seen.push(listening());
    await (prepare.value as () => Promise<void>).call(this);
    seen.push(listening());
  };
  try {
    const before = listening();
    const server = await startServer(loadConfig({ LAUNCHDAY_DATA_DIR: dir, LAUNCHDAY_PORT: '0',
      LAUNCHDAY_DEMO_LAUNCH: 'off' }), { logger: silentLogger() });
    try {
      assert.deepEqual(seen, [before, before], 'no port open while the pages are prepared');
      const health = await fetch(`${server.url}/api/v1/health`);
      assert.equal(health.status, 200);
      assert.deepEqual(await health.json(), { status: 'ok', store: 'reachable' });
    } finally {
      await server.close();
    }
  } finally {
    Object.defineProperty(StaticFiles.prototype, 'prepare', prepare);
    rmSync(dir, { recursive: true, force: true });
  }
});
