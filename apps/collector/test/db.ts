import { randomBytes } from 'node:crypto'
import type { Sql } from 'postgres'
import { inject } from 'vitest'
import { createSql } from '../src/db/connect.js'
import { databaseUrl } from './dbUrl.js'

export interface TestDatabase {
  name: string
  url: string
  sql: Sql
  drop(): Promise<void>
}

async function create(fromTemplate: boolean): Promise<TestDatabase> {
  const adminUrl = inject('adminUrl')
  const name = `sl_test_${randomBytes(5).toString('hex')}`
  const admin = createSql(adminUrl, { max: 1 })
  try {
    for (let attempt = 0; ; attempt++) {
      try {
        await admin.unsafe(
          fromTemplate
            ? `create database ${name} template ${inject('templateDb')}`
            : `create database ${name}`,
        )
        break
      } catch (error) {
        // Two files cloning the template at the same instant: "source database is being accessed by other users".
        if (attempt >= 20 || (error as { code?: string }).code !== '55006') throw error
        await new Promise((r) => setTimeout(r, 100 + Math.random() * 200))
      }
    }
  } finally {
    await admin.end()
  }
  const url = databaseUrl(adminUrl, name)
  const sql = createSql(url, { max: 4 })
  return {
    name,
    url,
    sql,
    drop: async () => {
      await sql.end({ timeout: 1 })
      const a = createSql(adminUrl, { max: 1 })
      await a.unsafe(`drop database if exists ${name} with (force)`)
      await a.end()
    },
  }
}

/** A new database with no tables at all (migration tests). */
export const createEmptyDatabase = () => create(false)
/** A new database with every migration applied (cloned from the run's template). */
export const createMigratedDatabase = () => create(true)
