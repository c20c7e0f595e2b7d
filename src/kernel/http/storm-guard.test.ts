import { strict as assert } from 'node:assert';
import { describe, it } from 'node:test';
import { StormGuard } from './storm-guard.js';

describe('StormGuard', () => {
  it('starts a storm on a reading of a long queue, and ends it a window after', () => {
    let now = 1_000;
    const guard = new StormGuard({ queueMin: 128, windowMs: 100 }, () => now);
    guard.queueRead(127);
    assert.equal(guard.storm, false, 'under the threshold: the queue was short');
    assert.equal(guard.mayBegin(guard.window()), true);
    guard.queueRead(128);
    assert.equal(guard.storm, true);
    assert.equal(guard.storms, 1);
    now = 1_050;
    guard.queueRead(500);
    assert.equal(guard.storms, 1, 'a long queue within a storm prolongs it');
    now = 1_149;
    assert.equal(guard.storm, true);
    now = 1_150;
    assert.equal(guard.storm, false, 'a window after the last long queue');
    guard.queueRead(200);
    assert.equal(guard.storms, 2);
    assert.equal(guard.longQueues, 3);
  });

  it('in a storm, lets a connection begin one request per window; its first always', () => {
    let now = 1_000;
    const guard = new StormGuard({ queueMin: 2, windowMs: 100 }, () => now);
    assert.equal(guard.window(), 10);
    guard.queueRead(2);
    assert.equal(guard.mayBegin(null), true, 'a new connection\'s first request');
    assert.equal(guard.mayBegin(10), false, 'began one in this window already');
    assert.equal(guard.mayBegin(9), true);
    assert.equal(guard.msToNextWindow(), 100);
    now = 1_060.5;
    assert.equal(guard.msToNextWindow(), 40);
    now = 1_100;
    assert.equal(guard.mayBegin(10), true, 'the next window');
    now = 1_199;
    assert.equal(guard.mayBegin(11), true, 'the storm is over');
  });

  it('is off at 0', () => {
    const guard = new StormGuard({ queueMin: 0, windowMs: 100 }, () => 0);
    guard.queueRead(10_000);
    assert.equal(guard.storm, false);
    assert.equal(guard.mayBegin(0), true);
  });
});
