import assert from 'node:assert/strict';
import { test } from 'node:test';
import { parseSimulateOptions, USAGE } from './simulate-options.js';
import { runSimulate } from './simulate.js';

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
  assert.match(String(parseSimulateOptions(['--drop', 'jacket', '--drop-buyers', '0'])),
    /--drop-buyers must be/);
});

test('--after-night runs on to 100,000 x scale allocations; the SU7 night lasts a day', () => {
  const night = parseSimulateOptions(['--launch', 'su7']);
  assert.ok(typeof night !== 'string');
  assert.equal(night.untilAllocations, null);
  assert.equal(night.maxSeconds, 86_400 / 60 + 600);
  const o = parseSimulateOptions(['--launch', 'su7', '--after-night', '--scale', '0.02']);
  assert.ok(typeof o !== 'string');
  assert.equal(o.untilAllocations, 2000);
  const n = parseSimulateOptions(['--until-allocations', '500']);
  assert.ok(typeof n !== 'string');
  assert.equal(n.untilAllocations, 500);
  assert.match(String(parseSimulateOptions(['--until-allocations', '0'])), /--until-allocations/);
  assert.match(String(parseSimulateOptions(['--after-night', '--url', 'http://127.0.0.1:1',
    '--admin-token', 'secret-token-123456'])), /starts its own server/);
  assert.match(String(parseSimulateOptions(['--after-night', '--processes', '2',
    '--database-url', 'postgres://x'])), /one process/);
});

test('--until-deliveries runs the weeks on to N handovers, on the SU7 year, not with a target', () => {
  const o = parseSimulateOptions(['--until-deliveries', '10000', '--scale', '0.2']);
  assert.ok(typeof o !== 'string');
  assert.equal(o.untilDeliveries, 10_000);
  assert.equal(o.launchId, 'su7');
  assert.ok(o.untilAllocations !== null, 'it plays the weeks after the night');
  const night = parseSimulateOptions(['--launch', 'su7', '--after-night']);
  assert.ok(typeof night !== 'string');
  assert.equal(night.untilDeliveries, null);
  assert.match(String(parseSimulateOptions(['--until-deliveries', '0'])), /--until-deliveries/);
  assert.match(String(parseSimulateOptions(['--until-deliveries', '100001'])),
    /--until-deliveries/);
  assert.match(String(parseSimulateOptions(['--until-deliveries', '10',
    '--until-allocations', '10'])), /does not go with/);
});

test('--port: the started server\'s port, checked like the other options', () => {
  const o = parseSimulateOptions(['--port', '3100']);
  assert.ok(typeof o !== 'string');
  assert.equal(o.port, 3100);
  const free = parseSimulateOptions([]);
  assert.ok(typeof free !== 'string');
  assert.equal(free.port, null, 'a free port by default');
  for (const bad of ['0', '65536', '80.5', 'http', '1e3x']) {
    assert.match(String(parseSimulateOptions(['--port', bad])),
      /^--port must be an integer from 1 to 65535$/, bad);
  }
  // Several processes take one port each from it: the last must still be a port.
  const two = parseSimulateOptions(['--port', '65534', '--processes', '2',
    '--database-url', 'postgres://x']);
  assert.ok(typeof two !== 'string');
  assert.equal(two.port, 65534);
  assert.match(String(parseSimulateOptions(['--port', '65535', '--processes', '2',
    '--database-url', 'postgres://x'])), /from 1 to 65534 \(--processes 2 take the ports/);
  assert.match(String(parseSimulateOptions(['--port', '3100', '--url', 'http://127.0.0.1:1',
    '--admin-token', 'secret-token-123456'])), /with --url it starts none/);
  assert.match(USAGE, /--port P/);
});

test('the mode flags choose one mode; --drop jacket --waiting-room: the drop behind a room', () => {
  const mode = (argv: string[]) => {
    const o = parseSimulateOptions(argv);
    return typeof o === 'string' ? o : o.mode;
  };
  assert.equal(mode([]), 'launch');
  assert.equal(mode(['--waiting-room']), 'waiting-room');
  assert.equal(mode(['--drop', 'jacket']), 'drop');
  assert.equal(mode(['--drop', 'jacket', '--waiting-room', '--drop-buyers', '300', '--rings',
    '2']), 'drop-room');
  assert.equal(mode(['--launch', 'su7', '--after-night']), 'after-night');
  assert.match(mode(['--after-night', '--drop', 'jacket']), /does not go with --drop/);
  assert.match(mode(['--until-deliveries', '10', '--waiting-room']),
    /does not go with --waiting-room/);
});

test('a flag that does not apply to the chosen mode is refused, naming both', () => {
  const refusal = (argv: string[]) => String(parseSimulateOptions(argv));
  assert.match(refusal(['--drop', 'jacket', '--waiting-room', '--speed', '600']),
    /^--speed does not apply to the drop behind a waiting room \(--drop jacket --waiting-room\)/);
  assert.match(refusal(['--drop', 'jacket', '--scale', '0.5']),
    /^--scale does not apply to the drop \(--drop jacket\); it applies to the launch night/);
  assert.match(refusal(['--waiting-room', '--rings', '2']),
    /^--rings does not apply to the launch behind a waiting room \(--waiting-room\)/);
  assert.match(refusal(['--drop-buyers', '300']), /^--drop-buyers does not apply to the launch/);
  assert.match(refusal(['--waiting-room', '--max-seconds', '60']), /^--max-seconds does not/);
  assert.match(refusal(['--drop', 'jacket', '--switch-allows', 'model']),
    /^--switch-allows does not/);
  assert.match(refusal(['--drop', 'jacket', '--launch', 'su7']), /^--launch does not apply/);
  // Flags of every mode go with each.
  for (const m of [[], ['--waiting-room'], ['--drop', 'jacket'], ['--drop', 'jacket',
    '--waiting-room']]) {
    const o = parseSimulateOptions([...m, '--seed', '3', '--connections', '64', '--quiet',
      '--report-file', '/tmp/x.json', '--keep-data', '--port', '3100']);
    assert.ok(typeof o !== 'string', `${m.join(' ')}: ${o}`);
  }
});

test('the command refuses such a flag with exit code 2, before starting anything', async () => {
  const errors: string[] = [];
  const error = console.error;
  console.error = (line: string) => errors.push(line);
  try {
    assert.equal(await runSimulate(['--drop', 'jacket', '--speed', '600']), 2);
  } finally {
    console.error = error;
  }
  assert.match(errors.join('\n'), /--speed does not apply to the drop/);
});
