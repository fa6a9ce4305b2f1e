import type { Sql, TransactionSql } from 'postgres'
import { copyText } from '../db/copy.js'
import type { SessionRow, TableRows } from './rows.js'
import {
  addDerivedSignals,
  type BatchSummary,
  deriveInput,
  sessionDeltas,
  upsertSummaries,
} from './summary.js'

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
  /** What the batch adds to session_summaries besides its row counts (see summary.ts). */
  summary: BatchSummary
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
  const queue: Pending[] = []
  let pendingRows = 0
  let running = 0

  function submit(batch: PreparedBatch): { done: Promise<WriteOutcome>; abandon: () => void } {
    if (pendingRows + batch.rowCount > options.maxPendingRows) {
      return { done: Promise.reject(new OverloadedError('the write queue is full')), abandon: () => {} }
    }
    let entry!: Pending
    const done = new Promise<WriteOutcome>((resolve, reject) => {
      entry = { batch, resolve, reject, abandoned: false }
    })
    queue.push(entry)
    pendingRows += batch.rowCount
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
    while (queue.length) {
      const next = queue[0]!
      if (group.length && rows + next.batch.rowCount > options.maxRowsPerFlush) break
      queue.shift()
      pendingRows -= next.batch.rowCount
      if (next.abandoned) {
        next.reject(new DatabaseUnavailableError('abandoned after the request timed out'))
        continue
      }
      group.push(next)
      rows += next.batch.rowCount
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

  return { submit, pendingRows: () => pendingRows, running: () => running }
}

export type Writer = ReturnType<typeof createWriter>

const MISSING_PARTITION = /no partition of relation .* found for row/

type OnRulesFailed = WriterOptions['onSignalRulesFailed']

async function writeGroup(
  sql: Sql,
  batches: PreparedBatch[],
  onRulesFailed: OnRulesFailed,
): Promise<WriteOutcome[]> {
  try {
    return await sql.begin((tx) => writeInTransaction(tx, batches, onRulesFailed))
  } catch (error) {
    if (!MISSING_PARTITION.test((error as Error).message)) throw error
    // An event day without a partition yet (the collector creates them ahead; this covers the gaps).
    const days = new Set<string>()
    for (const b of batches) for (const day of b.days) days.add(day)
    for (const day of days) await sql`select sightline_ensure_partitions(${day}::date, ${day}::date)`
    return sql.begin((tx) => writeInTransaction(tx, batches, onRulesFailed))
  }
}

async function writeInTransaction(
  tx: TransactionSql,
  batches: PreparedBatch[],
  onRulesFailed: OnRulesFailed,
): Promise<WriteOutcome[]> {
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
  // Idempotency: a batch already recorded (same batch id, or same tab and sequence) is a duplicate. The
  // ledger takes only batches of sessions the upsert owns (inserted or updated for this site): one
  // statement, one round trip, for both.
  const seen = new Set<string>()
  const candidates = batches.filter((b) => {
    const k = `${b.sessionId}/${b.batchId}`
    if (seen.has(k)) return false
    seen.add(k)
    return true
  })
  const ledger = candidates
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
  const claimed = await tx<{ kind: 'owned' | 'fresh'; sessionId: string; batchId: string | null }[]>`
    with owned as (
      insert into user_sessions as s (id, site_id, test_run_id, started_at, last_seen_at, user_agent, platform_details, entry_url, actor, sdk_version)
      select x.id, x.site_id,
             (select t.id from test_runs t join sites si on si.company_id = t.company_id where t.id = x.test_run_id and si.id = x.site_id),
             x.started_at, x.last_seen_at, x.user_agent, x.platform_details, x.entry_url, x.actor, x.sdk_version
      from jsonb_to_recordset(${tx.json([...sessions.values()].sort((a, b) => (a.id < b.id ? -1 : 1)) as never)}) as x(
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
      select x.* from jsonb_to_recordset(${tx.json(ledger as never)}) as x(user_session_id uuid, batch_id uuid, tab_id text, seq int, site_id uuid, event_count int, rejected_count int, clock_offset_ms int, scrubbed_count int)
      where x.user_session_id in (select id from owned)
      on conflict do nothing
      returning user_session_id, batch_id
    )
    select 'owned' as kind, id as session_id, null::uuid as batch_id from owned
    union all
    select 'fresh', user_session_id, batch_id from fresh`
  const ownedIds = new Set<string>()
  const fresh = new Set<string>()
  for (const r of claimed) {
    if (r.kind === 'owned') ownedIds.add(r.sessionId)
    else fresh.add(`${r.sessionId}/${r.batchId}`)
  }

  const toWrite = candidates.filter((b) => fresh.has(`${b.sessionId}/${b.batchId}`))
  const byTable = new Map<string, { columns: string[]; parts: string[] }>()
  for (const b of toWrite) {
    for (const [table, { columns, lines }] of b.tables) {
      const entry = byTable.get(table) ?? { columns, parts: [] }
      byTable.set(table, entry)
      entry.parts.push(lines)
    }
  }
  // COPY: the fastest bulk path (with no-delay sockets, see db/connect.ts). Rows were encoded at parse time.
  for (const [table, { columns, parts }] of byTable)
    await copyText(tx as unknown as Sql, table, columns, parts)
  const identities = toWrite
    .filter((b) => b.identify)
    .map((b) => ({ id: b.sessionId, identified_id: b.identify!.id, traits: b.identify!.traits }))
  if (identities.length) {
    await tx`
      update user_sessions s set identified_id = x.identified_id, traits = coalesce(x.traits, s.traits)
      from jsonb_to_recordset(${tx.json(identities as never)}) as x(id uuid, identified_id text, traits jsonb)
      where s.id = x.id`
  }
  // session_summaries: one upsert for all sessions of the transaction, deltas summed in JS.
  const facts = await upsertSummaries(tx, sessionDeltas(toWrite))
  // Derived signals: the rules run in SQL over the new rows and those before them (ADR 0009), only
  // for batches that can complete one; the few signals found are then added to the summaries.
  const derive = deriveInput(toWrite, facts)
  if (derive.length) {
    // Guarded: a failing rule is undone alone and reported as one row without a session.
    const derived = await tx<{ userSessionId: string | null; kind: string }[]>`
      select user_session_id, kind from sightline_derive_signals_guarded(${tx.json(derive as never)})`
    const failed = derived.find((d) => d.userSessionId === null)
    if (failed) {
      const [code = '', ...message] = failed.kind.split(': ')
      onRulesFailed?.({ code, message: message.join(': ') })
    } else await addDerivedSignals(tx, derived as { userSessionId: string; kind: string }[])
  }
  const written = new Set(toWrite)
  return batches.map((b) =>
    !ownedIds.has(b.sessionId) ? 'session_conflict' : written.has(b) ? 'stored' : 'duplicate',
  )
}
