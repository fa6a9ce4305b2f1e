import type { Event } from '@sightline/schema'
import type { TransactionSql } from 'postgres'
import type { TableRows } from './rows.js'

/** The web vitals kept per session (worst = largest value), with their session_summaries column. */
const VITAL_COLUMNS = { LCP: 'lcp_ms', INP: 'inp_ms', CLS: 'cls', FCP: 'fcp_ms', TTFB: 'ttfb_ms' } as const
type Vital = keyof typeof VITAL_COLUMNS

/**
 * What one batch adds to its session's summary, gathered while its events are turned into rows
 * (row counts per table are read from the encoded tables at write time, once replay segments are in).
 */
export interface BatchSummary {
  /** Earliest and latest page view (ms since epoch, clock offset applied) and their URLs. */
  entryUrl: string | null
  entryAt: number
  lastUrl: string | null
  lastAt: number
  consoleErrors: number
  failedRequests: number
  /** frustration_signals rows of the batch per kind (signal events sent by the SDK). */
  signals: Record<string, number>
  vitals: Partial<Record<Vital, number>>
  /** Time range of the batch's rows (ms), for the signal rules. */
  minAt: number
  maxAt: number
  /** Which derived-signal rules the batch's rows can trigger (see sightline_derive_signals). */
  rules: DeriveRules
}

/** The rule groups of sightline_derive_signals() (migrations/0011), by the rows that trigger them. */
export interface DeriveRules {
  click: boolean
  failed: boolean
  pageview: boolean
  scroll: boolean
  abandon: boolean
  rage: boolean
  mouse: boolean
}

/** thrash-1 (docs/signals.md, migrations/0011): moves of at least this many px horizontally… */
const THRASH_MIN_MOVE_PX = 30
/** …and at least this many reversals of direction within 1,500 ms make a thrash. */
const THRASH_MIN_REVERSALS = 4

/**
 * Can this path be a thrash? It needs THRASH_MIN_REVERSALS reversals at all before it can have them
 * within 1,500 ms: an exact pre-check, so most paths never reach the SQL rule.
 */
export function mayThrash(path: readonly (readonly [number, number, number])[]): boolean {
  let reversals = 0
  let direction = 0
  for (let i = 1; i < path.length; i++) {
    const dx = path[i]![0] - path[i - 1]![0]
    if (Math.abs(dx) < THRASH_MIN_MOVE_PX) continue
    const d = Math.sign(dx)
    if (direction && d !== direction && ++reversals >= THRASH_MIN_REVERSALS) return true
    direction = d
  }
  return false
}

export function newBatchSummary(): BatchSummary {
  return {
    entryUrl: null,
    entryAt: 0,
    lastUrl: null,
    lastAt: 0,
    consoleErrors: 0,
    failedRequests: 0,
    signals: {},
    vitals: {},
    minAt: Number.POSITIVE_INFINITY,
    maxAt: Number.NEGATIVE_INFINITY,
    rules: {
      click: false,
      failed: false,
      pageview: false,
      scroll: false,
      abandon: false,
      rage: false,
      mouse: false,
    },
  }
}

/** A request failed: an HTTP error status, or no response at all (network error, abort, CORS). */
export const isFailedRequest = (status: number | null | undefined, error: unknown) =>
  (status ?? 0) >= 400 || (error !== undefined && error !== null)

/** Adds one stored event (already scrubbed) at `at` (ms, clock offset applied) to the batch summary. */
export function noteEvent(s: BatchSummary, event: Event, at: number): void {
  if (at < s.minAt) s.minAt = at
  if (at > s.maxAt) s.maxAt = at
  switch (event.type) {
    case 'click':
      s.rules.click = true
      return
    case 'scroll':
      s.rules.scroll = true
      return
    case 'rage':
      s.rules.rage = true
      return
    case 'mouse':
      if (!s.rules.mouse && mayThrash(event.path)) s.rules.mouse = true
      return
    case 'form':
      if (event.action === 'abandon') s.rules.abandon = true
      return
    case 'pageview':
      s.rules.pageview = true
      // Ties keep the first (earliest) and the last (latest) in batch order, as ORDER BY event_index does.
      if (s.entryUrl === null || at < s.entryAt) {
        s.entryUrl = event.href
        s.entryAt = at
      }
      if (s.lastUrl === null || at >= s.lastAt) {
        s.lastUrl = event.href
        s.lastAt = at
      }
      return
    case 'console':
      if (event.level === 'error') s.consoleErrors++
      return
    case 'network':
      if (isFailedRequest(event.status, event.error)) {
        s.failedRequests++
        s.rules.failed = true
      }
      return
    case 'signal':
      s.signals[event.kind] = (s.signals[event.kind] ?? 0) + 1
      return
    case 'perf': {
      const metric = event.metric as Vital
      if (metric in VITAL_COLUMNS) {
        const previous = s.vitals[metric]
        if (previous === undefined || event.value > previous) s.vitals[metric] = event.value
      }
      return
    }
  }
}

export interface DeriveSource {
  sessionId: string
  batchId: string
  tabId: string
  summary: BatchSummary
}

/**
 * The input of sightline_derive_for_ingest() (migrations/0015): each stored batch whose own rows can
 * trigger a rule group, with its time range. The function adds the pre-checks that need the session's
 * summary (a click pairs only with a failed request or rage incident of the session, …).
 */
export function deriveInput(batches: DeriveSource[]) {
  const input: Record<string, unknown>[] = []
  for (const b of batches) {
    const { rules, minAt, maxAt } = b.summary
    if (!Object.values(rules).some(Boolean)) continue
    input.push({
      s: b.sessionId,
      b: b.batchId,
      tab: b.tabId,
      f: new Date(minAt).toISOString(),
      t: new Date(maxAt).toISOString(),
      ...rules,
    })
  }
  return input
}

/** One session's delta for the upsert: the sum of its batches stored in this transaction. */
export interface SessionDelta {
  id: string
  event_count: number
  page_views: number
  counts: Record<string, number>
  signals: Record<string, number>
  signal_count: number
  error_count: number
  console_error_count: number
  failed_request_count: number
  entry_url: string | null
  entry_url_at: Date | null
  last_url: string | null
  last_url_at: Date | null
  lcp_ms: number | null
  inp_ms: number | null
  cls: number | null
  fcp_ms: number | null
  ttfb_ms: number | null
}

export interface SummarySource {
  sessionId: string
  eventCount: number
  tables: TableRows
  summary: BatchSummary
}

const add = (target: Record<string, number>, key: string, n: number) => {
  target[key] = (target[key] ?? 0) + n
}

/** Sums the stored batches per session (signals derived in SQL are added by sightline_derive_for_ingest). */
export function sessionDeltas(batches: SummarySource[]): SessionDelta[] {
  const bySession = new Map<string, SessionDelta>()
  const deltaOf = (id: string) => {
    let d = bySession.get(id)
    if (!d) {
      d = {
        id,
        event_count: 0,
        page_views: 0,
        counts: {},
        signals: {},
        signal_count: 0,
        error_count: 0,
        console_error_count: 0,
        failed_request_count: 0,
        entry_url: null,
        entry_url_at: null,
        last_url: null,
        last_url_at: null,
        lcp_ms: null,
        inp_ms: null,
        cls: null,
        fcp_ms: null,
        ttfb_ms: null,
      }
      bySession.set(id, d)
    }
    return d
  }
  for (const b of batches) {
    const d = deltaOf(b.sessionId)
    const s = b.summary
    d.event_count += b.eventCount
    for (const [table, { count }] of b.tables) add(d.counts, table, count)
    for (const [kind, n] of Object.entries(s.signals)) {
      add(d.signals, kind, n)
      d.signal_count += n
    }
    d.console_error_count += s.consoleErrors
    d.failed_request_count += s.failedRequests
    if (s.entryUrl !== null && (d.entry_url_at === null || s.entryAt < d.entry_url_at.getTime())) {
      d.entry_url = s.entryUrl
      d.entry_url_at = new Date(s.entryAt)
    }
    if (s.lastUrl !== null && (d.last_url_at === null || s.lastAt >= d.last_url_at.getTime())) {
      d.last_url = s.lastUrl
      d.last_url_at = new Date(s.lastAt)
    }
    for (const [metric, value] of Object.entries(s.vitals) as [Vital, number][]) {
      const column = VITAL_COLUMNS[metric]
      const previous = d[column]
      if (previous === null || value > previous) d[column] = value
    }
  }
  for (const d of bySession.values()) {
    d.page_views = d.counts.page_views ?? 0
    d.error_count = d.counts.javascript_errors ?? 0
  }
  return [...bySession.values()].sort((a, b) => (a.id < b.id ? -1 : 1))
}

/**
 * One upsert for every session of the transaction: inserts its summary or adds the deltas to it.
 * Session columns (site, run, actor, times) are copied from user_sessions, upserted just before.
 * `deltas` is the SQL expression of the deltas as jsonb (a parameter, or a literal in a multi-statement
 * query).
 */
export function summaryUpsertSql(deltas: string): string {
  return `
    insert into session_summaries as s (
      user_session_id, site_id, test_run_id, actor, started_at, last_seen_at, entry_url, entry_url_at,
      last_url, last_url_at, page_views, event_count, counts, signals, signal_count, error_count,
      console_error_count, failed_request_count, lcp_ms, inp_ms, cls, fcp_ms, ttfb_ms, frustration_score)
    select u.id, u.site_id, u.test_run_id, u.actor, u.started_at, u.last_seen_at,
           coalesce(x.entry_url, u.entry_url), x.entry_url_at,
           coalesce(x.last_url, x.entry_url, u.entry_url), x.last_url_at,
           x.page_views, x.event_count, x.counts, x.signals, x.signal_count, x.error_count,
           x.console_error_count, x.failed_request_count, x.lcp_ms, x.inp_ms, x.cls, x.fcp_ms, x.ttfb_ms,
           sightline_frustration_score(x.signals)
    from jsonb_to_recordset(${deltas}) as x(
      id uuid, event_count int, page_views int, counts jsonb, signals jsonb, signal_count int,
      error_count int, console_error_count int, failed_request_count int, entry_url text,
      entry_url_at timestamptz, last_url text, last_url_at timestamptz, lcp_ms float8, inp_ms float8,
      cls float8, fcp_ms float8, ttfb_ms float8)
    join user_sessions u on u.id = x.id
    order by u.id
    on conflict (user_session_id) do update set
      test_run_id = excluded.test_run_id,
      actor = excluded.actor,
      started_at = excluded.started_at,
      last_seen_at = excluded.last_seen_at,
      entry_url = case when excluded.entry_url_at < s.entry_url_at
                         or (s.entry_url_at is null and excluded.entry_url_at is not null)
                       then excluded.entry_url else s.entry_url end,
      entry_url_at = least(s.entry_url_at, excluded.entry_url_at),
      last_url = case when excluded.last_url_at >= s.last_url_at
                        or (s.last_url_at is null and excluded.last_url_at is not null)
                      then excluded.last_url else s.last_url end,
      last_url_at = greatest(s.last_url_at, excluded.last_url_at),
      page_views = s.page_views + excluded.page_views,
      event_count = s.event_count + excluded.event_count,
      counts = sightline_jsonb_add_counts(s.counts, excluded.counts),
      signals = case when excluded.signal_count = 0 then s.signals
                     else sightline_jsonb_add_counts(s.signals, excluded.signals) end,
      signal_count = s.signal_count + excluded.signal_count,
      error_count = s.error_count + excluded.error_count,
      console_error_count = s.console_error_count + excluded.console_error_count,
      failed_request_count = s.failed_request_count + excluded.failed_request_count,
      lcp_ms = greatest(s.lcp_ms, excluded.lcp_ms),
      inp_ms = greatest(s.inp_ms, excluded.inp_ms),
      cls = greatest(s.cls, excluded.cls),
      fcp_ms = greatest(s.fcp_ms, excluded.fcp_ms),
      ttfb_ms = greatest(s.ttfb_ms, excluded.ttfb_ms),
      frustration_score = case when excluded.signal_count = 0 then s.frustration_score
                               else sightline_frustration_score(sightline_jsonb_add_counts(s.signals, excluded.signals)) end,
      updated_at = now()`
}

/** The summary upsert with the deltas as a parameter (the seed). */
export async function upsertSummaries(tx: TransactionSql, deltas: SessionDelta[]): Promise<void> {
  if (!deltas.length) return
  await tx.unsafe(summaryUpsertSql('$1::text::jsonb'), [JSON.stringify(deltas)])
}
