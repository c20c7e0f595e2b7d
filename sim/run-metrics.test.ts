import { strict as assert } from 'node:assert';
import { test } from 'node:test';
import { counted } from './run-metrics.js';

test('a counted noun is singular for exactly one, and takes its own plural', () => {
  assert.equal(counted(1, 'ring'), '1 ring');
  assert.equal(counted(0, 'ring'), '0 rings');
  assert.equal(counted(2, 'API process', 'API processes'), '2 API processes');
  assert.equal(counted(3000, 'honest buyer'), '3,000 honest buyers');
});
