// The options of `launchday faults`: defaults, the short form, and refusals naming the option.
import { strict as assert } from 'node:assert';
import { describe, it } from 'node:test';
import { LONG, parseFaultsOptions, SHORT } from './faults.js';
describe('faults options', () => {
    const cases = [
        [[], (o) => assert.deepEqual(o, { ...LONG })],
        [['--short'], (o) => assert.deepEqual(o, { ...SHORT })],
        [['--short', '--store', 'both'], (o) => assert.deepEqual(typeof o === 'object' && o.stores, ['sqlite', 'postgres'])],
        [['--store', 'postgres', '--seed', '7', '--kill-every', '500'], (o) => assert.deepEqual(typeof o === 'object' && [o.stores, o.seed, o.killMeanMs], [['postgres'], 7, 500])],
        [['--store', 'mysql'], (o) => assert.equal(o, '--store must be sqlite, postgres or both')],
        [['--scale', '3'], (o) => assert.match(String(o), /--scale must be a number from/)],
        [['--kill-every', 'often'], (o) => assert.match(String(o), /--kill-every/)],
        [['--help'], (o) => assert.equal(o, '')],
        [['--bogus'], (o) => assert.match(String(o), /bogus/)],
    ];
    for (const [argv, check] of cases) {
        it(argv.join(' ') || '(none)', () => check(parseFaultsOptions(argv)));
    }
});
//# sourceMappingURL=faults.test.js.map