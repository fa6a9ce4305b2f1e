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

/**
 * Custom events named `name` stored for a session (only those whose props.tab is `tab`, if given): how
 * many rows, and how many distinct `props` among them.
 */
export async function customEventCounts(
  sessionId: string,
  name: string,
  tab?: string,
): Promise<{ rows: number; distinct: number }> {
  const [counts] = await sql<{ rows: number; distinct: number }[]>`
    select count(*)::int as rows, count(distinct props)::int as distinct
    from custom_events where user_session_id = ${sessionId} and name = ${name}
      and (${tab ?? null}::text is null or props->>'tab' = ${tab ?? null})`
  return counts!
}

/** Rows of `table` for a session, optionally only those whose `column` equals `value`. */
export async function countOf(table: string, sessionId: string, where?: [column: string, value: string]) {
  const [r] = await sql.unsafe<{ n: number }[]>(
    `select count(*)::int as n from ${table} where user_session_id = $1${where ? ` and ${where[0]} = $2` : ''}`,
    where ? [sessionId, where[1]] : [sessionId],
  )
  return r!.n
}
