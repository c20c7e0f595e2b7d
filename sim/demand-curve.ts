// The shape of launch-night demand: the share of the hour's firm orders placed by each second
// after the opening. Fitted to the YU7 figures (DOMAIN.md): 196,000 of 289,000 in the first two
// minutes, over 200,000 in three, all 289,000 within the hour. Each segment decays exponentially
// and the rate never rises from one segment to the next, so the peak is the opening second.

export interface CurveSegment {
  readonly endSeconds: number;
  /** Cumulative share of the hour's orders placed by `endSeconds`. */
  readonly shareAtEnd: number;
  /** Time constant of the exponential decay of the arrival rate inside this segment. */
  readonly decaySeconds: number;
}

export const YU7_FIRST_HOUR_ORDERS = 289_000;
export const YU7_ORDERS_2_MIN = 196_000;
export const YU7_ORDERS_3_MIN = 200_000;

export const YU7_SEGMENTS: readonly CurveSegment[] = [
  { endSeconds: 120, shareAtEnd: YU7_ORDERS_2_MIN / YU7_FIRST_HOUR_ORDERS, decaySeconds: 35 },
  // "Over 200,000 in three minutes": 202,300 of 289,000.
  { endSeconds: 180, shareAtEnd: 0.7, decaySeconds: 100 },
  { endSeconds: 3600, shareAtEnd: 1, decaySeconds: 1200 },
];

/**
 * The SU7 night of 28 March 2024 (DOMAIN.md): 10,000 firm orders in 4 minutes, 20,000 in 7,
 * 50,000 in 27 and 88,898 in 24 hours. Its curve runs a day, not an hour.
 */
export const SU7_DAY_ORDERS = 88_898;
export const SU7_ORDERS_BY = Object.freeze({ s240: 10_000, s420: 20_000, s1620: 50_000 });

export const SU7_SEGMENTS: readonly CurveSegment[] = [
  { endSeconds: 240, shareAtEnd: SU7_ORDERS_BY.s240 / SU7_DAY_ORDERS, decaySeconds: 240 },
  { endSeconds: 420, shareAtEnd: SU7_ORDERS_BY.s420 / SU7_DAY_ORDERS, decaySeconds: 400 },
  { endSeconds: 1620, shareAtEnd: SU7_ORDERS_BY.s1620 / SU7_DAY_ORDERS, decaySeconds: 900 },
  { endSeconds: 86_400, shareAtEnd: 1, decaySeconds: 20_000 },
];

/**
 * The night a launch is played with: the SU7 day for the SU7 model (`su7`, `su7-2024`), the YU7
 * hour for every other launch (as before). `orders` is the night's count at scale 1.
 */
export function nightOf(launch: string): { curve: DemandCurve; orders: number } {
  return launch === 'su7' || launch === 'su7-2024'
    ? { curve: new DemandCurve(SU7_SEGMENTS), orders: SU7_DAY_ORDERS }
    : { curve: new DemandCurve(), orders: YU7_FIRST_HOUR_ORDERS };
}

export class DemandCurve {
  constructor(readonly segments: readonly CurveSegment[] = YU7_SEGMENTS) {
    let start = 0;
    let share = 0;
    for (const s of segments) {
      if (!(s.endSeconds > start && s.shareAtEnd > share && s.decaySeconds > 0)) {
        throw new Error('demand curve segments must increase in time and share');
      }
      start = s.endSeconds;
      share = s.shareAtEnd;
    }
    if (share !== 1) throw new Error('the last segment must end at share 1');
  }

  get durationSeconds(): number {
    return this.segments[this.segments.length - 1]!.endSeconds;
  }

  /** Share of orders placed by `t` seconds after the opening. */
  cumulative(t: number): number {
    let start = 0;
    let base = 0;
    for (const s of this.segments) {
      if (t < s.endSeconds) {
        if (t <= start) return base;
        const length = s.endSeconds - start;
        const mass = s.shareAtEnd - base;
        return base + mass * (1 - Math.exp(-(t - start) / s.decaySeconds)) /
          (1 - Math.exp(-length / s.decaySeconds));
      }
      start = s.endSeconds;
      base = s.shareAtEnd;
    }
    return 1;
  }

  /** Arrival rate at `t`, as a share of the hour's orders per second. */
  rate(t: number): number {
    let start = 0;
    let base = 0;
    for (const s of this.segments) {
      if (t < s.endSeconds) {
        const length = s.endSeconds - start;
        const mass = s.shareAtEnd - base;
        return mass * Math.exp(-(Math.max(t, start) - start) / s.decaySeconds) /
          (s.decaySeconds * (1 - Math.exp(-length / s.decaySeconds)));
      }
      start = s.endSeconds;
      base = s.shareAtEnd;
    }
    return 0;
  }

  /** The second at which the share `u` (0 <= u < 1) of orders has been placed. */
  inverse(u: number): number {
    let start = 0;
    let base = 0;
    for (const s of this.segments) {
      if (u < s.shareAtEnd) {
        const length = s.endSeconds - start;
        const x = (u - base) / (s.shareAtEnd - base);
        return start - s.decaySeconds * Math.log(1 - x * (1 - Math.exp(-length / s.decaySeconds)));
      }
      start = s.endSeconds;
      base = s.shareAtEnd;
    }
    return this.durationSeconds;
  }
}
