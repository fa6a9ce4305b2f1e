import { gzipSync } from 'node:zlib'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { EVENT_TABLES } from '../src/db/tables.js'
import { ApiError } from '../src/errors.js'
import { type PrepareInput, prepareBatch } from '../src/ingest/prepare.js'
import { createPreparer, type Preparer } from '../src/ingest/preparePool.js'
import { createHarness, everyKind, type Harness, json, makeBatch, post } from './ingestHelpers.js'

const limits = { wireBytes: 1024 * 1024, decompressedBytes: 8 * 1024 * 1024 }
const SITE = '00000000-0000-4000-8000-000000000001'

function input(body: unknown, encoding: 'gzip' | null = 'gzip'): PrepareInput {
  const text = Buffer.from(typeof body === 'string' ? body : JSON.stringify(body))
  return { wire: encoding ? gzipSync(text) : text, encoding, limits, receivedAt: Date.now(), siteId: SITE }
}

describe('prepare pool (worker threads)', () => {
  let pool: Preparer
  beforeAll(() => {
    pool = createPreparer(2)
  })
  afterAll(() => pool.close())

  it('should return what the inline step returns, Maps, Sets and Dates included', async () => {
    const batch = makeBatch()
    const request = input(batch)
    const fromWorker = await pool.prepare(request)
    const inline = prepareBatch(request)
    expect(fromWorker.rows.tables).toBeInstanceOf(Map)
    expect(fromWorker.rows.days).toBeInstanceOf(Set)
    expect(fromWorker.rows.session.started_at).toBeInstanceOf(Date)
    expect(fromWorker.kinds.length).toBeGreaterThan(10)
    expect(fromWorker).toEqual(inline)
  })

  it('should keep many requests apart (each answer goes to its own request)', async () => {
    const batches = Array.from({ length: 40 }, () => makeBatch())
    const results = await Promise.all(batches.map((b) => pool.prepare(input(b))))
    expect(results.map((r) => r.batchId)).toEqual(batches.map((b) => b.batchId))
  })

  it('should carry an ApiError across with its status, code and details', async () => {
    const error = await pool.prepare(input('{"v":1', null)).catch((e: unknown) => e)
    expect(error).toBeInstanceOf(ApiError)
    expect(error).toMatchObject({ status: 400, code: 'malformed_json' })
    const bomb = await pool
      .prepare({ ...input('x'), wire: gzipSync(Buffer.alloc(9 * 1024 * 1024)) })
      .catch((e: unknown) => e)
    expect(bomb).toMatchObject({
      status: 413,
      code: 'payload_too_large',
      details: { limitBytes: limits.decompressedBytes },
    })
  })

  it('should fail only the requests of a worker that dies, and replace it', async () => {
    const dying = createPreparer(1, { workerUrl: new URL('./fixtures/exitingWorker.ts', import.meta.url) })
    try {
      await expect(dying.prepare(input(makeBatch()))).rejects.toThrow(/exited with code 3/)
      // The replacement is a fresh worker of the same kind: it dies too, but it was started and answered.
      await expect(dying.prepare(input(makeBatch()))).rejects.toThrow(/exited with code 3/)
    } finally {
      await dying.close()
    }
    await expect(dying.prepare(input(makeBatch()))).rejects.toThrow(/closed/)
  })
})

describe('ingest with a prepare worker', () => {
  let h: Harness
  beforeAll(async () => {
    h = await createHarness({ prepareWorkers: 1 })
  })
  afterAll(async () => {
    await h.app.deps.preparer.close()
    await h.drop()
  })

  it('should store every kind in its table, as it does inline', async () => {
    const events = everyKind(Date.now() - 500)
    const batch = makeBatch({}, events)
    const res = await post(h, gzipSync(JSON.stringify(batch)), { headers: { 'content-encoding': 'gzip' } })
    expect(res.status).toBe(200)
    const body = await json(res)
    expect(body.accepted).toBe(batch.events.length)
    const tables = new Set(
      events.map((e) => EVENT_TABLES[e.type as keyof typeof EVENT_TABLES]).filter(Boolean),
    )
    expect(tables.size).toBeGreaterThan(12)
    for (const table of tables) {
      const [row] = await h.db
        .sql`select count(*)::int as n from ${h.db.sql(table)} where user_session_id = ${batch.sessionId}`
      expect(row!.n, table).toBeGreaterThan(0)
    }
  })

  it('should answer a malformed body 400 from the worker, counted as rejected', async () => {
    const res = await post(h, '{"v":1')
    expect(res.status).toBe(400)
    expect((await json(res)).error.code).toBe('malformed_json')
  })
})
