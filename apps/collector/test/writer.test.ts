import { randomUUID } from 'node:crypto'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createSite } from '../src/db/sites.js'
import { prepareBatch } from '../src/ingest/prepare.js'
import { createWriter, OverloadedError, type PreparedBatch, toPreparedBatch } from '../src/ingest/writer.js'
import { createMigratedDatabase, type TestDatabase } from './db.js'
import { makeBatch } from './ingestHelpers.js'

const LIMITS = { wireBytes: 1 << 20, decompressedBytes: 8 << 20 }

let db: TestDatabase
let siteA: string
let siteB: string
beforeAll(async () => {
  db = await createMigratedDatabase()
  const origins = ['https://shop.example']
  siteA = (await createSite(db.sql, { name: 'a', companyName: `a ${randomUUID()}`, origins })).siteId
  siteB = (await createSite(db.sql, { name: 'b', companyName: `b ${randomUUID()}`, origins })).siteId
})
afterAll(() => db.drop())

function prepared(siteId: string, overrides: Record<string, unknown> = {}): PreparedBatch {
  const wire = Buffer.from(JSON.stringify(makeBatch(overrides)))
  return toPreparedBatch(
    siteId,
    prepareBatch({ wire, encoding: null, limits: LIMITS, receivedAt: Date.now(), siteId }),
  )
}

const clicks = async (sessionId: string) =>
  (await db.sql`select count(*)::int as n from click_events where user_session_id = ${sessionId}`)[0]!.n

describe('the group-commit writer', () => {
  it('should sort out one group holding new, stored, twin and foreign-session batches', async () => {
    const groups: number[] = []
    const writer = createWriter(db.sql, {
      concurrency: 1,
      maxRowsPerFlush: 20_000,
      maxPendingRows: 100_000,
      onFlush: ({ batches }) => groups.push(batches),
    })
    const stored = prepared(siteA)
    const foreign = prepared(siteB)
    expect(await writer.submit(stored).done).toBe('stored')
    expect(await writer.submit(foreign).done).toBe('stored')
    groups.length = 0

    const fresh = prepared(siteA)
    // Submitted in one turn, while the writer is idle or finishing the flush before: one group of six,
    // or a flush of the first alone and a group of the other five.
    const outcomes = await Promise.all(
      [
        prepared(siteA),
        fresh,
        stored, // the same batch again
        { ...stored, batchId: randomUUID() }, // the same tab and sequence under another batch id
        { ...prepared(siteA, { sessionId: foreign.sessionId }), sessionId: foreign.sessionId }, // B's session
        fresh, // twice in the group
      ].map((b) => writer.submit(b).done),
    )
    // One group held them all (a flush that starts alone takes the first only: [1, 5]).
    expect(groups.length === 1 ? groups : groups.slice(1)).toEqual([groups.length === 1 ? 6 : 5])
    expect(outcomes).toEqual(['stored', 'stored', 'duplicate', 'duplicate', 'session_conflict', 'duplicate'])
    expect(await clicks(fresh.sessionId)).toBe(1)
    expect(await clicks(stored.sessionId)).toBe(1)
    // Site A wrote nothing into B's session, and its summary counts B's batch only.
    expect(await clicks(foreign.sessionId)).toBe(1)
    const [summary] = await db.sql`
      select event_count, site_id from session_summaries where user_session_id = ${foreign.sessionId}`
    expect(summary).toEqual({ eventCount: foreign.eventCount, siteId: siteB })
    const [ledger] = await db.sql`
      select count(*)::int as n from ingested_batches where user_session_id in ${db.sql([fresh.sessionId, stored.sessionId, foreign.sessionId])}`
    expect(ledger!.n).toBe(3)
  })

  it('should bound groups and the queue by bytes as well as rows', async () => {
    const batches = [0, 1, 2, 3].map(() => prepared(siteA))
    const heaviest = Math.max(...batches.map((b) => b.bytes))
    expect(heaviest).toBeGreaterThan(1000) // the COPY text of a batch of a few events
    const groups: number[] = []
    const writer = createWriter(db.sql, {
      concurrency: 1,
      maxRowsPerFlush: 20_000,
      maxPendingRows: 100_000,
      maxBytesPerFlush: heaviest, // one batch per flush
      maxPendingBytes: 2 * heaviest, // two batches may wait
      onFlush: ({ batches }) => groups.push(batches),
    })
    // The first is taken at once (its flush runs), the next two wait, the fourth would pass the byte bound.
    const submitted = batches.map((b) => writer.submit(b).done)
    await expect(submitted[3]).rejects.toBeInstanceOf(OverloadedError)
    expect(await Promise.all(submitted.slice(0, 3))).toEqual(['stored', 'stored', 'stored'])
    expect(groups).toEqual([1, 1, 1])
    expect(writer.pendingBytes()).toBe(0)
    expect(await clicks(batches[3]!.sessionId)).toBe(0)
  })
})
