import assert from 'node:assert/strict';
import { test } from 'node:test';
import { parseSimulateOptions } from './simulate-options.js';

test('defaults: a tenth of the night, an hour in a minute, own server', () => {
  const o = parseSimulateOptions([]);
  assert.ok(typeof o !== 'string');
  assert.equal(o.scale, 0.1);
  assert.equal(o.speed, 60);
  assert.equal(o.connections, 256);
  assert.deepEqual(o.urls, []);
  assert.equal(o.maxSeconds, 660);
});

test('traffic goes to this machine only', () => {
  assert.match(String(parseSimulateOptions(['--url', 'http://10.0.0.1:80', '--admin-token', 'x'])),
    /only sends traffic to this machine/);
  const o = parseSimulateOptions(['--url', 'http://127.0.0.1:3000,http://localhost:3001',
    '--admin-token', 'secret-token-123456']);
  assert.ok(typeof o !== 'string');
  assert.equal(o.urls.length, 2);
});

test('limits and combinations are checked once, at the start', () => {
  assert.match(String(parseSimulateOptions(['--scale', '3'])), /--scale/);
  assert.match(String(parseSimulateOptions(['--speed', '0'])), /--speed/);
  assert.match(String(parseSimulateOptions(['--processes', '2'])), /needs --database-url/);
  assert.match(String(parseSimulateOptions(['--url', 'http://127.0.0.1:1'])), /--admin-token/);
  assert.match(String(parseSimulateOptions(['--database-url', 'mysql://x'])), /postgres/);
  assert.match(String(parseSimulateOptions(['--bogus'])), /bogus/);
});

test('--drop jacket with its buyers and rings, checked at the start', () => {
  const o = parseSimulateOptions(['--drop', 'jacket', '--drop-buyers', '900', '--rings', '2']);
  assert.ok(typeof o !== 'string');
  assert.deepEqual([o.drop, o.dropBuyers, o.rings], ['jacket', 900, 2]);
  const d = parseSimulateOptions([]);
  assert.ok(typeof d !== 'string');
  assert.deepEqual([d.drop, d.dropBuyers, d.rings], [null, 3000, 6]);
  assert.match(String(parseSimulateOptions(['--drop', 'hoodie'])), /one drop: jacket/);
  assert.match(String(parseSimulateOptions(['--drop', 'jacket', '--rings', '51'])), /--rings/);
  assert.match(String(parseSimulateOptions(['--drop-buyers', '0'])), /--drop-buyers/);
});
