/**
 * One HTTP server on 127.0.0.1 (free port) for everything, so the page, the scripts, the fetch
 * targets and the sink share one origin: the page (`/page.html?v=VARIANT&key=KEY`), `/sdk.js`,
 * `/sdk-replay.js`, `/rrweb.js`, `/api/*` (200/404/500 after a few ms) and the sink `/v1/batch`,
 * which counts request-body bytes per site key and answers like the collector.
 */
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http'
import type { AddressInfo } from 'node:net'
import { gunzipSync } from 'node:zlib'
import type { Assets } from './assets.js'
import { renderPage } from './page.js'
import { headFor, VARIANTS, type Variant } from './variants.js'

export interface SinkStats {
  requests: number
  /** Bytes of request bodies as sent (gzipped when the URL says encoding=gzip). */
  bytes: number
  /** The same bodies decompressed. */
  rawBytes: number
  events: number
  replayRecords: number
  /** Events per `type` (SDK events; rrweb's numeric event types for the rrweb variant). */
  types: Record<string, number>
  /** Bodies that did not decompress or parse as JSON. */
  bad: number
}

const emptyStats = (): SinkStats => ({
  requests: 0,
  bytes: 0,
  rawBytes: 0,
  events: 0,
  replayRecords: 0,
  types: {},
  bad: 0,
})

export interface BenchServer {
  origin: string
  sink(key: string): SinkStats
  close(): Promise<void>
}

const CORS = {
  'access-control-allow-origin': '*',
  'access-control-allow-headers': 'content-type',
  'access-control-allow-methods': 'GET, POST, OPTIONS',
}

function readBody(req: IncomingMessage): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = []
    req.on('data', (c: Buffer) => chunks.push(c))
    req.on('end', () => resolve(Buffer.concat(chunks)))
    req.on('error', reject)
  })
}

/** Counts what a batch holds: SDK envelopes carry `events` (replay events carry `records`); rrweb's carry `events`. */
function tally(stats: SinkStats, body: Buffer, gzip: boolean) {
  try {
    const text = (gzip ? gunzipSync(body) : body).toString('utf8')
    stats.rawBytes += Buffer.byteLength(text)
    const batch = JSON.parse(text) as { events?: { type?: unknown; records?: unknown[] }[] }
    for (const e of batch.events ?? []) {
      stats.events++
      const type = String(e.type)
      stats.types[type] = (stats.types[type] ?? 0) + 1
      if (e.type === 'replay') stats.replayRecords += e.records?.length ?? 0
    }
  } catch {
    stats.bad++
  }
}

function send(res: ServerResponse, status: number, type: string, body: string) {
  res.writeHead(status, { 'content-type': type, 'cache-control': 'no-store', ...CORS })
  res.end(body)
}

export async function startServer(assets: Assets): Promise<BenchServer> {
  const stats = new Map<string, SinkStats>()
  const sink = (key: string) => {
    const s = stats.get(key) ?? emptyStats()
    stats.set(key, s)
    return s
  }
  let origin = ''

  async function batch(req: IncomingMessage, res: ServerResponse, url: URL) {
    const body = await readBody(req)
    const s = sink(url.searchParams.get('key') ?? '')
    s.requests++
    s.bytes += body.length
    tally(s, body, url.searchParams.get('encoding') === 'gzip')
    send(
      res,
      200,
      'application/json',
      JSON.stringify({ ok: true, duplicate: false, accepted: 1, rejected: [] }),
    )
  }

  function api(res: ServerResponse, url: URL) {
    const status = url.pathname.startsWith('/api/missing')
      ? 404
      : url.pathname.startsWith('/api/fail')
        ? 500
        : 200
    const body = JSON.stringify({
      path: url.pathname,
      items: Array.from({ length: 10 }, (_, i) => ({ id: i, name: `item ${i}` })),
    })
    setTimeout(() => send(res, status, 'application/json', body), 3 + (url.search.length % 5))
  }

  const server = createServer((req, res) => {
    const url = new URL(req.url ?? '/', origin)
    if (req.method === 'OPTIONS') return send(res, 204, 'text/plain', '')
    if (url.pathname === '/v1/batch' && req.method === 'POST') return void batch(req, res, url)
    if (url.pathname.startsWith('/api/')) return void readBody(req).then(() => api(res, url))
    const js = 'text/javascript; charset=utf-8'
    if (url.pathname === '/sdk.js') return send(res, 200, js, assets.sdk)
    if (url.pathname === '/sdk-replay.js') return send(res, 200, js, assets.sdkReplay)
    if (url.pathname === '/rrweb.js') return send(res, 200, js, assets.rrweb)
    if (url.pathname === '/page.html') {
      const v = (url.searchParams.get('v') ?? 'none') as Variant
      if (!VARIANTS.includes(v)) return send(res, 400, 'text/plain', 'unknown variant')
      return send(
        res,
        200,
        'text/html; charset=utf-8',
        renderPage(headFor(v, origin, url.searchParams.get('key') ?? '')),
      )
    }
    if (url.pathname === '/favicon.ico') return send(res, 204, 'text/plain', '')
    send(res, 404, 'text/plain', 'not found')
  })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`
  return {
    origin,
    sink: (key) => structuredClone(sink(key)),
    close: () =>
      new Promise((resolve) => {
        server.closeAllConnections()
        server.close(() => resolve())
      }),
  }
}
