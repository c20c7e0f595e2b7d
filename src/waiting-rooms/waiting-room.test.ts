// The waiting room's rules as tables with the clock moved by `tick` (a small in-memory line
// driven by the pure functions the service uses), and properties (fast-check): admissions
// never beyond the rate or the cap, positions never up, the shuffle a reproducible permutation,
// tokens that cannot be forged.
import { strict as assert } from 'node:assert';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { openPass, openTicket, signPass, signTicket } from './room-tokens.js';
import {
  adaptiveFactor, admissionRound, drawOf, estimateWait, lateKey, permute, pollAfterSeconds,
  pollCapSeconds, positionOf, prequeueOrder, seedCommitment,
  joinsPrequeue, shuffleDue, shuffleOrder, ticketHash,
  validateRoom,
  type Phase, type PollPacing, type Room,
} from './waiting-room.js';

const T = 1_750_946_400_000;
const base: Room = { roomId: 'r', scope: 'launch', targetId: 'yu7', enabled: true,
  suspended: false, opensAtMs: T, prequeueAtMs: T - 600_000, order: 'shuffle',
  admitPerMinute: 60, activeMax: 2, passSeconds: 60, graceSeconds: 300, adaptive: false,
  waitingStatus: 200, seed: 'seed', seedCommitment: seedCommitment('seed'), shuffledAtMs: null,
  tokens: 0, filledAtMs: null, admittedTotal: 0, createdAtMs: T - 700_000,
  updatedAtMs: T - 700_000, drawScheme: 2 };

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
    this.keys.set(who, joinsPrequeue(this.room, this.now) ? null
      : lateKey(this.now, this.#seq++));
  }
  round() {
    if (shuffleDue(this.room, this.now) && this.room.shuffledAtMs === null) {
      const early = [...this.keys].filter(([, k]) => k === null).map(([w]) => w);
      prequeueOrder(this.room, early).forEach((w, i) => this.keys.set(w, i + 1));
      this.room = { ...this.room, shuffledAtMs: this.now };
    }
    const line = this.waiting();
    const r = admissionRound(this.room, this.now, this.activeCount(), line.length, 1, ROUND_MS);
    for (const [w] of line.slice(0, r.admit)) {
      this.admitted.set(w, this.now);
      this.keys.delete(w);
    }
    this.room = { ...this.room, tokens: r.tokens, filledAtMs: r.filledAtMs };
    return r.admit;
  }
  /** Passes given and neither spent nor ended (what the admitter counts against the cap). */
  activeCount(): number {
    return [...this.admitted].filter(([w, at]) => !this.spent.has(w)
      && at + this.room.passSeconds * 1000 > this.now).length;
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

/** The admitter's period the estimates count (Limits.waitingAdmitRoundMs's default). */
const ROUND_MS = 500;

/** The estimate the service gives `ahead` of the line now (its active passes counted). */
function estimateNow(x: Line, ahead: number): ReturnType<typeof estimateWait> {
  return estimateWait(x.room, ahead, { nowMs: x.now, active: x.activeCount(),
    roundMs: ROUND_MS });
}

/** The limits table's pacing (config.ts defaults), fixed here so the tables say their numbers. */
const PACING: PollPacing = { baseSeconds: 5, maxSeconds: 45, waitShare: 10,
  openingSpreadSeconds: 20, jitterPercent: 20 };

/** The interval the room suggests to `who` now, `u` its randomness. */
function intervalOf(x: Line, who: string, u: number): number {
  const at = x.position(who);
  const phase: Phase = typeof at === 'number' ? 'waiting' : at;
  const estimate = typeof at === 'number' ? estimateNow(x, at - 1) : null;
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
    ['fourth, at most 41 s away: still the least', (x) => intervalOf(x, at(x, 4), 0), 5],
    ['eleventh, at most 111 s away: a tenth of it', (x) => intervalOf(x, at(x, 11), 0), 12],
    ['jittered: 10 to 12 s', (x) => intervalOf(x, at(x, 11), 0.999), 10],
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
          room, 'waiting', estimateWait(room, ahead,
            { nowMs: T, active: 0, roundMs: ROUND_MS }), T, PACING, u));
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
  it('an arrival before or at the opening millisecond joins the pre-queue, in either order; '
    + 'it is keyed once that millisecond has passed', () => {
    assert.equal(joinsPrequeue(base, T - 1), true);
    assert.equal(joinsPrequeue(base, T), true, 'at the opening instant: in time');
    assert.equal(joinsPrequeue(base, T + 1), false);
    assert.equal(joinsPrequeue({ ...base, order: 'fifo' }, T - 1), true,
      'a room in arrival order shows no place before the opening either');
    assert.deepEqual(prequeueOrder({ ...base, order: 'fifo' }, ['c', 'a', 'b']), ['c', 'a', 'b'],
      'in arrival order: as they came');
    assert.deepEqual(prequeueOrder(base, ['c', 'a', 'b']), shuffleOrder(['a', 'b', 'c'], 'seed'));
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

  it('runs at its rate under 120 a minute too: no part of a token is thrown away', () => {
    for (const rate of [1, 7, 50, 90]) {
      let room: Room = { ...base, admitPerMinute: rate, activeMax: 100_000 };
      let admitted = 0;
      // Ten minutes of rounds every 500 ms, the first 3 ms after the opening.
      for (let now = T + 3; now <= T + 600_003; now += ROUND_MS) {
        const r = admissionRound(room, now, 0, 1_000_000, 1, ROUND_MS);
        admitted += r.admit;
        room = { ...room, tokens: r.tokens, filledAtMs: r.filledAtMs };
      }
      // The opening's full bucket, then the rate: 10 x rate more, less the last part-token.
      assert.ok(admitted >= 10 * rate, `${rate} a minute: ${admitted} in ten minutes`);
    }
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

  it('the estimate is the number ahead and this one over the rate plus a round, and says '
    + 'how sure it is', () => {
    const open = { ...base, activeMax: 10_000 };
    const at = (ahead: number, r: Room = open, active = 0) => estimateWait(r, ahead,
      { nowMs: T + 1, active, roundMs: ROUND_MS });
    assert.deepEqual(at(120), { seconds: 122, certainty: 'firm' });
    assert.deepEqual(at(0), { seconds: 2, certainty: 'firm' }, 'position 1: never 0 s');
    assert.equal(at(5_000).certainty, 'likely');
    assert.equal(at(1, { ...open, suspended: true }).certainty, 'uncertain');
    assert.equal(at(1, { ...open, adaptive: true }).certainty, 'uncertain');
    assert.equal(at(1, open, 10_000).certainty, 'uncertain', 'the cap full');
    assert.equal(at(1, open, 9_999).certainty, 'uncertain', 'the cap full before this turn');
    assert.equal(at(1, open, 9_998).certainty, 'firm');
    // Why, for the words the person reads: the cap is said as the cap, not as "the rate may
    // change" (the new user's find: a frozen figure while admitted buyers had not finished).
    assert.equal(at(1, open, 10_000).because, 'cap');
    assert.equal(at(1, open, 9_999).because, 'cap');
    assert.equal(at(1, { ...open, suspended: true }, 10_000).because, 'paused');
    assert.equal(at(1, { ...open, adaptive: true }).because, 'rate');
    assert.equal(at(1, open, 9_998).because, undefined);
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

  it('is public: its draw\'s hashes sorted and permuted by the seed give its ranks; the ids '
    + 'sorted (scheme 1) are no input (property)', () => {
    fc.assert(fc.property(fc.uniqueArray(fc.string({ minLength: 1, maxLength: 8 }),
      { minLength: 2, maxLength: 50 }), fc.string(), (ids, seed) => {
      const draw = drawOf(shuffleOrder(ids, seed), 2);
      assert.equal(draw.inputIndex, null);
      assert.deepEqual(permute([...draw.hashesByRank].sort(), seed), draw.hashesByRank);
    }));
    const ids = Array.from({ length: 20 }, (_, i) => `wrt_${i}`);
    assert.notDeepEqual(shuffleOrder(ids, 's'), permute([...ids].sort(), 's'));
  });

  it('a scheme 1 draw is published with the input order it was drawn over', () => {
    const ids = Array.from({ length: 20 }, (_, i) => `wrt_${i}`);
    const byRank = permute([...ids].sort(), 's');
    const draw = drawOf(byRank, 1);
    const input: string[] = [];
    draw.hashesByRank.forEach((h, i) => { input[draw.inputIndex![i]!] = h; });
    assert.deepEqual(input, [...ids].sort().map(ticketHash));
    assert.deepEqual(permute(input, 's'), draw.hashesByRank);
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

/**
 * Everyone waiting now, with the estimate they are told, then the admitter run every round
 * (the first `phaseMs` from now) until each firm estimate is either kept or broken: what each
 * was told and how long they waited (ms; null: not admitted within the run).
 */
function toldAndWaited(x: Line, phaseMs: number, horizonMs: number):
  Array<{ who: string; told: ReturnType<typeof estimateWait>; waitedMs: number | null }> {
  const t0 = x.now;
  const told = x.waiting().map(([who], i) => ({ who, told: estimateNow(x, i) }));
  x.tick(phaseMs);
  while (x.now - t0 <= horizonMs && told.some(({ who }) => !x.admitted.has(who))) {
    x.round();
    x.tick(ROUND_MS);
  }
  return told.map(({ who, told: e }) => ({ who, told: e,
    waitedMs: x.admitted.has(who) ? x.admitted.get(who)! - t0 : null }));
}

describe('the estimate is a promise the room keeps, moved by tick', () => {
  /** An arrival-order room with `who` joined just after the opening, a millisecond after it. */
  const opened = (who: string[], over: Partial<Room> = {}) => {
    const x = new Line();
    x.room = { ...base, order: 'fifo', activeMax: 100, passSeconds: 600, ...over };
    x.tick(120_001);
    for (const w of who) x.join(w);
    x.tick(1);
    return x;
  };
  /** What the first in the line is told, and whether the admission came within it. */
  const firstKept = (x: Line, phaseMs: number, horizonMs: number) => {
    const [first] = toldAndWaited(x, phaseMs, horizonMs);
    return [first!.told, first!.waitedMs! <= first!.told.seconds * 1000];
  };
  const rows: Array<[string, () => unknown, unknown]> = [
    ['position 1 right after an admission (60/min) is told the next token and round, not 0 s',
      () => {
        const x = opened(['a', 'b', 'c']);
        x.round();
        return firstKept(x, 1, 60_000);
      }, [{ seconds: 2, certainty: 'firm' }, true]],
    ['1 a minute: position 1 waits up to a minute and a round', () => {
      const x = opened(['a', 'b'], { admitPerMinute: 1 });
      x.round();
      return firstKept(x, ROUND_MS - 1, 120_000);
    }, [{ seconds: 61, certainty: 'firm' }, true]],
    ['before the opening the wait counts from the opening; an arrival-order pre-queue has no '
      + 'place to count yet', () => {
      const x = new Line();
      x.room = { ...base, order: 'fifo', activeMax: 100 };
      x.tick(60_000);
      x.join('a');
      return [estimateNow(x, 0), x.position('a')];
    }, [{ seconds: 62, certainty: 'firm' }, 'prequeue']],
    ['a cap that fills before the turn: uncertain from there on (2 active at most)', () => {
      const x = opened(['a', 'b', 'c', 'd'], { activeMax: 2 });
      return x.waiting().map((_, i) => estimateNow(x, i).certainty);
    }, ['firm', 'firm', 'uncertain', 'uncertain']],
    ['the cap full now: uncertain even at the front', () => {
      const x = opened(['a', 'b'], { activeMax: 1 });
      x.round();
      return estimateNow(x, 0).certainty;
    }, 'uncertain'],
    ['a held ticket never admits: its estimate is no promise', () => estimateWait(base, 3,
      { nowMs: T + 5_000, active: 0, roundMs: ROUND_MS, held: true }).certainty, 'uncertain'],
  ];
  for (const [what, step, expected] of rows) {
    it(what, () => assert.deepEqual(step(), expected));
  }

  it('a firm estimate is never exceeded by the admission, in a room at its configured rate '
    + '(property)', () => {
    fc.assert(fc.property(fc.record({
      rate: fc.integer({ min: 1, max: 600 }), cap: fc.integer({ min: 1, max: 40 }),
      early: fc.integer({ min: 0, max: 15 }), late: fc.integer({ min: 0, max: 25 }),
      order: fc.constantFrom<'fifo' | 'shuffle'>('fifo', 'shuffle'),
      warmMs: fc.integer({ min: 0, max: 20_000 }), phaseMs: fc.integer({ min: 0, max: ROUND_MS }),
      pass: fc.integer({ min: 30, max: 600 }), spendEvery: fc.integer({ min: 0, max: 5 }),
    }), (s) => {
      const x = new Line();
      x.room = { ...base, order: s.order, admitPerMinute: s.rate, activeMax: s.cap,
        passSeconds: s.pass };
      x.tick(60_000);
      for (let i = 0; i < s.early; i++) x.join(`e${i}`);
      x.tick(60_000);
      // Some rounds before the estimates are taken, some passes spent (a place frees).
      for (let ms = 0; ms < s.warmMs; ms += ROUND_MS) {
        x.tick(ROUND_MS);
        x.round();
        if (s.spendEvery > 0 && ms % (s.spendEvery * ROUND_MS) === 0) {
          for (const w of x.admitted.keys()) x.spent.add(w);
        }
      }
      for (let i = 0; i < s.late; i++) { x.tick(1); x.join(`l${i}`); }
      // Either order keys its pre-queue at the opening; until then the service counts no place
      // (its copy of the line is not complete).
      if (!x.room.shuffledAtMs && x.now > x.room.opensAtMs) {
        x.round();
      }
      const firm = toldAndWaited(x, s.phaseMs, (s.early + s.late + 2) * 60_000 / s.rate
        + 2_000).filter((r) => r.told.certainty === 'firm');
      for (const r of firm) {
        assert.ok(r.waitedMs !== null && r.waitedMs <= r.told.seconds * 1000,
          `${r.who} told ${r.told.seconds} s, waited ${r.waitedMs} ms`);
      }
    }), { numRuns: 300 });
  });
});
