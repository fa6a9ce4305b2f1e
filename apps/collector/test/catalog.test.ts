import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { RECORDING_TABLES } from '../src/db/tables.js'
import { createMigratedDatabase, type TestDatabase } from './db.js'

const JSONB_GIN = [
  ['test_runs', 'persona'],
  ['test_runs', 'platform_details'],
  ['test_runs', 'test_config'],
  ['test_runs', 'ai_metadata'],
  ['personas', 'persona'],
  ['issues', 'metadata'],
  ['companies', 'preferences'],
  ['human_testers', 'preferences'],
  ['human_testers', 'stats'],
  ['activity_log', 'metadata'],
  ['user_sessions', 'platform_details'],
] as const

let db: TestDatabase
beforeAll(async () => {
  db = await createMigratedDatabase()
})
afterAll(() => db.drop())

describe('schema catalog', () => {
  it('should have the twelve session-recording tables, partitioned, with user_session_id uuid not null', async () => {
    const rows = await db.sql<{ table: string; type: string; nullable: string; kind: string }[]>`
      select c.table_name as table, c.data_type as type, c.is_nullable as nullable, k.relkind::text as kind
      from information_schema.columns c
      join pg_class k on k.relname = c.table_name and k.relnamespace = 'public'::regnamespace
      where c.table_schema = 'public' and c.column_name = 'user_session_id' and c.table_name in ${db.sql(RECORDING_TABLES)}`
    expect(rows.map((r) => r.table).sort()).toEqual([...RECORDING_TABLES].sort())
    for (const r of rows)
      expect({ table: r.table, type: r.type, nullable: r.nullable, kind: r.kind }).toEqual({
        table: r.table,
        type: 'uuid',
        nullable: 'NO',
        kind: 'p',
      })
    const [occurred] = await db.sql`select count(*)::int as n from information_schema.columns
      where table_schema = 'public' and column_name = 'occurred_at' and is_nullable = 'NO' and data_type = 'timestamp with time zone'
      and table_name in ${db.sql(RECORDING_TABLES)}`
    expect(occurred!.n).toBe(12)
  })

  it('should enable and force row-level security on every tenant table and partition', async () => {
    const missing = await db.sql`
      select relname from pg_class
      where relnamespace = 'public'::regnamespace and relkind in ('r', 'p') and relname <> 'sightline_migrations'
        and not (relrowsecurity and relforcerowsecurity)`
    expect(missing).toEqual([])
    const [count] =
      await db.sql`select count(*)::int as n from pg_class where relnamespace = 'public'::regnamespace and relkind in ('r', 'p')`
    expect(count!.n).toBeGreaterThan(30) // parents + today's partitions really were checked
  })

  it('should include user_session_id in every primary and unique key of the session-recording tables', async () => {
    const keys = await db.sql<{ index: string; columns: string[] }[]>`
      select i.indexrelid::regclass::text as index,
             array(select a.attname::text from pg_attribute a where a.attrelid = i.indrelid and a.attnum = any(i.indkey)) as columns
      from pg_index i join pg_class t on t.oid = i.indrelid
      where i.indisunique and t.relnamespace = 'public'::regnamespace
        and (t.relname in ${db.sql([...RECORDING_TABLES, 'replay_segments'])}
             or t.oid in (select inhrelid from pg_inherits where inhparent::regclass::text in ${db.sql([...RECORDING_TABLES, 'replay_segments'])}))`
    expect(keys.length).toBeGreaterThanOrEqual(13)
    for (const k of keys)
      expect({ index: k.index, hasSession: k.columns.includes('user_session_id') }).toEqual({
        index: k.index,
        hasSession: true,
      })
  })

  it('should index the JSONB columns with GIN', async () => {
    for (const [table, column] of JSONB_GIN) {
      const [row] = await db.sql`
        select count(*)::int as n from pg_indexes
        where schemaname = 'public' and tablename = ${table} and indexdef ilike '%using gin%' and indexdef ~ ${`\\m${column}\\M`}`
      expect({ table, column, gin: row!.n > 0 }).toEqual({ table, column, gin: true })
    }
  })

  it('should keep the analyst and service roles away from superuser and BYPASSRLS', async () => {
    const roles =
      await db.sql`select rolname, rolsuper, rolbypassrls, rolcanlogin from pg_roles where rolname in ('sightline_analyst', 'sightline_service') order by rolname`
    expect(roles).toEqual([
      { rolname: 'sightline_analyst', rolsuper: false, rolbypassrls: false, rolcanlogin: false },
      { rolname: 'sightline_service', rolsuper: false, rolbypassrls: false, rolcanlogin: false },
    ])
  })

  it('should validate personas on test_runs (name, age, techLiteracy, goals)', async () => {
    const [company] = await db.sql`insert into companies (name) values ('persona check') returning id`
    const good = { name: 'Dev', age: 32, techLiteracy: 'expert', goals: ['find bugs'] }
    await db.sql`insert into test_runs (company_id, name, persona) values (${company!.id}, 'ok', ${db.sql.json(good)})`
    const { goals: _goals, ...bad } = good
    await expect(
      db.sql`insert into test_runs (company_id, name, persona) values (${company!.id}, 'bad', ${db.sql.json(bad)})`,
    ).rejects.toThrow(/check constraint/)
  })
})
