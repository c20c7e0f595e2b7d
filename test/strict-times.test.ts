// Every time that enters launchday is RFC 3339 with Z or an offset, or a 422 naming the field;
// none is read in the server's own zone. time-zones.test.ts runs this file under two zones.
import { strict as assert } from 'node:assert';
import { after, before, describe, it } from 'node:test';
import { ConfigError, loadConfig } from '../src/kernel/config.js';
import { ADMIN, harness, type Harness } from './harness.js';

const YU7_OPENS = '2025-06-26T14:00:00.000Z';
const NO_ZONE = ['2025-06-26T22:00:00', '06/26/2025 22:00', '2025-06-26', 'June 26, 2025 22:00',
  '2025-06-26T22:00:00 GMT+0800', '1750946400000', '2025-06-26T22:00:00+0800'];

describe('times entering launchday', () => {
  let h: Harness;
  before(async () => { h = await harness(); });
  after(() => h.close());

  const patch = (body: unknown) =>
    h.call('PATCH', '/admin/launches/yu7-2025', { token: ADMIN, body });
  const openWindow = (opensAt: string, closesAt: string) =>
    h.call('POST', '/admin/change-windows', { token: ADMIN, body: { from_launch_id: 'su7-2024',
      opens_at: opensAt, closes_at: closesAt, allows: ['colour'] } });

  for (const text of NO_ZONE) {
    it(`refuses opens_at ${JSON.stringify(text)} with 422 naming the field`, async () => {
      const r = await patch({ opens_at: text });
      assert.equal(r.status, 422, JSON.stringify(r.body));
      assert.equal(r.body.error.code, 'invalid_request');
      assert.match(r.body.error.message, /"opens_at"/);
      assert.equal((await h.call('GET', '/launches/yu7-2025')).body.opens_at, YU7_OPENS);
    });
  }

  it('reads an explicit offset as that offset, and Z as UTC', async () => {
    const r = await patch({ opens_at: '2025-06-26T22:00:00+08:00' });
    assert.equal(r.status, 200, JSON.stringify(r.body));
    assert.equal(r.body.opens_at, YU7_OPENS);
    const z = await patch({ opens_at: '2025-06-26T14:00:00Z' });
    assert.equal(z.body.opens_at, YU7_OPENS);
  });

  it('refuses a change window whose opening or closing has no zone, naming which', async () => {
    const opens = await openWindow('2025-06-26T22:00:00', '2025-06-29T16:00:00Z');
    assert.equal(opens.status, 422);
    assert.match(opens.body.error.message, /"opens_at"/);
    const closes = await openWindow('2025-06-26T14:00:00Z', '06/29/2025 24:00');
    assert.equal(closes.status, 422);
    assert.match(closes.body.error.message, /"closes_at"/);
    const fine = await openWindow('2025-06-26T22:00:00+08:00', '2025-06-30T00:00:00+08:00');
    assert.equal(fine.status, 201, JSON.stringify(fine.body));
    assert.equal(fine.body.opens_at, YU7_OPENS);
    assert.equal(fine.body.closes_at, '2025-06-29T16:00:00.000Z');
  });
});

describe('LAUNCHDAY_CLOCK_START', () => {
  it('takes RFC 3339 with a zone', () => {
    const c = loadConfig({ LAUNCHDAY_CLOCK: 'simulated',
      LAUNCHDAY_CLOCK_START: '2025-06-26T21:59:00+08:00' });
    assert.equal(c.clockStartMs, Date.UTC(2025, 5, 26, 13, 59));
  });
  for (const text of NO_ZONE) {
    it(`refuses ${JSON.stringify(text)}`, () => {
      assert.throws(() => loadConfig({ LAUNCHDAY_CLOCK_START: text }),
        (e: unknown) => e instanceof ConfigError && /LAUNCHDAY_CLOCK_START/.test(e.message));
    });
  }
});
