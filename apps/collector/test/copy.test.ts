import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { copyRows, copyStatement, copyText } from '../src/db/copy.js'
import { createEmptyDatabase, type TestDatabase } from './db.js'

let db: TestDatabase
beforeAll(async () => {
  db = await createEmptyDatabase()
  await db.sql`create table probe (id int primary key, note text)`
  await db.sql`create table probe2 (id int primary key, doc jsonb)`
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

  describe('with its data sent with the query (patches/postgres@3.4.9.patch, copyData)', () => {
    /** A multi-statement query with two COPYs whose data travels with it, as the ingest writer sends one. */
    const both = (a: string, b: string, last = 'select count(*)::int as n from probe2') =>
      db.sql.unsafe(
        [copyStatement('probe', ['id', 'note']), copyStatement('probe2', ['id', 'doc']), last].join(';\n'),
        [],
        { copyData: [a, b] } as never,
      )

    it('should run every COPY of a multi-statement query with its own data, large data included', async () => {
      const many = Array.from(
        { length: 5_000 },
        (_, i) => `${1_000 + i}\t{"i": ${i}, "pad": "${'x'.repeat(40)}"}\n`,
      )
      const result = await both('20\ttwenty\n21\ttwenty-one\n', many.join(''))
      // postgres.js answers a multi-statement query with the first statement's result and one more per
      // statement that returns rows (ingest/writer.ts reads its results this way).
      expect(result).toEqual([[], [{ n: 5_000 }]])
      expect(await db.sql`select id, note from probe where id >= 20 order by id`).toEqual([
        { id: 20, note: 'twenty' },
        { id: 21, note: 'twenty-one' },
      ])
      expect(await db.sql`select doc from probe2 where id = 5999`).toEqual([
        { doc: { i: 4_999, pad: 'x'.repeat(40) } },
      ])
    })

    it('should fail as one transaction when a later COPY is refused, and leave the connection usable', async () => {
      await db.sql`delete from probe2`
      const started = Date.now()
      await expect(both('30\tthirty\n', '1\t{}\n1\t{}\n')).rejects.toThrow(
        /duplicate key value violates unique constraint "probe2_pkey"/,
      )
      expect(Date.now() - started).toBeLessThan(5_000)
      // The first COPY was undone with the rest, and the data sent after the error was dropped, not read
      // as the next query: the connection answers normally.
      expect(await db.sql`select count(*)::int as n from probe where id = 30`).toEqual([{ n: 0 }])
      expect(await db.sql`select count(*)::int as n from probe2`).toEqual([{ n: 0 }])
    })

    it('should drop the data of COPYs after a statement that failed before them', async () => {
      await expect(
        db.sql.unsafe(['select 1/0', copyStatement('probe', ['id', 'note']), 'select 1'].join(';\n'), [], {
          copyData: ['40\tforty\n'],
        } as never),
      ).rejects.toThrow(/division by zero/)
      expect(await db.sql`select count(*)::int as n from probe where id = 40`).toEqual([{ n: 0 }])
      expect(await db.sql`select 2 as two`).toEqual([{ two: 2 }])
    })
  })
})
