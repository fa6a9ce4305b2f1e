import { Readable } from 'node:stream'
import { pipeline } from 'node:stream/promises'
import type { Sql } from 'postgres'

const NEEDS_ESCAPE = /[\\\t\n\r]/

/** Escapes one value for PostgreSQL's COPY text format (NULL is \N). */
export function copyValue(value: unknown): string {
  if (value === null || value === undefined) return '\\N'
  if (typeof value === 'number' || typeof value === 'boolean') return String(value)
  if (value instanceof Date) return value.toISOString()
  if (Buffer.isBuffer(value)) return `\\\\x${value.toString('hex')}`
  const text = typeof value === 'string' ? value : JSON.stringify(value)
  if (!NEEDS_ESCAPE.test(text)) return text
  return text.replace(/[\\\t\n\r]/g, (ch) =>
    ch === '\\' ? '\\\\' : ch === '\t' ? '\\t' : ch === '\n' ? '\\n' : '\\r',
  )
}

/**
 * COPY … FROM STDIN fed by `source`. postgres.js is patched (patches/postgres@3.4.9.patch) so that an
 * error PostgreSQL reports after the data (a constraint, a missing partition) fails this stream instead
 * of leaving the COPY waiting forever.
 */
async function copyFrom(sql: Sql, table: string, columns: string[], source: Readable): Promise<void> {
  const writable = await sql.unsafe(copyStatement(table, columns)).writable()
  await pipeline(source, writable)
}

/** Streams rows into a table with COPY FROM STDIN (text format); the fastest bulk path PostgreSQL has. */
export async function copyRows(
  sql: Sql,
  table: string,
  columns: string[],
  rows: Record<string, unknown>[],
): Promise<void> {
  if (rows.length === 0) return
  const CHUNK = 500
  function* lines() {
    for (let i = 0; i < rows.length; i += CHUNK) {
      let out = ''
      for (const row of rows.slice(i, i + CHUNK))
        out += `${columns.map((c) => copyValue(row[c])).join('\t')}\n`
      yield out
    }
  }
  await copyFrom(sql, table, columns, Readable.from(lines()))
}

/**
 * A `COPY … FROM STDIN` statement whose data is sent with the query rather than after PostgreSQL's
 * CopyInResponse (patches/postgres@3.4.9.patch, the `copyData` query option, one entry per COPY of a
 * multi-statement query): no round trip of its own, so a whole transaction travels in one write.
 */
export function copyStatement(table: string, columns: string[]): string {
  return `copy "${table}" (${columns.map((c) => `"${c}"`).join(', ')}) from stdin`
}

/** Bytes per socket write of a COPY: each write is a packet on no-delay sockets, so parts are joined. */
const COPY_WRITE_CHARS = 256 * 1024

/** COPY of rows already encoded as COPY text lines (each ending in a newline), in few large writes. */
export async function copyText(sql: Sql, table: string, columns: string[], parts: string[]): Promise<void> {
  if (parts.length === 0) return
  function* chunks() {
    let buffer = ''
    for (const part of parts) {
      buffer += part
      if (buffer.length >= COPY_WRITE_CHARS) {
        yield buffer
        buffer = ''
      }
    }
    if (buffer) yield buffer
  }
  await copyFrom(sql, table, columns, Readable.from(chunks()))
}
