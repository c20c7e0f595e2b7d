// A drawing of the car as configured: one SVG silhouette per model, painted in the chosen colour,
// with wheels drawn by the chosen size and style. Drawn here, inline: no image is downloaded.
const SVG = 'http://www.w3.org/2000/svg';

// Paint for each colour option, by the words in its id (the catalogue names colours in ids).
const PAINTS = [
  ['pearl-white', '#eeeee8'],
  ['white', '#eeeee8'],
  ['diamond-black', '#1b1c20'],
  ['obsidian-black', '#1b1c20'],
  ['titanium-black', '#2b2d31'],
  ['black', '#1b1c20'],
  ['mineral-grey', '#767b82'],
  ['titanium', '#8d9096'],
  ['grey', '#767b82'],
  ['verdant-green', '#56664a'],
  ['emerald-green', '#1d6a50'],
  ['green', '#2e6b4f'],
  ['lava-orange', '#e0601d'],
  ['orange', '#e0601d'],
  ['twilight-purple', '#6b4b8e'],
  ['cosmic-purple', '#3c2f66'],
  ['purple', '#5a3f7a'],
  ['aqua-blue', '#3f8db4'],
  ['blue', '#2f6fa8'],
  ['yellow', '#e6bf19'],
];
const PAINT_UNKNOWN = '#9aa0a6';

/** The paint (#rrggbb) of a colour option id, e.g. 'colour-lava-orange' -> '#e0601d'. */
export function paintOf(optionId) {
  const found = PAINTS.find(([word]) => String(optionId).includes(word));
  return found ? found[1] : PAINT_UNKNOWN;
}

// Body, glass and wing outlines in a 400 x 160 box; the wheels sit at x 96 and 306 on y 114.
const SHAPES = {
  sedan: {
    body: 'M18 114 L24 96 Q34 86 92 80 L146 56 Q200 42 252 48 L310 76 Q366 82 380 96 L384 114 Z',
    glass: 'M152 60 Q200 49 248 54 L292 76 L140 78 Z',
  },
  suv: {
    body: 'M14 118 L16 84 Q26 68 90 62 L128 30 Q200 20 300 26 L350 58 Q376 64 384 84 L388 118 Z',
    glass: 'M138 34 Q200 26 292 31 L334 58 L122 62 Z',
  },
  ultra: {
    body: 'M16 114 L22 98 Q34 88 92 82 L150 60 Q200 48 250 52 L314 78 Q368 84 382 98 L386 114 Z',
    glass: 'M156 64 Q200 54 246 58 L296 78 L144 80 Z',
    wing: 'M324 72 L370 68 L372 74 L326 78 Z M344 76 L348 86 L352 86 L350 76 Z',
  },
};
const SHAPE_OF_MODEL = { su7: 'sedan', 'su7-ultra': 'ultra', yu7: 'suv' };

function el(tag, attrs, ...children) {
  const node = document.createElementNS(SVG, tag);
  for (const [k, v] of Object.entries(attrs)) node.setAttribute(k, String(v));
  node.append(...children);
  return node;
}

// A wheel: tyre, rim whose size follows the inch figure in the option id, and spokes by style.
function wheel(cx, cy, wheelId) {
  const inches = Number(/(\d\d)/.exec(String(wheelId))?.[1] ?? 19);
  const rim = 12 + (inches - 19) * 2.5;
  const spokes = /magnesium/.test(wheelId) ? 10 : /forged/.test(wheelId) ? 5 : 0;
  const parts = [
    el('circle', { cx, cy, r: 27, fill: '#15161a' }),
    el('circle', { cx, cy, r: rim, fill: spokes ? '#c5c9cf' : '#8b9098' }),
  ];
  for (let i = 0; i < spokes; i++) {
    const a = (i / spokes) * 2 * Math.PI;
    parts.push(
      el('line', {
        x1: cx,
        y1: cy,
        x2: (cx + Math.cos(a) * rim).toFixed(1),
        y2: (cy + Math.sin(a) * rim).toFixed(1),
        stroke: '#4a4f57',
        'stroke-width': spokes > 6 ? 1.5 : 3,
      }),
    );
  }
  parts.push(el('circle', { cx, cy, r: 3.5, fill: '#2a2c31' }));
  return el('g', { class: 'wheel', 'data-inches': inches }, ...parts);
}

/**
 * The car as an inline <svg role="img">: `modelId` picks the silhouette, `colourId` and
 * `wheelsId` (option ids) the paint and wheels; `label` is what a screen reader says.
 */
export function carDrawing({ modelId, colourId, wheelsId, label }) {
  const shape = SHAPES[SHAPE_OF_MODEL[modelId] ?? 'sedan'];
  const paint = paintOf(colourId);
  return el(
    'svg',
    {
      class: 'car',
      viewBox: '0 0 400 150',
      role: 'img',
      'aria-label': label,
      'data-paint': paint,
      'data-model': modelId,
    },
    el('ellipse', { cx: 200, cy: 140, rx: 190, ry: 6, fill: '#d9dce1' }),
    el('path', { class: 'car-body', d: shape.body, fill: paint, stroke: '#30343a' }),
    el('path', { d: shape.glass, fill: '#2c3440', opacity: 0.85 }),
    shape.wing ? el('path', { d: shape.wing, fill: '#1b1c20' }) : '',
    wheel(96, 114, wheelsId),
    wheel(306, 114, wheelsId),
  );
}
