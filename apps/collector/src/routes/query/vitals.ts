import { VitalsResponse } from '@sightline/schema'
import { Hono } from 'hono'
import type { TransactionSql } from 'postgres'
import { z } from 'zod'
import type { AppDeps } from '../../app.js'
import { requireReadKey, withTenant } from './auth.js'
import { limitParam, parseQuery, timeParam, timeRange, uuidParam } from './params.js'
import type { RouteSpec } from './spec.js'

const DEFAULT_DAYS = 7

export const VitalsQuery = z.strictObject({
  site: uuidParam.optional(),
  from: timeParam.optional(),
  to: timeParam.optional(),
  limit: limitParam(500, 100),
})

interface Row {
  pageUrl: string | null
  samples: number
  lcp: number | null
  inp: number | null
  cls: number | null
  fcp: number | null
  ttfb: number | null
}

async function readVitals(tx: TransactionSql, q: z.output<typeof VitalsQuery>) {
  const { from, to } = timeRange(q, DEFAULT_DAYS)
  const p75 = (metric: string) =>
    tx`percentile_cont(0.75) within group (order by value) filter (where metric = ${metric})`
  const rows = await tx<Row[]>`
    select page_url, count(*)::int as samples,
           ${p75('LCP')} as lcp, ${p75('INP')} as inp, ${p75('CLS')} as cls, ${p75('FCP')} as fcp,
           ${p75('TTFB')} as ttfb
    from page_performance
    where occurred_at >= ${from} and occurred_at < ${to} and metric in ('LCP', 'INP', 'CLS', 'FCP', 'TTFB')
      ${q.site ? tx`and site_id = ${q.site}` : tx``}
    group by page_url order by samples desc, page_url limit ${q.limit}`
  return {
    pages: rows.map((r) => ({
      pageUrl: r.pageUrl,
      samples: r.samples,
      p75: { LCP: r.lcp, INP: r.inp, CLS: r.cls, FCP: r.fcp, TTFB: r.ttfb },
    })),
  }
}

export const vitalSpecs: RouteSpec[] = [
  {
    method: 'get',
    path: '/v1/vitals',
    summary: 'Web vitals: the 75th percentile of LCP, INP, CLS, FCP and TTFB per page',
    description: `Time range [from, to), by default the last ${DEFAULT_DAYS} days. samples: measurements of the five metrics on the page; pages with the most samples first.`,
    query: VitalsQuery,
    response: VitalsResponse,
  },
]

export function vitalRoutes(deps: AppDeps) {
  return new Hono().get('/v1/vitals', async (c) => {
    const key = await requireReadKey(deps, c.req.header('authorization'))
    const q = parseQuery(VitalsQuery, c.req.query())
    return c.json(await withTenant(deps, key, (tx) => readVitals(tx, q)))
  })
}
