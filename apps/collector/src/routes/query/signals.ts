import { SessionSignalsResponse, SIGNAL_KINDS, SignalsResponse } from '@sightline/schema'
import { Hono } from 'hono'
import type { TransactionSql } from 'postgres'
import { z } from 'zod'
import type { AppDeps } from '../../app.js'
import { ApiError } from '../../errors.js'
import { requireReadKey, withTenant } from './auth.js'
import { limitParam, parseId, parseQuery, timeParam, timeRange, uuidParam } from './params.js'
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

type SignalRow = {
  userSessionId: string
  kind: Output['signals'][number]['kind']
  reason: string | null
  selector: string | null
  pageUrl: string | null
  occurredAt: Date
  evidence: string
  ruleVersion: string
}

const toSignal = (s: SignalRow): Output['signals'][number] => ({
  sessionId: s.userSessionId,
  kind: s.kind,
  reason: s.reason,
  selector: s.selector,
  pageUrl: s.pageUrl,
  at: iso(s.occurredAt),
  evidence: parseJson(s.evidence) ?? {},
  ruleVersion: s.ruleVersion,
})

/** Signals of one session at most (in time order). */
export const SESSION_SIGNALS_LIMIT = 1000

async function readSessionSignals(
  tx: TransactionSql,
  id: string,
): Promise<z.output<typeof SessionSignalsResponse>> {
  const [session] = await tx<{ startedAt: Date; lastSeenAt: Date }[]>`
    select started_at, last_seen_at from user_sessions where id = ${id}`
  if (!session) throw new ApiError(404, 'not_found', 'no such session')
  // The session's own time range, a day around it (clock skew), keeps the scan to its partitions.
  const rows = await tx<SignalRow[]>`
    select user_session_id, kind, reason, selector, page_url, occurred_at, evidence::text as evidence, rule_version
    from frustration_signals
    where user_session_id = ${id}
      and occurred_at >= ${session.startedAt}::timestamptz - interval '1 day'
      and occurred_at <= ${session.lastSeenAt}::timestamptz + interval '1 day'
    order by occurred_at, batch_id, event_index limit ${SESSION_SIGNALS_LIMIT}`
  return { signals: rows.map(toSignal) }
}

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
      SignalRow[]
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
    signals: signals.map(toSignal),
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
  {
    method: 'get',
    path: '/v1/sessions/{id}/signals',
    summary: "One session's frustration signals, the SDK's and those the collector derived, in time order",
    description: `At most ${SESSION_SIGNALS_LIMIT}. Derived signals (failed_request_click, quick_back, excessive_scrolling, mouse_thrashing, form_abandonment) exist once the batch that completes them is stored: after the SDK's flush() or @sightline/playwright's finish().`,
    params: ['id'],
    response: SessionSignalsResponse,
  },
]

export function signalRoutes(deps: AppDeps) {
  return new Hono()
    .get('/v1/signals', async (c) => {
      const key = await requireReadKey(deps, c.req.header('authorization'))
      const q = parseQuery(SignalsQuery, c.req.query())
      return c.json(await withTenant(deps, key, (tx) => readSignals(tx, q)))
    })
    .get('/v1/sessions/:id/signals', async (c) => {
      const key = await requireReadKey(deps, c.req.header('authorization'))
      const id = parseId('id', c.req.param('id'))
      return c.json(await withTenant(deps, key, (tx) => readSessionSignals(tx, id)))
    })
}
