import type { Server } from 'node:http'
import { serve } from '@hono/node-server'
import type { Sql } from 'postgres'
import { createApp } from '../../apps/collector/src/app.js'
import { defaultPrepareWorkers } from '../../apps/collector/src/config.js'

export interface RunningCollector {
  url: string
  /** Stops listening and cuts every open connection at once, as a crashed collector would. */
  stop(): Promise<void>
}

/** The real collector app (createApp) on 127.0.0.1:`port`, as `sightline start` would serve it. */
export async function startCollector(sql: Sql, port: number): Promise<RunningCollector> {
  // Batches are prepared on worker threads, as `sightline start` does (SIGHTLINE_PREPARE_WORKERS' default).
  const app = createApp({ sql, config: { prepareWorkers: defaultPrepareWorkers() } })
  const server = await new Promise<Server>((resolve, reject) => {
    const s = serve({ fetch: app.fetch, port, hostname: '127.0.0.1' }, () => resolve(s)) as Server
    s.once('error', reject)
  })
  return {
    url: `http://127.0.0.1:${port}`,
    stop: () =>
      new Promise<void>((resolve) => {
        server.close(() => app.deps.preparer.close().then(() => resolve()))
        server.closeAllConnections()
      }),
  }
}
