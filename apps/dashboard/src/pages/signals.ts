import { barList, lineChart } from '../charts.js'
import type { PageContext } from '../context.js'
import { filterBar, filterParams } from '../filters.js'
import { formatPath, formatTime } from '../format.js'
import { h, mount } from '../h.js'
import type { SignalsReport } from '../types.js'

/** Frustration signals: trend per kind per day, top selectors and pages, and the latest signals. */
export async function signalsPage(ctx: PageContext) {
  const names = ['site', 'range', 'kind'] as const
  mount(
    ctx.root,
    h('h1', null, 'Signals'),
    filterBar(ctx, '/signals', [...names]),
    h('p', { class: 'muted' }, 'Loading…'),
  )
  const report = await ctx.api.get<SignalsReport>(
    '/v1/signals',
    { ...filterParams(ctx.query, [...names]), limit: 50 },
    ctx.signal,
  )
  const kinds = [...new Set(report.trend.map((t) => t.kind))].sort()
  const series = kinds.map((kind) => ({
    name: kind.replace(/_/g, ' '),
    points: report.trend
      .filter((t) => t.kind === kind)
      .map((t): [string, number] => [t.day.slice(0, 10), t.count]),
  }))
  const sessionLink = (id: string, at: string) => `/sessions/${id}?t=${Date.parse(at)}`
  mount(
    ctx.root,
    h('h1', null, 'Signals'),
    filterBar(ctx, '/signals', [...names]),
    h(
      'section',
      null,
      h('h2', null, 'Trend per day'),
      series.length
        ? lineChart(series, { label: 'Signals per day and kind' })
        : h('p', { class: 'muted' }, 'No signals in this range.'),
    ),
    h(
      'div',
      { class: 'columns' },
      h(
        'section',
        { 'aria-label': 'Top selectors' },
        h('h2', null, 'Top selectors'),
        barList(
          report.bySelector.slice(0, 15).map((r) => ({
            label: `${r.selector ?? '(none)'} · ${r.kind.replace(/_/g, ' ')}`,
            value: r.count,
            text: `${r.count} in ${r.sessions} session${r.sessions === 1 ? '' : 's'}`,
          })),
        ),
      ),
      h(
        'section',
        { 'aria-label': 'Top pages' },
        h('h2', null, 'Top pages'),
        barList(
          report.byPage.slice(0, 15).map((r) => ({
            label: formatPath(r.pageUrl),
            value: r.count,
            text: `${r.count} in ${r.sessions} session${r.sessions === 1 ? '' : 's'}`,
          })),
        ),
      ),
    ),
    h(
      'section',
      null,
      h('h2', null, 'Latest'),
      h(
        'table',
        { class: 'grid' },
        h(
          'thead',
          null,
          h(
            'tr',
            null,
            ['When', 'Kind', 'Reason', 'Selector', 'Page', 'Rule'].map((t) => h('th', null, t)),
          ),
        ),
        h(
          'tbody',
          null,
          report.signals.map((s) =>
            h(
              'tr',
              null,
              h(
                'td',
                null,
                h('a', { href: sessionLink(s.sessionId, s.at), 'data-link': true }, formatTime(s.at)),
              ),
              h('td', null, h('span', { class: `badge signal-${s.kind}` }, s.kind.replace(/_/g, ' '))),
              h('td', null, s.reason ?? ''),
              h('td', { class: 'mono' }, s.selector ?? ''),
              h('td', { class: 'url' }, formatPath(s.pageUrl)),
              h('td', null, s.ruleVersion),
            ),
          ),
        ),
      ),
    ),
  )
}
