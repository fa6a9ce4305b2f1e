import { mkdtemp } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import path from 'node:path'
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
import { startCollector } from './collector.js'
import { startDemoSite } from './demoSite.js'

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
  const collector = await startCollector(sql, collectorPort)
  // Reserved, then left closed: the demo's request that fails with a network error goes there.
  const closedOrigin = `http://127.0.0.1:${await findFreePort()}`
  const demo = startDemoSite({
    port: sitePort,
    collectorUrl: collector.url,
    siteKey: site.siteKey,
    closedOrigin,
  })

  Object.assign(process.env, {
    E2E_DATABASE_URL: dbUrl,
    E2E_COLLECTOR_URL: collector.url,
    E2E_CLOSED_ORIGIN: closedOrigin,
    E2E_SITE_URL: siteOrigin,
    E2E_SITE_KEY: site.siteKey,
    E2E_READ_KEY: site.readKey,
  })
  return async () => {
    await collector.stop()
    demo.close()
    await sql.end()
    const cleanup = createSql(adminUrl!, { max: 1 })
    await cleanup.unsafe(`drop database if exists ${dbName} with (force)`)
    await cleanup.end()
    await embedded?.stop()
  }
}
