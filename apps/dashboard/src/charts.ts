import { h, svg } from './h.js'

/** Colours per series, in order (readable on white, distinct for the common colour-blindnesses). */
export const PALETTE = [
  '#0072b2',
  '#d55e00',
  '#009e73',
  '#cc79a7',
  '#e69f00',
  '#56b4e9',
  '#f0e442',
  '#000000',
]

export interface Series {
  name: string
  /** [x label, y] pairs; x labels are shared across series (e.g. days). */
  points: [string, number][]
}

/** A multi-series line chart in SVG over shared x labels, with a y axis from 0 and a legend. */
export function lineChart(series: Series[], { width = 720, height = 220, label = 'Chart' } = {}): Element {
  const xs = [...new Set(series.flatMap((s) => s.points.map(([x]) => x)))].sort()
  const max = Math.max(1, ...series.flatMap((s) => s.points.map(([, y]) => y)))
  const pad = { l: 36, r: 8, t: 8, b: 24 }
  const w = width - pad.l - pad.r
  const hgt = height - pad.t - pad.b
  const px = (i: number) => pad.l + (xs.length > 1 ? (i / (xs.length - 1)) * w : w / 2)
  const py = (y: number) => pad.t + hgt - (y / max) * hgt
  const ticks = [0, Math.round(max / 2), max].filter((v, i, a) => a.indexOf(v) === i)
  const every = Math.max(1, Math.ceil(xs.length / 8))
  return h(
    'figure',
    { class: 'chart' },
    svg(
      'svg',
      { viewBox: `0 0 ${width} ${height}`, role: 'img', 'aria-label': label, width: '100%' },
      ticks.map((t) => [
        svg('line', { x1: pad.l, x2: width - pad.r, y1: py(t), y2: py(t), class: 'grid-line' }),
        svg('text', { x: pad.l - 4, y: py(t) + 4, 'text-anchor': 'end', class: 'tick' }, String(t)),
      ]),
      xs.map((x, i) =>
        i % every === 0
          ? svg('text', { x: px(i), y: height - 6, 'text-anchor': 'middle', class: 'tick' }, x.slice(5))
          : null,
      ),
      series.map((s, n) => {
        const byX = new Map(s.points)
        const pts = xs.map((x, i) => `${px(i)},${py(byX.get(x) ?? 0)}`)
        const color = PALETTE[n % PALETTE.length]!
        return svg(
          'g',
          { 'data-series': s.name },
          svg('polyline', { points: pts.join(' '), fill: 'none', stroke: color, 'stroke-width': 2 }),
          xs.map((x, i) =>
            svg(
              'circle',
              { cx: px(i), cy: py(byX.get(x) ?? 0), r: 3, fill: color },
              svg('title', null, `${s.name} ${x}: ${byX.get(x) ?? 0}`),
            ),
          ),
        )
      }),
    ),
    h(
      'figcaption',
      { class: 'legend' },
      series.map((s, n) =>
        h(
          'span',
          null,
          h('span', { class: 'swatch', style: `background:${PALETTE[n % PALETTE.length]}` }),
          s.name,
        ),
      ),
    ),
  )
}

/** Horizontal bars (HTML, so labels wrap and stay selectable); `tone` colours a bar (good / ni / poor). */
export function barList(
  rows: { label: string; value: number; text: string; tone?: string; href?: string }[],
): Element {
  const max = Math.max(...rows.map((r) => r.value), 0) || 1
  return h(
    'ul',
    { class: 'bars' },
    rows.map((r) =>
      h(
        'li',
        null,
        h(
          'span',
          { class: 'bar-label', title: r.label },
          r.href ? h('a', { href: r.href, 'data-link': true }, r.label) : r.label,
        ),
        h(
          'span',
          { class: 'bar-track' },
          h('span', {
            class: `bar ${r.tone ? `tone-${r.tone}` : ''}`,
            style: `width:${((r.value / max) * 100).toFixed(1)}%`,
          }),
        ),
        h('span', { class: 'bar-value' }, r.text),
      ),
    ),
  )
}
