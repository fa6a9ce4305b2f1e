import { gunzipSync } from 'node:zlib'
import postgres from 'postgres'
import { RECORDING_TABLES } from '../../apps/collector/src/db/tables.js'

/** The e2e database (set up by globalSetup), read with postgres.js, snake_case columns kept. */
export const sql = postgres(process.env.E2E_DATABASE_URL!, { max: 2, onnotice: () => {} })

export { RECORDING_TABLES }

export async function rowsOf(table: string, sessionId: string): Promise<Record<string, unknown>[]> {
  return sql.unsafe(`select * from ${table} where user_session_id = $1 order by occurred_at`, [sessionId])
}

/** Everything stored for a session, as one string: every row of every table plus decompressed replay. */
export async function everythingStoredFor(sessionId: string): Promise<string> {
  const tables = await sql<{ name: string }[]>`
    select c.relname as name from pg_class c join pg_attribute a on a.attrelid = c.oid and a.attname = 'user_session_id'
    where c.relnamespace = 'public'::regnamespace and c.relkind = 'p'`
  let all = JSON.stringify(await sql`select * from user_sessions where id = ${sessionId}`)
  for (const { name } of tables) {
    const rows = await rowsOf(name, sessionId)
    for (const row of rows) {
      if (row.data instanceof Uint8Array) all += gunzipSync(row.data).toString()
      all += JSON.stringify(row, (_k, v) => (v instanceof Uint8Array ? '' : v))
    }
  }
  return all
}
