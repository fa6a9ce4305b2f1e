import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { copyRows, copyText } from '../src/db/copy.js'
import { createEmptyDatabase, type TestDatabase } from './db.js'

let db: TestDatabase
beforeAll(async () => {
  db = await createEmptyDatabase()
  await db.sql`create table probe (id int primary key, note text)`
})
afterAll(() => db.drop())

describe('COPY', () => {
  it('should store rows, escaping tabs, newlines and backslashes', async () => {
    await copyRows(
      db.sql,
      'probe',
      ['id', 'note'],
      [
        { id: 1, note: 'tab\there' },
        { id: 2, note: 'line\nbreak \\ slash' },
        { id: 3, note: null },
      ],
    )
    expect(await db.sql`select id, note from probe order by id`).toEqual([
      { id: 1, note: 'tab\there' },
      { id: 2, note: 'line\nbreak \\ slash' },
      { id: 3, note: null },
    ])
  })

  it('should fail with PostgreSQL’s error, not hang, when the data is refused', async () => {
    const started = Date.now()
    await expect(copyText(db.sql, 'probe', ['id', 'note'], ['10\ta\n10\tb\n'])).rejects.toThrow(
      /duplicate key value violates unique constraint/,
    )
    expect(Date.now() - started).toBeLessThan(5_000)
    // The connection is usable afterwards.
    expect(await db.sql`select count(*)::int as n from probe where id = 10`).toEqual([{ n: 0 }])
  })
})
