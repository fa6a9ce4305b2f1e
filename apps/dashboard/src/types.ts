/**
 * Shapes of the query API, inferred from the response schemas in packages/schema/src/query.ts (type-only
 * imports: nothing of zod reaches the bundle), so the dashboard and the collector cannot drift apart.
 */
import type * as S from '@sightline/schema'
import type { z } from 'zod'

export type Vitals = z.infer<typeof S.Vitals>
export type Site = z.infer<typeof S.SitesResponse>['sites'][number]
export type SessionSummary = z.infer<typeof S.SessionSummary>
export type SessionDetail = z.infer<typeof S.SessionDetail>
export type EventKind = S.TimelineKind
/** One row of any recording table; `data` holds its own columns in camelCase. */
export type TimelineEvent = z.infer<typeof S.TimelineEvent>
export type ReplaySegment = z.infer<typeof S.ReplaySegment>
/** An rrweb record, as stored inside a replay segment. */
export type ReplayRecord = ReplaySegment['events'][number]
export type SessionsResponse = z.infer<typeof S.SessionsResponse>
export type EventsResponse = z.infer<typeof S.EventsResponse>
export type SignalsReport = z.infer<typeof S.SignalsResponse>
export type VitalsReport = z.infer<typeof S.VitalsResponse>
export type TestRunListItem = z.infer<typeof S.TestRunsResponse>['testRuns'][number]
export type TestRunsResponse = z.infer<typeof S.TestRunsResponse>
export type TestRunDetail = z.infer<typeof S.TestRunResponse>

/** `GET /v1/live` events. */
export type LiveEvent =
  | { type: 'session'; data: z.infer<typeof S.LiveSessionEvent> }
  | { type: 'signal'; data: z.infer<typeof S.LiveSignalEvent> }
