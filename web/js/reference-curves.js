// Published firm-order counts of earlier launches (docs: DOMAIN.md), as [seconds since opening,
// firm orders]. Between published points the curve is a straight line, which the screen says:
// these are interpolations of a handful of reported figures, not measurements.
export const REFERENCE_CURVES = [
  {
    id: 'su7',
    launchId: 'su7-2024',
    name: 'SU7 (28 Mar 2024)',
    name_zh: 'SU7（2024年3月28日）',
    points: [
      [0, 0],
      [240, 10000],
      [420, 20000],
      [1620, 50000],
      [86400, 88898],
    ],
  },
  {
    // "Over 200,000 in 3 minutes" is drawn as 200,000: the published floor.
    id: 'yu7',
    launchId: 'yu7-2025',
    name: 'YU7 (26 Jun 2025)',
    name_zh: 'YU7（2025年6月26日）',
    points: [
      [0, 0],
      [120, 196000],
      [180, 200000],
      [3600, 289000],
    ],
  },
];

// Firm orders at `seconds` after opening; past the last published point the curve is held flat
// (we know no later figure), and null says so.
export function referenceAt(points, seconds) {
  if (seconds <= 0) return 0;
  for (let i = 1; i < points.length; i++) {
    const [t1, n1] = points[i];
    if (seconds <= t1) {
      const [t0, n0] = points[i - 1];
      return n0 + ((n1 - n0) * (seconds - t0)) / (t1 - t0);
    }
  }
  return null;
}

// Curves that describe launches earlier than this one: a launch is not compared with itself.
export function curvesFor(launch) {
  const opens = Date.parse(launch.opens_at);
  const published = {
    'su7-2024': Date.parse('2024-03-28T10:00:00Z'),
    'yu7-2025': Date.parse('2025-06-26T14:00:00Z'),
  };
  return REFERENCE_CURVES.filter(
    (c) => c.launchId !== launch.launch_id && published[c.launchId] < opens,
  );
}
