import { randomUUID } from 'node:crypto'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createSite } from '../src/db/sites.js'
import { createHarness, type Harness, json } from './ingestHelpers.js'

let h: Harness
beforeAll(async () => {
  h = await createHarness()
})
afterAll(() => h.drop())

const persona = {
  name: 'Hurried Shopper',
  age: 45,
  techLiteracy: 'basic',
  goals: ['Buy a gift quickly'],
  patience: 'low',
}
const create = (body: unknown, key: string | null = h.site.siteKey) =>
  h.app.request('/v1/test-runs', {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...(key ? { 'x-sightline-key': key } : {}) },
    body: JSON.stringify(body),
  })

describe('POST /v1/test-runs', () => {
  it('should create a test run of the key’s site with the seed’s JSONB fields', async () => {
    const res = await create({
      name: 'checkout as a hurried shopper',
      persona,
      platformDetails: { browser: 'chromium', version: '156', viewport: { width: 1280, height: 720 } },
      testConfig: { networkSpeed: '4g' },
      aiMetadata: { models: { strategy: { name: 'gpt-4o-mini' } }, totalCost: 0.0062, tokensUsed: 2500 },
    })
    expect(res.status).toBe(201)
    const { id } = await json(res)
    const [row] = await h.db
      .sql`select site_id, company_id, status, persona, platform_details, test_config, ai_metadata from test_runs where id = ${id}`
    expect(row).toEqual({
      siteId: h.site.siteId,
      companyId: h.site.companyId,
      status: 'running',
      persona,
      platformDetails: { browser: 'chromium', version: '156', viewport: { width: 1280, height: 720 } },
      testConfig: { networkSpeed: '4g' },
      aiMetadata: { models: { strategy: { name: 'gpt-4o-mini' } }, totalCost: 0.0062, tokensUsed: 2500 },
    })
  })

  it('should refuse a persona without goals, naming the field', async () => {
    const { goals: _goals, ...withoutGoals } = persona
    const res = await create({ name: 'x', persona: withoutGoals })
    expect(res.status).toBe(400)
    expect((await json(res)).error).toMatchObject({
      code: 'invalid_test_run',
      message: expect.stringMatching(/^invalid test run: persona\.goals: /),
    })
  })

  it('should refuse missing and read keys', async () => {
    expect((await create({ name: 'x', persona }, null)).status).toBe(401)
    expect((await create({ name: 'x', persona }, h.site.readKey)).status).toBe(403)
  })
})

describe('POST /v1/test-runs/:id/finish', () => {
  const finish = (id: string, body: unknown, key: string | null = h.site.siteKey) =>
    h.app.request(`/v1/test-runs/${id}/finish`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...(key ? { 'x-sightline-key': key } : {}) },
      body: typeof body === 'string' ? body : JSON.stringify(body),
    })
  const newRun = async () => (await json(await create({ name: 'to finish', persona }))).id as string

  it('should set the final status and finished_at, and answer a retry with the same status alike', async () => {
    const id = await newRun()
    const res = await finish(id, { status: 'failed' })
    expect(res.status).toBe(200)
    const body = await json(res)
    expect(body).toEqual({ id, status: 'failed', finishedAt: expect.stringMatching(/^\d{4}-\d\d-\d\dT/) })
    const [row] = await h.db.sql`select status, finished_at from test_runs where id = ${id}`
    expect(row).toEqual({ status: 'failed', finishedAt: new Date(body.finishedAt) })
    const again = await finish(id, { status: 'failed' })
    expect(again.status).toBe(200)
    expect(await json(again)).toEqual(body)
  })

  it('should refuse another final status with a 409 naming the first', async () => {
    const id = await newRun()
    expect((await finish(id, { status: 'passed' })).status).toBe(200)
    const res = await finish(id, { status: 'aborted' })
    expect(res.status).toBe(409)
    expect((await json(res)).error).toMatchObject({
      code: 'test_run_finished',
      message: `test run ${id} already finished as passed`,
    })
    const [row] = await h.db.sql`select status from test_runs where id = ${id}`
    expect(row).toEqual({ status: 'passed' })
  })

  it('should refuse a bad status, an unknown run, another site’s run and read keys', async () => {
    const id = await newRun()
    const bad = await finish(id, { status: 'running' })
    expect(bad.status).toBe(400)
    expect((await json(bad)).error).toMatchObject({
      code: 'invalid_status',
      message: 'status must be one of passed, failed, aborted, got "running"',
    })
    expect((await finish(id, '{')).status).toBe(400)
    expect((await finish('not-a-uuid', { status: 'passed' })).status).toBe(404)
    expect((await finish(randomUUID(), { status: 'passed' })).status).toBe(404)
    const other = await createSite(h.db.sql, {
      name: 'other',
      companyName: `other ${randomUUID()}`,
      origins: ['https://other.example'],
    })
    expect((await finish(id, { status: 'passed' }, other.siteKey)).status).toBe(404)
    expect((await finish(id, { status: 'passed' }, h.site.readKey)).status).toBe(403)
    expect((await finish(id, { status: 'passed' }, null)).status).toBe(401)
    const [row] = await h.db.sql`select status, finished_at from test_runs where id = ${id}`
    expect(row).toEqual({ status: 'running', finishedAt: null })
  })
})
