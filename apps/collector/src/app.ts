import { Hono } from 'hono'
import { HTTPException } from 'hono/http-exception'
import type { Sql } from 'postgres'
import type { MigrationFile } from './db/migrationFiles.js'
import type { Logger } from './log.js'
import { healthRoutes } from './routes/health.js'

export interface AppState {
  shuttingDown: boolean
}

export interface AppDeps {
  sql: Sql
  log: Logger
  migrations: MigrationFile[]
  state: AppState
}

export interface AppConfig {
  log: Logger
  migrations: MigrationFile[]
}

/** Builds the collector's Hono app. Tests call `app.request()` on it; `server.ts` serves it. */
export function createApp({ sql, config }: { sql: Sql; config: AppConfig }) {
  const deps: AppDeps = {
    sql,
    log: config.log,
    migrations: config.migrations,
    state: { shuttingDown: false },
  }
  const app = new Hono()
  app.route('/', healthRoutes(deps))
  app.notFound((c) =>
    c.json(
      { error: { code: 'not_found', message: `no route for ${c.req.method} ${c.req.path}`, details: {} } },
      404,
    ),
  )
  app.onError((error, c) => {
    if (error instanceof HTTPException) return error.getResponse()
    deps.log.error({ err: { message: error.message, name: error.name } }, 'unhandled error')
    return c.json({ error: { code: 'internal', message: 'internal error', details: {} } }, 500)
  })
  return Object.assign(app, { deps })
}

export type App = ReturnType<typeof createApp>
