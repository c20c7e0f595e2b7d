import { strict as assert } from 'node:assert';
import { mkdtempSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { brotliDecompressSync, gunzipSync } from 'node:zlib';
import { loadConfig } from '../config.js';
import { folderVersion, StaticFiles, versionReferences } from './static-files.js';

describe('the web folder\'s version in the names pages give their files', () => {
  it('is added to relative module imports and to the page\'s own scripts and styles', () => {
    const js = "import { a } from './api.js';\nimport './side.js';\n"
      + "const m = await import('./admin-payments.js');\nimport x from \"../up.js\";\n"
      + "import y from 'https://cdn.example/z.js';\nconst s = 'from ./not-an-import.js';";
    assert.equal(versionReferences(js, '.js', 'V1'),
      "import { a } from './api.js?v=V1';\nimport './side.js?v=V1';\n"
      + "const m = await import('./admin-payments.js?v=V1');\nimport x from \"../up.js?v=V1\";\n"
      + "import y from 'https://cdn.example/z.js';\nconst s = 'from ./not-an-import.js';");
    const html = '<link rel="icon" href="data:,">\n<link rel="stylesheet" href="/app.css">\n'
      + '<script type="module" src="/js/p.js"></script><a href="/orders">o</a>';
    assert.equal(versionReferences(html, '.html', 'V1'),
      '<link rel="icon" href="data:,">\n<link rel="stylesheet" href="/app.css?v=V1">\n'
      + '<script type="module" src="/js/p.js?v=V1"></script><a href="/orders">o</a>');
    assert.equal(versionReferences('a { }', '.css', 'V1'), 'a { }');
  });
});

describe('static files', () => {
  let root: string;
  let files: StaticFiles;
  const headersOf = new Map<string, unknown>();
  before(async () => {
    root = mkdtempSync(join(tmpdir(), 'launchday-web-'));
    mkdirSync(join(root, 'js'));
    writeFileSync(join(root, 'index.html'), '<script type="module" src="/js/a.js"></script>');
    writeFileSync(join(root, 'js', 'a.js'), `import './b.js';\n${'// padding\n'.repeat(200)}`);
    writeFileSync(join(root, 'js', 'b.js'), 'export {};');
    files = new StaticFiles(root);
    await files.prepare();
  });
  after(() => rmSync(root, { recursive: true, force: true }));

  const get = (target: string, headers: Record<string, string> = {}) => {
    const r = files.ready(target, headers);
    assert.ok(r !== null, target);
    headersOf.set(target, r.headers);
    return r;
  };

  it('changes version when any file changes', () => {
    const v = files.version;
    assert.equal(folderVersion(root), v);
    writeFileSync(join(root, 'js', 'b.js'), 'export const b = 1;');
    assert.notEqual(folderVersion(root), v);
    writeFileSync(join(root, 'js', 'b.js'), 'export {};');
  });

  it('keeps a file under the current version for a year, anything else revalidated', () => {
    const page = get('/');
    assert.equal(page.headers['cache-control'], 'no-cache');
    assert.match(String(page.body), new RegExp(`/js/a\\.js\\?v=${files.version}`));
    assert.equal(get(`/js/a.js?v=${files.version}`).headers['cache-control'],
      'public, max-age=31536000, immutable');
    assert.equal(get('/js/a.js').headers['cache-control'], 'no-cache');
    assert.equal(get('/js/a.js?v=old').headers['cache-control'], 'no-cache');
    assert.equal(get(`/index.html?v=${files.version}`).headers['cache-control'], 'no-cache');
  });

  it('answers brotli or gzip as accepted, each with its own ETag, and 304 to it', () => {
    const raw = get('/js/a.js');
    const br = get('/js/a.js', { 'accept-encoding': 'gzip, deflate, br' });
    const gz = get('/js/a.js', { 'accept-encoding': 'gzip' });
    assert.equal(br.headers['content-encoding'], 'br');
    assert.equal(gz.headers['content-encoding'], 'gzip');
    assert.equal(brotliDecompressSync(br.body!).toString(), raw.body!.toString());
    assert.equal(gunzipSync(gz.body!).toString(), raw.body!.toString());
    assert.equal(new Set([raw.headers.etag, br.headers.etag, gz.headers.etag]).size, 3);
    const again = get('/js/a.js', { 'accept-encoding': 'br', 'if-none-match': br.headers.etag! });
    assert.equal(again.status, 304);
    assert.equal(again.body, null);
    assert.equal(get('/js/a.js', { 'if-none-match': br.headers.etag! }).status, 200);
  });

  it('serves nothing outside the folder', () => {
    for (const t of ['/../etc/passwd', '/js/../../x.js', '/%2e%2e/x.js', '/%ff', '/nope.js']) {
      assert.equal(files.ready(t, {}), null, t);
      assert.equal(files.isReady(t), false, t);
    }
  });
});

describe('the site\'s icon', () => {
  it('is served from memory by its fixed name, kept a day, never a 404', async () => {
    const files = new StaticFiles(loadConfig({}).webDir);
    await files.prepare();
    const r = files.ready('/favicon.ico', { 'accept-encoding': 'gzip, br' });
    assert.ok(r !== null, '/favicon.ico is a file of the web folder');
    assert.equal(r.status, 200);
    assert.equal(r.headers['content-type'], 'image/x-icon');
    assert.equal(r.headers['content-encoding'], undefined, 'an image is not compressed again');
    assert.equal(r.headers['cache-control'], 'public, max-age=86400, stale-while-revalidate=604800');
    // An ICO file: reserved 0, type 1 (icon), one image.
    assert.deepEqual([...r.body!.subarray(0, 6)], [0, 0, 1, 0, 1, 0]);
    assert.ok(r.body!.length < 1024);
    const again = files.ready('/favicon.ico', { 'if-none-match': r.headers.etag! });
    assert.equal(again?.status, 304);
  });
});
