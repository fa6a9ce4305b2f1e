import { promisify } from 'node:util'
import { gzip } from 'node:zlib'
import type { BatchResponse } from '@sightline/schema'
import { Hono } from 'hono'
import type { AppDeps } from '../app.js'
import { ApiError } from '../errors.js'
import { checkContentType, parseEncoding, readBody } from '../ingest/body.js'
import { appendRow, toRows } from '../ingest/rows.js'
import { type ScrubCounts, totalScrubbed } from '../ingest/scrub.js'
import type { ResolvedKey } from '../ingest/siteKeys.js'
import { parseBatch } from '../ingest/validate.js'
import {
  DatabaseUnavailableError,
  isUnavailable,
  OverloadedError,
  RejectedByDatabaseError,
  type WriteOutcome,
} from '../ingest/writer.js'
import { isOriginAllowed } from '../originUtils.js'

const gzipAsync = promisify(gzip)
const PREFLIGHT_MAX_AGE_S = '3600'

function unavailable(message: string, retryAfterS: number): ApiError {
  return new ApiError(
    503,
    'unavailable',
    message,
    { retryAfterSeconds: retryAfterS },
    { 'retry-after': String(retryAfterS) },
  )
}

/** Rejects after `ms` so that no request waits on the database longer than the answer budget. */
function withDeadline<T>(promise: Promise<T>, ms: number, onTimeout: () => void): Promise<T> {
  let timer: NodeJS.Timeout
  return Promise.race([
    promise,
    new Promise<T>((_, reject) => {
      timer = setTimeout(() => {
        onTimeout()
        reject(new DatabaseUnavailableError(`no database answer within ${ms} ms`))
      }, ms)
    }),
  ]).finally(() => clearTimeout(timer))
}

export function keyFrom(req: {
  header(name: string): string | undefined
  query(name: string): string | undefined
}): string | undefined {
  return req.header('x-sightline-key') ?? req.query('key')
}

/** Resolves the site key and checks the Origin; throws the 401/403/503 the request deserves. */
/**
 * Resolves a public site key for a request (header or query), or throws the 401/403 it deserves, or a
 * 503 when the database cannot tell within the answer deadline. `action` says what the key is for.
 */
export async function requireSiteKey(
  deps: AppDeps,
  secret: string | undefined,
  action: string,
): Promise<ResolvedKey & { siteId: string }> {
  if (!secret)
    throw new ApiError(
      401,
      'missing_key',
      'a site key is required: send it in the X-Sightline-Key header or the key query parameter',
    )
  const key = await withDeadline(deps.keys.resolve(secret), deps.config.answerDeadlineMs, () => {}).catch(
    (error: unknown) => {
      if (error instanceof DatabaseUnavailableError || isUnavailable(error))
        throw unavailable('the database is unavailable: retry later', deps.config.retryAfterSeconds)
      throw error
    },
  )
  if (!key) throw new ApiError(401, 'invalid_key', 'the site key is not valid')
  if (key.revoked) throw new ApiError(401, 'revoked_key', 'the site key was revoked')
  if (key.kind !== 'site' || !key.siteId)
    throw new ApiError(403, 'wrong_key_kind', `a ${key.kind} key cannot ${action}: use the site's public key`)
  return key as ResolvedKey & { siteId: string }
}

/** The site key plus the Origin rules of ingest (see docs/api.md). */
async function authorize(
  deps: AppDeps,
  secret: string | undefined,
  origin: string | undefined,
): Promise<ResolvedKey & { siteId: string }> {
  const key = await requireSiteKey(deps, secret, 'send data')
  if (origin) {
    if (!isOriginAllowed(origin, key.allowedOrigins))
      throw new ApiError(403, 'origin_not_allowed', `origin ${origin} is not allowed for this site`, {
        origin,
      })
  } else if (!key.allowNoOrigin && !key.allowedOrigins.includes('*')) {
    throw new ApiError(
      403,
      'origin_required',
      'requests without an Origin header are not allowed for this site key',
    )
  }
  return key
}

export function ingestRoutes(deps: AppDeps) {
  const app = new Hono()
  const { metrics } = deps

  app.options('/v1/batch', async (c) => {
    const origin = c.req.header('origin')
    try {
      if (!origin) throw new ApiError(403, 'origin_required', 'a preflight needs an Origin')
      await authorize(deps, keyFrom(c.req), origin)
    } catch (error) {
      if (error instanceof ApiError) return error.toResponse()
      throw error
    }
    return c.body(null, 204, {
      'access-control-allow-origin': origin,
      'access-control-allow-methods': 'POST',
      'access-control-allow-headers': 'content-type, content-encoding, x-sightline-key',
      'access-control-max-age': PREFLIGHT_MAX_AGE_S,
      vary: 'Origin',
    })
  })

  app.post('/v1/batch', async (c) => {
    const started = performance.now()
    metrics.batchesReceived.inc()
    const origin = c.req.header('origin')
    let cors: Record<string, string> = {}
    let eventsSeen: { kind: string }[] = []
    const count = (outcome: string, reason = '') => metrics.batches.inc({ outcome, reason })
    /** One increment per event kind, not per event: label lookups are the costly part of prom-client. */
    const countEvents = (outcome: string, reason: string) => {
      const perKind = new Map<string, number>()
      for (const e of eventsSeen) perKind.set(e.kind, (perKind.get(e.kind) ?? 0) + 1)
      for (const [kind, n] of perKind) metrics.events.inc({ outcome, kind, reason }, n)
    }
    try {
      checkContentType(c.req.header('content-type'))
      const key = await authorize(deps, keyFrom(c.req), origin)
      if (origin)
        cors = {
          'access-control-allow-origin': origin,
          'access-control-expose-headers': 'retry-after',
          vary: 'Origin',
        }
      const wait = deps.rateLimiter.take(key.keyId)
      if (wait > 0) {
        count('rate_limited')
        throw new ApiError(
          429,
          'rate_limited',
          `too many requests for this site key: retry in ${wait} s`,
          { retryAfterSeconds: wait },
          { 'retry-after': String(wait) },
        )
      }
      // `?encoding=gzip` lets browsers send compressed bodies without a preflight (Content-Encoding is not
      // a CORS-safelisted header) and lets sendBeacon compress at all.
      const encoding = parseEncoding(c.req.header('content-encoding') ?? c.req.query('encoding'))
      const body = await readBody(c.req.raw, encoding, deps.config.limits)
      if (encoding)
        metrics.compressionRatio.observe(
          body.length / Math.max(1, Number(c.req.header('content-length')) || body.length),
        )
      const receivedAt = Date.now()
      const parsed = parseBatch(body, receivedAt)
      eventsSeen = parsed.events.map(({ event }) => ({ kind: event.type }))
      metrics.eventsReceived.inc(parsed.events.length + parsed.rejected.length)
      for (const r of parsed.rejected)
        metrics.events.inc({ outcome: 'rejected', kind: 'unknown', reason: r.reason })
      if (parsed.events.length === 0) {
        throw new ApiError(
          400,
          'invalid_events',
          `every event of the batch was refused (${parsed.rejected.length})`,
          { rejected: parsed.rejected.slice(0, 20) },
        )
      }
      const counts: ScrubCounts = {}
      const rows = toRows({
        batch: parsed.batch,
        events: parsed.events,
        siteId: key.siteId,
        clockOffsetMs: parsed.clockOffsetMs,
        counts,
      })
      for (const segment of rows.replay) {
        const json = Buffer.from(JSON.stringify(segment.records))
        const data = await gzipAsync(json)
        appendRow(rows.tables, 'replay_segments', rows.prefix, segment.common, {
          ...segment.row,
          raw_bytes: json.length,
          data,
        })
      }
      const scrubbed = totalScrubbed(counts)
      for (const [rule, n] of Object.entries(counts)) metrics.scrubbed.inc({ rule }, n)
      const { batch } = parsed
      const submission = deps.writer.submit({
        siteId: key.siteId,
        sessionId: batch.sessionId,
        batchId: batch.batchId,
        tabId: batch.tabId,
        seq: batch.seq,
        session: rows.session,
        tables: rows.tables,
        identify: rows.identify,
        days: rows.days,
        eventCount: parsed.events.length,
        rejectedCount: parsed.rejected.length,
        clockOffsetMs: parsed.clockOffsetMs,
        scrubbedCount: scrubbed,
        rowCount: rows.rowCount + 2,
        summary: rows.summary,
      })
      // The deadline counts from the request's start: reading and parsing a body on a busy process must not
      // push the answer past it.
      const budget = Math.max(0, deps.config.answerDeadlineMs - (performance.now() - started))
      const outcome: WriteOutcome = await withDeadline(submission.done, budget, () => {
        submission.abandon()
        // Too late to take back if its transaction already runs: count what commits after the 503.
        submission.done.then(
          (late) => late === 'stored' && metrics.eventsWrittenLate.inc(parsed.events.length),
          () => {},
        )
      })
      if (outcome === 'session_conflict') {
        throw new ApiError(
          409,
          'session_conflict',
          'this session id belongs to another site; start a new session',
        )
      }
      for (const e of eventsSeen)
        metrics.events.inc({
          outcome: outcome === 'stored' ? 'written' : 'duplicate',
          kind: e.kind,
          reason: '',
        })
      count(outcome)
      const response: BatchResponse = {
        ok: true,
        duplicate: outcome === 'duplicate',
        accepted: outcome === 'stored' ? parsed.events.length : 0,
        rejected: parsed.rejected,
      }
      return c.json(response, 200, cors)
    } catch (caught) {
      let error = caught
      if (error instanceof OverloadedError)
        error = unavailable('the collector is overloaded: retry later', deps.config.retryAfterSeconds)
      else if (error instanceof DatabaseUnavailableError || isUnavailable(error))
        error = unavailable('the database is unavailable: retry later', deps.config.retryAfterSeconds)
      else if (error instanceof RejectedByDatabaseError)
        error = new ApiError(400, 'rejected_by_database', 'the batch holds values the database refused', {})
      if (!(error instanceof ApiError)) {
        count('error', 'internal')
        countEvents('error', 'internal')
        throw error
      }
      if (error.status === 503) {
        count('unavailable')
        countEvents('unavailable', '')
      } else if (error.status !== 429) {
        count('rejected', error.code)
        for (const e of eventsSeen)
          metrics.events.inc({ outcome: 'rejected', kind: e.kind, reason: error.code })
      }
      if (error.status >= 500 || error.code === 'rejected_by_database')
        deps.log.warn({ code: error.code, status: error.status }, 'ingest refused')
      return error.toResponse(cors)
    } finally {
      metrics.batchLatency.observe((performance.now() - started) / 1000)
    }
  })

  app.all('/v1/batch', (c) =>
    new ApiError(
      405,
      'method_not_allowed',
      `${c.req.method} is not allowed on /v1/batch: use POST`,
      {},
      { allow: 'POST, OPTIONS' },
    ).toResponse(),
  )
  return app
}
