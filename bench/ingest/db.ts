import { createSql } from '../../apps/collector/src/db/connect.js'
import { migrateUp } from '../../apps/collector/src/db/migrate.js'
import { loadMigrations } from '../../apps/collector/src/db/migrationFiles.js'
import { ensurePartitions } from '../../apps/collector/src/db/partitions.js'

/** DATABASE_URL, default this machine's PostgreSQL 15: the server the benches create their databases on. */
export const BENCH_SERVER = process.env.DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/test'

/** BENCH_SERVER with `name` as the database. */
export function benchDbUrl(name: string): string {
  const u = new URL(BENCH_SERVER)
  u.pathname = `/${name}`
  return u.toString()
}

/**
 * Database `name` dropped and created again, migrated (from `migrationsDir`, default this checkout's
 * migrations/) with today's partitions: a bench starts from the same empty schema each run.
 */
export async function freshDatabase(name: string, options: { max?: number; migrationsDir?: string } = {}) {
  const admin = createSql(BENCH_SERVER, { max: 1 })
  await admin.unsafe(`drop database if exists ${name} with (force)`)
  await admin.unsafe(`create database ${name}`)
  await admin.end()
  const sql = createSql(benchDbUrl(name), { max: options.max ?? 4 })
  await migrateUp(sql, await loadMigrations(options.migrationsDir))
  await ensurePartitions(sql)
  return sql
}
