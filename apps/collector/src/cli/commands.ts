import { writeFile } from 'node:fs/promises'
import path from 'node:path'
import type { Config } from '../config.js'
import { type Database, openDatabase } from '../db/connect.js'
import { migrateDown, migrateUp, migrationStatus } from '../db/migrate.js'
import { DEFAULT_MIGRATIONS_DIR, loadMigrations } from '../db/migrationFiles.js'
import { runRetention } from '../db/retention.js'
import { createCompanyKey, createSite, listKeys, revokeKey } from '../db/sites.js'
import { normalizeOriginPattern } from '../originUtils.js'
import { runSeed } from '../seed/seed.js'
import { runServer } from '../server.js'
import { parse, parsePositiveInt, UsageError } from './args.js'

type Command = (argv: string[], config: () => Config) => Promise<number>

export const TOP_USAGE = [
  'sightline <migrate|site|keys|retention|seed|start> …',
  '  migrate up | down [N] | status | create NAME',
  '  site create --name NAME [--company NAME] [--origin URL]... [--retention-days N] [--json]',
  '  keys list [--site ID] [--json] | keys create --company ID_OR_NAME [--kind read|admin] [--label TEXT] [--json] | keys revoke ID_OR_PREFIX',
  '  retention [--dry-run]',
  '  seed --sessions N [--days D]',
  '  start',
].join('\n')

async function withDatabase<T>(config: Config, fn: (db: Database) => Promise<T>): Promise<T> {
  const db = await openDatabase(config, { name: 'sightline-cli' })
  try {
    return await fn(db)
  } finally {
    await db.close()
  }
}

const out = (line: string) => process.stdout.write(`${line}\n`)

const migrate: Command = async (argv, config) => {
  const usage = 'sightline migrate up | down [N] | status | create NAME'
  const [action, ...rest] = argv
  switch (action) {
    case 'up': {
      parse(rest, {}, usage)
      const files = await loadMigrations()
      const applied = await withDatabase(config(), (db) => migrateUp(db.sql, files))
      out(
        applied.length
          ? applied.map((n) => `applied ${n}`).join('\n')
          : 'nothing to apply: the schema is current',
      )
      return 0
    }
    case 'down': {
      const { positionals } = parse(rest, {}, usage, 1)
      const count = positionals[0] === undefined ? 1 : parsePositiveInt(positionals[0], 'N', usage)
      const files = await loadMigrations()
      const reverted = await withDatabase(config(), (db) => migrateDown(db.sql, files, count))
      out(reverted.length ? reverted.map((n) => `reverted ${n}`).join('\n') : 'nothing to revert')
      return 0
    }
    case 'status': {
      parse(rest, {}, usage)
      const files = await loadMigrations()
      const rows = await withDatabase(config(), (db) => migrationStatus(db.sql, files))
      for (const r of rows)
        out(`${r.state.padEnd(8)} ${r.name}${r.appliedAt ? `  (${r.appliedAt.toISOString()})` : ''}`)
      return rows.some((r) => r.state === 'changed' || r.state === 'missing') ? 1 : 0
    }
    case 'create': {
      const { positionals } = parse(rest, {}, usage, 1)
      const name = positionals[0]
      if (!name || !/^[a-z][a-z0-9]*(_[a-z0-9]+)+$/.test(name)) {
        throw new UsageError(
          `NAME must be snake_case verb_object such as add_index_sessions, got "${name ?? ''}"`,
          usage,
        )
      }
      const files = await loadMigrations()
      const id = String(files.length + 1).padStart(4, '0')
      const up = path.join(DEFAULT_MIGRATIONS_DIR, `${id}_${name}.sql`)
      const down = path.join(DEFAULT_MIGRATIONS_DIR, `${id}_${name}.down.sql`)
      if (files.some((f) => f.name.slice(5) === `${name}.sql`))
        throw new UsageError(`a migration named ${name} already exists`, usage)
      await writeFile(up, `-- ${id}_${name}: describe what this migration does, then write its SQL.\n`, {
        flag: 'wx',
      })
      await writeFile(down, `-- Undoes ${id}_${name}.sql.\n`, { flag: 'wx' })
      out(`created ${path.relative(process.cwd(), up)}\ncreated ${path.relative(process.cwd(), down)}`)
      out('write SQL into both files: a file without a statement is refused by every migrate command')
      return 0
    }
    default:
      throw new UsageError(action ? `unknown migrate action "${action}"` : 'missing migrate action', usage)
  }
}

const site: Command = async (argv, config) => {
  const usage =
    'sightline site create --name NAME [--company NAME] [--origin URL]... [--retention-days N] [--json]'
  const [action, ...rest] = argv
  if (action !== 'create')
    throw new UsageError(action ? `unknown site action "${action}"` : 'missing site action', usage)
  const { values } = parse(
    rest,
    {
      name: { type: 'string' },
      company: { type: 'string' },
      origin: { type: 'string', multiple: true },
      'retention-days': { type: 'string' },
      json: { type: 'boolean' },
    },
    usage,
  )
  const name = values.name?.trim()
  if (!name) throw new UsageError('--name is required', usage)
  const origins = (values.origin ?? []).map((o) => {
    try {
      return normalizeOriginPattern(o)
    } catch (error) {
      throw new UsageError(`--origin ${(error as Error).message}`, usage)
    }
  })
  const retentionDays =
    values['retention-days'] === undefined
      ? undefined
      : parsePositiveInt(values['retention-days'], '--retention-days', usage, 3650)
  const created = await withDatabase(config(), (db) =>
    createSite(db.sql, {
      name,
      companyName: values.company?.trim() || name,
      origins,
      ...(retentionDays ? { retentionDays } : {}),
    }),
  )
  if (values.json) {
    out(JSON.stringify({ siteId: created.siteId, siteKey: created.siteKey, readKey: created.readKey }))
  } else {
    out(`site ${name} (${created.siteId})`)
    out(`  site key (public, ingest only): ${created.siteKey}`)
    out(`  read key (secret, query API):    ${created.readKey}`)
    out(`  allowed origins: ${origins.length ? origins.join(', ') : '(none yet: browsers will be refused)'}`)
  }
  return 0
}

const keys: Command = async (argv, config) => {
  const usage =
    'sightline keys list [--site ID] [--json] | keys create --company ID_OR_NAME [--kind read|admin] [--label TEXT] [--json] | keys revoke ID_OR_PREFIX'
  const [action, ...rest] = argv
  if (action === 'list') {
    const { values } = parse(rest, { site: { type: 'string' }, json: { type: 'boolean' } }, usage)
    if (values.site !== undefined && !/^[0-9a-f-]{36}$/i.test(values.site))
      throw new UsageError(`--site must be a site id (uuid), got "${values.site}"`, usage)
    const rows = await withDatabase(config(), (db) => listKeys(db.sql, values.site))
    if (values.json) out(JSON.stringify(rows))
    else
      for (const k of rows)
        out(
          `${k.id}  ${k.kind.padEnd(5)} ${k.keyPrefix}…  ${k.revokedAt ? 'revoked' : 'active '}  ${k.companyName}${k.siteName ? ` / ${k.siteName}` : ''}`,
        )
    return 0
  }
  if (action === 'create') {
    const { values } = parse(
      rest,
      {
        company: { type: 'string' },
        kind: { type: 'string' },
        label: { type: 'string' },
        json: { type: 'boolean' },
      },
      usage,
    )
    const company = values.company?.trim()
    if (!company) throw new UsageError('--company is required (a company id or name)', usage)
    const kind = values.kind ?? 'read'
    if (kind !== 'read' && kind !== 'admin')
      throw new UsageError(
        `--kind must be read or admin, got "${kind}" (site keys come with sightline site create)`,
        usage,
      )
    const created = await withDatabase(config(), (db) =>
      createCompanyKey(db.sql, { company, kind, ...(values.label ? { label: values.label } : {}) }),
    )
    if (!created) {
      process.stderr.write(`sightline: no company with id or name "${company}"\n`)
      return 1
    }
    if (values.json)
      out(JSON.stringify({ keyId: created.keyId, companyId: created.companyId, kind, key: created.secret }))
    else {
      out(`${kind} key for company ${created.companyName} (${created.companyId}), all its sites:`)
      out(`  ${created.secret}`)
      out('  shown only now: only its SHA-256 is stored')
    }
    return 0
  }
  if (action === 'revoke') {
    const { positionals } = parse(rest, {}, usage, 1)
    if (!positionals[0]) throw new UsageError('missing key id or prefix', usage)
    const count = await withDatabase(config(), (db) => revokeKey(db.sql, positionals[0]!))
    if (count === 0) {
      process.stderr.write(`sightline: no active key matches "${positionals[0]}"\n`)
      return 1
    }
    out(`revoked ${count} key${count === 1 ? '' : 's'}`)
    return 0
  }
  throw new UsageError(action ? `unknown keys action "${action}"` : 'missing keys action', usage)
}

const retention: Command = async (argv, config) => {
  const usage = 'sightline retention [--dry-run]'
  const { values } = parse(argv, { 'dry-run': { type: 'boolean' } }, usage)
  const dryRun = values['dry-run'] ?? false
  const report = await withDatabase(config(), (db) => runRetention(db.sql, { dryRun }))
  const verb = dryRun ? 'would drop' : 'dropped'
  out(`${verb} ${report.droppedPartitions.length} partition(s) older than ${report.partitionCutoff}`)
  for (const p of report.droppedPartitions) out(`  ${p}`)
  for (const s of report.sites)
    out(
      `${dryRun ? 'would delete' : 'deleted'} ${s.rows} row(s) of site ${s.siteId} older than ${s.retentionDays} days`,
    )
  return 0
}

const seed: Command = async (argv, config) => {
  const usage = 'sightline seed --sessions N [--days D]'
  const { values } = parse(argv, { sessions: { type: 'string' }, days: { type: 'string' } }, usage)
  if (values.sessions === undefined) throw new UsageError('--sessions is required', usage)
  const sessions = parsePositiveInt(values.sessions, '--sessions', usage, 10_000_000)
  const days = values.days === undefined ? 7 : parsePositiveInt(values.days, '--days', usage, 365)
  await withDatabase(config(), async (db) => {
    await migrateUp(db.sql, await loadMigrations())
    const result = await runSeed(db.sql, { sessions, days, progress: process.stderr.isTTY ? 'bar' : 'lines' })
    out(
      `seeded ${result.sessions} sessions, ${result.events} events in ${(result.ms / 1000).toFixed(1)} s (site ${result.siteId})`,
    )
  })
  return 0
}

const start: Command = async (argv, config) => {
  parse(argv, {}, 'sightline start')
  await runServer(config())
  return 0
}

export const COMMANDS: Record<string, Command> = { migrate, site, keys, retention, seed, start }
