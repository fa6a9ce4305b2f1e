import type { SessionSummary } from '@sightline/schema'
import type { TransactionSql } from 'postgres'

/** ISO-8601 in UTC, as every time in the read API. */
export const iso = (d: Date): string => d.toISOString()

/**
 * JSON columns are selected as text (`col::text`) and parsed here: the client's camelCase transform
 * would otherwise rename the keys inside them too ({"click_events": 1} → {"clickEvents": 1}, a
 * visitor's trait "first_name" → "firstName"). What was stored is what the API answers.
 */
export function parseJson<T = Record<string, unknown>>(text: string | null): T | null {
  return text === null ? null : (JSON.parse(text) as T)
}

/** The columns of a SessionSummary: `session_summaries ss` joined to `user_sessions us`. */
export const summaryColumns = (tx: TransactionSql) => tx`
  ss.user_session_id, ss.site_id, ss.test_run_id, ss.actor, ss.started_at, ss.last_seen_at,
  ss.duration_ms::float8 as duration_ms, ss.entry_url, ss.last_url, ss.page_views, ss.event_count,
  ss.counts::text as counts, ss.signals::text as signals, ss.signal_count, ss.error_count, ss.console_error_count, ss.failed_request_count,
  ss.lcp_ms, ss.inp_ms, ss.cls, ss.fcp_ms, ss.ttfb_ms, ss.frustration_score::float8 as frustration_score,
  us.user_agent`

export interface SummaryRow {
  userSessionId: string
  siteId: string
  testRunId: string | null
  actor: 'human' | 'automation'
  startedAt: Date
  lastSeenAt: Date
  durationMs: number | null
  entryUrl: string | null
  lastUrl: string | null
  pageViews: number
  eventCount: number
  counts: string
  signals: string
  signalCount: number
  errorCount: number
  consoleErrorCount: number
  failedRequestCount: number
  lcpMs: number | null
  inpMs: number | null
  cls: number | null
  fcpMs: number | null
  ttfbMs: number | null
  frustrationScore: number
  userAgent: string | null
}

export function toSessionSummary(r: SummaryRow): SessionSummary {
  return {
    id: r.userSessionId,
    siteId: r.siteId,
    testRunId: r.testRunId,
    actor: r.actor,
    startedAt: iso(r.startedAt),
    lastSeenAt: iso(r.lastSeenAt),
    durationMs: Math.max(0, Math.round(r.durationMs ?? r.lastSeenAt.getTime() - r.startedAt.getTime())),
    entryUrl: r.entryUrl,
    lastUrl: r.lastUrl,
    pageViews: r.pageViews,
    eventCount: r.eventCount,
    counts: parseJson<Record<string, number>>(r.counts) ?? {},
    signals: parseJson<Record<string, number>>(r.signals) ?? {},
    signalCount: r.signalCount,
    errorCount: r.errorCount,
    consoleErrorCount: r.consoleErrorCount,
    failedRequestCount: r.failedRequestCount,
    vitals: { LCP: r.lcpMs, INP: r.inpMs, CLS: r.cls, FCP: r.fcpMs, TTFB: r.ttfbMs },
    frustrationScore: r.frustrationScore,
    userAgent: r.userAgent,
  }
}
