/// <reference types="node" />
// The audit log in words (web/js/admin-history.js, auditWords): every action the console knows
// has an entry here as the server writes it, and every key the server's audit calls write (read
// from src/) is one of them; each is shown, in both languages, with no raw key, no epoch-ms
// number and no JSON (new-user review, finding 10: "opensAtMs 1796196311314").
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { pathToFileURL } from 'node:url';

const load = (path: string) => import(pathToFileURL(path).href);

const T = '2026-06-26T14:00:00.000Z';
const MS = Date.parse(T);

/** One entry per audit action, with the detail its call in src/ writes. */
const SAMPLES: Record<string, Record<string, unknown>> = {
  launch_updated: { launch_id: 'yu7-2025', fields: ['per_account_limit'], changes: {
    opens_at: { from: T, to: T }, deposit_fen: { from: 500000, to: 600000 },
    per_account_limit: { from: 2, to: 3 }, cooling_off_hours: { from: 24, to: 48 },
    cities: { from: ['beijing'], to: ['beijing', 'shanghai'] },
    'capacity_per_week.max': { from: 100, to: 120 } } },
  order_cancelled: { order_id: 'ord_1', deposit_state: 'refunded', reason: 'Duplicate',
    flagged: true, cluster_id: 'c1', changes: { status: { from: 'firm', to: 'cancelled' },
      deposit_state: { from: 'held', to: 'refunded' } } },
  order_refunded: { order_id: 'ord_1', reason: 'Asked', changes: {
    status: { from: 'firm', to: 'cancelled' }, deposit_state: { from: 'held', to: 'refunded' } } },
  sessions_revoked: { account_id: 'acc_1', revoked: 2, reason: 'Lost phone' },
  accounts_imported: { created: 3, refused: 1 },
  change_window_opened: { window_id: 'w1' },
  change_window_closed: { window_id: 'w1', changes: { closed_at: { from: null, to: T } } },
  operator_created: { operator: 'mei' },
  operator_rotated: { operator: 'mei' },
  operator_removed: { operator: 'mei' },
  clock_advanced: { advance_seconds: 3600, now: T },
  drop_created: { drop_id: 'tee', opens_at_ms: MS, variants: [{ variant: 'm', quantity: 2 }] },
  drop_updated: { drop_id: 'tee', opens_at_ms: MS, variants: [{ variant: 'm', quantity: 2 }] },
  drop_hold_cancelled: { drop_id: 'tee', hold_id: 'hld_1', account_id: 'acc_1', was: 'paid',
    refund_fen: 19900, reason: 'Ring', flagged: true, cluster_id: 'c1' },
  drop_refund_settled: { hold_id: 'hld_1', reference: 'drp_hld_1', amount_fen: 19900,
    via: 'notification', event_id: 'evt_1' },
  ready_refund_settled: { sale_id: 'rs_1', reference: 'rsl_rs_1', amount_fen: 2000000,
    via: 'status_query' },
  balance_refund_settled: { order_id: 'ord_1', reference: 'bal_1:credit:2', amount_fen: 12300,
    via: 'notification', event_id: 'evt_1' },
  'waiting_room.create': { room_id: 'r1', enabled: true, suspended: false, opensAtMs: MS,
    prequeueAtMs: MS - 600_000, order: 'shuffle', admitPerMinute: 600, activeMax: 1000,
    passSeconds: 600, graceSeconds: 300, adaptive: false, waitingStatus: 200 },
  'waiting_room.change': { room_id: 'r1', follows: 'drop:tee',
    opensAtMs: { old: MS, new: MS + 60_000 }, activeMax: { old: 1000, new: 500 },
    enabled: { old: true, new: false } },
  'waiting_room.hold': { room_id: 'r1', ticket_id: 'tk_1', reason: 'Bot' },
  'waiting_room.release': { room_id: 'r1', ticket_id: 'tk_1', reason: 'Human' },
  'waiting_room.revoke_pass': { room_id: 'r1', pass_id: 'ps_1', reason: 'Bot',
    claimed_by: 'acc_1' },
  appointment_missed: { order_id: 'ord_1', no_shows: 1 },
  book_settings_updated: { launch_id: 'yu7-2025', costs: { max: 20000000 },
    deliveries_per_year_target: 50000,
    protection: { undelivered_pays_lower: true, delivered_within_days: 30 } },
  car_handed_over: { order_id: 'ord_1', vin: 'LSVAB2BZ0PN000001', revenue_fen: 30000000 },
  car_ready: { order_id: 'ord_1', vin: 'LSVAB2BZ0PN000001', due_at_ms: MS },
  car_released: { order_id: 'ord_1', reason: 'no_show', vin: 'LSVAB2BZ0PN000001',
    to_order_id: 'ord_2', until_ms: MS },
  delivery_centre_changed: { city_id: 'beijing', version: 2, reason: 'Moved' },
  price_protection_rerun: { launch_id: 'yu7-2025', version: 3, given: 12 },
  price_version_applied: { launch_id: 'yu7-2025', version: 3 },
  price_version_recorded: { launch_id: 'yu7-2025', version: 3, item: 'trim:max',
    from_fen: 30000000, to_fen: 29000000, effective_from_ms: MS, reason: 'Cut' },
  production_plan_changed: { launch_id: 'yu7-2025', trim: 'max', version: 2, reason: 'Faster' },
  production_run_recorded: { launch_id: 'yu7-2025', built_on: '2026-06-26', recorded: 40,
    reason: 'Shift 1', allocated: 30, pooled: 10 },
  ready_car_listed: { vin: 'LSVAB2BZ0PN000001', city: 'beijing', price_fen: 29000000 },
  replanned: { cause: 'plan', reason: 'Faster', replan_id: 'rp_1', moved_earlier: 3,
    moved_later: 0 },
  slot_capacity_set: { centre: 'beijing', capacity: 4 },
};

const sources = (dir: string): string[] => readdirSync(dir, { withFileTypes: true })
  .flatMap((e) => e.isDirectory() ? sources(`${dir}/${e.name}`)
    : /(?<!\.test|\.contract)\.ts$/.test(e.name) ? [`${dir}/${e.name}`] : []);

/** The object literal opening at `text[at]` ('{'), to its closing brace. */
function objectAt(text: string, at: number): string {
  let depth = 0;
  for (let i = at; i < text.length; i++) {
    const c = text[i]!;
    if (c === "'" || c === '`') i = text.indexOf(c, i + 1);
    else if ('{[('.includes(c)) depth++;
    else if ('}])'.includes(c) && --depth === 0) return text.slice(at, i + 1);
  }
  throw new Error(`unclosed object at ${at}`);
}

/** The top-level keys of an object literal, and its spreads (`...x`) as their text. */
function topKeys(literal: string): { keys: string[]; spreads: string[] } {
  const keys: string[] = [];
  const spreads: string[] = [];
  let depth = 0;
  let start = 1;
  const part = (s: string) => {
    const p = s.trim();
    if (p.startsWith('...')) spreads.push(p.slice(3));
    else if (/^\w+/.test(p)) keys.push(/^\w+/.exec(p)![0]);
  };
  for (let i = 0; i < literal.length; i++) {
    const c = literal[i]!;
    if (c === "'" || c === '`') i = literal.indexOf(c, i + 1);
    else if ('{[('.includes(c)) depth++;
    else if ('}])'.includes(c)) {
      if (--depth === 0) part(literal.slice(start, i));
    } else if (c === ',' && depth === 1) {
      part(literal.slice(start, i));
      start = i + 1;
    }
  }
  return { keys, spreads };
}

/** Every top-level detail key the server's audit calls write, spreads followed by name. */
function keysWritten(): Set<string> {
  const keys = new Set<string>();
  const diffKeys = /const keys = \[([^\]]*)\]/.exec(readFileSync(
    'src/waiting-rooms/waiting-rooms-service.ts', 'utf8'))![1]!.match(/\w+/g)!;
  // What a spread in a detail holds: a room's settings changed, a launch's edit.
  const spread: Array<[RegExp, string[]]> = [[/^diff\(/, diffKeys],
    [/^\(changes \? \{ changes \} : \{\}\)$/, ['changes']], [/^detail$/, ['fields', 'changes']],
    // A confirmed refund's detail (payment-notification.ts, payment-reconciler.ts).
    [/^refund\.detail$/, ['via', 'event_id']],
    // A pass revoked while a request held it (waiting-rooms-service.ts, revoke).
    [/^\(claimed\(p\) \? \{ claimed_by: p\.spentBy \} : \{\}\)$/, ['claimed_by']]];
  for (const file of sources('src')) {
    const text = readFileSync(file, 'utf8');
    const calls = [...text.matchAll(/appendAudit\(\{[^]*?detail: (?=\{)/g)]
      .map((m) => m.index! + m[0].length)
      .concat([...text.matchAll(/\.audit\(\s*[^,]+,\s*'[a-z_.]+',\s*(?=\{)/g)]
        .map((m) => m.index! + m[0].length));
    for (const at of calls) {
      const found = topKeys(objectAt(text, at));
      for (const k of found.keys) keys.add(k);
      for (const s of found.spreads) {
        const known = spread.find(([re]) => re.test(s));
        assert.ok(known, `${file}: an audit detail spreads ${s}, unknown to this test`);
        for (const k of known[1]) keys.add(k);
      }
    }
  }
  return keys;
}

test('every key the server writes in an audit detail is in an entry here', () => {
  const written = keysWritten();
  assert.ok(written.size > 30, [...written].join());
  const sampled = new Set(Object.values(SAMPLES).flatMap((d) => Object.keys(d)));
  assert.deepEqual([...written].filter((k) => !sampled.has(k)), []);
  // And each field a launch edit can change (launch-changes.ts) is in its entry's changes.
  const editable = readFileSync('src/launches/launch-changes.ts', 'utf8');
  const fields = topKeys(objectAt(editable, editable.indexOf('{', editable.indexOf(
    'const fields')))).keys;
  const changes = SAMPLES.launch_updated!.changes as Record<string, unknown>;
  assert.deepEqual(fields.filter((f) => !(f in changes)), []);
});

test('every audit action reads in words in both languages: no raw key, epoch-ms or JSON',
  async () => {
    const { STRINGS } = await load('web/js/strings.js');
    const { ADMIN_STRINGS } = await load('web/js/admin-strings.js');
    Object.assign(STRINGS, ADMIN_STRINGS);
    const { auditWords, actionText } = await load('web/js/admin-history.js');
    const known = Object.keys(ADMIN_STRINGS).filter((k) => k.startsWith('act_'))
      .map((k) => k.slice('act_'.length));
    assert.deepEqual(known.filter((a) => !SAMPLES[a]), [], 'actions without an entry here');
    const g = globalThis as { localStorage?: unknown };
    for (const lang of ['en', 'zh']) {
      g.localStorage = { getItem: () => lang, setItem: () => undefined };
      try {
        for (const [action, detail] of Object.entries(SAMPLES)) {
          assert.notEqual(actionText(action), action, `${lang} ${action}`);
          const { changes, facts } = auditWords({ action, detail });
          const shown = [...changes.flatMap((c: any) => [c.name, c.before, c.after]),
            ...facts.flatMap((f: any) => [f.name, f.value])];
          assert.ok(shown.length > 0, `${action} shows nothing`);
          for (const text of shown) {
            const where = `${lang} ${action}: ${text}`;
            assert.equal(typeof text, 'string', where);
            // A key as the server spells it: snake_case, camelCase or a dotted field.
            assert.doesNotMatch(text, /\b[a-z]+(_[a-z]+)+\b|\b[a-z]+[A-Z]\w*\b|capacity_per/,
              where);
            assert.doesNotMatch(text, /\d{12,}|[{}"]|\[object|undefined|NaN/, where);
            // Every key is named in words, not by itself.
            for (const k of Object.keys(detail)) assert.notEqual(text, k, where);
          }
          // Times in Beijing time, money in yuan.
          for (const [k, v] of Object.entries(detail)) {
            const fact = facts.find((f: any) => f.field === k);
            if (!fact) continue;
            if (/_ms$|At(Ms)?$|^now$/.test(k) && typeof v !== 'object') {
              assert.match(fact.value, /Beijing time/, `${lang} ${action} ${k}`);
            }
            if (/_fen$/.test(k)) assert.match(fact.value, /^¥/, `${lang} ${action} ${k}`);
          }
        }
      } finally {
        delete g.localStorage;
      }
    }
  });
