import { afterAll, beforeAll, describe, expect, it } from 'vitest'
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
