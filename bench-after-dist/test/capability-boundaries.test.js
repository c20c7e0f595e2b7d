// The dependency rule of src/ (README, "How it is built"), checked on every import of every
// source file: (a) the kernel imports no capability and not the composition; (b) a capability
// imports only the capabilities it declares in `dependsOn` (src/capabilities.ts checks that
// the declared graph has no cycle), never the composition; (c) it imports another capability
// only through that capability's index.ts. Static imports, re-exports and import() alike.
import { strict as assert } from 'node:assert';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { it } from 'node:test';
import { capabilities } from '../src/capabilities.js';
const SRC = resolve('src');
function sourceFiles(dir) {
    return readdirSync(dir).flatMap((name) => {
        const path = join(dir, name);
        return statSync(path).isDirectory() ? sourceFiles(path) : name.endsWith('.ts') ? [path] : [];
    });
}
/** Every relative module a file imports, as a path under src/ ('orders/order.ts'). */
export function importsOf(file, text) {
    const spec = /(?:\bfrom\s*|\bimport\s*\(\s*|\bimport\s+)['"](\.{1,2}\/[^'"]+)['"]/g;
    const specs = [...text.matchAll(spec)].map((m) => m[1]);
    return specs.map((s) => relative(SRC, resolve(dirname(file), s)).replace(/\.js$/, '.ts'));
}
const names = new Set(capabilities.map((c) => c.name));
function placeOf(path) {
    if (path.startsWith('..'))
        return { kind: 'outside' };
    const [top, ...rest] = path.split('/');
    if (rest.length === 0)
        return { kind: 'composition' };
    if (top === 'kernel')
        return { kind: 'kernel' };
    if (names.has(top))
        return { kind: 'capability', name: top };
    return { kind: 'outside' };
}
/** What breaks the rule in one import of `from` (paths under src/), or null. */
export function violation(from, to) {
    const a = placeOf(from);
    const b = placeOf(to);
    if (a.kind === 'kernel') {
        if (b.kind === 'capability')
            return `the kernel imports the capability ${b.name}`;
        if (b.kind === 'composition')
            return 'the kernel imports the composition';
        return null;
    }
    if (a.kind !== 'capability')
        return null;
    if (b.kind === 'composition')
        return `${a.name} imports the composition`;
    if (b.kind !== 'capability' || b.name === a.name)
        return null;
    const declared = capabilities.find((c) => c.name === a.name).dependsOn;
    if (!declared.includes(b.name))
        return `${a.name} imports ${b.name}, not in its dependsOn`;
    if (to !== `${b.name}/index.ts`)
        return `${a.name} reaches into ${b.name} past its index.ts`;
    return null;
}
export function violations() {
    const out = [];
    for (const file of sourceFiles(SRC)) {
        const from = relative(SRC, file);
        for (const to of importsOf(file, readFileSync(file, 'utf8'))) {
            const v = violation(from, to);
            if (v !== null)
                out.push(`${from} -> ${to}: ${v}`);
        }
    }
    return out;
}
it('every import in src/ keeps the dependency rule', () => {
    assert.deepEqual(violations(), []);
});
it('the rule refuses each kind of bad import (the checker itself can fail)', () => {
    assert.match(violation('kernel/core.ts', 'orders/index.ts'), /kernel imports the capability/);
    assert.match(violation('kernel/core.ts', 'launchday.ts'), /kernel imports the composition/);
    assert.match(violation('accounts/sessions.ts', 'orders/index.ts'), /not in its dependsOn/);
    assert.match(violation('orders/order.ts', 'launches/launch.ts'), /past its index/);
    assert.match(violation('payments/payments.ts', 'launchday.ts'), /imports the composition/);
    assert.equal(violation('orders/order.ts', 'launches/index.ts'), null);
    assert.equal(violation('orders/order.ts', 'kernel/outcomes.ts'), null);
});
it('every capability has an index.ts and a folder of its name', () => {
    for (const c of capabilities) {
        assert.ok(statSync(join(SRC, c.name, 'index.ts')).isFile(), c.name);
    }
});
//# sourceMappingURL=capability-boundaries.test.js.map