import { strict as assert } from 'node:assert';
import { describe, it } from 'node:test';
import { StoreHealth } from './store-health.js';
describe('StoreHealth', () => {
    it('learns from traffic first and probes an idle store at most once per interval', async () => {
        let nowMs = 0;
        let probes = 0;
        let up = true;
        const health = new StoreHealth({ probeIntervalMs: 1_000, probeTimeoutMs: 500,
            nowMs: () => nowMs,
            probe: async () => {
                probes++;
                if (!up)
                    throw new Error('ECONNREFUSED');
            } });
        assert.equal(await health.check(), 'reachable');
        assert.equal(probes, 1);
        health.failed();
        assert.equal(await health.check(), 'unreachable', 'traffic just said so: no probe');
        assert.equal(probes, 1);
        up = false;
        nowMs += 1_000;
        const [a, b] = await Promise.all([health.check(), health.check()]);
        assert.deepEqual([a, b, probes], ['unreachable', 'unreachable', 2], 'one probe shared');
        up = true;
        nowMs += 1_000;
        assert.equal(await health.check(), 'reachable', 'the probe sees it back without traffic');
        health.failed();
        health.succeeded();
        assert.equal(health.state, 'reachable');
    });
    it('counts a probe that hangs as unreachable', async () => {
        const health = new StoreHealth({ probeIntervalMs: 1_000, probeTimeoutMs: 10,
            probe: () => new Promise(() => { }) });
        assert.equal(await health.check(), 'unreachable');
    });
});
//# sourceMappingURL=store-health.test.js.map