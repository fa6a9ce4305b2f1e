import { appendFile, cp, mkdtemp, readdir, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import path from 'node:path'
import { afterEach, describe, expect, it } from 'vitest'
import { createSql } from '../src/db/connect.js'
import { MigrationError, migrateDown, migrateUp, migrationStatus } from '../src/db/migrate.js'
import { DEFAULT_MIGRATIONS_DIR, loadMigrations, MigrationFileError } from '../src/db/migrationFiles.js'
import { createEmptyDatabase, type TestDatabase } from './db.js'

const cleanups: (() => Promise<void>)[] = []
afterEach(async () => {
  while (cleanups.length) await cleanups.pop()!()
})

async function emptyDb(): Promise<TestDatabase> {
  const db = await createEmptyDatabase()
  cleanups.push(db.drop)
  return db
}

async function copyOfMigrations(): Promise<string> {
  const dir = await mkdtemp(path.join(tmpdir(), 'sightline-migrations-'))
  await cp(DEFAULT_MIGRATIONS_DIR, dir, { recursive: true })
  cleanups.push(() => rm(dir, { recursive: true, force: true }))
  return dir
}

const userTables = (db: TestDatabase) =>
  db.sql<
    { n: number }[]
  >`select count(*)::int as n from pg_class c join pg_namespace n on n.oid = c.relnamespace
    where n.nspname = 'public' and c.relkind in ('r', 'p') and c.relname <> 'sightline_migrations'`

describe('migrations', () => {
  it('should apply every file to an empty database, revert to zero, and apply again', async () => {
    const db = await emptyDb()
    const files = await loadMigrations()
    expect(files.length).toBeGreaterThanOrEqual(5)
    expect(await migrateUp(db.sql, files)).toEqual(files.map((f) => f.name))
    expect((await userTables(db))[0]!.n).toBeGreaterThan(20)

    expect(await migrateDown(db.sql, files, files.length)).toEqual(files.map((f) => f.name).reverse())
    expect((await userTables(db))[0]!.n).toBe(0)
    expect(await db.sql`select id from sightline_migrations`).toHaveLength(0)

    expect(await migrateUp(db.sql, files)).toHaveLength(files.length)
    const status = await migrationStatus(db.sql, files)
    expect(status.every((s) => s.state === 'applied')).toBe(true)
  })

  it('should make re-running up a no-op', async () => {
    const db = await emptyDb()
    const files = await loadMigrations()
    await migrateUp(db.sql, files)
    const before = await db.sql`select id, applied_at from sightline_migrations order by id`
    expect(await migrateUp(db.sql, files)).toEqual([])
    expect(await db.sql`select id, applied_at from sightline_migrations order by id`).toEqual(before)
  })

  it('should apply every file exactly once when two runners race', async () => {
    const db = await emptyDb()
    const files = await loadMigrations()
    const a = createSql(db.url, { max: 2 })
    const b = createSql(db.url, { max: 2 })
    try {
      const [fromA, fromB] = await Promise.all([migrateUp(a, files), migrateUp(b, files)])
      expect([...fromA, ...fromB].sort()).toEqual(files.map((f) => f.name).sort())
      expect(new Set([...fromA, ...fromB]).size).toBe(files.length)
    } finally {
      await a.end()
      await b.end()
    }
    const rows = await db.sql<{ id: number }[]>`select id from sightline_migrations order by id`
    expect(rows.map((r) => r.id)).toEqual(files.map((f) => f.id))
  })

  it('should refuse an applied file that was edited, naming it', async () => {
    const db = await emptyDb()
    const dir = await copyOfMigrations()
    await migrateUp(db.sql, await loadMigrations(dir))
    const second = (await readdir(dir)).filter((f) => !f.endsWith('.down.sql')).sort()[1]!
    await appendFile(path.join(dir, second), '\n-- an innocent-looking edit\n')
    const edited = await loadMigrations(dir)
    await expect(migrateUp(db.sql, edited)).rejects.toThrow(
      new MigrationError(
        `${second} was edited after it was applied (checksum differs); add a new migration instead`,
      ),
    )
    await expect(migrateDown(db.sql, edited, 1)).rejects.toThrow(second)
    expect((await migrationStatus(db.sql, edited)).find((s) => s.name === second)?.state).toBe('changed')
  })

  it('should leave nothing of a failing file and name the file and the statement', async () => {
    const db = await emptyDb()
    const dir = await copyOfMigrations()
    const files = await loadMigrations(dir)
    const next = String(files.length + 1).padStart(4, '0')
    const name = `${next}_create_broken.sql`
    await writeFile(
      path.join(dir, name),
      'create table broken_first (id int);\n\ninsert into no_such_table values (1);\n',
    )
    await writeFile(path.join(dir, `${next}_create_broken.down.sql`), 'drop table broken_first;\n')
    const withBroken = await loadMigrations(dir)
    const error = await migrateUp(db.sql, withBroken).catch((e: unknown) => e)
    expect(error).toBeInstanceOf(MigrationError)
    expect((error as Error).message).toMatch(
      new RegExp(`^${name} failed at statement 2 \\(line 3\\): relation "no_such_table" does not exist`),
    )
    expect((error as Error).message).toContain('insert into no_such_table values (1)')
    const [exists] = await db.sql`select to_regclass('broken_first') is not null as present`
    expect(exists!.present).toBe(false)
    const applied = await db.sql<{ id: number }[]>`select id from sightline_migrations order by id`
    expect(applied.map((r) => r.id)).toEqual(files.map((f) => f.id))
  })
})

describe('migration files', () => {
  it('should refuse bad names, gaps, duplicates and missing down files', async () => {
    const dir = await copyOfMigrations()
    await writeFile(path.join(dir, 'add stuff.sql'), 'select 1;')
    await expect(loadMigrations(dir)).rejects.toThrow(
      new MigrationFileError(
        'add stuff.sql: migration files must be named NNNN_verb_object.sql or NNNN_verb_object.down.sql',
      ),
    )
    await rm(path.join(dir, 'add stuff.sql'))

    const count = (await loadMigrations(dir)).length
    const gap = String(count + 2).padStart(4, '0')
    await writeFile(path.join(dir, `${gap}_add_gap.sql`), 'select 1;')
    await writeFile(path.join(dir, `${gap}_add_gap.down.sql`), 'select 1;')
    await expect(loadMigrations(dir)).rejects.toThrow(
      `${gap}_add_gap.sql: expected number ${String(count + 1).padStart(4, '0')}`,
    )
    await rm(path.join(dir, `${gap}_add_gap.sql`))
    await rm(path.join(dir, `${gap}_add_gap.down.sql`))

    const next = String(count + 1).padStart(4, '0')
    await writeFile(path.join(dir, `${next}_add_thing.sql`), 'select 1;')
    await expect(loadMigrations(dir)).rejects.toThrow(
      `${next}_add_thing.sql: its down counterpart ${next}_add_thing.down.sql is missing`,
    )
    await writeFile(path.join(dir, `${next}_add_other.sql`), 'select 1;')
    await expect(loadMigrations(dir)).rejects.toThrow(/is already used by/)
  })

  it('should refuse a file whose SQL cannot be split, naming the file and line', async () => {
    const dir = await copyOfMigrations()
    const next = String((await loadMigrations(dir)).length + 1).padStart(4, '0')
    await writeFile(path.join(dir, `${next}_add_typo.sql`), "select 1;\nselect 'unclosed;\n")
    await writeFile(path.join(dir, `${next}_add_typo.down.sql`), 'select 1;')
    await expect(loadMigrations(dir)).rejects.toThrow(
      `${next}_add_typo.sql: unterminated string opened on line 2`,
    )
  })
})
