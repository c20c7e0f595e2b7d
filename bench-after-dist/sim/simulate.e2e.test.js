// End to end: the simulator starts a real launchday server on a temporary SQLite folder, plays a
// tiny night (0.5% of YU7's, the hour in a second) and its auditor must find nothing wrong. No
// timing is asserted: the run is bounded by its own limits.
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { test } from 'node:test';
import { SERVER_MAIN } from './server-process.js';
import { runSimulate } from './simulate.js';
const serverBuilt = existsSync(SERVER_MAIN);
test('a tiny launch night against a real server passes the audit', {
    skip: serverBuilt ? false : `the server is not built yet (${SERVER_MAIN} is missing)`,
    timeout: 120_000,
}, async () => {
    const code = await runSimulate(['--scale', '0.005', '--speed', '3600', '--seed', '7',
        '--quiet', '--max-seconds', '60']);
    assert.equal(code, 0, 'the simulation audit failed: see the report above');
});
//# sourceMappingURL=simulate.e2e.test.js.map