// No result may depend on the process's TZ: the time-sensitive unit tests run again here in two
// zones, Beijing (UTC+8, where launches are announced) and UTC (where servers often run). A
// test that passes only in one of them fails this one.
import { strict as assert } from 'node:assert';
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { describe, it } from 'node:test';
/** The compiled unit tests whose results involve times, dates or zones. */
export const TIME_SENSITIVE_TESTS = [
    'dist/src/kernel/iso-time.test.js',
    'dist/src/orders/order.test.js',
    'dist/src/accounts/identity.test.js',
    'dist/src/orders/launch-stats.test.js',
    'dist/src/orders/views.test.js',
    'dist/test/web/beijing-time.test.js',
    'dist/test/strict-times.test.js',
];
describe('the time-sensitive tests in two zones', () => {
    for (const tz of ['Asia/Shanghai', 'UTC']) {
        it(`pass with TZ=${tz}`, () => {
            const files = TIME_SENSITIVE_TESTS.filter((f) => existsSync(f));
            assert.equal(files.length, TIME_SENSITIVE_TESTS.length, 'every listed test is built');
            const r = spawnSync(process.execPath, ['--test', '--test-reporter=dot', ...files], { env: { ...process.env, TZ: tz }, encoding: 'utf8' });
            assert.equal(r.status, 0, `TZ=${tz}:\n${r.stdout}\n${r.stderr}`);
        });
    }
});
//# sourceMappingURL=time-zones.test.js.map