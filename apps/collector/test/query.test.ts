import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { insertKey, revokeKey } from '../src/db/sites.js'
import { generateKey } from '../src/keys.js'
import { withTenant } from '../src/routes/query/auth.js'
import { json } from './ingestHelpers.js'
import { bearer, createQueryFixture, type QueryFixture } from './queryFixture.js'

let f: QueryFixture
beforeAll(async () => {
  f = await createQueryFixture()
})
afterAll(() => f.drop())

const get = (path: string, key: string | null = f.A.readKey, headers: Record<string, string> = {}) =>
  f.app.request(path, { headers: { ...(key ? bearer(key) : {}), ...headers } })

const readPaths = () => [
  '/v1/sites',
  '/v1/sessions',
  `/v1/sessions/${f.sessions.human}`,
  `/v1/sessions/${f.sessions.human}/events`,
  `/v1/sessions/${f.sessions.human}/replay`,
  '/v1/signals',
  '/v1/vitals',
  '/v1/test-runs',
  `/v1/test-runs/${f.testRuns.A}`,
  '/v1/live',
]

describe('read API authentication', () => {
  it('should answer 401 without a key, with a malformed or unknown key, and 403 for a site key, on every read route', async () => {
    for (const path of readPaths()) {
      const none = await get(path, null)
      expect([path, none.status, (await json(none)).error.code]).toEqual([path, 401, 'missing_key'])
      expect(none.headers.get('www-authenticate')).toMatch(/^Bearer/)
      const basic = await get(path, null, { authorization: `Basic ${f.A.readKey}` })
      expect([path, basic.status, (await json(basic)).error.code]).toEqual([path, 401, 'invalid_key'])
      const unknown = await get(path, `slr_${'x'.repeat(32)}`)
      expect([path, unknown.status, (await json(unknown)).error.code]).toEqual([path, 401, 'invalid_key'])
      const site = await get(path, f.A.siteKey)
      expect([path, site.status, (await json(site)).error.code]).toEqual([path, 403, 'read_key_required'])
    }
  })

  it('should take an admin key, and refuse a read key once it is revoked', async () => {
    const admin = generateKey('admin')
    await insertKey(f.db.sql, {
      companyId: f.A.companyId,
      siteId: null,
      kind: 'admin',
      key: admin,
      label: 'a',
    })
    expect((await get('/v1/sites', admin.secret)).status).toBe(200)
    const read = generateKey('read')
    const id = await insertKey(f.db.sql, {
      companyId: f.A.companyId,
      siteId: null,
      kind: 'read',
      key: read,
      label: 'r',
    })
    expect((await get('/v1/sessions', read.secret)).status).toBe(200)
    expect(await revokeKey(f.db.sql, id)).toBe(1)
    f.app.deps.keys.clear()
    const res = await get('/v1/sessions', read.secret)
    expect([res.status, (await json(res)).error.code]).toEqual([401, 'revoked_key'])
  })
})

describe('tenant isolation', () => {
  it("should answer 404 to company A's key for company B's session, timeline, replay and test run", async () => {
    for (const path of [
      `/v1/sessions/${f.sessions.B}`,
      `/v1/sessions/${f.sessions.B}/events`,
      `/v1/sessions/${f.sessions.B}/replay`,
      `/v1/test-runs/${f.testRuns.B}`,
    ]) {
      const res = await get(path)
      expect([path, res.status, (await json(res)).error.code]).toEqual([path, 404, 'not_found'])
      // and the same path answers B's own key: the 404 is isolation, not a broken route
      expect([path, (await get(path, f.B.readKey)).status]).toEqual([path, 200])
    }
  })

  it("should show none of company B's ids in any answer to company A's key", async () => {
    const everything = (
      await Promise.all(
        [
          ...readPaths().filter((p) => p !== '/v1/live'),
          `/v1/sessions?site=${f.B.siteId}`,
          `/v1/signals?site=${f.B.siteId}`,
          `/v1/vitals?site=${f.B.siteId}`,
          `/v1/test-runs?site=${f.B.siteId}`,
          `/v1/sessions?testRun=${f.testRuns.B}`,
        ].map(async (p) => {
          const res = await get(p)
          expect([p, res.status]).toEqual([p, 200])
          return res.text()
        }),
      )
    ).join('\n')
    for (const id of [f.sessions.B, f.B.siteId, f.testRuns.B, f.B.companyId])
      expect(everything).not.toContain(id)
    for (const id of [f.sessions.human, f.sessions.auto, f.A.siteId, f.testRuns.A])
      expect(everything).toContain(id)
  })

  it('should isolate by row-level security even when a query has no tenant filter at all', async () => {
    const key = (await f.app.deps.keys.resolve(f.A.readKey))!
    // Every tenant table, with the column that names its tenant (company_id where it has one, else site_id).
    const tables = await f.db.sql<{ name: string; column: string }[]>`
      select c.relname as name, min(a.attname) as column
      from pg_class c join pg_attribute a on a.attrelid = c.oid and a.attname in ('company_id', 'site_id')
      where c.relnamespace = 'public'::regnamespace and c.relkind in ('r', 'p') and not c.relispartition
      group by c.relname`
    expect(tables.length).toBeGreaterThanOrEqual(25)
    const own: Record<string, string> = { company_id: f.A.companyId, site_id: f.A.siteId }
    const other: Record<string, string> = { company_id: f.B.companyId, site_id: f.B.siteId }
    let hidden = 0
    for (const { name, column } of tables) {
      const query = (sql: typeof f.db.sql) => sql`select distinct ${sql(column)} as tenant from ${sql(name)}`
      const [asA, all] = await Promise.all([
        withTenant(f.app.deps, key, (tx) => query(tx as never)),
        query(f.db.sql),
      ])
      expect([name, asA.map((r) => r.tenant).filter((t) => t !== own[column])]).toEqual([name, []])
      if (all.some((r) => r.tenant === other[column])) hidden++
    }
    // B has rows in most of them (the fixture wrote them): the empty answers above are RLS at work.
    expect(hidden).toBeGreaterThanOrEqual(20)
  })
})
