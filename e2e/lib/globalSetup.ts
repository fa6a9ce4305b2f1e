import { mkdtemp, readFile } from 'node:fs/promises'
import { createServer, type Server } from 'node:http'
import { tmpdir } from 'node:os'
import path from 'node:path'
import { fileURLToPath } from 'node:url'
import { serve } from '@hono/node-server'
import { createApp } from '../../apps/collector/src/app.js'
import { createSql } from '../../apps/collector/src/db/connect.js'
import {
  type EmbeddedDatabase,
  findFreePort,
  startEmbeddedPostgres,
} from '../../apps/collector/src/db/embedded.js'
import { migrateUp } from '../../apps/collector/src/db/migrate.js'
import { loadMigrations } from '../../apps/collector/src/db/migrationFiles.js'
import { ensurePartitions } from '../../apps/collector/src/db/partitions.js'
import { createSite } from '../../apps/collector/src/db/sites.js'

const SITE_DIR = fileURLToPath(new URL('../site/', import.meta.url))
/** Fetch targets of the demo site. */
const CANNED: Record<string, [number, string]> = {
  'api/ok': [200, '{"ok":true}'],
  'api/missing': [404, 'not found'],
  'api/broken': [500, 'broken'],
}

/**
 * One fresh database (on DATABASE_URL's server, or an embedded PostgreSQL 18), the collector serving the
 * built SDK, and the demo site on another port (another origin, as in production). Tests read the
 * addresses from the environment.
 */
export default async function globalSetup() {
  let embedded: EmbeddedDatabase | undefined
  let adminUrl = process.env.DATABASE_URL
  if (!adminUrl) {
    embedded = await startEmbeddedPostgres({
      dataDir: path.join(await mkdtemp(path.join(tmpdir(), 'sightline-e2e-')), 'data'),
      port: 0,
      ephemeral: true,
      fast: true,
    })
    adminUrl = embedded.url
  }
  const dbName = `sl_e2e_${process.pid}`
  const admin = createSql(adminUrl, { max: 1 })
  await admin.unsafe(`drop database if exists ${dbName} with (force)`)
  await admin.unsafe(`create database ${dbName}`)
  await admin.end()
  const dbUrl = Object.assign(new URL(adminUrl), { pathname: `/${dbName}` }).toString()
  const sql = createSql(dbUrl, { max: 4 })
  await migrateUp(sql, await loadMigrations())
  await ensurePartitions(sql)

  const [collectorPort, sitePort] = [await findFreePort(), await findFreePort()]
  const siteOrigin = `http://127.0.0.1:${sitePort}`
  const site = await createSite(sql, { name: 'demo', companyName: 'demo', origins: [siteOrigin] })
  const app = createApp({ sql })
  const collector = serve({ fetch: app.fetch, port: collectorPort, hostname: '127.0.0.1' }) as Server
  const collectorUrl = `http://127.0.0.1:${collectorPort}`
  const demo = createServer(async (req, res) => {
    const name =
      (req.url ?? '/').split('?')[0] === '/' ? 'index.html' : (req.url ?? '').split('?')[0]!.slice(1)
    const canned = CANNED[name]
    if (canned) {
      res.writeHead(canned[0], { 'content-type': 'application/json' }).end(canned[1])
      return
    }
    try {
      const html = (await readFile(path.join(SITE_DIR, path.basename(name)), 'utf8'))
        .replaceAll('{{COLLECTOR}}', collectorUrl)
        .replaceAll('{{SITE_KEY}}', site.siteKey)
      res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' }).end(html)
    } catch {
      res.writeHead(404).end('not found')
    }
  }).listen(sitePort, '127.0.0.1')

  Object.assign(process.env, {
    E2E_DATABASE_URL: dbUrl,
    E2E_COLLECTOR_URL: collectorUrl,
    E2E_SITE_URL: siteOrigin,
    E2E_SITE_KEY: site.siteKey,
  })
  return async () => {
    collector.close()
    demo.close()
    await sql.end()
    const cleanup = createSql(adminUrl!, { max: 1 })
    await cleanup.unsafe(`drop database if exists ${dbName} with (force)`)
    await cleanup.end()
    await embedded?.stop()
  }
}
