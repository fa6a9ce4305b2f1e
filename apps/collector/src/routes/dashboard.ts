import { readFile } from 'node:fs/promises'
import path from 'node:path'
import { gzipSync } from 'node:zlib'
import { Hono } from 'hono'
import { REPO_ROOT } from '../config.js'
import { ApiError } from '../errors.js'

/** Where `pnpm --filter @sightline/dashboard build` writes the dashboard. */
export const DEFAULT_DASHBOARD_DIR = path.join(REPO_ROOT, 'apps/dashboard/dist')

/** The dashboard's own pages (history routing): each answers index.html. Nothing under /v1, /sdk*.js, /healthz. */
export const DASHBOARD_PAGES = [
  '/',
  '/sessions',
  '/sessions/:id',
  '/signals',
  '/vitals',
  '/test-runs',
  '/test-runs/:id',
] as const

const TYPES: Record<string, string> = {
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.woff2': 'font/woff2',
  '.map': 'application/json',
}

/**
 * The replay iframe inherits this policy: the recorded page's own styles, images and fonts may come from
 * anywhere, but no script runs in it (rrweb does not replay scripts) and the API is same-origin.
 */
const CSP = [
  "default-src 'self'",
  "script-src 'self'",
  "style-src 'self' 'unsafe-inline' *",
  'img-src * data: blob:',
  'font-src * data:',
  'media-src * data: blob:',
  "connect-src 'self'",
  "object-src 'none'",
  "base-uri 'none'",
  "frame-ancestors 'none'",
].join('; ')

const SECURITY_HEADERS = {
  'content-security-policy': CSP,
  'x-content-type-options': 'nosniff',
  'referrer-policy': 'no-referrer',
}

const NOT_BUILT = `<!doctype html><meta charset="utf-8"><title>Sightline</title>
<p>The dashboard is not built: run <code>pnpm --filter @sightline/dashboard build</code> (<code>npm start</code> does it).</p>`

const NO_ASSET = new ApiError(404, 'not_found', 'no such asset')

interface Asset {
  body: Buffer
  gzip: Buffer
  type: string
}

/**
 * `GET /` and the dashboard's pages: `index.html` (read on each request, so a rebuild shows at once), and
 * `/assets/*`: the hashed build files, immutable, kept in memory once read, gzip-compressed when accepted.
 */
export function dashboardRoutes({ dir = DEFAULT_DASHBOARD_DIR }: { dir?: string } = {}) {
  const assets = new Map<string, Asset>()
  const app = new Hono()
  for (const page of DASHBOARD_PAGES) {
    app.get(page, async (c) => {
      const html = await readFile(path.join(dir, 'index.html')).catch(() => null)
      const headers = { ...SECURITY_HEADERS, 'cache-control': 'no-cache' }
      if (!html) return c.html(NOT_BUILT, 503, headers)
      return c.body(new Uint8Array(html), 200, { ...headers, 'content-type': 'text/html; charset=utf-8' })
    })
  }
  app.get('/assets/:file', async (c) => {
    const file = c.req.param('file')
    // Only the flat, hashed file names vite writes: no traversal, no dot files.
    if (!/^[\w-]+(\.[\w-]+)*\.[a-z0-9]+$/i.test(file)) return NO_ASSET.toResponse()
    let asset = assets.get(file)
    if (!asset) {
      const body = await readFile(path.join(dir, 'assets', file)).catch(() => null)
      if (!body) return NO_ASSET.toResponse()
      asset = {
        body,
        gzip: gzipSync(body, { level: 9 }),
        type: TYPES[path.extname(file)] ?? 'application/octet-stream',
      }
      assets.set(file, asset)
    }
    const gzip =
      /\bgzip\b/.test(c.req.header('accept-encoding') ?? '') && asset.gzip.length < asset.body.length
    return c.body(new Uint8Array(gzip ? asset.gzip : asset.body), 200, {
      ...SECURITY_HEADERS,
      'content-type': asset.type,
      'cache-control': 'public, max-age=31536000, immutable',
      vary: 'accept-encoding',
      ...(gzip ? { 'content-encoding': 'gzip' } : {}),
    })
  })
  return app
}
