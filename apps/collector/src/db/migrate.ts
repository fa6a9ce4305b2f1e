import type { Sql, TransactionSql } from 'postgres'
import type { MigrationFile } from './migrationFiles.js'
import type { SqlStatement } from './sqlSplit.js'

/** Serialises runners across processes: each file is applied under this transaction-level lock. */
const MIGRATION_LOCK_KEY = 7_346_221_901

export class MigrationError extends Error {}

export interface AppliedMigration {
  id: number
  name: string
  checksum: string
  appliedAt: Date
}

export interface MigrationStatusRow {
  id: number
  name: string
  state: 'applied' | 'pending' | 'changed' | 'missing'
  appliedAt: Date | null
}

async function ensureBookkeeping(sql: Sql): Promise<void> {
  await sql.begin(async (tx) => {
    await tx`select pg_advisory_xact_lock(${MIGRATION_LOCK_KEY})`
    await tx`
      create table if not exists sightline_migrations (
        id int primary key,
        name text not null,
        checksum text not null,
        applied_at timestamptz not null default now()
      )`
  })
}

export async function listApplied(sql: Sql): Promise<AppliedMigration[]> {
  const [exists] = await sql`select to_regclass('sightline_migrations') is not null as ok`
  if (!exists?.ok) return []
  return sql<AppliedMigration[]>`
    select id, name, checksum, applied_at as "appliedAt" from sightline_migrations order by id`
}

/** Refuses to go on when an applied file was edited, renamed or deleted since it ran. */
function verifyApplied(files: MigrationFile[], applied: AppliedMigration[]): void {
  for (const row of applied) {
    const file = files.find((f) => f.id === row.id)
    if (!file) throw new MigrationError(`applied migration ${row.name} is missing from the migrations folder`)
    if (file.name !== row.name)
      throw new MigrationError(`applied migration ${row.name} was renamed to ${file.name}`)
    if (file.checksum !== row.checksum) {
      throw new MigrationError(
        `${file.name} was edited after it was applied (checksum differs); add a new migration instead`,
      )
    }
  }
}

async function runStatements(
  tx: TransactionSql,
  fileName: string,
  statements: SqlStatement[],
): Promise<void> {
  for (const [index, statement] of statements.entries()) {
    try {
      await tx.unsafe(statement.text)
    } catch (error) {
      const pg = error as { message?: string; code?: string }
      const excerpt = statement.text.length > 300 ? `${statement.text.slice(0, 300)}…` : statement.text
      throw new MigrationError(
        `${fileName} failed at statement ${index + 1} (line ${statement.line}): ${pg.message ?? String(error)}` +
          `${pg.code ? ` [${pg.code}]` : ''}\n  ${excerpt.replace(/\n/g, '\n  ')}\nNothing of ${fileName} was applied.`,
      )
    }
  }
}

/**
 * Applies every pending migration in order, each file in its own transaction together with its
 * bookkeeping row. Concurrent runners serialise on an advisory lock and re-check inside it, so
 * every file is applied exactly once. Returns the names applied by this call.
 */
export async function migrateUp(sql: Sql, files: MigrationFile[]): Promise<string[]> {
  await ensureBookkeeping(sql)
  verifyApplied(files, await listApplied(sql))
  const appliedNow: string[] = []
  for (const file of files) {
    const didApply = await sql.begin(async (tx) => {
      await tx`select pg_advisory_xact_lock(${MIGRATION_LOCK_KEY})`
      const [row] = await tx<
        { checksum: string }[]
      >`select checksum from sightline_migrations where id = ${file.id}`
      if (row) {
        if (row.checksum !== file.checksum)
          throw new MigrationError(`${file.name} was edited after it was applied (checksum differs)`)
        return false
      }
      await runStatements(tx, file.name, file.up)
      await tx`insert into sightline_migrations (id, name, checksum) values (${file.id}, ${file.name}, ${file.checksum})`
      return true
    })
    if (didApply) appliedNow.push(file.name)
  }
  return appliedNow
}

/** Reverts the last `count` applied migrations, newest first, each in its own transaction. */
export async function migrateDown(sql: Sql, files: MigrationFile[], count: number): Promise<string[]> {
  await ensureBookkeeping(sql)
  verifyApplied(files, await listApplied(sql))
  const reverted: string[] = []
  for (let i = 0; i < count; i++) {
    const name = await sql.begin(async (tx) => {
      await tx`select pg_advisory_xact_lock(${MIGRATION_LOCK_KEY})`
      const [row] = await tx<{ id: number }[]>`select id from sightline_migrations order by id desc limit 1`
      if (!row) return null
      const file = files.find((f) => f.id === row.id)!
      const downName = file.name.replace(/\.sql$/, '.down.sql')
      await runStatements(tx, downName, file.down)
      await tx`delete from sightline_migrations where id = ${file.id}`
      return file.name
    })
    if (!name) break
    reverted.push(name)
  }
  return reverted
}

export async function migrationStatus(sql: Sql, files: MigrationFile[]): Promise<MigrationStatusRow[]> {
  const applied = await listApplied(sql)
  const rows: MigrationStatusRow[] = files.map((file) => {
    const row = applied.find((a) => a.id === file.id)
    if (!row) return { id: file.id, name: file.name, state: 'pending', appliedAt: null }
    const changed = row.checksum !== file.checksum || row.name !== file.name
    return { id: file.id, name: file.name, state: changed ? 'changed' : 'applied', appliedAt: row.appliedAt }
  })
  for (const row of applied) {
    if (!files.some((f) => f.id === row.id))
      rows.push({ id: row.id, name: row.name, state: 'missing', appliedAt: row.appliedAt })
  }
  return rows.sort((a, b) => a.id - b.id)
}

/** True when every migration file is applied unchanged (used by /readyz). */
export async function isSchemaCurrent(sql: Sql, files: MigrationFile[]): Promise<boolean> {
  const rows = await migrationStatus(sql, files)
  return rows.every((r) => r.state === 'applied')
}
