// One command never deletes the files another running command uses (scripts/build.js): each
// build is a folder of its own and `dist` a link swapped to it; start, simulate, faults, fuzz and
// the benchmarks reuse an up-to-date build; `npm test` builds from empty; an old build is kept
// while a process runs from it. Before, every npm script began by deleting `dist`, and a
// simulation started beside a server deleted the files the server was about to load.
import { strict as assert } from 'node:assert';
import { spawn, spawnSync } from 'node:child_process';
import {
  existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, realpathSync, rmSync, symlinkSync, utimesSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';

const SCRIPTS = JSON.parse(readFileSync('package.json', 'utf8')).scripts as Record<string, string>;

describe('the npm scripts', () => {
  it('only build and test make a fresh build; none deletes dist', () => {
    for (const [name, script] of Object.entries(SCRIPTS)) {
      assert.doesNotMatch(script, /rmSync|rm -rf|npm run build/, name);
      if (name === 'build' || name === 'test') {
        assert.match(script, /node scripts\/build\.js(?! --if-stale)/, name);
      } else if (script.includes('scripts/build.js')) {
        assert.match(script, /node scripts\/build\.js --if-stale/, name);
      }
    }
    assert.match(SCRIPTS.start!, /--if-stale/);
    assert.match(SCRIPTS.simulate!, /--if-stale/);
  });
});

describe('scripts/build.js', () => {
  let root: string;
  /** Runs the build script on the scratch project: the build's folder, or a failure. */
  const build = (...args: string[]): { status: number | null; dir: string } => {
    const r = spawnSync(process.execPath, ['scripts/build.js', '--root', root, ...args],
      { encoding: 'utf8' });
    return { status: r.status, dir: r.stdout.trim() };
  };
  const source = (text: string): void => writeFileSync(join(root, 'src', 'a.ts'), text);

  before(() => {
    root = mkdtempSync(join(tmpdir(), 'launchday-build-'));
    mkdirSync(join(root, 'src'));
    symlinkSync(realpathSync('node_modules'), join(root, 'node_modules'));
    writeFileSync(join(root, 'tsconfig.json'), JSON.stringify({ compilerOptions: {
      target: 'ES2022', module: 'NodeNext', moduleResolution: 'NodeNext', outDir: 'dist',
      rootDir: '.', strict: true, skipLibCheck: true, types: [] }, include: ['src/**/*.ts'] }));
    source('export const version: number = 1;\n');
  });
  after(() => rmSync(root, { recursive: true, force: true }));

  it('builds into a folder of its own, reuses it while fresh, and keeps one in use', async () => {
    // A dist built in place (`npx tsc`) becomes an old build, not deleted.
    mkdirSync(join(root, 'dist', 'src'), { recursive: true });
    writeFileSync(join(root, 'dist', 'src', 'a.js'), 'export const version = 0;\n');
    const first = build();
    assert.equal(first.status, 0);
    assert.equal(realpathSync(join(root, 'dist')), first.dir);
    const plain = readdirSync(root).filter((n) => n.endsWith('-plain'));
    assert.equal(plain.length, 1);
    assert.ok(existsSync(join(root, plain[0]!, 'src', 'a.js')));
    assert.match(readFileSync(join(root, 'dist', 'src', 'a.js'), 'utf8'), /version = 1/);
    // Fresh: the same build, nothing compiled or swapped.
    assert.equal(build('--if-stale').dir, first.dir);
    // A process running from the first build, as npm start runs `<build>/src/main.js`.
    const running = spawn(process.execPath, ['-e', 'setInterval(() => {}, 1000)',
      join(first.dir, 'src', 'a.js')], { stdio: 'ignore' });
    try {
      const dirs = [first.dir];
      for (let v = 2; v <= 5; v++) {
        source(`export const version: number = ${v};\n`);
        // A source newer than the build, whatever the file system's time resolution.
        const later = new Date(Date.now() + 2_000);
        utimesSync(join(root, 'src', 'a.ts'), later, later);
        const next = build('--if-stale');
        assert.equal(next.status, 0);
        assert.notEqual(next.dir, dirs.at(-1), `version ${v} is a new build`);
        dirs.push(next.dir);
        assert.match(readFileSync(join(root, 'dist', 'src', 'a.js'), 'utf8'),
          new RegExp(`version = ${v}`));
      }
      // The first is kept: a process runs from it. The second is not used and is older than
      // the two kept before the current one.
      assert.ok(existsSync(join(first.dir, 'src', 'a.js')), 'the build in use is kept');
      assert.ok(!existsSync(dirs[1]!), 'an old build nobody uses is deleted');
      assert.ok(!existsSync(join(root, plain[0]!)), 'so is the one built in place');
      assert.ok(existsSync(dirs[2]!) && existsSync(dirs[3]!) && existsSync(dirs[4]!));
    } finally {
      running.kill();
    }
  });

  it('builds again for a source edited while the last build compiled', () => {
    source('export const version: number = 6;\n');
    const built = build();
    assert.equal(built.status, 0);
    // The folder is named by the compile's start (ms): an edit 1 ms after that start came in
    // while tsc ran, so the build may not have it.
    const startedMs = Number(/-(\d+)-\d+$/.exec(built.dir)![1]);
    const during = new Date(startedMs + 1);
    utimesSync(join(root, 'src', 'a.ts'), during, during);
    const next = build('--if-stale');
    assert.equal(next.status, 0);
    assert.notEqual(next.dir, built.dir, 'a build stamped at its end took the edit as built');
  });

  it('leaves the current build as it was when the compiler fails', () => {
    const before = realpathSync(join(root, 'dist'));
    source('export const version: number = "not a number";\n');
    const failed = build();
    assert.notEqual(failed.status, 0);
    assert.equal(realpathSync(join(root, 'dist')), before);
    assert.ok(existsSync(join(before, 'src', 'a.js')));
  });
});
