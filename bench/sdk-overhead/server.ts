/**
 * One HTTP server on 127.0.0.1 (free port) for everything, so the page, the scripts, the fetch
 * targets and the sink share one origin: the page (`/page.html?v=VARIANT&key=KEY`), `/sdk.js`,
 * `/sdk-replay.js`, `/rrweb.js`, `/peers/<peer>.js`, `/api/*` (200/404/500 after a few ms), the sink
 * `/v1/batch`, which counts request-body bytes per site key and answers like the collector, and the
 * peers' sinks `/sink/<peer>/<key>/…`, which count request-body bytes per key too and answer what each
 * peer SDK needs to keep going (peers.ts). The page's own fetches (`/api/*`) go to the same handler on
 * a second port: the SDK skips requests to its endpoint's origin.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http'
import type { AddressInfo } from 'node:net'
import { gunzipSync, inflateSync } from 'node:zlib'
import type { Assets } from './assets.js'
import { renderPage } from './page.js'
import { isPeer, PEER_DEFS } from './peers.js'
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
  /** Requests and body bytes (as sent) per kind of upload (`batch`; for peers e.g. `replay`, `rum`). */
  kinds: Record<string, { requests: number; bytes: number }>
  /** Date.now() of the last request (0: none yet). */
  lastAt: number
}

const emptyStats = (): SinkStats => ({
  requests: 0,
  bytes: 0,
  rawBytes: 0,
  events: 0,
  replayRecords: 0,
  types: {},
  bad: 0,
  kinds: {},
  lastAt: 0,
})

function count(stats: SinkStats, kind: string, bytes: number) {
  stats.requests++
  stats.bytes += bytes
  stats.lastAt = Date.now()
  const k = stats.kinds[kind] ?? { requests: 0, bytes: 0 }
  k.requests++
  k.bytes += bytes
  stats.kinds[kind] = k
}

/** Body size once decompressed, where the whole body is gzip or zlib (peers' own formats otherwise). */
function rawSize(body: Buffer): number {
  try {
    if (body[0] === 0x1f && body[1] === 0x8b) return gunzipSync(body).length
    if (body[0] === 0x78) return inflateSync(body).length
  } catch {}
  return body.length
}

export interface BenchServer {
  origin: string
  /** Origin of the page's fetch targets (same server, another port). */
  apiOrigin: string
  /** CORS preflights seen so far (the bench is set up to need none). */
  preflights(): number
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

/**
 * Counts what a batch holds (SDK envelopes carry `events`, replay events carry `records`; the rrweb
 * variant's batches carry `events` too) and returns how many events it held.
 */
function tally(stats: SinkStats, body: Buffer, gzip: boolean): number {
  try {
    const text = (gzip ? gunzipSync(body) : body).toString('utf8')
    stats.rawBytes += Buffer.byteLength(text)
    const batch = JSON.parse(text) as { events?: { type?: unknown; records?: unknown[] }[] }
    const events = batch.events ?? []
    for (const e of events) {
      stats.events++
      const type = String(e.type)
      stats.types[type] = (stats.types[type] ?? 0) + 1
      if (e.type === 'replay') stats.replayRecords += e.records?.length ?? 0
    }
    return events.length
  } catch {
    stats.bad++
    return 0
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
  let preflights = 0

  async function batch(req: IncomingMessage, res: ServerResponse, url: URL) {
    const body = await readBody(req)
    const s = sink(url.searchParams.get('key') ?? '')
    count(s, 'batch', body.length)
    const accepted = tally(s, body, url.searchParams.get('encoding') === 'gzip')
    send(res, 200, 'application/json', JSON.stringify({ ok: true, duplicate: false, accepted, rejected: [] }))
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

  /** `/sink/<peer>/<key><rest>`: count what the peer sent (bodies only), answer what it needs. */
  async function peerSink(req: IncomingMessage, res: ServerResponse, url: URL) {
    const [, , peer = '', key = ''] = url.pathname.split('/')
    if (!isPeer(peer)) return send(res, 404, 'text/plain', 'unknown peer')
    const body = await readBody(req)
    const def = PEER_DEFS[peer]
    const request = {
      method: req.method ?? 'GET',
      rest: url.pathname.slice(`/sink/${peer}/${key}`.length),
      url,
      headers: req.headers,
      body,
    }
    const s = sink(key)
    if (body.length > 0) {
      count(s, def.kind(request), body.length)
      s.rawBytes += rawSize(body)
    }
    const reply = def.reply(request, assets)
    if (!reply) return send(res, 404, 'text/plain', 'not found')
    // No `cache-control: no-store` here: with it, Chromium keeps a keepalive request's bytes in its 64 KB
    // in-flight quota until the page reads the response body, which Sentry's transport never does, so
    // its next keepalive upload fails or hangs (an artefact of this header, not of the SDK).
    res.writeHead(reply.status, {
      'content-type': reply.type,
      'content-length': Buffer.byteLength(reply.body),
      ...CORS,
    })
    res.end(reply.body)
  }

  const handle = (req: IncomingMessage, res: ServerResponse) => {
    const url = new URL(req.url ?? '/', origin)
    if (req.method === 'OPTIONS') {
      preflights++
      return send(res, 204, 'text/plain', '')
    }
    if (url.pathname === '/v1/batch' && req.method === 'POST') return void batch(req, res, url)
    if (url.pathname.startsWith('/sink/')) return void peerSink(req, res, url)
    if (url.pathname.startsWith('/api/')) return void readBody(req).then(() => api(res, url))
    const js = 'text/javascript; charset=utf-8'
    if (url.pathname === '/sdk.js') return send(res, 200, js, assets.sdk)
    if (url.pathname === '/sdk-replay.js') return send(res, 200, js, assets.sdkReplay)
    if (url.pathname === '/rrweb.js') return send(res, 200, js, assets.rrweb)
    const peer = /^\/peers\/([a-z]+)\.js$/.exec(url.pathname)?.[1] ?? ''
    if (isPeer(peer)) return send(res, 200, js, assets.peers[peer])
    if (url.pathname === '/page.html') {
      const v = (url.searchParams.get('v') ?? 'none') as Variant
      if (!VARIANTS.includes(v)) return send(res, 400, 'text/plain', 'unknown variant')
      return send(
        res,
        200,
        'text/html; charset=utf-8',
        renderPage(headFor(v, origin, url.searchParams.get('key') ?? ''), apiOrigin),
      )
    }
    if (url.pathname === '/favicon.ico') return send(res, 204, 'text/plain', '')
    send(res, 404, 'text/plain', 'not found')
  }
  const server = createServer(handle)
  // The same handler on a second port: the page's own fetches go there (another origin, simple CORS
  // requests), because the SDK ignores every request to its endpoint's origin.
  const apiServer = createServer(handle)
  const listen = (s: Server) =>
    new Promise<string>((resolve) =>
      s.listen(0, '127.0.0.1', () => resolve(`http://127.0.0.1:${(s.address() as AddressInfo).port}`)),
    )
  origin = await listen(server)
  const apiOrigin = await listen(apiServer)
  const closeOne = (s: Server) =>
    new Promise<void>((resolve) => {
      s.closeAllConnections()
      s.close(() => resolve())
    })
  return {
    origin,
    apiOrigin,
    preflights: () => preflights,
    sink: (key) => structuredClone(sink(key)),
    close: async () => {
      await Promise.all([closeOne(server), closeOne(apiServer)])
    },
  }
}
