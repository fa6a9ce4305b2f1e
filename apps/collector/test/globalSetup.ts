import { mkdtemp } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import path from 'node:path'
import type { TestProject } from 'vitest/node'
import { createSql } from '../src/db/connect.js'
import { type EmbeddedDatabase, startEmbeddedPostgres } from '../src/db/embedded.js'
import { migrateUp } from '../src/db/migrate.js'
import { loadMigrations } from '../src/db/migrationFiles.js'
import { databaseUrl } from './dbUrl.js'

declare module 'vitest' {
  export interface ProvidedContext {
    /** A URL on the test server with rights to create databases. */
    adminUrl: string
    /** A fully migrated database that test files clone. */
    templateDb: string
    /** 'external' (DATABASE_URL) or 'embedded' (PostgreSQL 18 from npm). */
    databaseKind: string
  }
}

/**
 * DATABASE_URL set → tests create their databases on that server. Unset → an embedded PostgreSQL 18
 * is started for the run in a temporary directory. Either way one template database is migrated
 * once and every test file clones it (CREATE DATABASE … TEMPLATE), so files run in parallel.
 */
export default async function setup(project: TestProject) {
  let embedded: EmbeddedDatabase | undefined
  let adminUrl = process.env.DATABASE_URL
  if (!adminUrl) {
    const dir = await mkdtemp(path.join(tmpdir(), 'sightline-test-pg-'))
    embedded = await startEmbeddedPostgres({
      dataDir: path.join(dir, 'data'),
      port: 0,
      ephemeral: true,
      fast: true,
    })
    adminUrl = embedded.url
  }
  const templateDb = `sl_template_${process.pid}`
  const admin = createSql(adminUrl, { max: 1 })
  await admin.unsafe(`drop database if exists ${templateDb} with (force)`)
  await admin.unsafe(`create database ${templateDb}`)
  const tpl = createSql(databaseUrl(adminUrl, templateDb), { max: 2 })
  await migrateUp(tpl, await loadMigrations())
  await tpl.end()
  await admin.end()
  project.provide('adminUrl', adminUrl)
  project.provide('templateDb', templateDb)
  project.provide('databaseKind', embedded ? 'embedded' : 'external')
  return async () => {
    const cleanup = createSql(adminUrl, { max: 1 })
    await cleanup.unsafe(`drop database if exists ${templateDb} with (force)`)
    await cleanup.end()
    await embedded?.stop()
  }
}
