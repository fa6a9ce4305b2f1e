import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { json } from './ingestHelpers.js'
import { bearer, createQueryFixture, createTestRun, type QueryFixture } from './queryFixture.js'

let f: QueryFixture
let runs: string[]
beforeAll(async () => {
  f = await createQueryFixture()
  runs = [f.testRuns.A]
  for (const name of ['second', 'third', 'fourth']) runs.push(await createTestRun(f.app, f.A.siteKey, name))
  // two runs created in the same microsecond: the id breaks the tie
  await f.db.sql`update test_runs set created_at = (select created_at from test_runs where id = ${runs[1]!})
                 where id = ${runs[2]!}`
})
afterAll(() => f.drop())

const get = async (path: string) => json(await f.app.request(path, { headers: bearer(f.A.readKey) }))

describe('GET /v1/test-runs pagination', () => {
  it('should page newest first, completely and without repeats, ties included', async () => {
    const all = (await get('/v1/test-runs?limit=200')).testRuns.map((r: { id: string }) => r.id)
    expect([...all].sort()).toEqual([...runs].sort())
    expect(all[0]).toBe(runs[3])
    expect(all.at(-1)).toBe(runs[0])
    for (const limit of [1, 2, 3]) {
      const seen: string[] = []
      let cursor: string | null = null
      do {
        const page = await get(`/v1/test-runs?limit=${limit}${cursor ? `&cursor=${cursor}` : ''}`)
        seen.push(...page.testRuns.map((r: { id: string }) => r.id))
        cursor = page.nextCursor
      } while (cursor)
      expect([limit, seen]).toEqual([limit, all])
    }
  })

  it("should filter by site, and never list another company's runs", async () => {
    expect((await get(`/v1/test-runs?site=${f.A.siteId}`)).testRuns).toHaveLength(4)
    expect((await get(`/v1/test-runs?site=${f.B.siteId}`)).testRuns).toEqual([])
  })
})
