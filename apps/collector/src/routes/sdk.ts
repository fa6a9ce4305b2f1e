import { createHash } from 'node:crypto'
import { readFile } from 'node:fs/promises'
import path from 'node:path'
import { Hono } from 'hono'
import type { AppDeps } from '../app.js'
import { ApiError } from '../errors.js'

/** Served when the SDK has not been built (`pnpm --filter @sightline/sdk build`): does nothing but say so. */
const PLACEHOLDER = '/* Sightline SDK not built: run `pnpm --filter @sightline/sdk build` */\n'

const FILES = { '/sdk.js': 'sdk.js', '/sdk-replay.js': 'sdk-replay.js' } as const

/** `GET /sdk.js` and `/sdk-replay.js`: the script-tag bundles, with a strong ETag and a short shared cache. */
export function sdkRoutes(deps: AppDeps) {
  const cache = new Map<string, { body: string; etag: string } | null>()
  async function load(file: string) {
    if (!cache.has(file)) {
      const body = deps.config.sdkDir
        ? await readFile(path.join(deps.config.sdkDir, file), 'utf8').catch(() => null)
        : null
      cache.set(
        file,
        body === null
          ? null
          : { body, etag: `"${createHash('sha256').update(body).digest('base64url').slice(0, 27)}"` },
      )
    }
    return cache.get(file) ?? null
  }
  const app = new Hono()
  for (const [route, file] of Object.entries(FILES)) {
    app.get(route, async (c) => {
      const found =
        (await load(file)) ?? (file === 'sdk.js' ? { body: PLACEHOLDER, etag: '"placeholder"' } : null)
      if (!found) throw new ApiError(404, 'not_found', `${file} is not built`)
      const headers = {
        'content-type': 'text/javascript; charset=utf-8',
        etag: found.etag,
        'cache-control': 'public, max-age=300, stale-while-revalidate=86400',
        'access-control-allow-origin': '*',
        'cross-origin-resource-policy': 'cross-origin',
      }
      if (c.req.header('if-none-match') === found.etag) return c.body(null, 304, headers)
      return c.body(found.body, 200, headers)
    })
  }
  return app
}
