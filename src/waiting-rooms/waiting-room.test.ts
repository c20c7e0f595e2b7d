// The waiting room's rules as tables with the clock moved by `tick` (a small in-memory line
// driven by the pure functions the service uses), and properties (fast-check): admissions
// never beyond the rate or the cap, positions never up, the shuffle a reproducible permutation,
// tokens that cannot be forged.
import { strict as assert } from 'node:assert';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { openPass, openTicket, signPass, signTicket } from './room-tokens.js';
import {
  adaptiveFactor, admissionRound, estimateWait, lateKey, pollAfterSeconds, pollCapSeconds,
  positionOf, seedCommitment, joinsShuffle, shuffleDue, shuffleOrder, validateRoom,
  type Phase, type PollPacing, type Room,
} from './waiting-room.js';

const T = 1_750_946_400_000;
const base: Room = { roomId: 'r', scope: 'launch', targetId: 'yu7', enabled: true,
  suspended: false, opensAtMs: T, prequeueAtMs: T - 600_000, order: 'shuffle',
  admitPerMinute: 60, activeMax: 2, passSeconds: 60, graceSeconds: 300, adaptive: false,
  waitingStatus: 200, seed: 'seed', seedCommitment: seedCommitment('seed'), shuffledAtMs: null,
  tokens: 0, filledAtMs: null, admittedTotal: 0, createdAtMs: T - 700_000,
  updatedAtMs: T - 700_000 };

/** A line in memory: what the service keeps in the store, moved by the same pure functions. */
class Line {
  now = T - 120_000;
  room: Room = base;
  readonly keys = new Map<string, number | null>();
  readonly admitted = new Map<string, number>();
  readonly spent = new Set<string>();
  #seq = 0;

  tick(ms: number) { this.now += ms; }
  join(who: string) {
    this.keys.set(who, joinsShuffle(this.room, this.now) ? null : lateKey(this.now, this.#seq++));
  }
  round() {
    if (shuffleDue(this.room, this.now) && this.room.shuffledAtMs === null) {
      const early = [...this.keys].filter(([, k]) => k === null).map(([w]) => w);
      shuffleOrder(early, this.room.seed).forEach((w, i) => this.keys.set(w, i + 1));
      this.room = { ...this.room, shuffledAtMs: this.now };
    }
    const active = [...this.admitted].filter(([w, at]) => !this.spent.has(w)
      && at + this.room.passSeconds * 1000 > this.now).length;
    const line = this.waiting();
    const r = admissionRound(this.room, this.now, active, line.length);
    for (const [w] of line.slice(0, r.admit)) {
      this.admitted.set(w, this.now);
      this.keys.delete(w);
    }
    this.room = { ...this.room, tokens: r.tokens, filledAtMs: r.filledAtMs };
    return r.admit;
  }
  waiting(): Array<[string, number]> {
    return ([...this.keys].filter(([, k]) => k !== null) as Array<[string, number]>)
      .sort((a, b) => a[1] - b[1]);
  }
  position(who: string): number | 'admitted' | 'prequeue' {
    if (this.admitted.has(who)) return 'admitted';
    const k = this.keys.get(who);
    if (k === null || k === undefined) return 'prequeue';
    return positionOf(this.waiting().map(([, x]) => x), k);
  }
}

type Row = [string, (l: Line) => unknown, unknown];

/** The limits table's pacing (config.ts defaults), fixed here so the tables say their numbers. */
const PACING: PollPacing = { baseSeconds: 5, maxSeconds: 45, waitShare: 10,
  openingSpreadSeconds: 20, jitterPercent: 20 };

/** The interval the room suggests to `who` now, `u` its randomness. */
function intervalOf(x: Line, who: string, u: number): number {
  const at = x.position(who);
  const phase: Phase = typeof at === 'number' ? 'waiting' : at;
  const estimate = typeof at === 'number' ? estimateWait(x.room, at - 1, false) : null;
  return pollAfterSeconds(x.room, phase, estimate, x.now, PACING, u);
}
/** Who stands at `position` in the line now. */
const at = (x: Line, position: number): string => x.waiting()[position - 1]![0];

describe('the poll interval, moved by tick', () => {
  // 6 a minute: ten seconds a place. Pass 10 min, grace 5 min: the room's cap is the limit's 45 s.
  const l = new Line();
  l.room = { ...base, admitPerMinute: 6, activeMax: 100, passSeconds: 600, graceSeconds: 300 };
  const rows: Row[] = [
    ['two minutes before the opening the pre-queue polls at the cap',
      (x) => { for (let i = 0; i < 60; i++) x.join(`p${i}`); return intervalOf(x, 'p0', 0); }, 45],
    ['jittered up to a fifth shorter', (x) => intervalOf(x, 'p0', 0.999), 36],
    ['20 s before the opening: aimed one second past it', (x) => { x.tick(100_000);
      return intervalOf(x, 'p0', 0); }, 21],
    ['or up to the spread (20 s) later', (x) => intervalOf(x, 'p0', 0.999), 40],
    ['half a second before: still past the opening', (x) => { x.tick(19_500);
      return intervalOf(x, 'p0', 0); }, 2],
    ['the opening has passed but the shuffle has not run: again within the spread',
      (x) => { x.tick(1_000); return [intervalOf(x, 'p0', 0), intervalOf(x, 'p0', 0.999)]; },
      [1, 20]],
    ['the shuffle: the first admitted, who waits no more, the least', (x) => {
      x.round(); return intervalOf(x, [...x.admitted.keys()][0]!, 0.5); }, 5],
    ['first in line: the least', (x) => intervalOf(x, at(x, 1), 0.999), 5],
    ['sixth, 50 s away: still the least', (x) => intervalOf(x, at(x, 6), 0), 5],
    ['eleventh, 100 s away: a tenth of it', (x) => intervalOf(x, at(x, 11), 0), 10],
    ['jittered: 8 to 10 s', (x) => intervalOf(x, at(x, 11), 0.999), 8],
    ['59th, 580 s away: the cap', (x) => intervalOf(x, at(x, 59), 0), 45],
    ['a room whose grace is a minute caps at a sixth of it', (x) => { x.room = { ...x.room,
      graceSeconds: 60 }; return intervalOf(x, at(x, 59), 0); }, 10],
    ['and a pass of 30 s at the least', (x) => { x.room = { ...x.room, graceSeconds: 300,
      passSeconds: 30 }; return intervalOf(x, at(x, 59), 0); }, 5],
    ['the rate raised tenfold: the 59th is 58 s away, polled every 6 s', (x) => {
      x.room = { ...x.room, passSeconds: 600, admitPerMinute: 60 };
      return intervalOf(x, at(x, 59), 0); }, 6],
  ];
  for (const [what, step, expected] of rows) {
    it(what, () => assert.deepEqual(step(l), expected));
  }

  const settings = fc.record({ grace: fc.integer({ min: 30, max: 3_600 }),
    pass: fc.integer({ min: 30, max: 3_600 }), rate: fc.integer({ min: 1, max: 60_000 }) });
  const uniform = fc.double({ min: 0, max: 1, maxExcluded: true, noNaN: true });

  it('waiting: whole seconds from the least to the room cap, never shorter further back, '
    + 'the cap a sixth of the grace and of the pass at most (property)', () => {
    fc.assert(fc.property(settings, fc.integer({ min: 0, max: 200_000 }),
      fc.integer({ min: 0, max: 200_000 }), uniform, (s, a, b, u) => {
        const room = { ...base, graceSeconds: s.grace, passSeconds: s.pass,
          admitPerMinute: s.rate };
        const cap = pollCapSeconds(room, PACING);
        assert.ok(cap * 6 <= Math.min(s.grace, s.pass), `cap ${cap}`);
        const [near, far] = [Math.min(a, b), Math.max(a, b)].map((ahead) => pollAfterSeconds(
          room, 'waiting', estimateWait(room, ahead, false), T, PACING, u));
        for (const i of [near!, far!]) {
          assert.ok(Number.isInteger(i) && i >= PACING.baseSeconds && i <= cap, `${i}`);
        }
        assert.ok(near! <= far!, `${near} then ${far}`);
      }));
  });

  it('pre-queue: a poll never lands later than the spread after the opening, and lands after '
    + 'it unless it comes at the cap (property)', () => {
    fc.assert(fc.property(settings, fc.integer({ min: -600_000, max: 60_000 }), uniform,
      (s, fromOpening, u) => {
        const room = { ...base, graceSeconds: s.grace, passSeconds: s.pass };
        const now = T + fromOpening;
        const cap = pollCapSeconds(room, PACING);
        const i = pollAfterSeconds(room, 'prequeue', null, now, PACING, u);
        assert.ok(Number.isInteger(i) && i >= 1 && i <= cap, `${i}`);
        const lands = now + i * 1000;
        const spread = Math.min(PACING.openingSpreadSeconds, cap);
        assert.ok(lands <= Math.max(now, T) + (2 + spread) * 1000, `lands ${lands - T}`);
        const atCap = i >= cap - Math.floor((cap * PACING.jitterPercent) / 100);
        assert.ok(lands > T || atCap, `lands ${lands - T} ms from the opening, ${i} s`);
      }));
  });
});

describe('a room\'s line, moved by tick', () => {
  const l = new Line();
  const rows: Row[] = [
    ['a joins two minutes early: pre-queue', (x) => { x.join('a'); return x.position('a'); },
      'prequeue'],
    ['b and c join a second early', (x) => { x.tick(119_000); x.join('b'); x.join('c');
      return x.position('c'); }, 'prequeue'],
    ['nobody is admitted before the opening', (x) => x.round(), 0],
    ['once the opening millisecond has passed the shuffle ranks the pre-queue and one is '
      + 'admitted (60/min, 1 s burst)', (x) => { x.tick(1_001); return x.round(); }, 1],
    ['d joins after the opening: behind all three',
      (x) => { x.join('d'); return x.position('d'); }, 3],
    ['half a second later nobody more', (x) => { x.tick(500); return x.round(); }, 0],
    ['a second later the next', (x) => { x.tick(500); return x.round(); }, 1],
    ['the cap (2 active) holds the third', (x) => { x.tick(1_000); return x.round(); }, 0],
    ['d has moved up to 2', (x) => x.position('d'), 2],
    ['one spends its pass: a place frees under the cap', (x) => {
      x.spent.add([...x.admitted.keys()][0]!); x.tick(1_000); return x.round(); }, 1],
    ['d is next', (x) => x.position('d'), 1],
    ['a pass ends unspent after its minute: d is let in', (x) => { x.tick(60_000);
      return x.round(); }, 1],
    ['d is admitted', (x) => x.position('d'), 'admitted'],
    ['a suspended room admits nobody', (x) => { x.join('e'); x.room = { ...x.room,
      suspended: true, activeMax: 100 }; x.tick(5_000); return x.round(); }, 0],
    ['resumed, no burst after the pause: one', (x) => { x.room = { ...x.room,
      suspended: false }; x.tick(5_000); return x.round(); }, 1],
  ];
  for (const [what, step, expected] of rows) {
    it(what, () => assert.deepEqual(step(l), expected));
  }
});

describe('the opening instant', () => {
  it('an arrival before or at the opening millisecond joins the shuffle; the shuffle waits '
    + 'until that millisecond has passed', () => {
    assert.equal(joinsShuffle(base, T - 1), true);
    assert.equal(joinsShuffle(base, T), true, 'at the opening instant: in time');
    assert.equal(joinsShuffle(base, T + 1), false);
    assert.equal(joinsShuffle({ ...base, order: 'fifo' }, T - 1), false);
    assert.equal(shuffleDue(base, T), false, 'a round within the opening ms shuffles nobody');
    assert.equal(shuffleDue(base, T + 1), true);
  });
});

describe('admissionRound', () => {
  it('admits nothing before the opening, while suspended or switched off', () => {
    assert.equal(admissionRound(base, T - 1, 0, 10).admit, 0);
    assert.equal(admissionRound({ ...base, suspended: true }, T + 60_000, 0, 10).admit, 0);
    assert.equal(admissionRound({ ...base, enabled: false }, T + 60_000, 0, 10).admit, 0);
  });

  it('never admits beyond the rate over any window, nor beyond the cap (property)', () => {
    fc.assert(fc.property(
      fc.integer({ min: 1, max: 6_000 }), fc.integer({ min: 1, max: 50 }),
      fc.array(fc.tuple(fc.integer({ min: 0, max: 5_000 }), fc.integer({ min: 0, max: 3 })),
        { minLength: 1, maxLength: 60 }),
      (rate, cap, steps) => {
        let room: Room = { ...base, admitPerMinute: rate, activeMax: cap };
        let now = T;
        let active = 0;
        const log: Array<[number, number]> = [];
        for (const [dt, finished] of steps) {
          now += dt;
          active = Math.max(0, active - finished);
          const r = admissionRound(room, now, active, 1_000_000);
          assert.ok(active + r.admit <= cap, 'the cap holds');
          active += r.admit;
          log.push([now, r.admit]);
          room = { ...room, tokens: r.tokens, filledAtMs: r.filledAtMs };
        }
        // Over every window [a, b]: admitted <= rate x (b - a) + one second's burst.
        const burst = Math.max(1, rate / 60);
        for (let i = 0; i < log.length; i++) {
          let sum = 0;
          for (let j = i; j < log.length; j++) {
            sum += log[j]![1];
            const from = i === 0 ? T : log[i - 1]![0];
            assert.ok(sum <= (rate * (log[j]![0] - from)) / 60_000 + burst + 1e-9,
              `window ${i}-${j}: ${sum}`);
          }
        }
      }), { numRuns: 300 });
  });

  it('an adaptive room slows with the commit queue delay, never below a tenth', () => {
    assert.equal(adaptiveFactor(0, 100), 1);
    assert.equal(adaptiveFactor(25, 100), 1);
    assert.ok(adaptiveFactor(60, 100) < 1);
    assert.equal(adaptiveFactor(100, 100), 0.1);
    assert.equal(adaptiveFactor(1_000, 100), 0.1);
  });
});

describe('positions', () => {
  it('only go down as people ahead leave and others join behind (property)', () => {
    fc.assert(fc.property(
      fc.array(fc.oneof(fc.constant<'join'>('join'), fc.constant<'admit'>('admit'),
        fc.nat({ max: 200 })), { maxLength: 200 }),
      (ops) => {
        let line: number[] = [];
        let now = T;
        let seq = 0;
        const mine = lateKey(now, 0);
        line.push(mine);
        let last = positionOf(line, mine);
        for (const op of ops) {
          now += 1;
          if (op === 'join') line.push(lateKey(now, ++seq));
          else if (op === 'admit') line = line.slice(1);
          else line = line.filter((_, i) => i !== op % Math.max(1, line.length));
          line.sort((a, b) => a - b);
          if (!line.includes(mine)) return; // admitted or lapsed: no position any more
          const p = positionOf(line, mine);
          assert.ok(p <= last, `${last} -> ${p}`);
          last = p;
        }
      }), { numRuns: 300 });
  });

  it('a late key is behind every pre-queue rank and every earlier arrival', () => {
    assert.ok(lateKey(T, 0) > 10_000_000);
    assert.ok(lateKey(T, 1023) < lateKey(T + 1, 0));
  });

  it('the estimate is the number ahead over the rate, and says how sure it is', () => {
    assert.deepEqual(estimateWait(base, 120, false), { seconds: 120, certainty: 'firm' });
    assert.equal(estimateWait(base, 5_000, false).certainty, 'likely');
    assert.equal(estimateWait({ ...base, suspended: true }, 1, false).certainty, 'uncertain');
    assert.equal(estimateWait({ ...base, adaptive: true }, 1, false).certainty, 'uncertain');
    assert.equal(estimateWait(base, 1, true).certainty, 'uncertain');
  });
});

describe('the shuffle', () => {
  it('is a permutation, the same for the same seed whatever the input order (property)', () => {
    fc.assert(fc.property(fc.uniqueArray(fc.string({ minLength: 1, maxLength: 8 }),
      { maxLength: 50 }), fc.string(), (ids, seed) => {
      const a = shuffleOrder(ids, seed);
      assert.deepEqual([...a].sort(), [...ids].sort());
      assert.deepEqual(shuffleOrder([...ids].reverse(), seed), a);
    }));
  });

  it('depends on the seed', () => {
    const ids = Array.from({ length: 20 }, (_, i) => `t${i}`);
    assert.notDeepEqual(shuffleOrder(ids, 'a'), shuffleOrder(ids, 'b'));
  });

  it('the commitment is the seed\'s sha256', () => {
    assert.equal(seedCommitment('abc'),
      'ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad');
  });
});

describe('settings', () => {
  const s = { ...base };
  const bounds = { admitPerMinuteMax: 60_000, activeMax: 100_000, passSecondsMax: 3_600,
    graceSecondsMax: 3_600 };
  const rows: Array<[string, Partial<Room>, RegExp | null]> = [
    ['valid', {}, null],
    ['pre-queue 4 minutes ahead', { prequeueAtMs: T - 240_000 }, /5 minutes/],
    ['no admissions', { admitPerMinute: 0 }, /admit_per_minute/],
    ['cap zero', { activeMax: 0 }, /active_max/],
    ['a 10 s pass', { passSeconds: 10 }, /pass_seconds/],
    ['a 2-hour grace', { graceSeconds: 7_200 }, /grace_seconds/],
    ['a 418 for waiting', { waitingStatus: 418 }, /waiting_status/],
  ];
  for (const [what, o, want] of rows) {
    it(what, () => {
      const r = validateRoom({ ...s, ...o }, bounds);
      if (want === null) assert.equal(r, null);
      else assert.match(r ?? '', want);
    });
  }
});

describe('tokens', () => {
  const secret = 'a-secret-of-sixteen+';
  it('a ticket and a pass read back; a changed byte or another secret does not', () => {
    const t = signTicket(secret, { r: 'r', t: 'wrt_1', k: 5, p: 3 });
    assert.deepEqual(openTicket(secret, t), { r: 'r', t: 'wrt_1', k: 5, p: 3 });
    assert.equal(openTicket('another-secret-16chars', t), null);
    const [kind, body, sig] = t.split('.');
    const better = Buffer.from(JSON.stringify({ r: 'r', t: 'wrt_1', k: 1, p: 1 }))
      .toString('base64url');
    assert.equal(openTicket(secret, `${kind}.${better}.${sig}`), null);
    const p = signPass(secret, { r: 'r', p: 'wrp_1', e: T });
    assert.deepEqual(openPass(secret, p), { r: 'r', p: 'wrp_1', e: T });
    assert.equal(openPass(secret, t), null, 'a ticket is not a pass');
    assert.equal(openTicket(secret, `${t}.x`), null);
    assert.equal(openTicket(secret, body!), null);
  });
});
