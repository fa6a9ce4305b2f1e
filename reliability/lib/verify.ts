import type { Sql } from 'postgres'
import { EVENT_TABLES } from '../../apps/collector/src/db/tables.js'
import type { Attempt, BatchRecord } from './loadgen.js'
import { partitionedTables } from './postgres.js'

/** The table each event type lands in (identify updates user_sessions and has no row of its own). */
export const TABLE_OF: Record<string, string> = EVENT_TABLES

export interface StoredCheck {
  generatedBatches: number
  generatedEvents: number
  /** Generated event ids found in their own table. */
  storedEvents: number
  /** Rows of the generated ids in their own tables (equal to storedEvents when nothing is duplicated). */
  storedRows: number
  lost: number
  /** Event ids stored more than once in their table (each counted once). */
  duplicated: number
  /** Rows in any recording table whose id the generator never made. */
  unexpected: number
  /**
   * Rows in another table that carry a generated id: frustration signals derived at ingest take the key
   * of the row that proves them (migration 0011), so they are expected, not duplicates.
   */
  derivedRows: number
  /** Batches with a 2xx that are not in ingested_batches (acknowledged but not durable). */
  ackedButMissing: number
  /** Batches the SDK dropped on a 4xx. */
  dropped: number
  sampleLost: string[]
}

/** Compares every generated event id (`batchId:index`) with the rows of its table. */
export async function checkStored(sql: Sql, batches: Map<string, BatchRecord>): Promise<StoredCheck> {
  const counts = new Map<string, number>() // `${table}|${batchId}:${index}` → rows
  for (const table of await partitionedTables(sql)) {
    const rows = await sql.unsafe<{ batchId: string; eventIndex: number; n: number }[]>(
      `select batch_id, event_index, count(*)::int as n from ${table} group by 1, 2`,
    )
    for (const r of rows) counts.set(`${table}|${r.batchId}:${r.eventIndex}`, r.n)
  }
  const ledger = new Set(
    (await sql<{ batchId: string }[]>`select batch_id from ingested_batches`).map((r) => r.batchId),
  )
  const c: StoredCheck = {
    generatedBatches: batches.size,
    generatedEvents: 0,
    storedEvents: 0,
    storedRows: 0,
    lost: 0,
    duplicated: 0,
    unexpected: 0,
    derivedRows: 0,
    ackedButMissing: 0,
    dropped: 0,
    sampleLost: [],
  }
  const own = new Set<string>()
  for (const b of batches.values()) {
    c.generatedEvents += b.events
    if (b.ackedAt !== undefined && !ledger.has(b.batchId)) c.ackedButMissing++
    if (b.droppedWith !== undefined) c.dropped++
    for (let i = 0; i < b.events; i++) {
      const key = `${TABLE_OF[b.kinds[i]!]}|${b.batchId}:${i}`
      own.add(key)
      const n = counts.get(key) ?? 0
      if (n === 0) {
        c.lost++
        if (c.sampleLost.length < 5) c.sampleLost.push(key)
      } else {
        c.storedEvents++
        c.storedRows += n
        if (n > 1) c.duplicated++
      }
    }
  }
  for (const [key, n] of counts) {
    if (own.has(key)) continue
    const id = key.slice(key.indexOf('|') + 1)
    if (batches.has(id.slice(0, id.lastIndexOf(':')))) c.derivedRows += n
    else c.unexpected += n
  }
  return c
}

export interface Accounting {
  batches: { received: number; outcomes: Record<string, number> }
  events: { received: number; outcomes: Record<string, number>; writtenLate: number }
}

/** The collector's ingest counters from its /metrics text, in the shape of its shutdown log line. */
export function parseAccounting(text: string): Accounting {
  const sum = (name: string) =>
    [...text.matchAll(new RegExp(`^${name}(?:\\{[^}]*\\})? (\\S+)$`, 'gm'))].reduce(
      (n, m) => n + Number(m[1]),
      0,
    )
  const byOutcome = (name: string) => {
    const out: Record<string, number> = {}
    for (const m of text.matchAll(new RegExp(`^${name}\\{([^}]*)\\} (\\S+)$`, 'gm'))) {
      const labels = Object.fromEntries([...m[1]!.matchAll(/(\w+)="([^"]*)"/g)].map((l) => [l[1], l[2]]))
      const key = labels.reason ? `${labels.outcome}/${labels.reason}` : String(labels.outcome)
      out[key] = (out[key] ?? 0) + Number(m[2])
    }
    return out
  }
  return {
    batches: {
      received: sum('sightline_ingest_batches_received_total'),
      outcomes: byOutcome('sightline_ingest_batches_total'),
    },
    events: {
      received: sum('sightline_ingest_events_received_total'),
      outcomes: byOutcome('sightline_ingest_events_total'),
      writtenLate: sum('sightline_ingest_events_written_late_total'),
    },
  }
}

export async function scrapeAccounting(url: string): Promise<Accounting> {
  return parseAccounting(await (await fetch(`${url}/metrics`)).text())
}

const total = (o: Record<string, number>) => Object.values(o).reduce((a, b) => a + b, 0)
const pick = (o: Record<string, number>, prefix: string) =>
  Object.entries(o)
    .filter(([k]) => k === prefix || k.startsWith(`${prefix}/`))
    .reduce((n, [, v]) => n + v, 0)

export interface AccountingCheck {
  /** received − Σ outcomes, in batches and in events: 0 when every request is accounted for. */
  batchGap: number
  eventGap: number
  batches: Accounting['batches']
  events: {
    received: number
    written: number
    duplicate: number
    rejected: number
    unavailable: number
    error: number
    writtenLate: number
  }
  /** Collector's per-outcome batch counts against the client's view of the answers it got. */
  clientView: {
    stored: number
    duplicate: number
    unavailable: number
    rateLimited: number
    other4xx: number
    status5xx: number
  }
}

/**
 * received = stored + duplicate + rejected{reason} + rate_limited + unavailable (+ error), exactly, in batches
 * and in events; plus what the client saw from this process (its answered attempts).
 */
export function checkAccounting(a: Accounting, answered: Attempt[]): AccountingCheck {
  const e = a.events.outcomes
  return {
    batchGap: a.batches.received - total(a.batches.outcomes),
    eventGap: a.events.received - total(e),
    batches: a.batches,
    events: {
      received: a.events.received,
      written: pick(e, 'written'),
      duplicate: pick(e, 'duplicate'),
      rejected: pick(e, 'rejected'),
      unavailable: pick(e, 'unavailable'),
      error: pick(e, 'error'),
      writtenLate: a.events.writtenLate,
    },
    clientView: {
      stored: answered.filter((x) => x.status === 200 && !x.duplicate).length,
      duplicate: answered.filter((x) => x.status === 200 && x.duplicate).length,
      unavailable: answered.filter((x) => x.status === 503).length,
      rateLimited: answered.filter((x) => x.status === 429).length,
      other4xx: answered.filter((x) => x.status >= 400 && x.status < 500 && x.status !== 429).length,
      status5xx: answered.filter((x) => x.status >= 500 && x.status !== 503).length,
    },
  }
}
