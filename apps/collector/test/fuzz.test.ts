import fc from 'fast-check'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { fuzzRequest, sendFuzz } from './fuzzBodies.js'
import { createHarness, type Harness, json, makeBatch, ORIGIN, post } from './ingestHelpers.js'

// The fast version of `pnpm reliability:fuzz` (≥ 100,000 cases): a fresh random seed each run, printed
// by fast-check with the shrunk case when the property fails.
let h: Harness
beforeAll(async () => {
  // No rate limit, and a deadline long enough that a slow machine never turns a valid case into a 503:
  // the property is about input, not load.
  h = await createHarness({ rateLimit: { ratePerSecond: 1e9, burst: 1e9 }, answerDeadlineMs: 30_000 })
})
afterAll(() => h.drop())

describe('POST /v1/batch fuzzing', () => {
  it('should store what PostgreSQL would refuse (NUL, lone surrogates, float4 underflow) instead of refusing the batch', async () => {
    // Found by fuzzing: jsonb refuses NUL and lone surrogates, the session row (user agent, SDK version,
    // locale) was not cleaned like events were, and a real column refuses 1e-239: one such value cost the
    // whole batch.
    const t = Date.now() - 1_000
    const odd = 'cut \ud83d, nul \u0000'
    const batch = makeBatch(
      {
        page: { url: 'https://shop.example/', userAgent: odd, locale: odd, timezone: odd },
        sdk: { version: '\ud800' },
      },
      [
        { type: 'custom', t, name: odd, props: { [odd]: odd } },
        { type: 'console', t, level: 'log', message: odd, args: [odd] },
        { type: 'scroll', t, y: 1, depth: 1e-239, maxDepth: 4e-323 },
        { type: 'element', t, selector: '#a', ratio: 1e-300, visibleMs: 1 },
      ],
    )
    const res = await post(h, batch)
    expect(await json(res)).toEqual({ ok: true, duplicate: false, accepted: 4, rejected: [] })
    const [row] = await h.db
      .sql`select user_agent, sdk_version from user_sessions where id = ${batch.sessionId}`
    expect(row).toEqual({ userAgent: 'cut \uFFFD, nul \uFFFD', sdkVersion: '\uFFFD' })
    const [scroll] = await h.db.sql`select depth_percent from scroll_events where batch_id = ${batch.batchId}`
    expect(scroll).toEqual({ depthPercent: 0 })
  })

  it('should refuse a session start past the year 2243 as an invalid batch, not leave it for PostgreSQL to refuse', async () => {
    // Found by fuzzing (seed -1426008300): startedAt 934008125719078 (the year 31567) passed validation, and its
    // ISO string (+031567-…) was refused by PostgreSQL: 400 rejected_by_database instead of invalid_batch.
    const batch = makeBatch({ session: { startedAt: 934_008_125_719_078, actor: 'human' } })
    const res = await post(h, batch)
    expect(res.status).toBe(400)
    expect(await json(res)).toMatchObject({ error: { code: 'invalid_batch' } })
    expect(
      (await json(await post(h, makeBatch({ session: { startedAt: 8_640_000_000_000, actor: 'human' } }))))
        .ok,
    ).toBe(true)
  })

  it('should never answer 5xx, hang, half-write or store-fail for 2,000 generated and mutated bodies', async () => {
    const statuses = new Map<number, number>()
    const accepted = new Set<string>()
    const refused = new Set<string>()
    await fc.assert(
      fc.asyncProperty(fuzzRequest(h.site.siteKey, ORIGIN), async (r) => {
        const answer = await sendFuzz(h.app, r)
        statuses.set(answer.status, (statuses.get(answer.status) ?? 0) + 1)
        if (answer.status === 200) accepted.add(r.batchId)
        else refused.add(r.batchId)
        // Every answer is a 2xx/4xx with a JSON body naming the outcome, and what passed validation is
        // storable: PostgreSQL never refuses it (that would cost the batch's valid events).
        return (
          answer.status >= 200 &&
          answer.status < 500 &&
          answer.code !== '(not json)' &&
          answer.code !== 'rejected_by_database'
        )
      }),
      { numRuns: 2_000 },
    )
    // A refused batch left nothing behind (unless the same batch id was also accepted by another case).
    const onlyRefused = [...refused].filter((id) => !accepted.has(id))
    const [left] = await h.db
      .sql`select count(*)::int as n from ingested_batches where batch_id = any(${onlyRefused}::uuid[])`
    expect(left!.n).toBe(0)
    // The generator reaches both sides: stored batches and refusals.
    expect(statuses.get(200)).toBeGreaterThan(100)
    expect(statuses.get(400)).toBeGreaterThan(100)
  }, 300_000)
})
