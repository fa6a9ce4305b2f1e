import path from 'node:path'
import postgres, { type Sql } from 'postgres'
import type { Config } from '../config.js'
import { type EmbeddedDatabase, startEmbeddedPostgres } from './embedded.js'

export interface Database {
  sql: Sql
  /** URL without the password, for messages. */
  displayUrl: string
  embedded: boolean
  close(): Promise<void>
}

export interface ConnectOptions {
  max?: number
  /** Application name shown in pg_stat_activity. */
  name?: string
}

export function createSql(url: string, options: ConnectOptions = {}): Sql {
  return postgres(url, {
    max: options.max ?? 10,
    idle_timeout: 30,
    connect_timeout: 5,
    onnotice: () => {},
    transform: postgres.camel,
    connection: { application_name: options.name ?? 'sightline' },
  })
}

export function redactUrl(url: string): string {
  try {
    const u = new URL(url)
    if (u.password) u.password = '***'
    return u.toString()
  } catch {
    return '(unparseable database URL)'
  }
}

/**
 * DATABASE_URL set → connect to it. Unset → start (or reuse) an embedded PostgreSQL 18 whose data lives
 * in `<SIGHTLINE_DATA_DIR>/pgdata`, with a `sightline` database; it is stopped by `close()`.
 */
export async function openDatabase(config: Config, options: ConnectOptions = {}): Promise<Database> {
  if (config.DATABASE_URL) {
    const sql = createSql(config.DATABASE_URL, { max: config.DATABASE_POOL_MAX, ...options })
    return {
      sql,
      displayUrl: redactUrl(config.DATABASE_URL),
      embedded: false,
      close: () => sql.end({ timeout: 5 }),
    }
  }
  const server: EmbeddedDatabase = await startEmbeddedPostgres({
    dataDir: path.join(config.SIGHTLINE_DATA_DIR, 'pgdata'),
    port: config.SIGHTLINE_EMBEDDED_PORT,
  })
  try {
    const admin = createSql(server.url, { max: 1 })
    const [found] = await admin`select 1 from pg_database where datname = 'sightline'`
    if (!found) await admin`create database sightline`
    await admin.end()
  } catch (error) {
    await server.stop()
    throw error
  }
  const url = server.url.replace(/\/postgres$/, '/sightline')
  const sql = createSql(url, { max: config.DATABASE_POOL_MAX, ...options })
  return {
    sql,
    displayUrl: redactUrl(url),
    embedded: true,
    close: async () => {
      await sql.end({ timeout: 5 })
      await server.stop()
    },
  }
}
