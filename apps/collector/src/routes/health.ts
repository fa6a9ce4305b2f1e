import { Hono } from 'hono'
import type { AppDeps } from '../app.js'
import { isSchemaCurrent } from '../db/migrate.js'

const PING_TIMEOUT_MS = 1_500

async function pingDatabase(
  deps: AppDeps,
): Promise<{ status: 'up' | 'down'; latencyMs: number; error?: string }> {
  const started = performance.now()
  let timer: NodeJS.Timeout | undefined
  try {
    await Promise.race([
      deps.sql`select 1`,
      new Promise((_, reject) => {
        timer = setTimeout(() => reject(new Error(`no answer within ${PING_TIMEOUT_MS} ms`)), PING_TIMEOUT_MS)
      }),
    ])
    return { status: 'up', latencyMs: Math.round(performance.now() - started) }
  } catch (error) {
    return {
      status: 'down',
      latencyMs: Math.round(performance.now() - started),
      error: (error as Error).message,
    }
  } finally {
    clearTimeout(timer)
  }
}

/** `/healthz`: the process is alive (always 200) and how the database looks. `/readyz`: ready for traffic. */
export function healthRoutes(deps: AppDeps) {
  return new Hono()
    .get('/healthz', async (c) => c.json({ status: 'ok', database: await pingDatabase(deps) }))
    .get('/readyz', async (c) => {
      const database = await pingDatabase(deps)
      const migrations =
        database.status === 'up' ? await isSchemaCurrent(deps.sql, deps.migrations).catch(() => false) : false
      const ready = database.status === 'up' && migrations && !deps.state.shuttingDown
      return c.json(
        {
          status: ready ? 'ready' : 'not_ready',
          database,
          migrationsCurrent: migrations,
          shuttingDown: deps.state.shuttingDown,
        },
        ready ? 200 : 503,
      )
    })
}
