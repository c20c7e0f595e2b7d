// A drop's rules as tables: whether a hold may be taken, and what a valid drop is.
import { strict as assert } from 'node:assert';
import { describe, it } from 'node:test';
import {
  amountFen, decideHold, dropPaymentReference, isDropPaymentReference, settleResult,
  settleVerdict, validateDrop, variantFigures, type Drop, type Hold, type HoldStatus,
  type SettleAsked, type VariantStock,
} from './drop.js';
import { outcomes } from '../kernel/outcomes.js';

const T = 1_750_946_400_000;
const drop: Drop = { dropId: 'su7-founders', name: 'SU7 Founder\'s Edition', nameZh: '创始版',
  kind: 'car', priceFen: 29_990_000, depositFen: 2_000_000, opensAtMs: T, perAccountLimit: 1,
  perIdentityLimit: 2, createdAtMs: T - 1,
  variants: [{ variant: 'green', name: 'Green', nameZh: '绿', quantity: 5_000 }] };
const stock = (available: number): VariantStock => ({ dropId: drop.dropId, variant: 'green',
  quantity: 5_000, available, held: 5_000 - available, sold: 0 });
const bounds = { dropVariantsMax: 20, dropQuantityMax: 1_000_000, dropUnitsPerBuyerMax: 10 };

describe('decideHold', () => {
  const rows: Array<[string, VariantStock | undefined, number, number, number, number,
    string | null]> = [
    // what, stock, account units, identity units, quantity, now, expected
    ['before the opening', stock(10), 0, 0, 1, T - 1, 'drop_not_open'],
    ['at the opening', stock(10), 0, 0, 1, T, null],
    ['no such variant', undefined, 0, 0, 1, T, 'unknown_variant'],
    ['the account at its limit', stock(10), 1, 1, 1, T, 'drop_limit_reached'],
    // The person's other account bought: this one has none, the person is at 2.
    ['the identity at its limit', stock(10), 0, 2, 1, T, 'drop_limit_reached'],
    ['the identity under its limit', stock(10), 0, 1, 1, T, null],
    ['the limit before the stock', stock(0), 1, 1, 1, T, 'drop_limit_reached'],
    ['the last unit', stock(1), 0, 0, 1, T, null],
    ['sold out', stock(0), 0, 0, 1, T, 'drop_sold_out'],
  ];
  for (const [what, s, a, i, q, now, code] of rows) {
    it(what, () => {
      const r = decideHold(drop, s, { accountUnits: a, identityUnits: i }, q, now);
      assert.equal(r.ok ? null : r.code, code);
    });
  }
  it('says how many are left when fewer than asked', () => {
    const r = decideHold({ ...drop, perAccountLimit: 2 }, stock(1), { accountUnits: 0,
      identityUnits: 0 }, 2, T);
    assert.ok(!r.ok && r.code === 'drop_sold_out' && r.message.includes('Only 1 left'));
  });
  it('offers the waitlist only while units are held (they may come back)', () => {
    const held = decideHold(drop, stock(0), { accountUnits: 0, identityUnits: 0 }, 1, T);
    assert.ok(!held.ok && held.message.includes('Join the waitlist'));
    const sold = decideHold(drop, { dropId: drop.dropId, variant: 'green', quantity: 5_000, available: 0, held: 0,
      sold: 5_000 }, { accountUnits: 0, identityUnits: 0 }, 1, T);
    assert.ok(!sold.ok && sold.code === 'drop_sold_out' && !sold.message.includes('waitlist'),
      sold.ok ? '' : sold.message);
  });
  it('the catalogue\'s text holds for a size sold for good too: it promises no waitlist', () => {
    // docs/errors.md and the OpenAPI document show it for every drop_sold_out, including a join
    // refused because no unit can come back (drop-commands.ts) and a sold-out waiting room.
    assert.doesNotMatch(outcomes.drop_sold_out.message, /\bjoin the waitlist\b/i);
  });
  it('each sold-out case says which it is, beyond the catalogue\'s general text', () => {
    const figures = [[1, 0], [0, 1], [0, 0]] as const; // [available, held]: fewer, held, for good
    const said = figures.map(([available, held]) => {
      const r = decideHold({ ...drop, perAccountLimit: 2 }, { ...stock(available), held,
        sold: 5_000 - available - held }, { accountUnits: 0, identityUnits: 0 }, 2, T);
      return r.ok ? 'held' : r.message;
    });
    assert.equal(new Set([...said, outcomes.drop_sold_out.message]).size, 4, said.join(' | '));
  });
});

describe('validateDrop', () => {
  const rows: Array<[string, Partial<Drop>, boolean]> = [
    ['a car drop', {}, true],
    ['a car without a deposit', { depositFen: 0 }, false],
    ['a deposit above the price', { depositFen: 30_000_000 }, false],
    ['merchandise with a deposit', { kind: 'merch' }, false],
    ['merchandise', { kind: 'merch', depositFen: 0 }, true],
    ['a limit of 0', { perAccountLimit: 0 }, false],
    ['a limit above the bound', { perIdentityLimit: 11 }, false],
    ['no variants', { variants: [] }, false],
    ['a variant of 0 units', { variants: [{ variant: 'a', name: 'A', nameZh: 'A', quantity: 0 }] },
      false],
    ['two variants with one id', { variants: [drop.variants[0]!, drop.variants[0]!] }, false],
    ['an id with capitals', { dropId: 'SU7' }, false],
    ['a name with NUL', { name: 'a\u0000b' }, false],
  ];
  for (const [what, change, valid] of rows) {
    it(what, () => assert.equal(validateDrop({ ...drop, ...change }, bounds).ok, valid));
  }
  // Each refusal names the rule the definition broke, not another one.
  const v = (variant: string) => ({ variant, name: 'A', nameZh: 'A', quantity: 1 });
  const why: Array<[string, Partial<Drop>, RegExp]> = [
    ['distinct ids in capitals', { variants: [v('S'), v('M')] },
      /variant "S" must be 1-48 of a-z, 0-9 and -/],
    ['a fullwidth id', { variants: [v('\uff4d')] }, /variant "\uff4d" must be 1-48 of a-z/],
    ['one id twice', { variants: [v('s'), v('s')] }, /variant "s" is named twice/],
    ['a price above the bound', { priceFen: 900_719_925_474_099 },
      /price_fen must be 1 to 10000000000 fen/],
    ['a name that reverses itself', { name: '\u202eevil' },
      /name must not hold U\+202E \(a direction control, which .+\), found at character 1/],
    ['a variant name_zh too long', { variants: [{ ...v('s'), nameZh: 'x'.repeat(121) }] },
      /variant "s" name_zh needs 1-120 characters/],
    ['a per-identity limit out of bounds', { perIdentityLimit: 11 }, /per_identity_limit must be 1-10/],
    ['more per account than per person', { perAccountLimit: 3, perIdentityLimit: 1 },
      /per_account_limit \(3\) cannot be more than per_identity_limit \(1\)/],
  ];
  for (const [what, change, message] of why) {
    it(`says why: ${what}`, () => {
      const r = validateDrop({ ...drop, ...change }, bounds);
      assert.ok(!r.ok && r.code === 'invalid_drop');
      assert.match(r.message ?? '', message);
    });
  }
});

describe('money and figures', () => {
  it('charges a car\'s deposit and merchandise\'s price per unit', () => {
    assert.equal(amountFen(drop, 2), 4_000_000);
    assert.equal(amountFen({ ...drop, kind: 'merch', depositFen: 0, priceFen: 129_900 }, 3),
      389_700);
  });
  it('names its payments apart from orders\' deposits', () => {
    assert.ok(isDropPaymentReference(dropPaymentReference('hld_x')));
    assert.ok(!isDropPaymentReference('dep_abc'));
  });
  it('is sold out when nothing is on sale, for good when everything is sold', () => {
    const f = variantFigures({ ...stock(0), held: 1, sold: 4_999 }, 3);
    assert.deepEqual([f.soldOut, f.soldOutForGood, f.waiting], [true, false, 3]);
    assert.equal(variantFigures({ ...stock(0), held: 0, sold: 5_000 }, 0).soldOutForGood, true);
  });
});

describe('settleVerdict', () => {
  const hold = (status: HoldStatus): Hold => ({ holdId: 'hld_1', dropId: drop.dropId,
    variant: 'green', accountId: 'acc_1', identityKey: 'id_1', quantity: 1,
    amountFen: 2_000_000, status, source: 'sale', paymentReference: 'drp_hld_1',
    createdAtMs: T, expiresAtMs: T + 600_000, settledAtMs: status === 'held' ? null : T + 5,
    idempotencyKey: 'k', requestHash: 'h', entryId: null });
  const asked = (outcome: SettleAsked['outcome'], o: Partial<SettleAsked> = {}): SettleAsked =>
    ({ dropId: drop.dropId, accountId: 'acc_1', outcome, ...o });
  const rows: Array<[string, Hold | undefined, SettleAsked, string]> = [
    ['no such hold', undefined, asked('paid'), 'hold_not_found'],
    ['another drop\'s', hold('held'), asked('paid', { dropId: 'other' }), 'hold_not_found'],
    ['another buyer\'s', hold('held'), asked('cancelled', { accountId: 'acc_2' }),
      'hold_not_found'],
    ['the system settles any buyer\'s', hold('held'), asked('failed', { accountId: null }),
      'failed'],
    ['held, paid', hold('held'), asked('paid'), 'paid'],
    ['held, cancelled', hold('held'), asked('cancelled'), 'cancelled'],
    ['paid, paid again', hold('paid'), asked('paid'), 'paid_before'],
    ['paid, cancelled', hold('paid'), asked('cancelled'), 'hold_closed'],
    ['expired', hold('expired'), asked('paid'), 'hold_expired'],
    ['declined before', hold('failed'), asked('paid'), 'hold_closed'],
    ['cancelled before', hold('cancelled'), asked('cancelled'), 'hold_closed'],
  ];
  for (const [what, h, a, expected] of rows) {
    it(what, () => assert.equal(settleVerdict(h, a), expected));
  }

  it('answers with the hold as it ends, the sale as it was, or the refusal', () => {
    assert.deepEqual(settleResult(hold('held'), 'paid', T + 9),
      { ok: true, value: { ...hold('held'), status: 'paid', settledAtMs: T + 9 } });
    assert.deepEqual(settleResult(hold('paid'), 'paid_before', T + 9),
      { ok: true, value: hold('paid') });
    const r = settleResult(hold('expired'), 'hold_expired', T + 9);
    assert.ok(!r.ok && r.code === 'hold_expired');
  });
});
