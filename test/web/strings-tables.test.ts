/// <reference types="node" />
// The pages' strings tables read as the pages use them. A key written twice in one object
// literal is legal JavaScript and the later one silently wins: "estimate_window" was defined
// twice in strings.js, and the configurator showed "… ({range})" (new-user review, finding 3).
// So no key may be written twice in a table, nor in two tables a page merges into STRINGS; and
// a call t('key', {...}) must fill every {name} the key's words hold, in both languages.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { pathToFileURL } from 'node:url';

const DIR = 'web/js';
const tableFiles = readdirSync(DIR).filter((f) => f === 'strings.js' || f.endsWith('-strings.js'));

/** The keys written at the top level of a table file's one exported object, with their lines. */
function writtenKeys(file: string): Array<{ key: string; line: number }> {
  const out: Array<{ key: string; line: number }> = [];
  readFileSync(`${DIR}/${file}`, 'utf8').split('\n').forEach((text, i) => {
    const m = /^ {2}(?:'([^']+)'|"([^"]+)"|(\w+))\s*:/.exec(text);
    if (m) out.push({ key: (m[1] ?? m[2] ?? m[3])!, line: i + 1 });
  });
  return out;
}

/**
 * The tables each page script reads together: strings.js and every `*-strings.js` it imports
 * (a page merges them into STRINGS with Object.assign, a later table's key winning).
 */
function mergedSets(): string[][] {
  return readdirSync(DIR).filter((f) => f.endsWith('.js') && !tableFiles.includes(f))
    .map((f) => ['strings.js', ...[...readFileSync(`${DIR}/${f}`, 'utf8')
      .matchAll(/from '\.\/([\w-]+-strings\.js)'/g)].map((m) => m[1]!)]);
}

test('no strings table writes a key twice, nor two tables a page reads together', () => {
  const twice = new Set<string>();
  assert.ok(tableFiles.length >= 5, `the tables: ${tableFiles.join(', ')}`);
  const keys = new Map(tableFiles.map((f) => [f, writtenKeys(f)]));
  for (const [file, ks] of keys) {
    assert.ok(ks.length > 10, `${file}: its keys were found`);
    const seen = new Map<string, number>();
    for (const { key, line } of ks) {
      const before = seen.get(key);
      if (before) twice.add(`${key} at ${file}:${before} and ${file}:${line}`);
      else seen.set(key, line);
    }
  }
  for (const set of mergedSets()) {
    const seen = new Map<string, string>();
    for (const file of new Set(set)) {
      for (const { key, line } of keys.get(file) ?? []) {
        const before = seen.get(key);
        if (before && !before.startsWith(`${file}:`)) {
          twice.add(`${key} at ${before} and ${file}:${line}`);
        } else seen.set(key, `${file}:${line}`);
      }
    }
  }
  assert.deepEqual([...twice], []);
});

/** The text of the balanced (...) or {...} that opens at `src[from]`, without its brackets. */
function balanced(src: string, from: number): string | null {
  const open = src[from]!;
  const close = open === '(' ? ')' : '}';
  let depth = 0;
  let quote: string | null = null;
  for (let i = from; i < src.length; i++) {
    const c = src[i]!;
    if (quote) {
      if (c === '\\') i++;
      else if (c === quote) quote = null;
      continue;
    }
    if (c === '\'' || c === '"' || c === '`') quote = c;
    else if (c === '(' || c === '{' || c === '[') depth++;
    else if (c === ')' || c === '}' || c === ']') {
      depth--;
      if (depth === 0) return c === close ? src.slice(from + 1, i) : null;
    }
  }
  return null;
}

/** The names an object literal's text gives at its top level (`a: 1`, `b`, `...x` → null). */
function literalNames(body: string): Set<string> | null {
  const names = new Set<string>();
  let depth = 0;
  let part = '';
  const parts: string[] = [];
  let quote: string | null = null;
  for (let i = 0; i < body.length; i++) {
    const c = body[i]!;
    if (quote) {
      part += c;
      if (c === '\\') part += body[++i] ?? '';
      else if (c === quote) quote = null;
      continue;
    }
    if (c === '\'' || c === '"' || c === '`') quote = c;
    if ('([{'.includes(c)) depth++;
    if (')]}'.includes(c)) depth--;
    if (c === ',' && depth === 0) {
      parts.push(part);
      part = '';
    } else part += c;
  }
  parts.push(part);
  for (const p of parts.map((x) => x.trim()).filter((x) => x !== '')) {
    if (p.startsWith('...')) return null;
    const m = /^(\w+)\s*(?::|$)/.exec(p);
    if (!m) return null;
    names.add(m[1]!);
  }
  return names;
}

test('every t(\'key\', {...}) call fills each {name} its words hold, in zh and en', async () => {
  const all: Record<string, { zh?: string; en?: string }> = {};
  for (const file of tableFiles) {
    const mod = await import(pathToFileURL(`${DIR}/${file}`).href);
    for (const table of Object.values(mod)) Object.assign(all, table as object);
  }
  const unfilled: string[] = [];
  let checked = 0;
  for (const file of readdirSync(DIR).filter((f) => f.endsWith('.js'))) {
    const src = readFileSync(`${DIR}/${file}`, 'utf8');
    for (const m of src.matchAll(/(?<![\w.])t\(\s*'(\w+)'/g)) {
      const entry = all[m[1]!];
      if (!entry) continue;
      const args = balanced(src, m.index! + 1);
      if (args === null) continue;
      const rest = args.slice(args.indexOf(m[1]!) + m[1]!.length + 1).trim();
      let given: Set<string>;
      if (rest === '') given = new Set();
      else if (rest.startsWith(',') && rest.slice(1).trim().startsWith('{')) {
        const objAt = args.indexOf('{', args.indexOf(m[1]!));
        const body = balanced(args, objAt);
        const names = body === null ? null : literalNames(body);
        if (names === null) continue; // a spread or a computed name: not read here
        given = names;
      } else continue; // vars passed as a variable: not read here
      checked++;
      const line = src.slice(0, m.index!).split('\n').length;
      for (const language of ['zh', 'en'] as const) {
        for (const p of (entry[language] ?? '').matchAll(/\{(\w+)\}/g)) {
          if (!given.has(p[1]!)) {
            unfilled.push(`${file}:${line} t('${m[1]}') leaves {${p[1]}} (${language})`);
          }
        }
      }
    }
  }
  assert.ok(checked > 300, `the calls were found (${checked})`);
  assert.deepEqual(unfilled, []);
});

test('a setting\'s duration is said with the right plurals (format.js duration), zh and en',
  async () => {
  // Math.round(s / 60) said "2 minutes" for 90 s and "1 minutes" for 30 s (finding 11).
  const g = globalThis as Record<string, unknown>;
  let language = 'en';
  Object.assign(g, { localStorage: { getItem: () => language } });
  try {
    const { duration } = await import(pathToFileURL(`${DIR}/format.js`).href);
    const table: Array<[number, string, string]> = [
      [30, '30 seconds', '30 秒'], [1, '1 second', '1 秒'], [60, '1 minute', '1 分钟'],
      [90, '1 minute 30 seconds', '1 分钟 30 秒'], [120, '2 minutes', '2 分钟'],
      [0, '0 seconds', '0 秒']];
    for (const [s, en, zh] of table) {
      language = 'en';
      assert.equal(duration(s), en, String(s));
      language = 'zh';
      assert.equal(duration(s), zh, String(s));
    }
  } finally {
    delete g.localStorage;
  }
});
