/// <reference types="node" />
// The operator console's Beijing-time fields, without a browser: entered and shown as Beijing
// wall time whatever the machine's zone (time-zones.test.ts runs this file under two zones).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { pathToFileURL } from 'node:url';
import { parseIsoTime } from '../../src/kernel/iso-time.js';
const load = (path) => import(pathToFileURL(path).href);
test('Beijing wall time goes out with +08:00 and comes back the same', async () => {
    const { fromBeijingInput, toBeijingInput, beijingText } = await load('web/js/beijing-time.js');
    assert.equal(fromBeijingInput('2025-06-26T22:00'), '2025-06-26T22:00:00+08:00');
    assert.equal(fromBeijingInput(' 2025-06-26 22:00:30 '), '2025-06-26T22:00:30+08:00');
    assert.equal(parseIsoTime(fromBeijingInput('2025-06-26T22:00')), Date.UTC(2025, 5, 26, 14));
    assert.equal(toBeijingInput('2025-06-26T14:00:00.000Z'), '2025-06-26T22:00');
    assert.equal(toBeijingInput(Date.UTC(2025, 5, 26, 20)), '2025-06-27T04:00');
    assert.equal(beijingText('2025-06-26T14:00:00.000Z'), '2025-06-26 22:00 北京时间 / Beijing time');
    for (const bad of ['', '06/26/2025 22:00', '2025-06-31T22:00', '2025-06-26T24:00',
        '2025-06-26T22:00Z', '2025-06-26T22:00+08:00', '2025-06-26']) {
        assert.equal(fromBeijingInput(bad), null, bad);
    }
});
//# sourceMappingURL=beijing-time.test.js.map