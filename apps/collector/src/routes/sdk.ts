import { createHash } from 'node:crypto'
import { readFile } from 'node:fs/promises'
import { Hono } from 'hono'
import type { AppDeps } from '../app.js'

/** Served until the SDK bundle exists (issue 4): a script that does nothing but say so. */
const PLACEHOLDER =
  "/* Sightline SDK placeholder: the browser SDK has not been built yet. */\nconsole.info('[sightline] SDK not built yet')\n"

/** `GET /sdk.js`: the script-tag bundle with a strong ETag and a short shared cache. */
export function sdkRoutes(deps: AppDeps) {
  let cached: { body: string; etag: string } | undefined
  async function load() {
    if (cached) return cached
    const body = deps.config.sdkBundlePath
      ? await readFile(deps.config.sdkBundlePath, 'utf8').catch(() => PLACEHOLDER)
      : PLACEHOLDER
    cached = { body, etag: `"${createHash('sha256').update(body).digest('base64url').slice(0, 27)}"` }
    return cached
  }
  return new Hono().get('/sdk.js', async (c) => {
    const { body, etag } = await load()
    const headers = {
      'content-type': 'text/javascript; charset=utf-8',
      etag,
      'cache-control': 'public, max-age=300, stale-while-revalidate=86400',
      'access-control-allow-origin': '*',
      'cross-origin-resource-policy': 'cross-origin',
    }
    if (c.req.header('if-none-match') === etag) return c.body(null, 304, headers)
    return c.body(body, 200, headers)
  })
}
