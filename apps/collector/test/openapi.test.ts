import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { API_SPECS } from '../src/routes/query/index.js'
import { makeBatch } from './ingestHelpers.js'
import { bearer, createQueryFixture, type QueryFixture } from './queryFixture.js'

let f: QueryFixture
// biome-ignore lint/suspicious/noExplicitAny: the document is plain JSON
let doc: any
beforeAll(async () => {
  f = await createQueryFixture()
  const res = await f.app.request('/v1/openapi.json')
  expect(res.status).toBe(200)
  doc = await res.json()
})
afterAll(() => f.drop())

const openApiPath = (honoPath: string) => honoPath.replace(/:([A-Za-z]+)/g, '{$1}')

describe('GET /v1/openapi.json', () => {
  it('should describe every /v1 route of the app, and no route the app does not have', () => {
    const routes = new Set(
      f.app.routes
        .filter((r) => r.path.startsWith('/v1/') && ['GET', 'POST'].includes(r.method))
        .map((r) => `${r.method.toLowerCase()} ${openApiPath(r.path)}`),
    )
    const documented = new Set(
      Object.entries(doc.paths as Record<string, object>).flatMap(([path, ops]) =>
        Object.keys(ops).map((method) => `${method} ${path}`),
      ),
    )
    expect(routes.size).toBeGreaterThanOrEqual(14)
    expect([...documented].sort()).toEqual([...routes].sort())
  })

  it('should be OpenAPI 3.1 whose every $ref resolves, with query parameters from the zod schemas', () => {
    expect(doc.openapi).toBe('3.1.0')
    const refs = JSON.stringify(doc).match(/"\$ref":"[^"]+"/g) ?? []
    expect(refs.length).toBeGreaterThan(20)
    for (const ref of refs) {
      const name = ref.slice(8, -1).replace('#/components/schemas/', '')
      expect([ref, doc.components.schemas[name] !== undefined]).toEqual([ref, true])
    }
    const list = doc.paths['/v1/sessions'].get
    const param = (name: string) => list.parameters.find((p: { name: string }) => p.name === name)
    expect(param('signal').schema.enum).toContain('rage_click')
    expect(param('limit').schema).toMatchObject({ minimum: 1, maximum: 200, default: 50 })
    expect(param('limit').required).toBe(false)
    expect(param('url').description).toMatch(/case-insensitive/)
    expect(doc.paths['/v1/sessions/{id}'].get.parameters[0]).toMatchObject({
      name: 'id',
      in: 'path',
      required: true,
    })
    expect(doc.components.schemas.SessionSummary.required).toContain('frustrationScore')
    expect(doc.paths['/v1/live'].get.responses['200'].content['text/event-stream']).toBeDefined()
  })

  it("should match the app's real answers: every documented JSON response validates against its schema", async () => {
    const ids: Record<string, string> = {
      '/v1/sessions/{id}': f.sessions.human,
      '/v1/sessions/{id}/events': f.sessions.human,
      '/v1/sessions/{id}/replay': f.sessions.human,
      '/v1/sessions/{id}/signals': f.sessions.human,
      '/v1/test-runs/{id}': f.testRuns.A,
    }
    let checked = 0
    for (const spec of API_SPECS) {
      if (!spec.response || spec.method !== 'get' || spec.path === '/v1/openapi.json') continue
      const path = spec.path.replace('{id}', ids[spec.path] ?? '')
      const res = await f.app.request(path, { headers: bearer(f.A.readKey) })
      expect([path, res.status]).toEqual([path, 200])
      const body = await res.json()
      const parsed = spec.response.safeParse(body)
      expect([path, parsed.success ? 'valid' : parsed.error.issues]).toEqual([path, 'valid'])
      // the answers are not empty, so the schemas were checked against real items
      expect([path, JSON.stringify(body).length > 40]).toEqual([path, true])
      checked++
    }
    expect(checked).toBe(10)
    // and the two ingest answers
    const batch = API_SPECS.find((s) => s.path === '/v1/batch')!.response!
    const res = await f.app.request('/v1/batch', {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        origin: 'https://shop.example',
        'x-sightline-key': f.A.siteKey,
      },
      body: JSON.stringify(makeBatch()),
    })
    expect(batch.safeParse(await res.json()).success).toBe(true)
    const finish = API_SPECS.find((s) => s.path === '/v1/test-runs/{id}/finish')!.response!
    const finished = await f.app.request(`/v1/test-runs/${f.testRuns.A}/finish`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-sightline-key': f.A.siteKey },
      body: JSON.stringify({ status: 'passed' }),
    })
    expect(finish.safeParse(await finished.json()).success).toBe(true)
  })

  it('should refuse a response with an undeclared field (the schemas are strict)', () => {
    const sites = API_SPECS.find((s) => s.path === '/v1/sites')!.response!
    expect(sites.safeParse({ sites: [] }).success).toBe(true)
    expect(sites.safeParse({ sites: [], extra: 1 }).success).toBe(false)
  })
})
