import { readFileSync } from 'node:fs'
import { gunzipSync } from 'node:zlib'
import type { Sql } from 'postgres'
import type { Canary } from './canaries.js'

export interface Source {
  /** A table, `replay_segments (decompressed)`, or the collector log. */
  where: string
  text: string
}

/**
 * Everything the database holds as text: every row of every table of the public schema (partitioned
 * tables through their parent), as JSON, plus every replay segment decompressed.
 */
export async function databaseSources(sql: Sql): Promise<Source[]> {
  const tables = await sql<{ name: string }[]>`
    select c.relname as name from pg_class c
    where c.relnamespace = 'public'::regnamespace and c.relkind in ('r', 'p') and not c.relispartition
    order by 1`
  const sources: Source[] = []
  for (const { name } of tables) {
    const rows = await sql.unsafe<{ j: string }[]>(`select row_to_json(t)::text as j from public."${name}" t`)
    sources.push({ where: name, text: rows.map((r) => r.j).join('\n') })
  }
  const segments = await sql<{ data: Uint8Array }[]>`select data from replay_segments`
  sources.push({
    where: 'replay_segments (decompressed)',
    text: segments.map((s) => gunzipSync(s.data).toString()).join('\n'),
  })
  return sources
}

export const logSource = (file: string): Source => ({
  where: 'collector log',
  text: readFileSync(file, 'utf8'),
})

/** A number with any of space, dash or dot between its digits (as people and forms write them). */
const spacedDigits = (digits: string) => new RegExp(digits.split('').join('[\\s.-]?'))

/** Where each canary was found (an empty list is the only passing answer). */
export function findCanaries(
  canaries: Canary[],
  sources: Source[],
): { kind: string; value: string; foundIn: string[] }[] {
  return canaries.map((c) => ({
    kind: c.kind,
    value: c.value,
    foundIn: sources
      .filter(
        (s) => c.needles.some((n) => s.text.includes(n)) || (c.digits && spacedDigits(c.digits).test(s.text)),
      )
      .map((s) => s.where),
  }))
}
