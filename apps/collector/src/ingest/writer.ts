import type { Sql } from 'postgres'
import { copyStatement } from '../db/copy.js'
import type { PreparedRequest } from './prepare.js'
import type { SessionRow, TableRows } from './rows.js'
import { totalScrubbed } from './scrub.js'
import { type BatchSummary, deriveInput, sessionDeltas, summaryUpsertSql } from './summary.js'

/** Default of WriterOptions.maxBytesPerFlush: 16 MiB (a flush of 20,000 rows of bench/ingest batches is ≈ 3.9 MB). */
export const MAX_BYTES_PER_FLUSH = 16 * 1024 * 1024
/** Default of WriterOptions.maxPendingBytes: 128 MiB (16 batches at the 8 MiB body limit). */
export const MAX_PENDING_BYTES = 128 * 1024 * 1024

/** One batch ready to store. */
export interface PreparedBatch {
  siteId: string
  sessionId: string
  batchId: string
  tabId: string
  seq: number
  session: SessionRow
  tables: TableRows
  identify: { id: string; traits: Record<string, unknown> | null } | null
  /** UTC days the rows fall on (for creating a missing partition). */
  days: Set<string>
  eventCount: number
  rejectedCount: number
  clockOffsetMs: number
  scrubbedCount: number
  rowCount: number
  /**
   * What the batch weighs in the writer's queue and in its group's query: its COPY text and its identify
   * traits (sent as a literal), in UTF-16 code units (≈ bytes for the mostly ASCII text).
   */
  bytes: number
  /** What the batch adds to session_summaries besides its row counts (see summary.ts). */
  summary: BatchSummary
}

/** What the writer needs of a prepared request (prepare.ts) of site `siteId`. */
export function toPreparedBatch(siteId: string, p: PreparedRequest): PreparedBatch {
  const { rows } = p
  return {
    siteId,
    sessionId: p.sessionId,
    batchId: p.batchId,
    tabId: p.tabId,
    seq: p.seq,
    session: rows.session,
    tables: rows.tables,
    identify: rows.identify,
    days: rows.days,
    eventCount: p.kinds.length,
    rejectedCount: p.rejected.length,
    clockOffsetMs: p.clockOffsetMs,
    scrubbedCount: totalScrubbed(p.scrubCounts),
    // the session and ledger rows
    rowCount: rows.rowCount + 2,
    bytes: weigh(rows.tables, rows.identify),
    summary: rows.summary,
  }
}

function weigh(tables: TableRows, identify: PreparedBatch['identify']): number {
  let n = identify?.traits ? JSON.stringify(identify.traits).length : 0
  for (const t of tables.values()) n += t.lines.length
  return n
}

export type WriteOutcome = 'stored' | 'duplicate' | 'session_conflict'

/** The database cannot be reached or is refusing work: the client should retry later (503). */
export class DatabaseUnavailableError extends Error {}
/** The writer's queue is full: shed load (503). */
export class OverloadedError extends Error {}
/** PostgreSQL refused this batch's data although it passed validation: a client error (400), not retried. */
export class RejectedByDatabaseError extends Error {}

export interface WriterOptions {
  /** Flushes (transactions) running at once, each on its own connection. */
  concurrency: number
  /** Rows per flush at most; a flush takes whole batches up to this. */
  maxRowsPerFlush: number
  /** Rows waiting at most before new batches are refused as overloaded. */
  maxPendingRows: number
  /**
   * Bytes (PreparedBatch.bytes) per flush at most (a batch heavier than this goes alone): one group is one
   * query, built in memory whole (ADR 0017), and postgres.js keeps the buffer of its largest message.
   */
  maxBytesPerFlush?: number
  /** Bytes waiting at most before new batches are refused as overloaded (a few huge batches, not rows). */
  maxPendingBytes?: number
  onFlush?: (info: { batches: number; rows: number; ms: number }) => void
  /** The signal rules failed in a flush: its batches are stored, their derived signals are not. */
  onSignalRulesFailed?: (error: { code: string; message: string }) => void
}

interface Pending {
  batch: PreparedBatch
  resolve: (outcome: WriteOutcome) => void
  reject: (error: Error) => void
  abandoned: boolean
}

const CONNECTION_CODES = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'ETIMEDOUT',
  'EPIPE',
  'CONNECTION_CLOSED',
  'CONNECTION_ENDED',
  'CONNECTION_DESTROYED',
  'CONNECT_TIMEOUT',
])

export function isUnavailable(error: unknown): boolean {
  const code = String((error as { code?: string })?.code ?? '')
  return (
    CONNECTION_CODES.has(code) || code.startsWith('08') || code.startsWith('57P') || code.startsWith('53')
  )
}

/**
 * Group commit: batches submitted while a flush runs are written together by the next one, so the
 * cost of a transaction (commit, fsync, round trips) is shared by every request waiting for it.
 * A batch's promise settles only after its transaction committed (durable) or failed.
 */
export function createWriter(sql: Sql, options: WriterOptions) {
  const maxBytesPerFlush = options.maxBytesPerFlush ?? MAX_BYTES_PER_FLUSH
  const maxPendingBytes = options.maxPendingBytes ?? MAX_PENDING_BYTES
  const queue: Pending[] = []
  let pendingRows = 0
  let pendingBytes = 0
  let running = 0

  function submit(batch: PreparedBatch): { done: Promise<WriteOutcome>; abandon: () => void } {
    if (
      pendingRows + batch.rowCount > options.maxPendingRows ||
      pendingBytes + batch.bytes > maxPendingBytes
    ) {
      return { done: Promise.reject(new OverloadedError('the write queue is full')), abandon: () => {} }
    }
    let entry!: Pending
    const done = new Promise<WriteOutcome>((resolve, reject) => {
      entry = { batch, resolve, reject, abandoned: false }
    })
    queue.push(entry)
    pendingRows += batch.rowCount
    pendingBytes += batch.bytes
    pump()
    return {
      done,
      abandon: () => {
        entry.abandoned = true
      },
    }
  }

  function take(): Pending[] {
    const group: Pending[] = []
    let rows = 0
    let bytes = 0
    while (queue.length) {
      const next = queue[0]!
      if (
        group.length &&
        (rows + next.batch.rowCount > options.maxRowsPerFlush || bytes + next.batch.bytes > maxBytesPerFlush)
      )
        break
      queue.shift()
      pendingRows -= next.batch.rowCount
      pendingBytes -= next.batch.bytes
      if (next.abandoned) {
        next.reject(new DatabaseUnavailableError('abandoned after the request timed out'))
        continue
      }
      group.push(next)
      rows += next.batch.rowCount
      bytes += next.batch.bytes
    }
    return group
  }

  function pump(): void {
    while (running < options.concurrency && queue.length) {
      const group = take()
      if (!group.length) continue
      running++
      flush(group).finally(() => {
        running--
        pump()
      })
    }
  }

  async function flush(group: Pending[]): Promise<void> {
    const started = performance.now()
    try {
      const outcomes = await writeGroup(
        sql,
        group.map((p) => p.batch),
        options.onSignalRulesFailed,
      )
      for (const [i, p] of group.entries()) p.resolve(outcomes[i]!)
      options.onFlush?.({
        batches: group.length,
        rows: group.reduce((n, p) => n + p.batch.rowCount, 0),
        ms: performance.now() - started,
      })
    } catch (error) {
      if (isUnavailable(error)) {
        for (const p of group) p.reject(new DatabaseUnavailableError((error as Error).message))
      } else if (group.length > 1) {
        // Isolate the batch PostgreSQL refused: write each alone so the others are not lost.
        for (const p of group) await flush([p])
      } else {
        group[0]!.reject(new RejectedByDatabaseError((error as Error).message))
      }
    }
  }

  return { submit, pendingRows: () => pendingRows, pendingBytes: () => pendingBytes, running: () => running }
}

export type Writer = ReturnType<typeof createWriter>

const MISSING_PARTITION = /no partition of relation .* found for row/
/** SQLSTATE of sightline_require() (migrations/0015): a batch taken to be new was not (see writeGroup). */
const NOT_ALL_NEW = 'SL409'
/** Rounds of "ask which batches are not new, write the others" before the group is given up. */
const MAX_RECLASSIFY = 3

type OnRulesFailed = WriterOptions['onSignalRulesFailed']

const keyOf = (b: PreparedBatch) => `${b.sessionId}/${b.batchId}`

/**
 * Writes a group and says, per batch, what became of it. The group is written as if every batch were
 * new and of a session its site owns (the normal case): one query, one round trip (writeAtOnce). If
 * PostgreSQL says otherwise (SL409), the ledger and the sessions are asked which batches are duplicates
 * or of another site's session, and the others are written again; a batch sent twice in one group is
 * written once and its twin answered as a duplicate.
 */
async function writeGroup(
  sql: Sql,
  batches: PreparedBatch[],
  onRulesFailed: OnRulesFailed,
): Promise<WriteOutcome[]> {
  const outcomes = new Map<string, WriteOutcome>()
  const unique = new Map<string, PreparedBatch>()
  for (const b of batches) if (!unique.has(keyOf(b))) unique.set(keyOf(b), b)
  let pending = [...unique.values()]
  for (let round = 0; pending.length; round++) {
    try {
      await writeWithPartitions(sql, pending, onRulesFailed)
      for (const b of pending) outcomes.set(keyOf(b), 'stored')
      pending = []
    } catch (error) {
      if ((error as { code?: string }).code !== NOT_ALL_NEW || round === MAX_RECLASSIFY) throw error
      const known = await classify(sql, pending)
      for (const [key, outcome] of known) outcomes.set(key, outcome)
      pending = pending.filter((b) => !known.has(keyOf(b)))
    }
  }
  const answered = new Set<string>()
  return batches.map((b) => {
    const key = keyOf(b)
    const outcome = outcomes.get(key)!
    if (outcome !== 'stored' || !answered.has(key)) {
      answered.add(key)
      return outcome
    }
    return 'duplicate'
  })
}

async function writeWithPartitions(sql: Sql, batches: PreparedBatch[], onRulesFailed: OnRulesFailed) {
  try {
    await writeAtOnce(sql, batches, onRulesFailed)
  } catch (error) {
    if (!MISSING_PARTITION.test((error as Error).message)) throw error
    // An event day without a partition yet (the collector creates them ahead; this covers the gaps).
    const days = new Set<string>()
    for (const b of batches) for (const day of b.days) days.add(day)
    for (const day of days) await sql`select sightline_ensure_partitions(${day}::date, ${day}::date)`
    await writeAtOnce(sql, batches, onRulesFailed)
  }
}

/** Which of these batches are stored already, or of a session another site owns (the others are new). */
async function classify(sql: Sql, batches: PreparedBatch[]): Promise<Map<string, WriteOutcome>> {
  const input = batches.map((b) => ({
    s: b.sessionId,
    b: b.batchId,
    site: b.siteId,
    tab: b.tabId,
    seq: b.seq,
  }))
  const rows = await sql<{ sessionId: string; batchId: string; outcome: WriteOutcome | null }[]>`
    select x.s as session_id, x.b as batch_id,
           case when exists (select 1 from user_sessions u where u.id = x.s and u.site_id <> x.site)
                  then 'session_conflict'
                when exists (select 1 from ingested_batches i
                             where i.user_session_id = x.s and (i.batch_id = x.b or (i.tab_id = x.tab and i.seq = x.seq)))
                  then 'duplicate'
           end as outcome
    from jsonb_to_recordset(${sql.json(input as never)}) as x(s uuid, b uuid, site uuid, tab text, seq int)`
  return new Map(rows.filter((r) => r.outcome).map((r) => [`${r.sessionId}/${r.batchId}`, r.outcome!]))
}

/**
 * One group commit as one multi-statement query: PostgreSQL runs it as one transaction and commits it
 * at its end (ADR 0017), and postgres.js sends it, COPY data included, in one write. Statements:
 * sessions upsert + ledger (failing with SL409 unless every batch is new and its session this site's),
 * one COPY per table, identities, the summary upsert, the derived signals. Values travel as dollar-quoted
 * jsonb literals (a simple query has no parameters); rows as COPY text.
 */
async function writeAtOnce(sql: Sql, batches: PreparedBatch[], onRulesFailed: OnRulesFailed): Promise<void> {
  // Sessions: one row per id (merged), in id order so concurrent flushes lock rows in the same order.
  const sessions = new Map<string, SessionRow>()
  for (const b of batches) {
    const s = sessions.get(b.sessionId)
    if (!s) sessions.set(b.sessionId, { ...b.session })
    else {
      if (b.session.last_seen_at > s.last_seen_at) s.last_seen_at = b.session.last_seen_at
      if (b.session.started_at < s.started_at) s.started_at = b.session.started_at
      if (b.session.actor === 'automation') s.actor = 'automation'
      s.test_run_id ??= b.session.test_run_id
    }
  }
  const ledger = batches
    .map((b) => ({
      user_session_id: b.sessionId,
      batch_id: b.batchId,
      tab_id: b.tabId,
      seq: b.seq,
      site_id: b.siteId,
      event_count: b.eventCount,
      rejected_count: b.rejectedCount,
      clock_offset_ms: b.clockOffsetMs,
      scrubbed_count: b.scrubbedCount,
    }))
    .sort((a, b) => (a.user_session_id + a.batch_id < b.user_session_id + b.batch_id ? -1 : 1))
  const identities = batches
    .filter((b) => b.identify)
    .map((b) => ({ id: b.sessionId, identified_id: b.identify!.id, traits: b.identify!.traits }))
  const derive = deriveInput(batches)
  const values = {
    sessions: JSON.stringify([...sessions.values()].sort((a, b) => (a.id < b.id ? -1 : 1))),
    ledger: JSON.stringify(ledger),
    identities: JSON.stringify(identities),
    deltas: JSON.stringify(sessionDeltas(batches)),
    derive: JSON.stringify(derive),
  }
  const literal = jsonbLiteral(Object.values(values))

  const statements = [
    `with owned as (
      insert into user_sessions as s (id, site_id, test_run_id, started_at, last_seen_at, user_agent, platform_details, entry_url, actor, sdk_version)
      select x.id, x.site_id,
             (select t.id from test_runs t join sites si on si.company_id = t.company_id where t.id = x.test_run_id and si.id = x.site_id),
             x.started_at, x.last_seen_at, x.user_agent, x.platform_details, x.entry_url, x.actor, x.sdk_version
      from jsonb_to_recordset(${literal(values.sessions)}) as x(
        id uuid, site_id uuid, test_run_id uuid, started_at timestamptz, last_seen_at timestamptz, user_agent text,
        platform_details jsonb, entry_url text, actor text, sdk_version text)
      on conflict (id) do update set
        last_seen_at = greatest(s.last_seen_at, excluded.last_seen_at),
        started_at = least(s.started_at, excluded.started_at),
        test_run_id = coalesce(s.test_run_id, excluded.test_run_id),
        actor = case when excluded.actor = 'automation' then 'automation' else s.actor end
      where s.site_id = excluded.site_id
      returning id
    ), fresh as (
      insert into ingested_batches (user_session_id, batch_id, tab_id, seq, site_id, event_count, rejected_count, clock_offset_ms, scrubbed_count)
      select x.* from jsonb_to_recordset(${literal(values.ledger)}) as x(user_session_id uuid, batch_id uuid, tab_id text, seq int, site_id uuid, event_count int, rejected_count int, clock_offset_ms int, scrubbed_count int)
      where x.user_session_id in (select id from owned)
      on conflict do nothing
      returning 1
    )
    select sightline_require((select count(*) from fresh) = ${batches.length},
                             'a batch of the group is stored already or of another site''s session') as ok`,
  ]
  // COPY: the fastest bulk path; rows were encoded at parse time, their data goes with the query.
  const copyData: string[] = []
  for (const [table, { columns, parts }] of rowsByTable(batches)) {
    statements.push(copyStatement(table, columns))
    copyData.push(parts.join(''))
  }
  if (identities.length) {
    statements.push(`
      update user_sessions s set identified_id = x.identified_id, traits = coalesce(x.traits, s.traits)
      from jsonb_to_recordset(${literal(values.identities)}) as x(id uuid, identified_id text, traits jsonb)
      where s.id = x.id`)
  }
  // session_summaries: one upsert for all sessions of the transaction, deltas summed in JS.
  statements.push(summaryUpsertSql(literal(values.deltas)))
  // Derived signals: the rules run in SQL over the new rows and those before them (ADR 0009), for the
  // batches that can complete one; the signals found are added to the summaries there too.
  if (derive.length)
    statements.push(
      `select user_session_id, kind from sightline_derive_for_ingest(${literal(values.derive)})`,
    )

  const result = (await sql.unsafe(statements.join(';\n'), [], { copyData } as never)) as unknown as
    | { userSessionId: string | null; kind: string }[][]
    | { ok: null }[]
  if (!derive.length) return
  // Two statements return rows (the check and the signals): postgres.js answers with both results.
  const derived = (result as { userSessionId: string | null; kind: string }[][])[1] ?? []
  const failed = derived.find((d) => d.userSessionId === null)
  if (failed) {
    const [code = '', ...message] = failed.kind.split(': ')
    onRulesFailed?.({ code, message: message.join(': ') })
  }
}

/** Each table's COPY text from the batches, in a stable order. */
function rowsByTable(batches: PreparedBatch[]) {
  const byTable = new Map<string, { columns: string[]; parts: string[] }>()
  for (const b of batches) {
    for (const [table, { columns, lines }] of b.tables) {
      const entry = byTable.get(table) ?? { columns, parts: [] }
      byTable.set(table, entry)
      entry.parts.push(lines)
    }
  }
  return byTable
}

/**
 * A function quoting JSON texts as jsonb literals with a dollar-quote tag that none of them contains
 * (no escaping needed: dollar-quoted text is taken as is).
 */
function jsonbLiteral(texts: string[]): (text: string) => string {
  let tag = '$sl$'
  for (let i = 0; texts.some((t) => t.includes(tag)); i++) tag = `$sl${i}$`
  return (text) => `${tag}${text}${tag}::jsonb`
}
