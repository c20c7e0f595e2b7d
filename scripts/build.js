// Builds launchday without deleting files a running command uses.
//
//   node scripts/build.js             a fresh build, from empty, made current
//   node scripts/build.js --if-stale  the current build if it is newer than every source file,
//                                     else a fresh one (npm start, simulate, faults, bench...)
//   ... --root <folder>               of another project laid out alike (scripts/build.test.js)
//
// Prints the current build's folder (its real path) on stdout; tsc's errors go to stderr, and a
// failed build leaves the current one as it was.
//
// Each build is a folder of its own beside the sources, `.dist-<time>-<pid>` (the same depth as
// `dist`, so paths such as the pages' `../../../web` hold), and `dist` is a symbolic link to the
// current one, swapped in one rename. A process started from a build keeps running from it:
// node resolves its modules, and the worker threads it starts later, by their real paths. Before
// this, every npm script began by deleting `dist`, and a simulation started beside a server
// deleted the files the server's re-plan worker was about to load.
//
// Old builds are deleted only when no running process names them on its command line (the npm
// scripts run `<build>/src/main.js`, the tests `<build>/test/...`, a server the simulator starts
// `<build>/sim/server-entry.js`), and never the two newest before the current one: a server
// started by hand as `node dist/src/main.js` does not name its build. Where /proc cannot be read,
// nothing is deleted.
import { spawnSync } from 'node:child_process';
import {
  existsSync, lstatSync, mkdirSync, readdirSync, readFileSync, realpathSync, renameSync, rmSync,
  statSync, symlinkSync, utimesSync, writeFileSync,
} from 'node:fs';
import { basename, dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';

// `--root <folder>`: another project laid out the same way (the test of this script).
const rootAt = process.argv.indexOf('--root');
const ROOT = rootAt >= 0 ? process.argv[rootAt + 1]
  : dirname(dirname(fileURLToPath(import.meta.url)));
const DIST = join(ROOT, 'dist');
const PREFIX = '.dist-';
/** Written into a build once tsc succeeded: its time is the build's. */
const STAMP = '.built';
/** What a build is made from: newer than the stamp, the build is stale. */
const SOURCES = ['src', 'test', 'sim', 'bench', 'web/js/text-fields.js',
  'web/js/visible-text.js', 'tsconfig.json', 'package.json'];
/** Builds kept before the current one whatever the command lines say. */
const KEEP_PREVIOUS = 2;
/** A build folder without its stamp younger than this may be another build under way. */
const UNDER_WAY_MS = 3_600_000;

/** The newest modification time among `path` and, for a folder, everything in it (ms). */
function newestMs(path) {
  let st;
  try {
    st = statSync(path);
  } catch {
    return 0;
  }
  if (!st.isDirectory()) return st.mtimeMs;
  let newest = st.mtimeMs;
  for (const name of readdirSync(path)) newest = Math.max(newest, newestMs(join(path, name)));
  return newest;
}

/** The current build's real path when `dist` is a finished build newer than every source. */
function freshCurrent() {
  try {
    const current = realpathSync(DIST);
    const builtMs = statSync(join(current, STAMP)).mtimeMs;
    return SOURCES.every((s) => newestMs(join(ROOT, s)) < builtMs) ? current : null;
  } catch {
    return null;
  }
}

/** Compiles into a new build folder; its path, or null when tsc failed (reported by tsc). */
function compile() {
  // The stamp carries the compile's start: a source edited while tsc ran is newer than it, so
  // the next --if-stale builds again (stamped at the end, the edit was taken as built).
  const startedMs = Date.now();
  const dir = join(ROOT, `${PREFIX}${startedMs}-${process.pid}`);
  mkdirSync(dir);
  // The package's own bin (its exports do not name it): what `npx tsc` runs.
  const tsc = join(ROOT, 'node_modules', 'typescript', 'bin', 'tsc');
  const r = spawnSync(process.execPath, [tsc, '-p', join(ROOT, 'tsconfig.json'), '--outDir', dir],
    { cwd: ROOT, stdio: ['ignore', 'inherit', 'inherit'] });
  if (r.status !== 0) {
    rmSync(dir, { recursive: true, force: true });
    return null;
  }
  const stamp = join(dir, STAMP);
  writeFileSync(stamp, `${new Date(startedMs).toISOString()}\n`);
  utimesSync(stamp, startedMs / 1000, startedMs / 1000);
  return dir;
}

/** Points `dist` at `dir` in one rename; a `dist` that is a plain folder becomes an old build. */
function makeCurrent(dir) {
  let st = null;
  try {
    st = lstatSync(DIST);
  } catch {
    // No dist yet.
  }
  if (st !== null && !st.isSymbolicLink()) {
    // Built in place (`npx tsc`): an old build from now on, finished as far as anyone knows.
    const old = join(ROOT, `${PREFIX}${Math.floor(st.mtimeMs)}-plain`);
    renameSync(DIST, old);
    writeFileSync(join(old, STAMP), `${new Date(st.mtimeMs).toISOString()}\n`);
  }
  const link = join(ROOT, `.dist-link-${process.pid}`);
  rmSync(link, { force: true });
  symlinkSync(relative(ROOT, dir), link);
  renameSync(link, DIST);
}

/** Every running process's command line, or null where /proc cannot be read. */
function commandLines() {
  try {
    return readdirSync('/proc').filter((p) => /^\d+$/.test(p)).map((p) => {
      try {
        return readFileSync(`/proc/${p}/cmdline`, 'latin1').replaceAll('\0', ' ');
      } catch {
        return '';
      }
    });
  } catch {
    return null;
  }
}

/** Deletes the old builds no running process names (see the top of this file). */
function prune(current) {
  const lines = commandLines();
  if (lines === null) return;
  // Newest first, by the time in the name: when each build began.
  const builds = readdirSync(ROOT).filter((n) => n.startsWith(PREFIX) && n !== basename(current))
    .map((n) => ({ name: n, ms: Number(n.slice(PREFIX.length).split('-')[0]) || 0 }))
    .sort((a, b) => b.ms - a.ms);
  for (const { name, ms } of builds.slice(KEEP_PREVIOUS)) {
    const dir = join(ROOT, name);
    if (!existsSync(join(dir, STAMP)) && Date.now() - ms < UNDER_WAY_MS) continue;
    if (lines.some((l) => l.includes(`${name}/`) || l.includes(`${name} `))) continue;
    rmSync(dir, { recursive: true, force: true });
  }
}

const ifStale = process.argv.includes('--if-stale');
let current = ifStale ? freshCurrent() : null;
if (current === null) {
  const built = compile();
  if (built === null) process.exit(1);
  makeCurrent(built);
  current = built;
  prune(current);
}
process.stdout.write(`${current}\n`);
