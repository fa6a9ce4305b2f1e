import path from 'node:path'
import { MAX_DECOMPRESSED_BYTES, MAX_WIRE_BYTES } from '@sightline/schema'
import { Hono } from 'hono'
import { HTTPException } from 'hono/http-exception'
import type { Sql } from 'postgres'
import { REPO_ROOT } from './config.js'
import type { MigrationFile } from './db/migrationFiles.js'
import { ApiError } from './errors.js'
import type { BodyLimits } from './ingest/body.js'
import { createPreparer, type Preparer } from './ingest/preparePool.js'
import { createRateLimiter } from './ingest/rateLimit.js'
import { createKeyResolver, type KeyResolver } from './ingest/siteKeys.js'
import { createWriter, type Writer, type WriterOptions } from './ingest/writer.js'
import { createLogger, type Logger, loggableError } from './log.js'
import { createMetrics, type Metrics } from './metrics.js'
import { dashboardRoutes } from './routes/dashboard.js'
import { healthRoutes } from './routes/health.js'
import { ingestRoutes } from './routes/ingest.js'
import { queryRoutes } from './routes/query/index.js'
import { sdkRoutes } from './routes/sdk.js'
import { testRunRoutes } from './routes/testRuns.js'

/** Where `pnpm --filter @sightline/sdk build` writes the script-tag bundles. */
export const DEFAULT_SDK_DIR = path.join(REPO_ROOT, 'packages/sdk/dist/script')

export interface AppConfig {
  log?: Logger
  /** Migration files, for /readyz ("migrations current"). */
  migrations?: MigrationFile[]
  limits?: Partial<BodyLimits>
  rateLimit?: { ratePerSecond: number; burst: number }
  writer?: Partial<WriterOptions>
  /**
   * Worker threads that decode, validate and encode ingest batches (ingest/preparePool.ts); 0 (the
   * default here, and what tests use) does it on the calling thread. The server passes
   * SIGHTLINE_PREPARE_WORKERS.
   */
  prepareWorkers?: number
  /** No ingest request waits longer than this for the database; then it gets 503 + Retry-After. */
  answerDeadlineMs?: number
  retryAfterSeconds?: number
  /** Folder with the SDK's script-tag bundles (sdk.js, sdk-replay.js); default packages/sdk/dist/script. */
  sdkDir?: string | undefined
}

export interface ResolvedConfig {
  limits: BodyLimits
  answerDeadlineMs: number
  retryAfterSeconds: number
  sdkDir: string | undefined
}

export interface AppState {
  shuttingDown: boolean
}

export interface AppDeps {
  sql: Sql
  log: Logger
  migrations: MigrationFile[]
  state: AppState
  config: ResolvedConfig
  keys: KeyResolver
  writer: Writer
  preparer: Preparer
  rateLimiter: ReturnType<typeof createRateLimiter>
  metrics: Metrics
}

/** Defaults: see docs/operations.md. Rate limit per site key from reliability research (C1): 200/s, burst 400. */
export const DEFAULTS = {
  rateLimit: { ratePerSecond: 200, burst: 400 },
  writer: { concurrency: 1, maxRowsPerFlush: 20_000, maxPendingRows: 200_000 },
  answerDeadlineMs: 1_800,
  retryAfterSeconds: 5,
} as const

/** Builds the collector's Hono app. Tests call `app.request()` on it; `server.ts` serves it. */
export function createApp({ sql, config = {} }: { sql: Sql; config?: AppConfig }) {
  const metrics = createMetrics()
  const deps: AppDeps = {
    sql,
    log: config.log ?? createLogger('silent'),
    migrations: config.migrations ?? [],
    state: { shuttingDown: false },
    config: {
      limits: { wireBytes: MAX_WIRE_BYTES, decompressedBytes: MAX_DECOMPRESSED_BYTES, ...config.limits },
      answerDeadlineMs: config.answerDeadlineMs ?? DEFAULTS.answerDeadlineMs,
      retryAfterSeconds: config.retryAfterSeconds ?? DEFAULTS.retryAfterSeconds,
      sdkDir: config.sdkDir ?? DEFAULT_SDK_DIR,
    },
    keys: createKeyResolver(sql),
    writer: createWriter(sql, {
      ...DEFAULTS.writer,
      ...config.writer,
      onFlush: ({ rows }) => metrics.flushRows.observe(rows),
      onSignalRulesFailed: (error) =>
        deps.log.warn(
          { err: loggableError(error) },
          'signal rules failed: the batches are stored without their derived signals (sightline_derive_session_signals re-derives them)',
        ),
    }),
    preparer: createPreparer(config.prepareWorkers ?? 0),
    rateLimiter: createRateLimiter(config.rateLimit ?? DEFAULTS.rateLimit),
    metrics,
  }
  const app = new Hono()
  app.use(async (c, next) => {
    await next()
    if (deps.state.shuttingDown) c.res.headers.set('connection', 'close')
    metrics.requests.inc({ route: c.req.routePath, status: String(c.res.status) })
  })
  app.route('/', healthRoutes(deps))
  app.route('/', dashboardRoutes())
  app.route('/', ingestRoutes(deps))
  app.route('/', sdkRoutes(deps))
  app.route('/', testRunRoutes(deps))
  app.route('/', queryRoutes(deps))
  app.get('/metrics', async (c) => {
    metrics.pool.set(deps.writer.pendingRows())
    metrics.pendingBytes.set(deps.writer.pendingBytes())
    metrics.flushesRunning.set(deps.writer.running())
    return c.body(await metrics.registry.metrics(), 200, { 'content-type': metrics.registry.contentType })
  })
  app.notFound(() => new ApiError(404, 'not_found', 'no such route').toResponse())
  app.onError((error, c) => {
    if (error instanceof ApiError) return error.toResponse()
    if (error instanceof HTTPException) return error.getResponse()
    deps.log.error({ err: loggableError(error), route: c.req.routePath }, 'unhandled error')
    return c.json({ error: { code: 'internal', message: 'internal error', details: {} } }, 500)
  })
  return Object.assign(app, { deps })
}

export type App = ReturnType<typeof createApp>
