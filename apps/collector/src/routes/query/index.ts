import { Hono } from 'hono'
import type { AppDeps } from '../../app.js'
import { createLiveHub, type LiveOptions, liveRoutes, liveSpecs } from '../live.js'
import { ingestSpecs, openApiRoutes, openApiSpec } from '../openapi.js'
import { replayRoutes, replaySpecs } from './replay.js'
import { sessionRoutes, sessionSpecs } from './sessions.js'
import { signalRoutes, signalSpecs } from './signals.js'
import { siteRoutes, siteSpecs } from './sites.js'
import type { RouteSpec } from './spec.js'
import { testRunReadRoutes, testRunSpecs } from './testRuns.js'
import { timelineRoutes, timelineSpecs } from './timeline.js'
import { vitalRoutes, vitalSpecs } from './vitals.js'

/** Every /v1 route the OpenAPI document describes. */
export const API_SPECS: RouteSpec[] = [
  ...ingestSpecs,
  ...siteSpecs,
  ...sessionSpecs,
  ...timelineSpecs,
  ...replaySpecs,
  ...signalSpecs,
  ...vitalSpecs,
  ...testRunSpecs,
  ...liveSpecs,
  openApiSpec,
]

/**
 * The read API (docs/api.md): read-key routes, `GET /v1/live` and `GET /v1/openapi.json`. Each read
 * runs in a transaction as `sightline_analyst` for the key's company (auth.ts: RLS isolates tenants).
 */
export function queryRoutes(deps: AppDeps, options: { live?: LiveOptions } = {}) {
  const live = createLiveHub(deps, options.live)
  const app = new Hono()
    .route('/', siteRoutes(deps))
    .route('/', sessionRoutes(deps))
    .route('/', timelineRoutes(deps))
    .route('/', replayRoutes(deps))
    .route('/', signalRoutes(deps))
    .route('/', vitalRoutes(deps))
    .route('/', testRunReadRoutes(deps))
    .route('/', liveRoutes(deps, live))
    .route('/', openApiRoutes(API_SPECS))
  return Object.assign(app, { live })
}
