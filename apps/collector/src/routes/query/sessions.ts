import { ACTORS, SessionResponse, SessionsResponse, SIGNAL_KINDS } from '@sightline/schema'
import { Hono } from 'hono'
import type { TransactionSql } from 'postgres'
import { z } from 'zod'
import type { AppDeps } from '../../app.js'
import { ApiError } from '../../errors.js'
import { requireReadKey, withTenant } from './auth.js'
import { cursorParam, encodeCursor, limitParam, parseId, parseQuery, timeParam, uuidParam } from './params.js'
import type { RouteSpec } from './spec.js'
import { parseJson, type SummaryRow, summaryColumns, toSessionSummary } from './summary.js'

/** [started_at in epoch µs, session id] of the last session of a page (newest first). */
const Cursor = z.tuple([z.string().regex(/^\d{1,17}$/), z.guid()])

export const SessionsQuery = z.strictObject({
  site: uuidParam.optional(),
  from: timeParam.optional().describe('sessions started at or after'),
  to: timeParam.optional().describe('sessions started before'),
  signal: z.enum(SIGNAL_KINDS).optional().describe('only sessions with at least one signal of this kind'),
  testRun: uuidParam.optional(),
  actor: z.enum(ACTORS).optional(),
  url: z
    .string()
    .min(1)
    .max(2048)
    .optional()
    .describe('only sessions that viewed a page whose URL contains this text (case-insensitive)'),
  limit: limitParam(200, 50),
  cursor: cursorParam(Cursor).optional(),
})

type Query = z.output<typeof SessionsQuery>

/** Page views are looked for this far around the session's own time range (partition pruning). */
const URL_WINDOW = '1 day'

function filters(tx: TransactionSql, q: Query) {
  const parts = [tx`ss.site_id = site.id`]
  if (q.from) parts.push(tx`ss.started_at >= ${q.from}`)
  if (q.to) parts.push(tx`ss.started_at < ${q.to}`)
  if (q.signal) parts.push(tx`ss.signals ? ${q.signal}`)
  if (q.testRun) parts.push(tx`ss.test_run_id = ${q.testRun}`)
  if (q.actor) parts.push(tx`ss.actor = ${q.actor}`)
  if (q.url) {
    const text = q.url.toLowerCase()
    parts.push(tx`(strpos(lower(ss.entry_url), ${text}) > 0 or exists (
      select 1 from page_views pv where pv.user_session_id = ss.user_session_id
        and pv.occurred_at >= ss.started_at - ${URL_WINDOW}::interval
        and pv.occurred_at <= ss.last_seen_at + ${URL_WINDOW}::interval
        and strpos(lower(pv.url), ${text}) > 0))`)
  }
  if (q.cursor) {
    const at = () => tx`('epoch'::timestamptz + ${q.cursor![0]}::int8 * interval '1 microsecond')`
    // The first condition is the index-friendly one; the second breaks ties on the id.
    parts.push(tx`ss.started_at <= ${at()}`)
    parts.push(tx`(ss.started_at, ss.user_session_id) < (${at()}, ${q.cursor[1]}::uuid)`)
  }
  return parts.flatMap((p, i) => (i ? [tx` and `, p] : [p]))
}

/**
 * Newest first, per site then merged: each visible site (RLS on `sites`) reads the index
 * (site_id, started_at DESC) for its first `limit + 1` matches, so a company's list never sorts all
 * its sessions (560 ms at 100,000 sessions when the site is not named; docs/benchmarks.md).
 */
async function listSessions(tx: TransactionSql, q: Query) {
  const rows = await tx<(SummaryRow & { cursorUs: string })[]>`
    select ${summaryColumns(tx)}, (extract(epoch from ss.started_at) * 1000000)::int8::text as cursor_us
    from sites site
    cross join lateral (
      select * from session_summaries ss where ${filters(tx, q)}
      order by ss.started_at desc, ss.user_session_id desc limit ${q.limit + 1}
    ) ss
    join user_sessions us on us.id = ss.user_session_id
    ${q.site ? tx`where site.id = ${q.site}` : tx``}
    order by ss.started_at desc, ss.user_session_id desc
    limit ${q.limit + 1}`
  const page = rows.slice(0, q.limit)
  const last = page.at(-1)
  return {
    sessions: page.map(toSessionSummary),
    nextCursor: rows.length > q.limit && last ? encodeCursor([last.cursorUs, last.userSessionId]) : null,
  }
}

async function readSession(tx: TransactionSql, id: string) {
  const [row] = await tx<
    (SummaryRow & {
      platformDetails: string | null
      identifiedId: string | null
      traits: string | null
    })[]
  >`
    select ${summaryColumns(tx)}, us.platform_details::text as platform_details, us.identified_id, us.traits::text as traits
    from session_summaries ss join user_sessions us on us.id = ss.user_session_id
    where ss.user_session_id = ${id}`
  if (!row) throw new ApiError(404, 'not_found', 'no such session')
  return {
    session: {
      ...toSessionSummary(row),
      platformDetails: parseJson(row.platformDetails),
      identifiedId: row.identifiedId,
      traits: parseJson(row.traits),
    },
  }
}

export const sessionSpecs: RouteSpec[] = [
  {
    method: 'get',
    path: '/v1/sessions',
    summary: 'Sessions, newest first, filtered, paginated with a cursor',
    query: SessionsQuery,
    response: SessionsResponse,
  },
  {
    method: 'get',
    path: '/v1/sessions/{id}',
    summary: "One session's summary with platform details and identity",
    params: ['id'],
    response: SessionResponse,
  },
]

export function sessionRoutes(deps: AppDeps) {
  return new Hono()
    .get('/v1/sessions', async (c) => {
      const key = await requireReadKey(deps, c.req.header('authorization'))
      const q = parseQuery(SessionsQuery, c.req.query())
      return c.json(await withTenant(deps, key, (tx) => listSessions(tx, q)))
    })
    .get('/v1/sessions/:id', async (c) => {
      const key = await requireReadKey(deps, c.req.header('authorization'))
      const id = parseId('id', c.req.param('id'))
      return c.json(await withTenant(deps, key, (tx) => readSession(tx, id)))
    })
}
