import { SIGNAL_KINDS, SignalsResponse } from '@sightline/schema'
import { Hono } from 'hono'
import type { TransactionSql } from 'postgres'
import { z } from 'zod'
import type { AppDeps } from '../../app.js'
import { requireReadKey, withTenant } from './auth.js'
import { limitParam, parseQuery, timeParam, timeRange, uuidParam } from './params.js'
import type { RouteSpec } from './spec.js'
import { iso, parseJson } from './summary.js'

/** Rows of `bySelector` and `byPage` at most (the largest counts). */
export const SIGNAL_GROUPS_LIMIT = 50
/** Without from/to: the last 7 days. */
const DEFAULT_DAYS = 7

export const SignalsQuery = z.strictObject({
  site: uuidParam.optional(),
  from: timeParam.optional(),
  to: timeParam.optional(),
  kind: z.enum(SIGNAL_KINDS).optional(),
  limit: limitParam(500, 50),
})

type Output = z.output<typeof SignalsResponse>

async function readSignals(tx: TransactionSql, q: z.output<typeof SignalsQuery>): Promise<Output> {
  const { from, to } = timeRange(q, DEFAULT_DAYS)
  const site = () => (q.site ? tx`and site_id = ${q.site}` : tx``)
  const kind = () => (q.kind ? tx`and kind = ${q.kind}` : tx``)
  // Aggregates come from signal_rollups (migration 0012): whole UTC days, from the day of `from` to the
  // day of the last instant before `to`.
  const days = () => tx`day >= (${from}::timestamptz at time zone 'UTC')::date
    and day <= ((${to}::timestamptz - interval '1 microsecond') at time zone 'UTC')::date ${site()}`
  // Four statements pipelined on the transaction's connection (postgres.js sends them without waiting).
  const [signals, bySelector, byPage, trend] = await Promise.all([
    tx<
      {
        userSessionId: string
        kind: Output['signals'][number]['kind']
        reason: string | null
        selector: string | null
        pageUrl: string | null
        occurredAt: Date
        evidence: string
        ruleVersion: string
      }[]
    >`select user_session_id, kind, reason, selector, page_url, occurred_at, evidence::text as evidence, rule_version
      from frustration_signals where occurred_at >= ${from} and occurred_at < ${to} ${site()} ${kind()}
      order by occurred_at desc, user_session_id, batch_id, event_index limit ${q.limit}`,
    tx<Output['bySelector']>`
      select nullif(value, '') as selector, kind, sum(signals)::int as count, sum(sessions)::int as sessions
      from signal_rollups where dimension = 'selector' and ${days()} ${kind()}
      group by value, kind order by count desc, value, kind limit ${SIGNAL_GROUPS_LIMIT}`,
    tx<Output['byPage']>`
      select nullif(value, '') as page_url, sum(signals)::int as count, sum(sessions)::int as sessions
      from signal_rollups where dimension = 'page' and kind = ${q.kind ?? ''} and ${days()}
      group by value order by count desc, value limit ${SIGNAL_GROUPS_LIMIT}`,
    tx<Output['trend']>`
      select to_char(day, 'YYYY-MM-DD') as day, kind, sum(signals)::int as count
      from signal_rollups where dimension = 'selector' and ${days()} ${kind()}
      group by day, kind order by day, kind`,
  ])
  return {
    signals: signals.map((s) => ({
      sessionId: s.userSessionId,
      kind: s.kind,
      reason: s.reason,
      selector: s.selector,
      pageUrl: s.pageUrl,
      at: iso(s.occurredAt),
      evidence: parseJson(s.evidence) ?? {},
      ruleVersion: s.ruleVersion,
    })),
    bySelector: bySelector.map((r) => ({
      selector: r.selector,
      kind: r.kind,
      count: r.count,
      sessions: r.sessions,
    })),
    byPage: byPage.map((r) => ({ pageUrl: r.pageUrl, count: r.count, sessions: r.sessions })),
    trend: trend.map((r) => ({ day: r.day, kind: r.kind, count: r.count })),
  }
}

export const signalSpecs: RouteSpec[] = [
  {
    method: 'get',
    path: '/v1/signals',
    summary: 'Frustration signals: the latest, and counts by selector, by page and per day',
    description: `signals: the latest in [from, to) (default: the last ${DEFAULT_DAYS} days). bySelector, byPage and trend count whole UTC days, from the day of \`from\` to the day of \`to\`; sessions are distinct per day, summed over the days. bySelector and byPage hold the ${SIGNAL_GROUPS_LIMIT} largest groups.`,
    query: SignalsQuery,
    response: SignalsResponse,
  },
]

export function signalRoutes(deps: AppDeps) {
  return new Hono().get('/v1/signals', async (c) => {
    const key = await requireReadKey(deps, c.req.header('authorization'))
    const q = parseQuery(SignalsQuery, c.req.query())
    return c.json(await withTenant(deps, key, (tx) => readSignals(tx, q)))
  })
}
