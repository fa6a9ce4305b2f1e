import { mkdir, mkdtemp, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import path from 'node:path'
import { gunzipSync } from 'node:zlib'
import { Hono } from 'hono'
import { beforeAll, describe, expect, it } from 'vitest'
import { dashboardRoutes } from './dashboard.js'

const INDEX =
  '<!doctype html><div id="app"></div><script type="module" src="/assets/index-Ab1_x.js"></script>'
const SCRIPT = `console.log(${JSON.stringify('x'.repeat(2_000))})`
let dir: string

/** The routes, with a marker answer for anything they do not handle. */
function appOver(root: string) {
  const app = new Hono()
  app.route('/', dashboardRoutes({ dir: root }))
  app.notFound((c) => c.text('fell through', 404))
  return app
}

beforeAll(async () => {
  dir = await mkdtemp(path.join(tmpdir(), 'sightline-dashboard-'))
  await mkdir(path.join(dir, 'assets'))
  await writeFile(path.join(dir, 'index.html'), INDEX)
  await writeFile(path.join(dir, 'assets', 'index-Ab1_x.js'), SCRIPT)
  await writeFile(path.join(dir, 'secret.txt'), 'not an asset')
})

describe('dashboard routes', () => {
  it('should answer index.html with a CSP on every dashboard page (history routing)', async () => {
    const app = appOver(dir)
    for (const page of [
      '/',
      '/sessions',
      '/sessions/0b7e4c52-1',
      '/signals',
      '/vitals',
      '/test-runs',
      '/test-runs/abc',
    ]) {
      const res = await app.request(page)
      expect({ page, status: res.status }).toEqual({ page, status: 200 })
      expect(await res.text()).toBe(INDEX)
      expect(res.headers.get('content-type')).toBe('text/html; charset=utf-8')
      expect(res.headers.get('cache-control')).toBe('no-cache')
      expect(res.headers.get('content-security-policy')).toContain("script-src 'self'")
    }
  })

  it('should leave the API, the SDK, health and unknown paths to the other routes', async () => {
    const app = appOver(dir)
    for (const p of [
      '/v1/sessions',
      '/v1/live',
      '/sdk.js',
      '/healthz',
      '/metrics',
      '/sessions/a/b',
      '/secret.txt',
      '/index.html',
    ]) {
      const res = await app.request(p)
      expect({ p, body: await res.text() }).toEqual({ p, body: 'fell through' })
    }
  })

  it('should serve hashed assets immutable, gzip-compressed when the client accepts it', async () => {
    const app = appOver(dir)
    const plain = await app.request('/assets/index-Ab1_x.js')
    expect(plain.status).toBe(200)
    expect(plain.headers.get('content-type')).toBe('text/javascript; charset=utf-8')
    expect(plain.headers.get('cache-control')).toBe('public, max-age=31536000, immutable')
    expect(plain.headers.get('content-encoding')).toBeNull()
    expect(await plain.text()).toBe(SCRIPT)
    const gz = await app.request('/assets/index-Ab1_x.js', { headers: { 'accept-encoding': 'gzip, br' } })
    expect(gz.headers.get('content-encoding')).toBe('gzip')
    const body = Buffer.from(await gz.arrayBuffer())
    expect(body.length).toBeLessThan(SCRIPT.length / 10)
    expect(gunzipSync(body).toString()).toBe(SCRIPT)
  })

  it('should refuse asset names outside the assets folder and missing ones with a JSON 404', async () => {
    const app = appOver(dir)
    for (const p of ['/assets/..%2Fsecret.txt', '/assets/.hidden.js', '/assets/missing-1.js']) {
      const res = await app.request(p)
      expect({ p, status: res.status }).toEqual({ p, status: 404 })
      expect(await res.json()).toMatchObject({ error: { code: 'not_found' } })
    }
  })

  it('should say how to build the dashboard when it is not built', async () => {
    const res = await appOver(path.join(dir, 'nowhere')).request('/sessions')
    expect(res.status).toBe(503)
    expect(await res.text()).toContain('pnpm --filter @sightline/dashboard build')
  })
})
