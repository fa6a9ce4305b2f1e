import { TestRunResponse, TestRunsResponse } from '@sightline/schema'
import { Hono } from 'hono'
import type { TransactionSql } from 'postgres'
import { z } from 'zod'
import type { AppDeps } from '../../app.js'
import { ApiError } from '../../errors.js'
import { requireReadKey, withTenant } from './auth.js'
import { cursorParam, encodeCursor, limitParam, parseId, parseQuery, uuidParam } from './params.js'
import type { RouteSpec } from './spec.js'
import { iso, parseJson, type SummaryRow, summaryColumns, toSessionSummary } from './summary.js'

/** Sessions listed with one test run at most (the earliest). */
export const TEST_RUN_SESSIONS_LIMIT = 1000
/** The custom event a test harness sends for each step: props { title, phase: 'start'|'end', stepId }. */
export const TEST_STEP_EVENT = 'test.step'

const Cursor = z.tuple([z.string().regex(/^\d{1,17}$/), z.guid()])

export const TestRunsQuery = z.strictObject({
  site: uuidParam.optional(),
  limit: limitParam(200, 50),
  cursor: cursorParam(Cursor).optional(),
})

type Status = 'running' | 'passed' | 'failed' | 'aborted'
/** A JSON column selected as text (see parseJson). */
type Json = string | null

async function listTestRuns(tx: TransactionSql, q: z.output<typeof TestRunsQuery>) {
  const at = () => tx`('epoch'::timestamptz + ${q.cursor?.[0] ?? '0'}::int8 * interval '1 microsecond')`
  const rows = await tx<
    {
      id: string
      name: string
      status: Status
      persona: Json
      aiMetadata: Json
      createdAt: Date
      cursorUs: string
      sessionCount: number
    }[]
  >`
    select t.id, t.name, t.status, t.persona::text as persona, t.ai_metadata::text as ai_metadata, t.created_at,
           (extract(epoch from t.created_at) * 1000000)::int8::text as cursor_us,
           (select count(*)::int from user_sessions s where s.test_run_id = t.id) as session_count
    from test_runs t
    where true ${q.site ? tx`and t.site_id = ${q.site}` : tx``}
      ${q.cursor ? tx`and t.created_at <= ${at()} and (t.created_at, t.id) < (${at()}, ${q.cursor[1]}::uuid)` : tx``}
    order by t.created_at desc, t.id desc
    limit ${q.limit + 1}`
  const page = rows.slice(0, q.limit)
  const last = page.at(-1)
  return {
    testRuns: page.map((r) => ({
      id: r.id,
      name: r.name,
      status: r.status,
      persona: parseJson(r.persona),
      aiMetadata: parseJson(r.aiMetadata),
      createdAt: iso(r.createdAt),
      sessionCount: r.sessionCount,
    })),
    nextCursor: rows.length > q.limit && last ? encodeCursor([last.cursorUs, last.id]) : null,
  }
}

async function readTestRun(tx: TransactionSql, id: string) {
  const [run] = await tx<
    {
      id: string
      name: string
      status: Status
      persona: Json
      platformDetails: Json
      testConfig: Json
      aiMetadata: Json
      createdAt: Date
    }[]
  >`select id, name, status, persona::text as persona, platform_details::text as platform_details,
           test_config::text as test_config, ai_metadata::text as ai_metadata, created_at
    from test_runs where id = ${id}`
  if (!run) throw new ApiError(404, 'not_found', 'no such test run')
  const [sessions, steps] = await Promise.all([
    tx<SummaryRow[]>`
      select ${summaryColumns(tx)}
      from session_summaries ss join user_sessions us on us.id = ss.user_session_id
      where ss.test_run_id = ${id}
      order by ss.started_at, ss.user_session_id limit ${TEST_RUN_SESSIONS_LIMIT}`,
    tx<
      {
        userSessionId: string
        title: string
        occurredAt: Date
        phase: 'start' | 'end'
        stepId: string | null
      }[]
    >`
      select ce.user_session_id, ce.props ->> 'title' as title, ce.occurred_at, ce.props ->> 'phase' as phase,
             ce.props ->> 'stepId' as step_id
      from custom_events ce
      where ce.user_session_id in (select s.id from user_sessions s where s.test_run_id = ${id})
        and ce.name = ${TEST_STEP_EVENT}
        and ce.props ->> 'phase' in ('start', 'end') and ce.props ->> 'title' is not null
      order by ce.occurred_at, ce.batch_id, ce.event_index`,
  ])
  return {
    testRun: {
      id: run.id,
      name: run.name,
      status: run.status,
      persona: parseJson(run.persona),
      platformDetails: parseJson(run.platformDetails),
      testConfig: parseJson(run.testConfig),
      aiMetadata: parseJson(run.aiMetadata),
      createdAt: iso(run.createdAt),
    },
    sessions: sessions.map(toSessionSummary),
    steps: onePerStepAndPhase(steps).map((s) => ({
      sessionId: s.userSessionId,
      title: s.title,
      at: iso(s.occurredAt),
      phase: s.phase,
      stepId: s.stepId,
    })),
  }
}

export const testRunSpecs: RouteSpec[] = [
  {
    method: 'get',
    path: '/v1/test-runs',
    summary: 'Test runs, newest first, with their number of sessions',
    query: TestRunsQuery,
    response: TestRunsResponse,
  },
  {
    method: 'get',
    path: '/v1/test-runs/{id}',
    summary: 'One test run with its sessions and the steps its harness reported',
    description: `Sessions: the earliest ${TEST_RUN_SESSIONS_LIMIT}. Steps: custom events named "${TEST_STEP_EVENT}" with props { title, phase: "start" | "end", stepId }.`,
    params: ['id'],
    response: TestRunResponse,
  },
]

export function testRunReadRoutes(deps: AppDeps) {
  return new Hono()
    .get('/v1/test-runs', async (c) => {
      const key = await requireReadKey(deps, c.req.header('authorization'))
      const q = parseQuery(TestRunsQuery, c.req.query())
      return c.json(await withTenant(deps, key, (tx) => listTestRuns(tx, q)))
    })
    .get('/v1/test-runs/:id', async (c) => {
      const key = await requireReadKey(deps, c.req.header('authorization'))
      const id = parseId('id', c.req.param('id'))
      return c.json(await withTenant(deps, key, (tx) => readTestRun(tx, id)))
    })
}

/**
 * Every page open during a step records it (pages loaded during it inherit its start): keep the earliest
 * start and the latest end of each stepId, in time order. Rows without a stepId are kept as they are.
 */
export function onePerStepAndPhase<
  T extends { stepId: string | null; phase: 'start' | 'end'; occurredAt: Date },
>(rows: T[]): T[] {
  const starts = new Map<string, T>()
  const ends = new Map<string, T>()
  const loose: T[] = []
  for (const row of rows) {
    if (row.stepId === null) loose.push(row)
    else if (row.phase === 'end')
      ends.set(row.stepId, row) // rows come in time order: the last one wins
    else if (!starts.has(row.stepId)) starts.set(row.stepId, row)
  }
  return [...loose, ...starts.values(), ...ends.values()].sort(
    (a, b) => a.occurredAt.getTime() - b.occurredAt.getTime(),
  )
}
