// Every operator's `reason` is one schema (kernel/http/schema.ts `reason`) with the rule of a
// drop's names (kernel/visible-text.ts). The attacker's finding 10: a reason of zero-width
// spaces, or with U+202E (which reverses what follows it in the audit log and in the buyer's
// message), was taken while a drop's name refused them; a 501-character reason was answered
// `reason_required`, as if none had been given.
import { strict as assert } from 'node:assert';
import { after, before, describe, it } from 'node:test';
import { Type, type TSchema } from '@sinclair/typebox';
import { compileFields } from '../src/kernel/http/schema.js';
import { ADMIN, harness, type Harness } from './harness.js';

type Json = Record<string, unknown>;

const SHOWS_NOTHING = ['\u200b\u200b', '\u3000 ', '', ' \n\r\n ', 'tab\there',
  'ok\u202egnp.exe', 'a\u0000b', '\ufeffsigned', 'line\u2028separator',
  // The attacker's second finding: a reason of U+00AD alone passed as given.
  '\u00ad', 'ring \u2067x\u2069', 'Jack\u0085et'];
const TOO_LONG = 'x'.repeat(501);

describe('an operator\'s reason', () => {
  let h: Harness;
  before(async () => { h = await harness(); });
  after(async () => h.close());

  it('is one schema on every route that takes one, refusing text that shows nothing',
    () => {
    const taking = h.ld.api.routes.filter((r) => ((r.contract.body as { properties?: Json }
      | undefined)?.properties ?? {}).reason !== undefined);
    // The routes named in the finding, and the price change that had a rule of its own.
    const names = taking.map((r) => `${r.method} ${r.path}`);
    for (const must of ['POST /admin/suspicious/cancel',
      'POST /admin/waiting-rooms/:room_id/tickets/:ticket_id/hold',
      'POST /admin/launches/:launch_id/price-versions', 'POST /admin/orders/:order_id/cancel']) {
      assert.ok(names.includes(must), `${must} takes a reason: ${names.join(', ')}`);
    }
    for (const route of taking) {
      const body = route.contract.body!;
      const reasonSchema = (body as unknown as { properties: Json }).properties.reason;
      // The reason's field alone: the route's other fields are not what is tried here.
      const refusal = compileFields(Type.Object({ reason: reasonSchema as TSchema }));
      for (const bad of SHOWS_NOTHING) {
        const r = refusal({ reason: bad });
        assert.equal(r?.code, 'reason_required', `${names[taking.indexOf(route)]} took `
          + JSON.stringify(bad));
        // Spaces alone are said as a reason not given; anything else as text that hides.
        assert.match(r!.message, new RegExp('^"reason" (is required: it (is empty|holds only '
          + 'white space)|must not (be blank|hold U\\+[0-9A-F]{4,6} ))'));
      }
      const long = refusal({ reason: TOO_LONG });
      assert.deepEqual([long?.code, long?.message], ['invalid_request',
        '"reason" must be at most 500 characters.'], `${route.method} ${route.path}`);
      assert.equal(refusal({ reason: 'One device and card behind 5 accounts' }), null);
      // Typed in a box of several lines: its line breaks are the operator's, and show.
      assert.equal(refusal({ reason: 'One device behind 5 accounts.\nCard shared too.\r\n' }),
        null, 'line breaks are allowed in a reason');
      assert.equal(refusal({ reason: '🚗'.repeat(200) }), null, 'emoji show');
      assert.deepEqual(reasonSchema, (taking[0]!.contract.body as unknown as { properties: Json })
        .properties.reason, 'the same schema everywhere');
    }
  });

  it('is refused over HTTP as the finding sent it (flagged cancel, ticket hold)', async () => {
    for (const reason of ['ok\u202egnp.exe', '\u200b\u200b', TOO_LONG]) {
      const want = reason === TOO_LONG ? 'invalid_request' : 'reason_required';
      const cancel = await h.call('POST', '/admin/suspicious/cancel', { token: ADMIN,
        body: { drop_id: 'nope', order_ids: ['h'], reason } });
      assert.deepEqual([cancel.status, cancel.body.error?.code], [422, want]);
      const hold = await h.call('POST', '/admin/waiting-rooms/nope/tickets/wrt_x/hold',
        { token: ADMIN, body: { held: true, reason } });
      assert.deepEqual([hold.status, hold.body.error?.code], [422, want]);
    }
    const ok = await h.call('POST', '/admin/suspicious/cancel', { token: ADMIN,
      body: { drop_id: 'nope', order_ids: ['h'], reason: 'ring' } });
    assert.equal(ok.body.error?.code, 'drop_not_found');
  });
});
