import type { Batch, Event } from '@sightline/schema'
import { copyValue } from '../db/copy.js'
import { type ScrubCounts, scrubDeep, scrubString } from './scrub.js'
import { type BatchSummary, newBatchSummary, noteEvent } from './summary.js'

/** Rows of one table as COPY text: the column list (snake_case) and one line per row. */
export interface TableLines {
  columns: string[]
  lines: string
  count: number
}

/** Table name → its rows, encoded once for COPY (no intermediate row objects to keep or re-serialise). */
export type TableRows = Map<string, TableLines>

const COMMON_COLUMNS = [
  'user_session_id',
  'site_id',
  'occurred_at',
  'batch_id',
  'event_index',
  'tab_id',
  'page_url',
]

/** Appends one row: `prefix` holds the batch's constant leading values, already encoded. */
export function appendRow(
  tables: TableRows,
  table: string,
  prefix: string,
  common: unknown[],
  row: Record<string, unknown>,
): void {
  let entry = tables.get(table)
  if (!entry) {
    entry = { columns: [...COMMON_COLUMNS, ...Object.keys(row)], lines: '', count: 0 }
    tables.set(table, entry)
  }
  let line = prefix
  for (const v of common) line += `\t${copyValue(v)}`
  for (const key in row) line += `\t${copyValue(row[key])}`
  entry.lines += `${line}\n`
  entry.count++
}

export interface SessionRow {
  id: string
  site_id: string
  test_run_id: string | null
  started_at: Date
  last_seen_at: Date
  user_agent: string | null
  platform_details: Record<string, unknown>
  entry_url: string
  actor: 'human' | 'automation'
  sdk_version: string
}

export interface BatchRows {
  session: SessionRow
  tables: TableRows
  /** Replay segments still to compress (gzip runs off the event loop, in the route). */
  replay: { common: unknown[]; row: Record<string, unknown>; records: unknown[] }[]
  /** The batch's constant leading COPY values (session, site), for rows appended later. */
  prefix: string
  /** UTC days (YYYY-MM-DD) the rows fall on: the partitions they need. */
  days: Set<string>
  identify: { id: string; traits: Record<string, unknown> | null } | null
  rowCount: number
  /** What the batch adds to its session's summary (besides row counts). */
  summary: BatchSummary
}

function browserOf(ua: string): { browser: string; version: string | null; os: string; device: string } {
  const match =
    /(Edg|OPR|Firefox|HeadlessChrome|Chrome|Chromium)\/(\d+)/.exec(ua) ??
    (/Version\/(\d+).*Safari/.test(ua) ? ['', 'Safari', /Version\/(\d+)/.exec(ua)![1]] : null)
  const names: Record<string, string> = { Edg: 'Edge', OPR: 'Opera', HeadlessChrome: 'Chrome Headless' }
  const os = /Windows/.test(ua)
    ? 'Windows'
    : /Android/.test(ua)
      ? 'Android'
      : /iPhone|iPad|iOS/.test(ua)
        ? 'iOS'
        : /Mac OS X|Macintosh/.test(ua)
          ? 'macOS'
          : /Linux|X11/.test(ua)
            ? 'Linux'
            : 'Other'
  return {
    browser: match ? (names[match[1]!] ?? match[1]!) : 'Other',
    version: match?.[2] ?? null,
    os,
    device: /Mobi|iPhone|Android(?!.*Tablet)/.test(ua)
      ? 'mobile'
      : /iPad|Tablet/.test(ua)
        ? 'tablet'
        : 'desktop',
  }
}

/**
 * A value for a `real` (float4) column: PostgreSQL refuses a non-zero number that underflows float4
 * ("out of range for type real", e.g. 1e-239), which would fail the whole batch; such values are 0.
 */
const real = (v: number): number => (Math.abs(v) < 1e-37 ? 0 : v)

function eventRow(e: Event, ts: (ms: number) => Date): [table: string, row: Record<string, unknown>] | null {
  switch (e.type) {
    case 'perf':
      return [
        'page_performance',
        {
          metric: e.metric,
          value: e.value,
          rating: e.rating ?? null,
          navigation_type: e.navType ?? null,
          selector: e.selector ?? null,
          attribution: e.attribution ?? null,
        },
      ]
    case 'scroll':
      return [
        'scroll_events',
        {
          scroll_y: e.y,
          scroll_x: e.x ?? null,
          depth_percent: real(e.depth),
          max_depth_percent: e.maxDepth === undefined ? null : real(e.maxDepth),
          viewport_height: e.viewportHeight ?? null,
          document_height: e.documentHeight ?? null,
        },
      ]
    case 'click':
      return [
        'click_events',
        {
          x: e.x,
          y: e.y,
          selector: e.selector ?? null,
          text: e.text ?? null,
          button: e.button,
          element_tag: e.tag ?? null,
          test_id: e.testId ?? null,
          role: e.role ?? null,
          accessible_name: e.name ?? null,
          href: e.href ?? null,
          is_dead: e.dead ?? false,
          is_error: e.error ?? false,
        },
      ]
    case 'form':
      return [
        'form_interactions',
        {
          action: e.action,
          field_selector: e.selector ?? null,
          field_name: e.name ?? null,
          field_type: e.fieldType ?? null,
          form_selector: e.form ?? null,
          value_length: e.length ?? null,
          validation_message: e.message ?? null,
          duration_ms: e.durationMs ?? null,
        },
      ]
    case 'rage':
      return [
        'rage_click_incidents',
        {
          click_count: e.count,
          x: e.x ?? null,
          y: e.y ?? null,
          selector: e.selector ?? null,
          first_click_at: ts(e.firstAt),
          last_click_at: ts(Math.max(e.lastAt, e.firstAt)),
          rule_version: e.rule,
        },
      ]
    case 'mouse': {
      const last = e.path[e.path.length - 1]!
      return ['mouse_movements', { path: e.path, point_count: e.path.length, duration_ms: last[2] }]
    }
    case 'key':
      return [
        'keyboard_events',
        {
          key: e.key,
          shortcut: e.shortcut ?? null,
          target_selector: e.selector ?? null,
          in_field: e.inField,
        },
      ]
    case 'visibility':
      return ['visibility_changes', { state: e.state, previous_state_ms: e.previousMs ?? null }]
    case 'network':
      return [
        'network_requests',
        {
          method: e.method.toUpperCase(),
          url: e.target,
          status: e.status ?? null,
          duration_ms: e.durationMs ?? null,
          request_bytes: e.requestBytes ?? null,
          response_bytes: e.responseBytes ?? null,
          initiator: e.initiator,
          error: e.error ?? null,
          request_headers: e.requestHeaders ?? null,
          response_headers: e.responseHeaders ?? null,
          request_body: e.requestBody ?? null,
          response_body: e.responseBody ?? null,
        },
      ]
    case 'console':
      return [
        'console_logs',
        { level: e.level, message: e.message, args: e.args ?? null, truncated: e.truncated },
      ]
    case 'error':
      return [
        'javascript_errors',
        {
          message: e.message,
          stack: e.stack ?? null,
          source: e.source ?? null,
          line: e.line ?? null,
          column: e.column ?? null,
          kind: e.kind,
          error_type: e.errorType ?? null,
        },
      ]
    case 'element':
      return [
        'element_visibility',
        {
          selector: e.selector,
          visible_ratio: real(e.ratio),
          visible_ms: e.visibleMs,
          first_visible_at: e.firstVisibleAt === undefined ? null : ts(e.firstVisibleAt),
        },
      ]
    case 'signal':
      return [
        'frustration_signals',
        {
          kind: e.kind,
          reason: e.reason ?? null,
          selector: e.selector ?? null,
          evidence: e.evidence,
          rule_version: e.rule,
        },
      ]
    case 'pageview':
      return [
        'page_views',
        { url: e.href, referrer: e.referrer ?? null, title: e.title ?? null, navigation_type: e.nav },
      ]
    case 'custom':
      return ['custom_events', { name: e.name, props: e.props ?? null }]
    case 'drop':
      return ['client_reports', { reason: e.reason, category: e.category, quantity: e.quantity }]
    case 'identify':
    case 'replay':
      return null
  }
}

/**
 * Turns validated events into rows: applies the clock offset, scrubs every string, and groups rows by
 * table with a stable column order. Pure: no I/O.
 */
export function toRows(input: {
  batch: Batch
  events: { index: number; event: Event }[]
  siteId: string
  clockOffsetMs: number
  counts: ScrubCounts
}): BatchRows {
  const { batch, siteId, clockOffsetMs, counts } = input
  const ts = (ms: number) => new Date(ms + clockOffsetMs)
  const pageUrl = scrubString(batch.page.url, counts)
  const tables: TableRows = new Map()
  const replay: BatchRows['replay'] = []
  let identify: BatchRows['identify'] = null
  let lastSeen = batch.session.startedAt + clockOffsetMs
  let rowCount = 0
  const prefix = `${copyValue(batch.sessionId)}\t${copyValue(siteId)}`
  const days = new Set<string>()
  const summary = newBatchSummary()
  /** The page of the earliest event: the envelope's URL is the page at send time (an SPA may have moved on). */
  let entry: { t: number; url: string } | undefined
  for (const { index, event: raw } of input.events) {
    const event = scrubDeep(raw, counts)
    if (event.url && !(entry && entry.t <= event.t)) entry = { t: event.t, url: event.url }
    // One ISO string per event, for the day and the COPY value (toISOString is not free).
    const occurredAt = ts(event.t).toISOString()
    days.add(occurredAt.slice(0, 10))
    // occurred_at, batch_id, event_index, tab_id, page_url (user_session_id and site_id are in prefix)
    const common: unknown[] = [occurredAt, batch.batchId, index, batch.tabId, event.url ?? pageUrl]
    lastSeen = Math.max(lastSeen, event.t + clockOffsetMs)
    if (event.type === 'identify') {
      identify = { id: event.id, traits: event.traits ?? null }
      continue
    }
    if (event.type === 'replay') {
      const records = event.records as { type: number; timestamp: number }[]
      if (clockOffsetMs) for (const r of records) r.timestamp += clockOffsetMs
      const first = records[0]!.timestamp
      const last = records.reduce((m, r) => Math.max(m, r.timestamp), first)
      common[0] = new Date(first)
      days.add((common[0] as Date).toISOString().slice(0, 10))
      replay.push({
        common,
        row: {
          segment_index: event.segment,
          ended_at: new Date(last),
          record_count: records.length,
          has_full_snapshot: records.some((r) => r.type === 2),
          encoding: 'gzip',
        },
        records,
      })
      rowCount++
      continue
    }
    const mapped = eventRow(event, ts)
    if (!mapped) continue
    appendRow(tables, mapped[0], prefix, common, mapped[1])
    noteEvent(summary, event, event.t + clockOffsetMs)
    rowCount++
  }
  // The session row gets the same treatment as events (NUL and lone surrogates would fail the whole write).
  const ua = batch.page.userAgent === undefined ? null : scrubString(batch.page.userAgent, counts)
  const { viewport, screen, dpr } = batch.page
  const [locale, timezone] = [batch.page.locale, batch.page.timezone].map((v) =>
    v === undefined ? v : scrubString(v, counts),
  )
  return {
    session: {
      id: batch.sessionId,
      site_id: siteId,
      test_run_id: batch.session.testRunId ?? null,
      started_at: new Date(batch.session.startedAt + clockOffsetMs),
      last_seen_at: new Date(lastSeen),
      user_agent: ua,
      platform_details: { ...(ua ? browserOf(ua) : {}), viewport, screen, dpr, locale, timezone },
      entry_url: entry?.url ?? pageUrl,
      actor: batch.session.actor,
      sdk_version: scrubString(batch.sdk.version, counts),
    },
    tables,
    replay,
    prefix,
    days,
    identify,
    rowCount,
    summary,
  }
}
