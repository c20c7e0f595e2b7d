// Price versions and protection as tables: what a change may be, and what protection does for
// an order at each state (undelivered, delivered within or past the rule's days, cancelled).
import { strict as assert } from 'node:assert';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { seedLaunches } from '../launches/index.js';
import {
  configurationPrice, decidePriceChange, decideProtection, withPrice, type PriceVersion,
} from './pricing.js';

const DAY = 86_400_000;
const NOW = Date.parse('2025-07-01T00:00:00Z');
const yu7 = seedLaunches(NOW).find((l) => l.launchId === 'yu7-2025')!;
/** An option with a price, made free by a promotion: allowed (the step rule is for trims). */
const OPTION = yu7.options.find((o) => o.priceFen > 0)!.optionId;
const LIMITS = { priceMaxFen: 1_000_000_000, horizonMs: 366 * DAY };
const rule = { undeliveredPaysLower: true, deliveredWithinDays: 30 };

describe('price changes', () => {
  const change = (o: object = {}) => ({ itemKind: 'trim' as const, itemId: 'max',
    priceFen: 31_590_000, effectiveFromMs: NOW, reason: 'cut', ...o });
  const rows: Array<[string, object, string]> = [
    ['a cut from now is version 2', {}, 'ok'],
    ['an unknown trim', { itemId: 'ultra' }, 'unknown_price_item'],
    ['an unknown option', { itemKind: 'option', itemId: 'nope' }, 'unknown_price_item'],
    ['in the past', { effectiveFromMs: NOW - DAY }, 'invalid_price_change'],
    ['too far ahead', { effectiveFromMs: NOW + 400 * DAY }, 'invalid_price_change'],
    ['no reason', { reason: '  ' }, 'invalid_price_change'],
    ['a negative price', { priceFen: -1 }, 'invalid_price_change'],
    ['above the limit', { priceFen: 1_000_000_001 }, 'invalid_price_change'],
    ['a trim at 0 fen (a typo)', { priceFen: 0 }, 'invalid_price_change'],
    ['a trim at its deposit or below', { priceFen: yu7.depositFen }, 'invalid_price_change'],
    ['more than half off in one change', { priceFen: 16_000_000 }, 'invalid_price_change'],
    ['more than half again in one change', { priceFen: 50_000_000 }, 'invalid_price_change'],
    ['a 35% cut (the SU7 Ultra\'s) is allowed', { priceFen: 21_443_500 }, 'ok'],
    ['an option made free is allowed', { itemKind: 'option', itemId: OPTION, priceFen: 0 }, 'ok'],
  ];
  for (const [name, o, code] of rows) {
    it(name, () => {
      const r = decidePriceChange(yu7, [], change(o), NOW, LIMITS);
      assert.equal(r.ok ? 'ok' : r.code, code);
    });
  }

  it('the next version replaces the last one recorded for the item', () => {
    const first = decidePriceChange(yu7, [], change(), NOW, LIMITS);
    assert.ok(first.ok);
    assert.deepEqual([first.value.version, first.value.previousFen], [2, 32_990_000]);
    const second = decidePriceChange(yu7, [first.value], change({ priceFen: 30_000_000,
      effectiveFromMs: NOW + DAY }), NOW, LIMITS);
    assert.ok(second.ok);
    assert.deepEqual([second.value.version, second.value.previousFen], [3, 31_590_000]);
    const earlier = decidePriceChange(yu7, [{ ...first.value, effectiveFromMs: NOW + 2 * DAY }],
      change({ effectiveFromMs: NOW + DAY }), NOW, LIMITS);
    assert.equal(earlier.ok ? 'ok' : earlier.code, 'invalid_price_change');
  });

  it('the catalogue takes the version; a configuration is priced from it', () => {
    const v: PriceVersion = { launchId: 'yu7-2025', version: 2, itemKind: 'trim', itemId: 'max',
      priceFen: 31_590_000, previousFen: 32_990_000, effectiveFromMs: NOW, reason: 'cut',
      actor: 'op', recordedAtMs: NOW, appliedAtMs: null };
    const after = withPrice(yu7, v);
    assert.equal(configurationPrice(after, 'max', []), 31_590_000);
    assert.equal(configurationPrice(yu7, 'max', []), 32_990_000);
    assert.equal(configurationPrice(after, 'pro', []), configurationPrice(yu7, 'pro', []));
  });
});

describe('price protection', () => {
  const firm = { status: 'firm' as const, launchId: 'yu7-2025' };
  const rows: Array<[string, Parameters<typeof decideProtection>, string, number]> = [
    ['undelivered pays the lower price', [firm, 100, 80, null, NOW, rule], 'credit', 20],
    ['a rise never reaches a placed order', [firm, 100, 120, null, NOW, rule], 'none', 0],
    ['cancelled gets nothing', [{ ...firm, status: 'cancelled' }, 100, 80, null, NOW, rule],
      'none', 0],
    ['delivered 30 days before: the difference back', [firm, 100, 80, NOW - 30 * DAY, NOW,
      rule], 'refund', 20],
    ['delivered 31 days before: nothing', [firm, 100, 80, NOW - 31 * DAY, NOW, rule], 'none', 0],
    ['rule off for undelivered', [firm, 100, 80, null, NOW, { ...rule,
      undeliveredPaysLower: false }], 'none', 0],
  ];
  for (const [name, args, kind, fen] of rows) {
    it(name, () => {
      const d = decideProtection(...args);
      assert.deepEqual([d.kind, d.kind === 'none' ? 0 : d.amountFen], [kind, fen]);
    });
  }

  it('what the order costs after protection is never above the new list price nor the old',
    () => fc.assert(fc.property(fc.integer({ min: 0, max: 1e9 }), fc.integer({ min: 0, max: 1e9 }),
      (paid, list) => {
        const d = decideProtection(firm, paid, list, null, NOW, rule);
        const after = paid - (d.kind === 'none' ? 0 : d.amountFen);
        assert.equal(after, Math.min(paid, list));
      })));
});
