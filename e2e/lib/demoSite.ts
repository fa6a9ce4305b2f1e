import { readFile } from 'node:fs/promises'
import { createServer, type Server } from 'node:http'
import path from 'node:path'
import { fileURLToPath } from 'node:url'

const SITE_DIR = fileURLToPath(new URL('../site/', import.meta.url))

/** Fetch targets of the demo site: [status, body]. */
const CANNED: Record<string, [number, string]> = {
  'api/ok': [200, '{"ok":true}'],
  'api/missing': [404, 'not found'],
  'api/broken': [500, 'broken'],
}
const TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
}
const SDK_SCRIPT_TAG = /[ \t]*<script [^>]*\/sdk\.js"[^>]*><\/script>\n?/

export interface DemoSiteOptions {
  port: number
  collectorUrl: string
  siteKey: string
  /** An origin nothing listens on: the demo's request that fails with a network error. */
  closedOrigin: string
}

/**
 * The demo site: `site/*.html` and `site/*.js` with {{COLLECTOR}}, {{SITE_KEY}} and {{CLOSED_ORIGIN}}
 * replaced, canned API answers (api/ok 200, api/missing 404, api/broken 500), SVG images (`img/<name>.svg`),
 * and index.html for a path without an extension (an SPA route reloaded). Two path prefixes, in this order:
 * `/c/<port>/` points the script tag at a collector on that port of 127.0.0.1 (tests that start their own),
 * `/bare/` serves the page without its script tag (for attachSightline, or to see the page without the SDK).
 */
export function startDemoSite(options: DemoSiteOptions): Server {
  const server = createServer(async (req, res) => {
    let rest = new URL(req.url ?? '/', 'http://x').pathname.slice(1)
    let collector = options.collectorUrl
    const via = /^c\/(\d+)\//.exec(rest)
    if (via) {
      collector = `http://127.0.0.1:${via[1]}`
      rest = rest.slice(via[0].length)
    }
    const bare = rest.startsWith('bare/')
    if (bare) rest = rest.slice('bare/'.length)
    const canned = CANNED[rest]
    if (canned) {
      res.writeHead(canned[0], { 'content-type': 'application/json' }).end(canned[1])
      return
    }
    const image = /^img\/([\w-]+)\.svg$/.exec(rest)
    if (image) {
      res.writeHead(200, { 'content-type': 'image/svg+xml', 'cache-control': 'no-store' }).end(svg(image[1]!))
      return
    }
    const name = path.extname(rest) ? path.basename(rest) : 'index.html'
    try {
      let text = (await readFile(path.join(SITE_DIR, name), 'utf8'))
        .replaceAll('{{COLLECTOR}}', collector)
        .replaceAll('{{SITE_KEY}}', options.siteKey)
        .replaceAll('{{CLOSED_ORIGIN}}', options.closedOrigin)
      if (bare) text = text.replace(SDK_SCRIPT_TAG, '')
      res.writeHead(200, { 'content-type': TYPES[path.extname(name)] ?? 'text/plain' }).end(text)
    } catch {
      res.writeHead(404).end('not found')
    }
  })
  return server.listen(options.port, '127.0.0.1')
}

/** A 300×200 picture with its name written on it. */
const svg = (name: string) =>
  `<svg xmlns="http://www.w3.org/2000/svg" width="300" height="200"><rect width="300" height="200" fill="#8ab"/><text x="20" y="110" font-size="32">${name}</text></svg>`
