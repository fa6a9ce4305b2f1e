import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createApp } from '../src/app.js'
import { createSite } from '../src/db/sites.js'
import { runCli } from './cli.js'
import { createMigratedDatabase, type TestDatabase } from './db.js'
import { json } from './ingestHelpers.js'

let db: TestDatabase

const run = (args: string[]) => runCli(db.url, args)

beforeAll(async () => {
  db = await createMigratedDatabase()
})
afterAll(() => db.drop())

describe('sightline keys create', () => {
  it('should make a company-wide read key that reads every site of the company and nothing else', async () => {
    const one = await createSite(db.sql, { name: 'one', companyName: 'Acme', origins: [] })
    const two = await createSite(db.sql, { name: 'two', companyName: 'Acme', origins: [] })
    await createSite(db.sql, { name: 'other', companyName: 'Other', origins: [] })
    const { code, stdout } = await run(['keys', 'create', '--company', 'Acme', '--json'])
    expect(code).toBe(0)
    const created = JSON.parse(stdout)
    expect(created).toMatchObject({
      companyId: one.companyId,
      kind: 'read',
      key: expect.stringMatching(/^slr_/),
    })
    const app = createApp({ sql: db.sql })
    const res = await app.request('/v1/sites', { headers: { authorization: `Bearer ${created.key}` } })
    expect((await json(res)).sites.map((s: { id: string }) => s.id)).toEqual([one.siteId, two.siteId])
    // by id too, and an admin key
    const admin = await run(['keys', 'create', '--company', one.companyId, '--kind', 'admin', '--json'])
    expect(JSON.parse(admin.stdout)).toMatchObject({
      companyId: one.companyId,
      kind: 'admin',
      key: expect.stringMatching(/^sla_/),
    })
    const [stored] = await db.sql`select site_id, key_prefix from api_keys where id = ${created.keyId}`
    expect(stored).toEqual({ siteId: null, keyPrefix: created.key.slice(0, 10) })
  })

  it('should refuse an unknown company (exit 1) and a site or unknown kind (usage, exit 2)', async () => {
    const unknown = await run(['keys', 'create', '--company', 'Nobody'])
    expect([unknown.code, unknown.stderr.trim()]).toEqual([
      1,
      'sightline: no company with id or name "Nobody"',
    ])
    const site = await run(['keys', 'create', '--company', 'Acme', '--kind', 'site'])
    expect(site.code).toBe(2)
    expect(site.stderr).toMatch(/^sightline: --kind must be read or admin, got "site"/)
    expect((await run(['keys', 'create'])).stderr).toMatch(/^sightline: --company is required/)
  })
})
