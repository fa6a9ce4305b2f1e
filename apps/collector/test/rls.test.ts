import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createSite } from '../src/db/sites.js'
import { runSeed } from '../src/seed/seed.js'
import { createMigratedDatabase, type TestDatabase } from './db.js'

let db: TestDatabase
const company: Record<'A' | 'B', string> = { A: '', B: '' }
/** Every table in public except the migration bookkeeping, with the SQL that maps a row to its company. */
let tables: { name: string; companyOf: string }[]

async function addCompanyRows(companyId: string, siteId: string) {
  const sql = db.sql
  await sql`insert into personas (company_id, name, persona) values (${companyId}, 'p', ${sql.json({ name: 'n', age: 30, techLiteracy: 'basic', goals: [] })})`
  await sql`insert into human_testers (company_id, name) values (${companyId}, 'tester')`
  await sql`insert into issues (company_id, title, severity) values (${companyId}, 'broken button', 'high')`
  await sql`insert into activity_log (company_id, user_type, action) values (${companyId}, 'admin', 'site_created')`
  const [s] = await sql`select id from user_sessions where site_id = ${siteId} limit 1`
  await sql`insert into ingested_batches (user_session_id, batch_id, tab_id, seq, site_id, event_count)
            values (${s!.id}, gen_random_uuid(), 't1', 1, ${siteId}, 3)`
}

beforeAll(async () => {
  db = await createMigratedDatabase()
  for (const key of ['A', 'B'] as const) {
    const site = await createSite(db.sql, { name: `site ${key}`, companyName: `company ${key}`, origins: [] })
    company[key] = site.companyId
    await runSeed(db.sql, {
      sessions: 15,
      days: 2,
      siteId: site.siteId,
      randomSeed: key === 'A' ? 1 : 2,
      progress: 'none',
    })
    await addCompanyRows(site.companyId, site.siteId)
  }
  const cols = await db.sql<{ table: string; columns: string[] }[]>`
    select c.relname as table, array_agg(a.attname::text) as columns
    from pg_class c join pg_attribute a on a.attrelid = c.oid and a.attnum > 0 and not a.attisdropped
    where c.relnamespace = 'public'::regnamespace and c.relkind in ('r', 'p') and not c.relispartition
      and c.relname <> 'sightline_migrations'
    group by c.relname order by c.relname`
  tables = cols.map(({ table, columns }) => ({
    name: table,
    companyOf:
      table === 'companies'
        ? 'id'
        : columns.includes('company_id')
          ? 'company_id'
          : columns.includes('site_id')
            ? '(select s.company_id from sites s where s.id = site_id)'
            : (() => {
                throw new Error(
                  `table ${table} has neither company_id nor site_id: cannot be tenant-isolated`,
                )
              })(),
  }))
})
afterAll(() => db.drop())

async function countAsAnalyst(table: string, companyId: string | null): Promise<number> {
  return db.sql.begin(async (tx) => {
    await tx`set local role sightline_analyst`
    if (companyId) await tx`select set_config('app.company_id', ${companyId}, true)`
    const [row] = await tx`select count(*)::int as n from ${tx(table)}`
    return row!.n as number
  })
}

describe('row-level security', () => {
  it('should cover every table, and the fixture should give both companies rows in nearly all of them', async () => {
    expect(tables.length).toBeGreaterThanOrEqual(25)
    let populated = 0
    for (const t of tables) {
      const rows = await db.sql.unsafe(
        `select ${t.companyOf} as company, count(*)::int as n from ${t.name} group by 1`,
      )
      if (rows.some((r) => r.company === company.A) && rows.some((r) => r.company === company.B)) populated++
    }
    expect(populated).toBeGreaterThanOrEqual(tables.length - 2)
  })

  it('should show the analyst of company A exactly A rows and none of B in every table', async () => {
    for (const t of tables) {
      const [own] = await db.sql.unsafe(
        `select count(*)::int as n from ${t.name} where ${t.companyOf} = $1`,
        [company.A],
      )
      const seen = await countAsAnalyst(t.name, company.A)
      expect({ table: t.name, seen }).toEqual({ table: t.name, seen: own!.n })
      // For site-keyed tables the company lookup itself is filtered for the analyst; the equality above is the proof there.
      const leaked = await db.sql.begin(async (tx) => {
        await tx`set local role sightline_analyst`
        await tx`select set_config('app.company_id', ${company.A}, true)`
        const [r] = await tx.unsafe(`select count(*)::int as n from ${t.name} where ${t.companyOf} = $1`, [
          company.B,
        ])
        return r!.n as number
      })
      expect({ table: t.name, leaked }).toEqual({ table: t.name, leaked: 0 })
    }
  })

  it('should show the analyst nothing at all when no company is set', async () => {
    for (const t of tables)
      expect({ table: t.name, seen: await countAsAnalyst(t.name, null) }).toEqual({ table: t.name, seen: 0 })
  })

  it('should refuse analyst writes', async () => {
    await expect(
      db.sql.begin(async (tx) => {
        await tx`set local role sightline_analyst`
        await tx`select set_config('app.company_id', ${company.A}, true)`
        await tx`insert into companies (name) values ('sneaky')`
      }),
    ).rejects.toThrow(/permission denied/)
  })
})
