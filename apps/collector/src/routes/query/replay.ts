import { promisify } from 'node:util'
import { gunzip } from 'node:zlib'
import { ReplayResponse } from '@sightline/schema'
import { Hono } from 'hono'
import type { TransactionSql } from 'postgres'
import type { AppDeps } from '../../app.js'
import { requireReadKey, withTenant } from './auth.js'
import { parseId } from './params.js'
import type { RouteSpec } from './spec.js'
import { iso } from './summary.js'
import { sessionWindow } from './timeline.js'

const gunzipAsync = promisify(gunzip)

interface SegmentRow {
  tabId: string
  occurredAt: Date
  endedAt: Date
  segmentIndex: number
  hasFullSnapshot: boolean
  encoding: 'gzip' | 'none'
  data: Buffer
}

async function readSegments(tx: TransactionSql, id: string): Promise<SegmentRow[]> {
  const { from, to } = await sessionWindow(tx, id)
  return tx<SegmentRow[]>`
    select tab_id, occurred_at, ended_at, segment_index, has_full_snapshot, encoding, data
    from replay_segments where user_session_id = ${id} and occurred_at >= ${from} and occurred_at <= ${to}
    order by occurred_at, tab_id, segment_index`
}

/**
 * The stored segment is the JSON text of its records array (validated at ingest), so it is spliced
 * into the answer as it is: no parse and re-serialise of what can be megabytes of DOM snapshots.
 */
async function replayBody(rows: SegmentRow[]): Promise<string> {
  const texts = await Promise.all(
    rows.map(async (r) => (r.encoding === 'gzip' ? await gunzipAsync(r.data) : r.data).toString('utf8')),
  )
  const segments = rows.map((r, i) => {
    const head = JSON.stringify({
      tabId: r.tabId,
      at: iso(r.occurredAt),
      endedAt: iso(r.endedAt),
      segmentIndex: r.segmentIndex,
      hasFullSnapshot: r.hasFullSnapshot,
    })
    return `${head.slice(0, -1)},"events":${texts[i]}}`
  })
  return `{"segments":[${segments.join(',')}]}`
}

export const replaySpecs: RouteSpec[] = [
  {
    method: 'get',
    path: '/v1/sessions/{id}/replay',
    summary: "A session's replay: every segment of every tab, decompressed, in time order",
    params: ['id'],
    response: ReplayResponse,
  },
]

export function replayRoutes(deps: AppDeps) {
  return new Hono().get('/v1/sessions/:id/replay', async (c) => {
    const key = await requireReadKey(deps, c.req.header('authorization'))
    const id = parseId('id', c.req.param('id'))
    const rows = await withTenant(deps, key, (tx) => readSegments(tx, id))
    return c.body(await replayBody(rows), 200, { 'content-type': 'application/json' })
  })
}
