import type { IncomingMessage } from 'node:http'
import type { BatchResponse } from '@sightline/schema'
import { Hono } from 'hono'
import type { AppDeps } from '../app.js'
import { ApiError } from '../errors.js'
import { checkContentType, parseEncoding, readWire } from '../ingest/body.js'
import type { ResolvedKey } from '../ingest/siteKeys.js'
import {
  DatabaseUnavailableError,
  isUnavailable,
  OverloadedError,
  RejectedByDatabaseError,
  toPreparedBatch,
  type WriteOutcome,
} from '../ingest/writer.js'
import { isOriginAllowed } from '../originUtils.js'

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
    /** The type of each accepted event, once the batch is prepared. */
    let kinds: string[] = []
    const count = (outcome: string, reason = '') => metrics.batches.inc({ outcome, reason })
    /** One increment per event kind, not per event: label lookups are the costly part of prom-client. */
    const countEvents = (outcome: string, reason: string) => {
      const perKind = new Map<string, number>()
      for (const kind of kinds) perKind.set(kind, (perKind.get(kind) ?? 0) + 1)
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
      const incoming = (c.env as { incoming?: IncomingMessage } | undefined)?.incoming
      const wire = await readWire(c.req.raw, deps.config.limits, incoming)
      // Decode, validate, scrub and encode rows: on a worker thread (preparePool.ts).
      const prepared = await deps.preparer.prepare({
        wire,
        encoding,
        limits: deps.config.limits,
        receivedAt: Date.now(),
        siteId: key.siteId,
      })
      if (encoding) metrics.compressionRatio.observe(prepared.bodyBytes / Math.max(1, wire.length))
      kinds = prepared.kinds
      const { rejected } = prepared
      metrics.eventsReceived.inc(kinds.length + rejected.length)
      for (const r of rejected) metrics.events.inc({ outcome: 'rejected', kind: 'unknown', reason: r.reason })
      if (kinds.length === 0) {
        throw new ApiError(
          400,
          'invalid_events',
          `every event of the batch was refused (${rejected.length})`,
          { rejected: rejected.slice(0, 20) },
        )
      }
      for (const [rule, n] of Object.entries(prepared.scrubCounts)) metrics.scrubbed.inc({ rule }, n)
      const submission = deps.writer.submit(toPreparedBatch(key.siteId, prepared))
      // The deadline counts from the request's start: reading and parsing a body on a busy process must not
      // push the answer past it.
      const budget = Math.max(0, deps.config.answerDeadlineMs - (performance.now() - started))
      const outcome: WriteOutcome = await withDeadline(submission.done, budget, () => {
        submission.abandon()
        // Too late to take back if its transaction already runs: count what commits after the 503.
        submission.done.then(
          (late) => late === 'stored' && metrics.eventsWrittenLate.inc(kinds.length),
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
      countEvents(outcome === 'stored' ? 'written' : 'duplicate', '')
      count(outcome)
      const response: BatchResponse = {
        ok: true,
        duplicate: outcome === 'duplicate',
        accepted: outcome === 'stored' ? kinds.length : 0,
        rejected,
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
        countEvents('rejected', error.code)
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
