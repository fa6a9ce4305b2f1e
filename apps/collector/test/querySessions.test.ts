import { randomUUID } from 'node:crypto'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createSite } from '../src/db/sites.js'
import { json, makeBatch, ORIGIN } from './ingestHelpers.js'
import { bearer, createQueryFixture, ingest, type QueryFixture } from './queryFixture.js'

let f: QueryFixture
/** A's second site and the sessions stored there, interleaved in time with A's first site's. */
let second: { siteId: string; sessions: string[] }
beforeAll(async () => {
  f = await createQueryFixture()
  const [company] = await f.db.sql<{ name: string }[]>`select name from companies where id = ${f.A.companyId}`
  const site = await createSite(f.db.sql, { name: 'second', companyName: company!.name, origins: [ORIGIN] })
  expect(site.companyId).toBe(f.A.companyId)
  const sessions = [-500, 500, 1500, 2500].map(() => randomUUID())
  for (const [i, offset] of [-500, 500, 1500, 2500].entries())
    await ingest(
      f.app,
      site.siteKey,
      makeBatch({ sessionId: sessions[i], session: { startedAt: f.t0 + offset, actor: 'human' } }, [
        { type: 'pageview', t: f.t0 + offset, href: `${ORIGIN}/second` },
      ]),
    )
  second = { siteId: site.siteId, sessions }
})
afterAll(() => f.drop())

const list = async (query: string) => {
  const res = await f.app.request(`/v1/sessions${query}`, { headers: bearer(f.A.readKey) })
  expect(res.status).toBe(200)
  return json(res)
}

describe('GET /v1/sessions across the sites of a company', () => {
  it('should merge every site newest first, and page through them completely', async () => {
    const [s0, s1, s2, s3] = second.sessions
    // starts: s3 t0+2500, s2 t0+1500, auto t0+1000, s1 t0+500, human t0, s0 t0-500
    const expected = [s3, s2, f.sessions.auto, s1, f.sessions.human, s0]
    const all = await list('')
    expect(all.sessions.map((s: { id: string }) => s.id)).toEqual(expected)
    for (const limit of [1, 2, 4]) {
      const seen: string[] = []
      let cursor: string | null = null
      do {
        const page = await list(`?limit=${limit}${cursor ? `&cursor=${cursor}` : ''}`)
        seen.push(...page.sessions.map((s: { id: string }) => s.id))
        cursor = page.nextCursor
      } while (cursor)
      expect([limit, seen]).toEqual([limit, expected])
    }
  })

  it('should keep one site to itself with ?site=, and apply the other filters per site', async () => {
    const one = await list(`?site=${second.siteId}`)
    expect(one.sessions.map((s: { id: string }) => s.id)).toEqual([...second.sessions].reverse())
    const humans = await list('?actor=human&url=second')
    expect(humans.sessions.map((s: { id: string }) => s.id)).toEqual([...second.sessions].reverse())
  })
})
