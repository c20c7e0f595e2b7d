// Runs every compiled test file with node's own test runner. Files are listed here rather than
// by a glob because Node 20's runner does not expand globs itself.
import { readdirSync, realpathSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { spawnSync } from 'node:child_process';

function testFiles(dir) {
  const out = [];
  for (const name of readdirSync(dir)) {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) out.push(...testFiles(path));
    else if (name.endsWith('.test.js')) out.push(path);
  }
  return out;
}

// `--build <folder>`: the build `npm test` just made (scripts/build.js); else the one `dist`
// points at now. Its real path, so that a build swapped in meanwhile changes nothing here, and
// so that the test processes name their build (scripts/build.js keeps it while they run).
const args = process.argv.slice(2);
const at = args.indexOf('--build');
const build = realpathSync(at >= 0 ? args.splice(at, 2)[1] : 'dist');
const only = args;
const files = ['src', 'test', 'sim', 'bench'].map((d) => join(build, d))
  .filter((d) => { try { return statSync(d).isDirectory(); } catch { return false; } })
  .flatMap(testFiles)
  .filter((f) => only.length === 0 || only.some((o) => f.includes(o)))
  .sort();
if (files.length === 0) {
  console.error('no test files found: run `npm run build` first');
  process.exit(1);
}
const result = spawnSync(
  process.execPath,
  ['--enable-source-maps', '--test', '--test-concurrency=2', '--test-reporter=spec', ...files],
  { stdio: 'inherit' },
);
process.exit(result.status ?? 1);
