// A drop definition's `variants` list is bounded by the limits table (dropVariantsListedMax),
// not by a figure of the schema's own: one place says how long a list an attacker may send is
// read, and the start-up check keeps it at least the variants a drop may have.
import { strict as assert } from 'node:assert';
import { describe, it } from 'node:test';
import { checkLimits, defaultLimits } from '../kernel/config.js';
import { closedFields, compileFields } from '../kernel/http/schema.js';
import { putDrop } from './drop-schemas.js';

const definition = (variants: number): Record<string, unknown> => ({
  name: 'Jacket', name_zh: '夹克', kind: 'merch', price_fen: 10_000, opens_at:
    '2025-06-26T14:00:00Z', per_account_limit: 1, per_identity_limit: 1,
  variants: Array.from({ length: variants }, (_, i) => ({ variant: `v${i}`, name: 'V',
    name_zh: 'V', quantity: 1 })) });

describe('PUT /admin/drops/{id}: the variants list', () => {
  const rows: Array<[string, number, number, string | null]> = [
    ['the default bound, reached', defaultLimits.dropVariantsListedMax,
      defaultLimits.dropVariantsListedMax, null],
    ['the default bound, passed', defaultLimits.dropVariantsListedMax,
      defaultLimits.dropVariantsListedMax + 1,
      `"variants" must be a list of at most ${defaultLimits.dropVariantsListedMax} objects.`],
    ['a table that says 30, reached', 30, 30, null],
    ['a table that says 30, passed', 30, 31, '"variants" must be a list of at most 30 objects.'],
  ];
  for (const [what, listedMax, length, message] of rows) {
    it(`${what}: ${message ?? 'read'}`, () => {
      const check = compileFields(closedFields(putDrop({ ...defaultLimits,
        dropVariantsListedMax: listedMax }).body!));
      const refused = check(definition(length));
      assert.deepEqual(refused && [refused.code, refused.message],
        message === null ? null : ['invalid_request', message]);
    });
  }

  it('is at least the variants a drop may have, checked at start', () => {
    // A shorter bound would refuse a list the drop's own rule (invalid_drop, 1-20) accepts.
    assert.ok(defaultLimits.dropVariantsListedMax >= defaultLimits.dropVariantsMax);
    assert.throws(() => checkLimits({ ...defaultLimits,
      dropVariantsListedMax: defaultLimits.dropVariantsMax - 1 }), /drop's own rule/);
  });
});
