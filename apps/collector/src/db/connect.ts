import { connect as connectTcp, type Socket } from 'node:net'
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

/**
 * postgres.js leaves Nagle's algorithm on, so a message written in two parts (COPY data, then CopyDone)
 * waits for the server's delayed ACK: 40-90 ms per COPY here. This connects plain TCP sockets with
 * noDelay (TLS URLs keep postgres.js's own socket). See docs/adr/0005-ingest-group-commit.md.
 *
 * The socket is handed over while it connects (writes wait in its buffer), never as a rejected promise:
 * postgres.js handles a failed connection through the socket's `error` and `close` events, and loses the
 * pool slot for good when the factory rejects (after a database outage every slot hung, and so did ingest).
 * Its own connect_timeout destroys a socket that does not connect.
 */
function noDelaySocket(url: string) {
  const u = new URL(url)
  if (/ssl/i.test(u.search) || u.hostname.includes(',') || !u.hostname) return undefined
  return (options: { host: string[]; port: number[] }): Socket =>
    connectTcp({ host: options.host[0]!, port: options.port[0]!, noDelay: true })
}

export function createSql(url: string, options: ConnectOptions = {}): Sql {
  const socket = noDelaySocket(url)
  return postgres(url, {
    ...(socket ? { socket: socket as never } : {}),
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
