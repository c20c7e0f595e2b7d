// Every route field that takes free text (a name, a reason, a drop's or a variant's names, a
// delivery address, a note kept in the audit log) keeps the one rule of visible text
// (web/js/visible-text.js), over HTTP: each class of character refused (visible-text-cases.ts),
// alone and inside text, with the field's own code and a message naming the code point; blank
// text refused; names, emoji sequences and (in a reason) line breaks taken. The attacker's
// finding: bidi isolates, C1 controls, U+00AD (a reason of U+00AD alone passed as given),
// U+061C, U+180E, U+2061-2064, U+FFF9-FFFB, tags and U+FE0F were taken in drop names, operator
// cancel reasons (shown to the buyer) and ticket hold reasons; an account name of U+3164 alone.
// A route field that is not listed here as free text must be listed as what else it is, so a
// new one cannot skip the rule unseen.
import { strict as assert } from 'node:assert';
import { after, before, describe, it } from 'node:test';
import type { TSchema } from '@sinclair/typebox';
import { syntheticIdentity } from '../src/accounts/identity.js';
import { compileFields } from '../src/kernel/http/schema.js';
import type { OutcomeCode } from '../src/kernel/outcomes.js';
import { ADMIN, harness, type Harness, type Reply } from './harness.js';
import { sampleBody } from './route-samples.js';
import { BLANK, LINE_BREAKS, named, REFUSED, TAKEN } from './visible-text-cases.js';

type Json = Record<string, unknown>;
/** A refusal of the field's value, or null when it was taken. */
type Outcome = { code: string; message: string } | null;

interface FreeText {
  readonly name: string;
  readonly code: OutcomeCode;
  /** Line breaks are taken (a reason). */
  readonly lines: boolean;
  /**
   * White space around the value is dropped first (an account name): a character trim()
   * drops (U+0009, U+2028, U+FEFF) alone leaves the name empty, and says so.
   */
  readonly trims?: true;
  /** Sends `value` in the field (`n`: new people each time) and says what became of it. */
  send(h: Harness, value: string, n: number): Promise<Outcome>;
  /** Whether `value` is taken, without doing the route's work (a reason: a real replan...). */
  takes?(value: string): boolean;
}

const refusal = (r: Reply): Outcome => (r.status >= 400 && r.body?.error
  ? { code: r.body.error.code, message: r.body.error.message } : null);

const DROP = sampleBody('PUT', '/admin/drops/:drop_id', 0) as Json;
const VARIANT = (DROP.variants as Json[])[0]!;
let buyerToken = '';
let seq = 0;

/** A drop field: the definition refused whole (`invalid_drop`), else put (created or replaced). */
const dropField = (name: string, put: (v: string) => Json): FreeText => ({
  name: `PUT /admin/drops/:drop_id ${name}`, code: 'invalid_drop', lines: false,
  send: async (h, v) => refusal(await h.call('PUT', '/admin/drops/visible', { token: ADMIN,
    body: put(v) })) });

const FIELDS: FreeText[] = [
  { name: 'POST /accounts name', code: 'invalid_name', lines: false, trims: true,
    send: async (h, v, n) => {
      const id = syntheticIdentity(900_000 + n);
      return refusal(await h.call('POST', '/accounts', { body: { phone: id.phone, name: v,
        id_number: id.idNumber } }));
    } },
  { name: 'POST /admin/accounts/import accounts[].name', code: 'invalid_name', lines: false,
    trims: true,
    send: async (h, v, n) => {
      const id = syntheticIdentity(950_000 + n);
      const r = await h.call('POST', '/admin/accounts/import', { token: ADMIN,
        body: { accounts: [{ phone: id.phone, name: v, id_number: id.idNumber }] } });
      assert.equal(r.status, 200, JSON.stringify(r.body));
      return r.body.errors[0] ?? null;
    } },
  dropField('name', (v) => ({ ...DROP, name: v })),
  dropField('name_zh', (v) => ({ ...DROP, name_zh: v })),
  dropField('variants[].name', (v) => ({ ...DROP, variants: [{ ...VARIANT, name: v }] })),
  dropField('variants[].name_zh', (v) => ({ ...DROP, variants: [{ ...VARIANT, name_zh: v }] })),
  { name: 'POST /drops/:drop_id/purchases delivery_address', code: 'invalid_request',
    lines: false, send: async (h, v) => refusal(await h.call('POST', '/drops/nope/purchases', {
      token: buyerToken, headers: { 'idempotency-key': `visible-${seq++}` },
      body: { variant: 'm', delivery_address: v } })) },
  { name: 'POST /admin/suspicious/cancel cluster_id', code: 'invalid_request', lines: false,
    send: async (h, v) => refusal(await h.call('POST', '/admin/suspicious/cancel', {
      token: ADMIN, body: { drop_id: 'nope', order_ids: ['h'], reason: 'ring',
        cluster_id: v } })) },
];

/** What a path's parameters are, in a request that reaches the body's checks. */
const PATH_IDS: Record<string, string> = { order_id: 'ord_nope', account_id: 'acc_nope',
  launch_id: 'yu7-2025', room_id: 'nope', pass_id: 'wrp_nope', ticket_id: 'wrt_nope' };

/** Bodies route-samples.ts has none of. */
const SAMPLES: Record<string, Json> = {
  'POST /admin/suspicious/cancel': { drop_id: 'nope', order_ids: ['h'] },
};

/** Every route's reason: refused over HTTP; taken by the route's whole body check. */
function reasonFields(h: Harness): FreeText[] {
  return h.ld.api.routes.filter((r) => ((r.contract.body as { properties?: Json }
    | undefined)?.properties ?? {}).reason !== undefined).map((r) => {
    const path = r.path.replace(/:([a-z_]+)/g, (_, p: string) => PATH_IDS[p] ?? 'nope');
    const body = (v: string) => ({ ...(SAMPLES[`${r.method} ${r.path}`]
      ?? sampleBody(r.method, r.path, 0) as Json), reason: v });
    const check = compileFields(r.contract.body as TSchema);
    return { name: `${r.method} ${r.path} reason`, code: 'reason_required' as const,
      lines: true,
      send: async (hh: Harness, v: string) => refusal(await hh.call(r.method, path,
        { token: ADMIN, body: body(v) })),
      takes: (v: string) => check(body(v)) === null };
  });
}

/** What each route field that is no free text is, and why the rule is not its. */
const NOT_FREE_TEXT: Record<string, string> = {
  phone: 'a mobile number, by its own rule', id_number: 'an identity number, by its own rule',
  code: 'a texted code', launch_id: 'an id', trim: 'an id', 'options[]': 'ids', city: 'an id',
  'cities[]': 'ids', from_launch_id: 'an id', to_launch_id: 'an id', city_id: 'an id',
  served_by: 'an id', item_id: 'an id', drop_id: 'an id', 'order_ids[]': 'ids', variant: 'an id',
  target_id: 'an id', centre: 'an id', vin: 'a VIN', 'cars[].vin': 'a VIN',
  'cars[].trim': 'an id', 'cars[].options[]': 'ids', kind: 'one of a list',
  method: 'one of a list', mode: 'one of a list', scope: 'one of a list',
  order: 'one of a list', item_kind: 'one of a list', language: 'one of a list',
  'allows[]': 'one of a list', opens_at: 'a time', closes_at: 'a time', prequeue_at: 'a time',
  slot_start: 'a time', effective_from: 'a time', built_on: 'a date', opens_on: 'a date',
  'rates[].from': 'a date', 'POST /admin/operators name': '2-32 of a-z 0-9 - _',
};

function stringFields(schema: unknown, path: string, out: string[]): void {
  if (schema === null || typeof schema !== 'object') return;
  const s = schema as Json;
  const types = Array.isArray(s.type) ? s.type : [s.type];
  if (types.includes('string')) out.push(path);
  for (const [k, v] of Object.entries((s.properties ?? {}) as Json)) {
    stringFields(v, path === '' ? k : `${path}.${k}`, out);
  }
  if (s.items !== undefined) stringFields(s.items, `${path}[]`, out);
}

describe('every route field that takes free text keeps the rule of visible text', () => {
  let h: Harness;
  let fields: FreeText[];
  before(async () => {
    h = await harness({ LAUNCHDAY_BUYER_WRITES_PER_ACCOUNT_MAX: '1000000',
      LAUNCHDAY_BUYER_WRITES_PER_ADDRESS_MAX: '1000000' });
    buyerToken = (await h.buyer(1)).token;
    fields = [...FIELDS, ...reasonFields(h)];
  });
  after(async () => h.close());

  it('finds every field: each is free text here, or listed as what else it is', () => {
    const free = new Set(fields.map((f) => f.name));
    for (const must of ['POST /admin/suspicious/cancel reason',
      'POST /admin/waiting-rooms/:room_id/tickets/:ticket_id/hold reason',
      'POST /admin/orders/:order_id/cancel reason']) assert.ok(free.has(must), must);
    for (const r of h.ld.api.routes) {
      const out: string[] = [];
      stringFields(r.contract.body, '', out);
      for (const f of out) {
        const name = `${r.method} ${r.path} ${f}`;
        assert.ok(free.has(name) || NOT_FREE_TEXT[f] !== undefined
          || NOT_FREE_TEXT[`${r.method} ${r.path} ${f}`] !== undefined, `${name}: free text `
          + 'that skips the rule of visible text? List it with the rule, or say what it is');
      }
    }
  });

  for (const [what, codePoints] of REFUSED) {
    it(`refuses ${what} in every such field, naming the code point`, async () => {
      for (const f of fields) {
        for (const cp of codePoints) {
          const c = String.fromCodePoint(cp);
          for (const value of [c, `Li${c}Lei`]) {
            const label = `${f.name}: ${named(cp)} in ${JSON.stringify(value)}`;
            const r = await f.send(h, value, seq++);
            assert.equal(r?.code, f.code, label);
            if (f.trims && value.trim() === '') assert.equal(r!.message, 'The name is empty.');
            else assert.ok(r!.message.includes(named(cp)), `${label}: ${r!.message}`);
          }
        }
      }
    });
  }

  it('refuses line breaks in every such field but a reason, which takes them', async () => {
    for (const f of fields) {
      for (const cp of LINE_BREAKS) {
        const value = `Li${String.fromCodePoint(cp)}Lei`;
        if (f.lines) {
          assert.equal(f.takes!(value), true, `${f.name}: ${named(cp)}`);
        } else {
          const r = await f.send(h, value, seq++);
          assert.equal(r?.code, f.code, `${f.name}: ${named(cp)}`);
          assert.ok(r!.message.includes(named(cp)), r!.message);
        }
      }
    }
  });

  it('refuses text that shows nothing in every such field', async () => {
    for (const f of fields) {
      for (const value of BLANK) {
        const r = await f.send(h, value, seq++);
        assert.equal(r?.code, f.code, `${f.name}: ${JSON.stringify(value)}`);
      }
    }
  });

  it('takes names with an inner space, accents and whole emoji in every such field', async () => {
    for (const f of fields) {
      for (const [what, value] of TAKEN) {
        if (f.takes) {
          assert.equal(f.takes(value), true, `${f.name}: ${what}`);
          continue;
        }
        const r = await f.send(h, value, seq++);
        assert.notEqual(r?.code, f.code, `${f.name}: ${what}: ${r?.message}`);
      }
    }
  });
});
