import path from 'node:path'
import { type CollectorProcess, spawnCollector } from '../lib/collector.js'
import type { Attempt } from '../lib/loadgen.js'
import { createLoad, type Load } from '../lib/loadgen.js'
import { type ChaosDatabase, ORIGIN, truncateRecordings } from '../lib/postgres.js'
import { waitFor } from '../lib/stats.js'
import {
  type AccountingCheck,
  checkAccounting,
  checkStored,
  type StoredCheck,
  scrapeAccounting,
} from '../lib/verify.js'

export interface Settings {
  tabs: number
  batchEveryMs: number
  events: number
  outageS: number
  recoveryS: number
  slowClients: number
}

export interface Ctx {
  db: ChaosDatabase
  port: number
  logDir: string
  settings: Settings
}

export interface Result {
  name: string
  failures: string[]
  figures: Record<string, unknown>
}

/** Collects failed expectations instead of throwing, so a scenario reports every figure it measured. */
export function expectations() {
  const failures: string[] = []
  return {
    failures,
    expect(label: string, ok: boolean, detail?: unknown) {
      if (!ok) failures.push(detail === undefined ? label : `${label}: ${JSON.stringify(detail)}`)
    },
  }
}

export const startCollector = (ctx: Ctx, name: string, env: Record<string, string> = {}) =>
  spawnCollector({
    databaseUrl: ctx.db.url,
    port: ctx.port,
    logFile: path.join(ctx.logDir, `${name}.log`),
    env,
  })

export async function fresh(ctx: Ctx): Promise<void> {
  await truncateRecordings(ctx.db.sql)
}

export function load(ctx: Ctx, target: () => string): Load {
  return createLoad({
    target,
    siteKey: ctx.db.site.siteKey,
    origin: ORIGIN,
    tabs: ctx.settings.tabs,
    batchEveryMs: ctx.settings.batchEveryMs,
    eventsPerBatch: ctx.settings.events,
  })
}

/** Stops making batches and waits until every tab's outbox is empty (all acknowledged or dropped). */
export async function drain(l: Load, timeoutMs = 180_000): Promise<{ drained: boolean; ms: number }> {
  l.stopGenerating()
  const started = performance.now()
  const drained = await waitFor(() => l.pending() === 0, timeoutMs, 200)
  l.stop()
  return { drained, ms: Math.round(performance.now() - started) }
}

/** The checks every scenario ends with: by event id, and the accounting of the collector still running. */
export async function verify(
  ctx: Ctx,
  e: ReturnType<typeof expectations>,
  l: Load,
  collector: CollectorProcess,
  answeredByIt: Attempt[],
): Promise<{ stored: StoredCheck; accounting: AccountingCheck }> {
  const stored = await checkStored(ctx.db.sql, l.batches)
  e.expect('0 events lost', stored.lost === 0, { lost: stored.lost, sample: stored.sampleLost })
  e.expect('0 events duplicated', stored.duplicated === 0, stored.duplicated)
  e.expect('0 unexpected events', stored.unexpected === 0, stored.unexpected)
  e.expect('every acknowledged batch is stored', stored.ackedButMissing === 0, stored.ackedButMissing)
  e.expect('no batch dropped by the SDK (4xx)', stored.dropped === 0, stored.dropped)
  const accounting = checkAccounting(await scrapeAccounting(collector.url), answeredByIt)
  e.expect('accounting: batches received = Σ outcomes', accounting.batchGap === 0, accounting.batches)
  e.expect('accounting: events received = Σ outcomes', accounting.eventGap === 0, accounting.events)
  e.expect('no 500', !/"unhandled error"/.test(collector.output()))
  return { stored, accounting }
}

/** The collector's batch counts must equal what the client saw from it (when no answer was lost in between). */
export function expectClientViewMatches(e: ReturnType<typeof expectations>, a: AccountingCheck): void {
  const o = a.batches.outcomes
  const server = {
    stored: o.stored ?? 0,
    duplicate: o.duplicate ?? 0,
    unavailable: o.unavailable ?? 0,
    rateLimited: o.rate_limited ?? 0,
  }
  const client = {
    stored: a.clientView.stored,
    duplicate: a.clientView.duplicate,
    unavailable: a.clientView.unavailable,
    rateLimited: a.clientView.rateLimited,
  }
  e.expect('collector outcomes = answers the client got', JSON.stringify(server) === JSON.stringify(client), {
    server,
    client,
  })
}
