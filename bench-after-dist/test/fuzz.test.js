// The fuzz's short form: a fixed seed, 1,500 hostile requests over every route and a
// pipelining and slow-client probe (test/fuzz.ts). Findings already known, and who is fixing
// each, are listed in test/fuzz-known.ts (none today); anything else fails.
import { strict as assert } from 'node:assert';
import { describe, it } from 'node:test';
import { KNOWN } from './fuzz-known.js';
import { runFuzz, summarise } from './fuzz.js';
describe('fuzz (short form)', () => {
    it('finds no 500, no internals, no write on a refusal, bounded memory', async () => {
        const r = await runFuzz({ seed: 1, runs: 1500 });
        const unknown = r.findings.filter((f) => !KNOWN.some((k) => k.matches(f)));
        assert.equal(unknown.length, 0, summarise({ ...r, findings: unknown }));
        assert.equal(r.cases, 1500);
        assert.ok(r.routes >= 28, `${r.routes} routes`);
    });
});
//# sourceMappingURL=fuzz.test.js.map