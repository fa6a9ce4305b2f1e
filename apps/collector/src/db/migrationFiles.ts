import { createHash } from 'node:crypto'
import { readdir, readFile } from 'node:fs/promises'
import path from 'node:path'
import { fileURLToPath } from 'node:url'
import { SqlSplitError, type SqlStatement, splitSqlStatements } from './sqlSplit.js'

/** The repository's `migrations/` folder; override with SIGHTLINE_MIGRATIONS_DIR. */
export const DEFAULT_MIGRATIONS_DIR =
  process.env.SIGHTLINE_MIGRATIONS_DIR ?? fileURLToPath(new URL('../../../../migrations/', import.meta.url))

export interface MigrationFile {
  id: number
  /** File name of the up migration, e.g. `0003_create_testing.sql`. */
  name: string
  checksum: string
  up: SqlStatement[]
  down: SqlStatement[]
}

export class MigrationFileError extends Error {}

const UP_RE = /^(\d{4})_([a-z][a-z0-9]*(?:_[a-z0-9]+)+)\.sql$/
const DOWN_RE = /^(\d{4})_([a-z][a-z0-9]*(?:_[a-z0-9]+)+)\.down\.sql$/

/**
 * Reads and validates every migration file: names must be `NNNN_verb_object.sql` with a matching
 * `NNNN_verb_object.down.sql`, numbered 0001 upwards with no gaps or duplicates, and every file
 * must split into statements. Anything else is refused before a single statement runs.
 */
export async function loadMigrations(dir: string = DEFAULT_MIGRATIONS_DIR): Promise<MigrationFile[]> {
  const entries = await readdir(dir).catch((error: NodeJS.ErrnoException) => {
    throw new MigrationFileError(`cannot read the migrations folder ${dir}: ${error.code ?? error.message}`)
  })
  const ups = new Map<number, string>()
  const downs = new Map<number, string>()
  for (const entry of entries.sort()) {
    if (!entry.endsWith('.sql')) continue
    const down = DOWN_RE.exec(entry)
    const up = down ? null : UP_RE.exec(entry)
    const match = down ?? up
    if (!match) {
      throw new MigrationFileError(
        `${entry}: migration files must be named NNNN_verb_object.sql or NNNN_verb_object.down.sql`,
      )
    }
    const id = Number(match[1])
    const target = down ? downs : ups
    const previous = target.get(id)
    if (previous) throw new MigrationFileError(`${entry}: number ${match[1]} is already used by ${previous}`)
    target.set(id, entry)
  }
  const ids = [...ups.keys()].sort((a, b) => a - b)
  const files: MigrationFile[] = []
  for (const [index, id] of ids.entries()) {
    const name = ups.get(id)!
    if (id !== index + 1) {
      throw new MigrationFileError(
        `${name}: expected number ${String(index + 1).padStart(4, '0')} (migrations are numbered without gaps from 0001)`,
      )
    }
    const downName = name.replace(/\.sql$/, '.down.sql')
    if (downs.get(id) !== downName)
      throw new MigrationFileError(`${name}: its down counterpart ${downName} is missing`)
    const upSql = await readFile(path.join(dir, name), 'utf8')
    const downSql = await readFile(path.join(dir, downName), 'utf8')
    files.push({
      id,
      name,
      checksum: createHash('sha256').update(upSql).digest('hex'),
      up: parse(name, upSql),
      down: parse(downName, downSql),
    })
  }
  for (const [id, downName] of downs) {
    if (!ups.has(id))
      throw new MigrationFileError(
        `${downName}: there is no up migration numbered ${String(id).padStart(4, '0')}`,
      )
  }
  return files
}

function parse(name: string, source: string): SqlStatement[] {
  try {
    const statements = splitSqlStatements(source)
    if (statements.length === 0) throw new MigrationFileError(`${name}: the file holds no SQL statement`)
    return statements
  } catch (error) {
    if (error instanceof SqlSplitError) throw new MigrationFileError(`${name}: ${error.message}`)
    throw error
  }
}
