import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { runRetention } from '../src/db/retention.js'
import { createSite } from '../src/db/sites.js'
import { runSeed } from '../src/seed/seed.js'
import { createMigratedDatabase, type TestDatabase } from './db.js'

let db: TestDatabase
let shortSite: string
let longSite: string

const olderThan = (siteId: string, days: number) =>
  db.sql<
    { n: number }[]
  >`select count(*)::int as n from click_events where site_id = ${siteId} and occurred_at < now() - make_interval(days => ${days})`.then(
    (r) => r[0]!.n,
  )

beforeAll(async () => {
  db = await createMigratedDatabase()
  shortSite = (
    await createSite(db.sql, { name: 'short', companyName: 'short', origins: [], retentionDays: 2 })
  ).siteId
  longSite = (await createSite(db.sql, { name: 'long', companyName: 'long', origins: [] })).siteId
  for (const [i, siteId] of [shortSite, longSite].entries())
    await runSeed(db.sql, { sessions: 40, days: 6, siteId, randomSeed: 7 + i, progress: 'none' })
})
afterAll(() => db.drop())

describe('retention', () => {
  it('should count in a dry run and delete nothing', async () => {
    const before = await olderThan(shortSite, 2)
    expect(before).toBeGreaterThan(0)
    const report = await runRetention(db.sql, { dryRun: true })
    expect(report.sites.find((s) => s.siteId === shortSite)!.rows).toBeGreaterThan(0)
    expect(await olderThan(shortSite, 2)).toBe(before)
  })

  it('should delete rows older than a site retention, and only that site', async () => {
    const longBefore = await olderThan(longSite, 2)
    expect(longBefore).toBeGreaterThan(0)
    const report = await runRetention(db.sql, { dryRun: false })
    // The longest retention (30 days, the default) keeps every partition of this 6-day seed.
    expect(report.droppedPartitions).toEqual([])
    expect(await olderThan(shortSite, 2)).toBe(0)
    expect(await olderThan(longSite, 2)).toBe(longBefore)
    const [stale] =
      await db.sql`select count(*)::int as n from user_sessions where site_id = ${shortSite} and last_seen_at < now() - interval '2 days'`
    expect(stale!.n).toBe(0)
  })
})
