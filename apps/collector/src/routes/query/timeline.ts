import { EventsResponse, TIMELINE_KINDS, type TimelineEvent, type TimelineKind } from '@sightline/schema'
import { Hono } from 'hono'
import type { TransactionSql } from 'postgres'
import { z } from 'zod'
import type { AppDeps } from '../../app.js'
import { EVENT_TABLES } from '../../db/tables.js'
import { ApiError } from '../../errors.js'
import { requireReadKey, withTenant } from './auth.js'
import { cursorParam, encodeCursor, limitParam, parseId, parseQuery } from './params.js'
import type { RouteSpec } from './spec.js'

/** Recording table of each timeline kind (replay_segments: /replay; client_reports: not shown). */
export const TIMELINE_TABLES = Object.fromEntries(TIMELINE_KINDS.map((k) => [k, EVENT_TABLES[k]])) as Record<
  TimelineKind,
  string
>

/** Key columns every recording table has; `data` holds the others. */
const KEY_COLUMNS = '{user_session_id,site_id,occurred_at,batch_id,event_index,tab_id,page_url}'

/** [occurred_at in epoch µs (exact), batch_id, event_index, kind] of the last event of a page. */
const Cursor = z.tuple([
  z.string().regex(/^\d{1,17}$/),
  z.guid(),
  z.number().int().min(0),
  z.enum(TIMELINE_KINDS),
])

export const EventsQuery = z.strictObject({
  limit: limitParam(1000, 200),
  cursor: cursorParam(Cursor).optional(),
})

/**
 * One statement: the first `limit` rows of each table in primary-key order (an index range scan per
 * partition), merged and cut to `limit`. Order: occurred_at, batch_id, event_index, then kind as the
 * tie-break, so the cursor is a total order and pages never skip or repeat an event.
 */
export function timelineSql(withCursor: boolean): string {
  const limit = withCursor ? '$8::int' : '$4::int'
  // Exact to the microsecond (a timestamptz parameter would go through a JS Date, rounded to the ms).
  const at = `('epoch'::timestamptz + $4::int8 * interval '1 microsecond')`
  const parts = Object.entries(TIMELINE_TABLES).map(([kind, table]) => {
    const after = withCursor
      ? `and (occurred_at, batch_id, event_index) >= (${at}, $5::uuid, $6::int2)
         and not ((occurred_at, batch_id, event_index) = (${at}, $5::uuid, $6::int2) and '${kind}' <= $7::text)`
      : ''
    return `(select '${kind}'::text as kind, occurred_at, batch_id, event_index, tab_id, page_url,
        (to_jsonb(t) - '${KEY_COLUMNS}'::text[])::text as data
      from ${table} t where user_session_id = $1 and occurred_at >= $2 and occurred_at <= $3 ${after}
      order by occurred_at, batch_id, event_index limit ${limit})`
  })
  return `select kind, (extract(epoch from occurred_at) * 1000000)::int8::text as at_us, batch_id, event_index,
      tab_id, page_url, data
    from (${parts.join('\nunion all\n')}) e
    order by occurred_at, batch_id, event_index, kind limit ${limit}`
}

const SQL_FIRST = timelineSql(false)
const SQL_NEXT = timelineSql(true)

const camel = (key: string) => key.replace(/_([a-z0-9])/g, (_, c: string) => c.toUpperCase())

interface Row {
  kind: TimelineKind
  atUs: string
  batchId: string
  eventIndex: number
  tabId: string | null
  pageUrl: string | null
  /** JSON text (see parseJson in summary.ts): only the top-level column names become camelCase. */
  data: string
}

/** Events are looked for this long before the session's start and after its last event. */
export const SESSION_WINDOW_MS = 3_600_000

/**
 * The time window of a visible session's rows (404 when RLS hides it or it does not exist). Bounding
 * occurred_at lets PostgreSQL plan and scan only the session's daily partitions instead of all of them.
 * last_seen_at is the latest event time (ingest/rows.ts); events never precede the session's start by
 * more than a clock correction (ADR 0006), far less than the hour of margin.
 */
export async function sessionWindow(tx: TransactionSql, id: string): Promise<{ from: Date; to: Date }> {
  // plan_cache_mode (LOCAL): the timeline statement below is prepared once per connection and then runs
  // its generic plan, whose partition pruning happens at executor start with the bound parameters; a
  // custom plan would re-plan 15 partitioned tables on every request (docs/benchmarks.md).
  const [row] = await tx<{ startedAt: Date; lastSeenAt: Date }[]>`
    select started_at, last_seen_at, set_config('plan_cache_mode', 'force_generic_plan', true) as plan_cache_mode
    from user_sessions where id = ${id}`
  if (!row) throw new ApiError(404, 'not_found', 'no such session')
  return {
    from: new Date(row.startedAt.getTime() - SESSION_WINDOW_MS),
    to: new Date(row.lastSeenAt.getTime() + SESSION_WINDOW_MS),
  }
}

export async function readTimeline(
  tx: TransactionSql,
  id: string,
  q: z.output<typeof EventsQuery>,
): Promise<z.output<typeof EventsResponse>> {
  const { from, to } = await sessionWindow(tx, id)
  const c = q.cursor
  const params = c ? [id, from, to, c[0], c[1], c[2], c[3], q.limit + 1] : [id, from, to, q.limit + 1]
  const rows = (await tx.unsafe(c ? SQL_NEXT : SQL_FIRST, params as never[], {
    prepare: true,
  })) as unknown as Row[]
  const page = rows.slice(0, q.limit)
  const events: TimelineEvent[] = page.map((r) => {
    const t = Math.floor(Number(r.atUs) / 1000)
    const data: Record<string, unknown> = {}
    for (const [k, v] of Object.entries(JSON.parse(r.data) as Record<string, unknown>)) data[camel(k)] = v
    return { kind: r.kind, at: new Date(t).toISOString(), t, tabId: r.tabId, pageUrl: r.pageUrl, data }
  })
  const last = page.at(-1)
  const nextCursor =
    rows.length > q.limit && last ? encodeCursor([last.atUs, last.batchId, last.eventIndex, last.kind]) : null
  return { events, nextCursor }
}

export const timelineSpecs: RouteSpec[] = [
  {
    method: 'get',
    path: '/v1/sessions/{id}/events',
    summary: "A session's timeline: every kind of event merged in time order, paginated",
    params: ['id'],
    query: EventsQuery,
    response: EventsResponse,
  },
]

export function timelineRoutes(deps: AppDeps) {
  return new Hono().get('/v1/sessions/:id/events', async (c) => {
    const key = await requireReadKey(deps, c.req.header('authorization'))
    const id = parseId('id', c.req.param('id'))
    const q = parseQuery(EventsQuery, c.req.query())
    return c.json(await withTenant(deps, key, (tx) => readTimeline(tx, id, q)))
  })
}
