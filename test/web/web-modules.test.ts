/// <reference types="node" />
// The browser modules that need no browser: identity and phone checks, the reference curves, and
// the error catalogue kept in step with docs/errors.md.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { pathToFileURL } from 'node:url';
import { idNumber } from './web-harness.js';

const load = (path: string) => import(pathToFileURL(path).href);

test('after sign-in a buyer goes to a page of this site only', async () => {
  const { sameSitePath } = await load('web/js/same-site.js');
  const origin = 'https://launchday.example';
  const table: [string | null, string][] = [
    ['/orders?launch=yu7-2025', '/orders?launch=yu7-2025'],
    ['/configure?launch=yu7#pay', '/configure?launch=yu7#pay'],
    [null, '/orders'],
    ['', '/orders'],
    // Each of these the browser reads as another host (the attack found /\evil first).
    ['//evil.example/login', '/orders'],
    ['/\\evil.example/login', '/orders'],
    ['/\t/evil.example', '/orders'],
    ['\\/evil.example', '/orders'],
    ['https://evil.example/', '/orders'],
    ['javascript:alert(1)', '/orders'],
    ['http://[', '/orders'],
  ];
  for (const [next, expected] of table) {
    assert.equal(sameSitePath(next, origin, '/orders'), expected, String(next));
  }
});

test('phone numbers: each problem has its own message', async () => {
  const { phoneProblem } = await load('web/js/validate.js');
  const table: [string, string | null][] = [
    ['13912345678', null],
    ['19912345678', null],
    ['', 'v_phone_empty'],
    ['1391234567a', 'v_phone_digits'],
    ['1391234567', 'v_phone_length'],
    ['12912345678', 'v_phone_prefix'],
    ['23912345678', 'v_phone_prefix'],
  ];
  for (const [input, expected] of table) assert.equal(phoneProblem(input), expected, input);
});

test('identity numbers: region, birth date, sequence, MOD 11-2 check character', async () => {
  const { idNumberProblem, idCheckChar } = await load('web/js/validate.js');
  // A published example: 11010519491231002X.
  assert.equal(idCheckChar('11010519491231002'), 'X');
  assert.equal(idNumberProblem('11010519491231002X'), null);
  assert.equal(idNumberProblem('11010519491231002x'), null);
  for (let seq = 0; seq < 50; seq++)
    assert.equal(idNumberProblem(idNumber(seq)), null, idNumber(seq));
  const key = (s: string) => idNumberProblem(s)?.key ?? null;
  assert.equal(key(''), 'v_id_empty');
  assert.equal(key('1101051949123100'), 'v_id_length');
  assert.equal(key('1101051949123100AX'), 'v_id_chars');
  assert.equal(key('000000194912310021'), 'v_id_region');
  assert.equal(key('110105194902300021'), 'v_id_birth'); // 30 February
  assert.equal(key('110105194912310001'), 'v_id_sequence');
  assert.deepEqual(idNumberProblem(idNumber(3, true))?.key, 'v_id_check');
});

test('names: the page applies the server\'s rules (text-fields.js), in characters', async () => {
  const { nameProblem } = await load('web/js/validate.js');
  const { validateName } = await import('../../src/accounts/identity.js');
  const table: [string, string | null][] = [
    ['李雷', null],
    ['a'.repeat(64), null], // the page used to stop at 50 while the server took 64
    ['𠀀'.repeat(33), null], // 66 UTF-16 units, 33 characters
    ['😀'.repeat(40), null],
    ['a'.repeat(65), 'v_name_long'],
    ['', 'v_name_empty'],
    ['\u200b', 'v_name_chars'],
    ['Li\u0000Lei', 'v_name_chars'],
    ['\u3164', 'v_name_chars'], // a Hangul filler, which shows as a blank name
    ['Li\u2067Lei', 'v_name_chars'],
    ['\u0301', 'v_name_invisible'],
    ['Li \u2764\ufe0f', null],
  ];
  for (const [name, expected] of table) {
    assert.equal(nameProblem(name), expected, JSON.stringify(name));
    assert.equal(validateName(name).ok, expected === null, JSON.stringify(name));
  }
  // The input holds 64 characters of two UTF-16 units each; the rule counts characters.
  const page = readFileSync('web/js/account-page.js', 'utf8');
  assert.match(page, /autocomplete: 'name', maxlength: '128'/);
});

test('reference curves interpolate the published figures and stop where they stop', async () => {
  const { REFERENCE_CURVES, referenceAt } = await load('web/js/reference-curves.js');
  const su7 = REFERENCE_CURVES.find((c: any) => c.id === 'su7').points;
  const yu7 = REFERENCE_CURVES.find((c: any) => c.id === 'yu7').points;
  assert.equal(referenceAt(su7, 240), 10000);
  assert.equal(referenceAt(su7, 420), 20000);
  assert.equal(referenceAt(su7, 1620), 50000);
  assert.equal(referenceAt(su7, 86400), 88898);
  assert.equal(referenceAt(su7, 120), 5000);
  assert.equal(referenceAt(su7, 86401), null);
  assert.equal(referenceAt(yu7, 120), 196000);
  assert.equal(referenceAt(yu7, 3600), 289000);
});

test('every code in docs/errors.md has zh and en text with a next step', async (t) => {
  if (!existsSync('docs/errors.md')) {
    t.skip('docs/errors.md is not in this tree yet');
    return;
  }
  const { ERRORS } = await load('web/js/errors.js');
  const doc = readFileSync('docs/errors.md', 'utf8');
  // Codes are the backticked snake_case words that open a table row.
  const codes = [...doc.matchAll(/^\|\s*`([a-z][a-z0-9_]*)`/gm)].map((m) => m[1]!);
  assert.ok(codes.length > 5, `found codes in docs/errors.md: ${codes.length}`);
  const missing = codes.filter((c) => !ERRORS[c]);
  assert.deepEqual(missing, [], 'codes without buyer-facing text');
  for (const c of codes)
    for (const text of [...ERRORS[c].zh, ...ERRORS[c].en]) assert.ok(text.length > 2, c);
});

test('a refusal whose message names the field or rule shows that message, in zh too',
  async () => {
    const { errorText } = await load('web/js/errors.js');
    const { outcomes } = await load('dist/src/kernel/outcomes.js');
    // Every code refused for what the request holds (422): its message names what is wrong.
    const naming = Object.keys(outcomes).filter((c) => outcomes[c].status === 422);
    assert.ok(naming.includes('invalid_waiting_room') && naming.includes('invalid_drop'));
    const g = globalThis as { localStorage?: unknown };
    for (const lang of ['en', 'zh']) {
      g.localStorage = { getItem: () => lang, setItem: () => undefined };
      try {
        for (const code of naming) {
          const said = errorText({ ok: false, status: 422, code,
            message: 'there is no drop jaket' });
          assert.match(said.detail ?? '', /there is no drop jaket/, `${lang} ${code}`);
        }
        // A code whose own words say it all adds nothing of the server's.
        assert.equal(errorText({ ok: false, status: 409, code: 'drop_sold_out',
          message: 'Sold out' }).detail, null);
      } finally {
        delete g.localStorage;
      }
    }
  });

test('every outcome code the server can return has zh and en text with a next step', async () => {
  const { ERRORS } = await load('web/js/errors.js');
  const { outcomes } = await load('dist/src/kernel/outcomes.js');
  const missing = Object.keys(outcomes).filter((c) => !ERRORS[c]);
  assert.deepEqual(missing, [], 'server codes without buyer-facing text');
});

test('a room refused for an opening passed is told in the console\'s words, zh and en',
  async () => {
    // The refusal read API-speak ("order fifo; shuffle is the default when none is sent"); the
    // console's form has "Order at the opening: arrival order" and "Room on" (new user, finding 5).
    const { ERRORS } = await load('web/js/errors.js');
    const { ADMIN_STRINGS: S } = await load('web/js/admin-strings.js');
    for (const lang of ['zh', 'en'] as const) {
      const text = ERRORS.waiting_room_opening_passed[lang].join(' ');
      assert.doesNotMatch(text, /\bfifo\b|\bshuffle\b|order [a-z]+;|默认/, `${lang}: ${text}`);
      for (const key of ['wr_order', 'wr_order_fifo']) {
        assert.ok(text.includes(S[key][lang]), `${lang} names "${S[key][lang]}": ${text}`);
      }
      // Switching the room off is the other way: its control's words, before the parenthesis.
      const roomOn = S.wr_enabled_launch[lang].split(/[（(]/)[0].trim();
      assert.ok(text.includes(roomOn), `${lang} names "${roomOn}": ${text}`);
    }
  });

test('every audit action the server writes by name is in words in the console, zh and en',
  async () => {
    const { ADMIN_STRINGS } = await load('web/js/admin-strings.js');
    const sources = (dir: string): string[] => readdirSync(dir, { withFileTypes: true })
      .flatMap((e) => e.isDirectory() ? sources(`${dir}/${e.name}`)
        : /(?<!\.test|\.contract)\.ts$/.test(e.name) ? [`${dir}/${e.name}`] : []);
    const actions = new Set<string>();
    for (const file of sources('src')) {
      const text = readFileSync(file, 'utf8');
      // `action: 'x'`, `action: c ? 'x' : 'y'` (appendAudit) and `.audit(actor, 'x'`.
      for (const m of text.matchAll(/action: (?:[\w.!]+ \?\s*)?'([a-z_.]+)'(?:\s*: '([a-z_.]+)')?/g))
        for (const a of [m[1], m[2]]) if (a) actions.add(a);
      for (const m of text.matchAll(/\.audit\([^'\n]*?,\s*'([a-z_.]+)'/g)) actions.add(m[1]!);
    }
    assert.ok(actions.size > 10, `audit actions found: ${[...actions]}`);
    const missing = [...actions].filter((a) => !ADMIN_STRINGS[`act_${a}`]?.zh
      || !ADMIN_STRINGS[`act_${a}`]?.en);
    assert.deepEqual(missing, [], 'shown to operators as raw codes');
  });

test('a locked order\'s deposit is never called refundable, on the buyer\'s or operator\'s page',
  async () => {
    // No localStorage in node: the pages' default language, Chinese.
    const { depositState } = await load('web/js/i18n.js');
    const table: [string, string, string][] = [
      ['firm', 'held', '已支付（可退）'],
      ['locked', 'held', '已支付（锁定后不可退）'],
      ['cancelled', 'refunded', '已退还'],
    ];
    for (const [status, state, expected] of table) {
      assert.equal(depositState({ status, deposit: { state } }), expected, `${status} ${state}`);
    }
    for (const page of ['web/js/orders-page.js', 'web/js/admin-orders.js']) {
      assert.doesNotMatch(readFileSync(page, 'utf8'), /deposit_\$\{/, `${page} names states itself`);
    }
  });

test('every page script parses', () => {
  // A merge once dropped the brace closing one entry of errors.js: every page imports it, so
  // every page stayed blank while the server's tests passed. Each module is parsed as the
  // browser would, by node --check, without running it.
  const files = readdirSync('web/js').filter((f) => f.endsWith('.js'));
  assert.ok(files.length > 30, 'the page scripts are where they were');
  for (const f of files) {
    const r = spawnSync(process.execPath, ['--check', `web/js/${f}`], { encoding: 'utf8' });
    assert.equal(r.status, 0, `web/js/${f} does not parse: ${r.stderr.split('\n').slice(0, 5).join(' ')}`);
  }
});

test('every style sheet is well formed: blocks closed, no rule inside another rule', () => {
  // A merge once dropped the two braces closing a @media block: every rule after it became part
  // of that block, so the buyer pages lost their layout while every behaviour test passed.
  for (const file of ['web/app.css', 'web/live.css']) {
    const css = readFileSync(file, 'utf8').replace(/\/\*[\s\S]*?\*\//g, '');
    const stack: Array<'at' | 'rule'> = [];
    let prelude = '';
    for (const [i, c] of [...css].entries()) {
      if (c === '{') {
        const kind = prelude.trim().startsWith('@') ? 'at' : 'rule';
        assert.ok(!(kind === 'rule' && stack.at(-1) === 'rule'),
          `${file}: a rule inside a rule near character ${i} (${prelude.trim().slice(0, 60)})`);
        stack.push(kind);
        prelude = '';
      } else if (c === '}') {
        assert.ok(stack.pop() !== undefined, `${file}: a } with no block open at ${i}`);
        prelude = '';
      } else if (c === ';') {
        prelude = '';
      } else {
        prelude += c;
      }
    }
    assert.deepEqual(stack, [], `${file}: blocks left open at the end`);
  }
});

test('an order an operator cancelled carries the staff notice, with or without a recorded '
  + 'reason (the old code recorded none), in both languages', async () => {
  const { staffCancellation, operatorCancelNotice } = await load('web/js/operator-cancel.js');
  const cancelled = (actor: string, detail: object, cancelReason: string | null = null) => ({
    order_id: 'ord_1', status: 'cancelled', cancel_reason: cancelReason, cancelled_at: null,
    history: [{ at: '', type: 'placed', actor: 'buyer:acc_1', detail: {} },
      { at: '', type: 'cancelled', actor, detail }] });
  const byOldOperator = cancelled('operator:li', { refunded: true });
  const byOperator = cancelled('operator:li', { reason: 'Bank reversal' }, 'Bank reversal');
  const byBuyer = cancelled('buyer:acc_1', {});
  assert.deepEqual(staffCancellation(byOldOperator), { reason: null });
  assert.deepEqual(staffCancellation(byOperator), { reason: 'Bank reversal' });
  assert.equal(staffCancellation(byBuyer), null);
  assert.equal(staffCancellation({ ...byOldOperator, status: 'firm' }), null);
  assert.equal(staffCancellation({ status: 'cancelled', cancel_reason: null }), null);

  // Just enough DOM for format.js's h(): the notice's text is what the buyer reads.
  class FakeNode { text = ''; get textContent(): string { return this.text; } }
  class FakeEl extends FakeNode {
    className = '';
    readonly style = { cssText: '' };
    readonly attrs: Record<string, string> = {};
    setAttribute(k: string, v: string): void { this.attrs[k] = v; }
    addEventListener(): void {}
    append(c: FakeNode | string): void { this.text += typeof c === 'string' ? c : c.textContent; }
  }
  const g = globalThis as Record<string, unknown>;
  let language = 'en';
  Object.assign(g, { Node: FakeNode, document: { createElement: () => new FakeEl() },
    localStorage: { getItem: () => language } });
  try {
    const text = (o: object): string => (operatorCancelNotice(o) as FakeEl).textContent;
    assert.match(text(byOldOperator), /launchday staff.*Reason: not recorded.*400-000-0000.*ord_1/);
    assert.match(text(byOperator), /Reason: Bank reversal/);
    assert.doesNotMatch(text(byOperator), /not recorded/);
    assert.equal(operatorCancelNotice(byBuyer), null);
    language = 'zh';
    assert.match(text(byOldOperator), /工作人员.*原因：未记录.*客服 400-000-0000.*ord_1/);
    assert.match(text(byOperator), /原因：Bank reversal/);
  } finally {
    for (const k of ['Node', 'document', 'localStorage']) delete g[k];
  }
});

test('a counted noun is singular for exactly one, in English; Chinese has one form', async () => {
  const g = globalThis as Record<string, unknown>;
  let language = 'en';
  Object.assign(g, { localStorage: { getItem: () => language } });
  try {
    const { counted, plural } = await load('web/js/format.js');
    assert.equal(counted('n_orders', 1), '1 order');
    assert.equal(counted('n_orders', 0), '0 orders');
    assert.equal(counted('n_orders', 1200), '1,200 orders');
    assert.equal(plural('limit_reached', 1, { limit: 1 }),
      'This launch allows one order per person; you have reached it.');
    language = 'zh';
    assert.equal(counted('n_orders', 1), '1 个订单');
  } finally {
    delete g.localStorage;
  }
});

test('a label a setting drives says one of a thing at 1, in English; Chinese has one form',
  async () => {
  // A launch's cooling-off of 1 hour, a 1-day price protection or deadline, a refund alert
  // after 60 s and a run of 1 car read "1 hours", "1 days", "1 minutes", "1 cars".
  const g = globalThis as Record<string, unknown>;
  let language = 'en';
  Object.assign(g, { localStorage: { getItem: () => language } });
  const { STRINGS } = await load('web/js/strings.js');
  const added: string[] = [];
  try {
    for (const [file, name] of [['admin-strings', 'ADMIN_STRINGS'],
      ['balance-strings', 'BALANCE_STRINGS'], ['pricebooks-strings', 'PRICEBOOKS_STRINGS'],
      ['admin-production-strings', 'PRODUCTION_STRINGS']]) {
      const table = (await load(`web/js/${file}.js`))[name!] as Record<string, unknown>;
      for (const key of Object.keys(table)) if (!(key in STRINGS)) added.push(key);
      Object.assign(STRINGS, Object.fromEntries(Object.entries(table)
        .filter(([key]) => added.includes(key))));
    }
    const { t } = await load('web/js/i18n.js');
    const { counted, duration } = await load('web/js/format.js');
    const labels = (): string[] => [
      t('deposit_line', { deposit: '¥5,000', hours: counted('n_hours', 1) }),
      t('terms_cooling', { hours: counted('n_hours', 1), until: 'x' }),
      t('price_rule', { days: counted('n_rule_days', 1) }),
      t('price_rule_off', { days: counted('n_rule_days', 1) }),
      t('bal_due_later', { days: counted('n_days', 1) }),
      t('p_unsettled', { n: 0, time: duration(60) }),
      t('pr_too_many', { cars: counted('n_cars', 1) }),
      t('pr_runs_more', { cars: counted('n_cars', 1) })];
    const en = labels();
    assert.deepEqual(en.filter((l) => /\b1 (?:hours|days|minutes|cars)\b|\{/.test(l)), []);
    for (const [i, word] of ['1 hour', '1 hour', '1 day', '1 day', '1 day', '1 minute', '1 car',
      '1 car'].entries()) assert.match(en[i]!, new RegExp(`\\b${word}\\b`), en[i]!);
    assert.equal(t('p_unsettled', { n: 2, time: duration(3600) }),
      'Refunds not settled after 60 minutes: 2');
    language = 'zh';
    assert.deepEqual(labels().map((l) => /1 (?:小时|天|分钟|台车)/.test(l) && !l.includes('{')),
      Array(8).fill(true));
  } finally {
    for (const key of added) delete STRINGS[key];
    delete g.localStorage;
  }
});

test('no page text puts a count before a plural noun outside a counted form', () => {
  // "{n} orders" reads "1 orders" when n is 1: a count goes through plural() or counted()
  // (format.js), whose `_one` / `_other` forms each say it right. A figure set in the limits
  // table or a launch (a duration, a bound) is counted so too: a setting of 1 read "1 minutes",
  // "1 days", "1 hours" (p_unsettled, bal_due_later, price_rule, deposit_line, terms_cooling,
  // pr_too_many and pr_runs_more were listed here as exceptions). Only a range stays plural.
  const settings = new Set([
    'weeks_range', // a range of weeks, "2–4 weeks"
  ]);
  const NOT_COUNTS = new Set(['id', 'd', 'p', 'total']);
  const COUNT = /\{(\w+)\} (?:(?:more|locked|unlocked|suspicious|firm|allocated) )*([a-z]+s)\b/g;
  const found: string[] = [];
  for (const file of readdirSync('web/js').filter((f) => f.endsWith('.js'))) {
    let key: string | null = null;
    readFileSync(`web/js/${file}`, 'utf8').split('\n').forEach((line, i) => {
      key = /^\s*(\w+): \{/.exec(line)?.[1] ?? key;
      if (/^\s*\/\//.test(line) || /_(one|other)$/.test(key ?? '') || settings.has(key ?? '')) {
        return;
      }
      // English literals only: a Chinese noun has one form.
      for (const lit of line.match(/'(?:[^'\\]|\\.)*'|`[^`]*`/g) ?? []) {
        if (/[\u4e00-\u9fff]/.test(lit)) continue;
        for (const m of lit.matchAll(COUNT)) {
          // An id or a sum of money ({d}: "{d} locks") is not a count of things.
          if (!NOT_COUNTS.has(m[1]!) && m[2] !== 'ms') {
            found.push(`${file}:${i + 1} ${key}: ${m[0]}`);
          }
        }
      }
    });
  }
  assert.deepEqual(found, []);
});
