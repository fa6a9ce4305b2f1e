import { barList } from '../charts.js'
import type { PageContext } from '../context.js'
import { filterBar, filterParams } from '../filters.js'
import { formatNumber, formatPath, formatVital, VITAL_THRESHOLDS, vitalRating } from '../format.js'
import { h, mount } from '../h.js'
import type { VitalsReport } from '../types.js'

const METRICS = ['LCP', 'INP', 'CLS', 'FCP', 'TTFB'] as const

/** Web vitals: p75 per page, a bar chart of the chosen metric (coloured by web.dev ratings) and a table. */
export async function vitalsPage(ctx: PageContext) {
  const names = ['site', 'range'] as const
  mount(
    ctx.root,
    h('h1', null, 'Web vitals'),
    filterBar(ctx, '/vitals', [...names]),
    h('p', { class: 'muted' }, 'Loading…'),
  )
  const { pages } = await ctx.api.get<VitalsReport>(
    '/v1/vitals',
    filterParams(ctx.query, [...names]),
    ctx.signal,
  )
  const metric = (METRICS as readonly string[]).includes(ctx.query.get('metric') ?? '')
    ? ctx.query.get('metric')!
    : 'LCP'
  const chartSlot = h('div')
  const drawChart = (m: string) => {
    const [good, poor] = VITAL_THRESHOLDS[m]!
    const rows = pages
      .filter((p) => p.p75[m as keyof typeof p.p75] != null)
      .sort((a, b) => (b.p75[m as 'LCP'] ?? 0) - (a.p75[m as 'LCP'] ?? 0))
      .slice(0, 20)
      .map((p) => {
        const v = p.p75[m as 'LCP']!
        return { label: formatPath(p.pageUrl), value: v, text: formatVital(m, v), tone: vitalRating(m, v) }
      })
    mount(
      chartSlot,
      h(
        'p',
        { class: 'muted' },
        `p75 of ${m} per page; good ≤ ${formatVital(m, good)}, poor > ${formatVital(m, poor)}.`,
      ),
      rows.length ? barList(rows) : h('p', { class: 'muted' }, `No ${m} samples in this range.`),
    )
  }
  const picker = h(
    'div',
    { class: 'chips', role: 'radiogroup', 'aria-label': 'Metric' },
    METRICS.map((m) =>
      h(
        'label',
        null,
        h('input', {
          type: 'radio',
          name: 'metric',
          value: m,
          checked: m === metric,
          onchange: () => drawChart(m),
        }),
        m,
      ),
    ),
  )
  drawChart(metric)
  mount(
    ctx.root,
    h('h1', null, 'Web vitals'),
    filterBar(ctx, '/vitals', [...names]),
    picker,
    chartSlot,
    h(
      'table',
      { class: 'grid vitals' },
      h(
        'thead',
        null,
        h(
          'tr',
          null,
          h('th', null, 'Page'),
          h('th', null, 'Samples'),
          METRICS.map((m) => h('th', null, `${m} p75`)),
        ),
      ),
      h(
        'tbody',
        null,
        pages.map((p) =>
          h(
            'tr',
            null,
            h('td', { class: 'url', title: p.pageUrl ?? '' }, formatPath(p.pageUrl)),
            h('td', { class: 'num' }, formatNumber(p.samples)),
            METRICS.map((m) =>
              h('td', { class: `num rating-${vitalRating(m, p.p75[m])}` }, formatVital(m, p.p75[m])),
            ),
          ),
        ),
      ),
    ),
  )
}
