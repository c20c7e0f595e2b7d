// Defaults that must not depend on where launchday is started from.
import { strict as assert } from 'node:assert';
import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { it } from 'node:test';
import { loadConfig } from '../src/kernel/config.js';

it('the pages are the package\'s own web/ folder, whatever the working directory', () => {
  const before = process.cwd();
  try {
    process.chdir('/tmp');
    const { webDir } = loadConfig({});
    assert.equal(resolve(webDir), resolve(before, 'web'));
    assert.ok(existsSync(join(webDir, 'index.html')));
    assert.equal(loadConfig({ LAUNCHDAY_WEB_DIR: '/srv/pages' }).webDir, '/srv/pages');
  } finally {
    process.chdir(before);
  }
});

it('the sandbox fails no balance part unless told to, and at most half of them', () => {
  assert.equal(loadConfig({}).sandboxCollectFailurePercent, 0);
  assert.equal(loadConfig({ LAUNCHDAY_SANDBOX_COLLECT_FAILURE_PERCENT: '5' })
    .sandboxCollectFailurePercent, 5);
  assert.throws(() => loadConfig({ LAUNCHDAY_SANDBOX_COLLECT_FAILURE_PERCENT: '60' }),
    /LAUNCHDAY_SANDBOX_COLLECT_FAILURE_PERCENT/);
});

it('sessions\' revocation poll: 1 s by default, 100 ms to 60 s', () => {
  assert.equal(loadConfig({}).limits.sessionRevocationPollMs, 1_000);
  assert.equal(loadConfig({ LAUNCHDAY_SESSION_REVOCATION_POLL_MS: '250' }).limits
    .sessionRevocationPollMs, 250);
  assert.throws(() => loadConfig({ LAUNCHDAY_SESSION_REVOCATION_POLL_MS: '50' }),
    /LAUNCHDAY_SESSION_REVOCATION_POLL_MS/);
});

it('the storm guard is on by default, tunable, and off at LAUNCHDAY_STORM_QUEUE_MIN=0', () => {
  const on = loadConfig({}).limits;
  assert.equal(on.stormQueueMin, 256);
  assert.equal(on.stormWindowMs, 100);
  assert.equal(on.stormProbeMs, 20);
  assert.equal(loadConfig({ LAUNCHDAY_STORM_QUEUE_MIN: '0' }).limits.stormQueueMin, 0);
  const tuned = loadConfig({ LAUNCHDAY_STORM_QUEUE_MIN: '64', LAUNCHDAY_STORM_WINDOW_MS: '50',
    LAUNCHDAY_STORM_PROBE_MS: '10' }).limits;
  assert.deepEqual([tuned.stormQueueMin, tuned.stormWindowMs, tuned.stormProbeMs], [64, 50, 10]);
  assert.throws(() => loadConfig({ LAUNCHDAY_STORM_WINDOW_MS: '0' }));
});
