import { Agent, createServer, type IncomingHttpHeaders, request, type Server } from 'node:http'
import type { AddressInfo } from 'node:net'
import { gunzipSync } from 'node:zlib'

export interface DroppingProxy {
  url: string
  /** Victim batch id → responses dropped so far. */
  drops: Map<string, number>
  /** Victim batch id → every 2xx answer body the collector gave for it, in order. */
  answers: Map<string, string[]>
  close(): Promise<void>
}

const HOP_BY_HOP = new Set(['connection', 'keep-alive', 'transfer-encoding'])

/**
 * An HTTP proxy in front of the collector that, for victim batches, forwards the request, waits for the
 * collector's answer (so the batch is committed), and then closes the client's socket without relaying it:
 * `dropsPerVictim` times in a row. One batch in `victimEvery` (of those first seen while `active()`) is a victim.
 */
export async function startDroppingProxy(o: {
  upstream: string
  victimEvery: number
  dropsPerVictim: number
  active: () => boolean
  /** Sees every request body (decompressed when sent with ?encoding=gzip) before it is forwarded. */
  onRequest?: (path: string, body: Buffer) => void
}): Promise<DroppingProxy> {
  const agent = new Agent({ keepAlive: true, maxSockets: 256 })
  const drops = new Map<string, number>()
  const answers = new Map<string, string[]>()
  const seen = new Set<string>()
  const upstream = new URL(o.upstream)
  const forward = (method: string, path: string, headers: IncomingHttpHeaders, body: Buffer) =>
    new Promise<{ status: number; headers: IncomingHttpHeaders; body: Buffer }>((resolve, reject) => {
      const up = request(
        { host: upstream.hostname, port: upstream.port, method, path, headers, agent },
        (res) => {
          const parts: Buffer[] = []
          res.on('data', (d: Buffer) => parts.push(d))
          res.on('end', () =>
            resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(parts) }),
          )
          res.on('error', reject)
        },
      )
      up.on('error', reject)
      up.end(body)
    })
  const server: Server = createServer(async (req, res) => {
    const parts: Buffer[] = []
    for await (const d of req) parts.push(d as Buffer)
    const body = Buffer.concat(parts)
    let batchId = ''
    try {
      const text = (req.url ?? '').includes('encoding=gzip') ? gunzipSync(body) : body
      o.onRequest?.(req.url ?? '/', text)
      batchId = (JSON.parse(text.toString()) as { batchId?: string }).batchId ?? ''
    } catch {}
    if (batchId && !seen.has(batchId)) {
      seen.add(batchId)
      if (o.active() && seen.size % o.victimEvery === 0) drops.set(batchId, 0)
    }
    let up: Awaited<ReturnType<typeof forward>>
    try {
      up = await forward(req.method ?? 'POST', req.url ?? '/', req.headers, body)
    } catch {
      req.socket.destroy()
      return
    }
    const dropped = drops.get(batchId)
    if (dropped !== undefined && up.status >= 200 && up.status < 300) {
      answers.set(batchId, [...(answers.get(batchId) ?? []), up.body.toString()])
      if (dropped < o.dropsPerVictim) {
        drops.set(batchId, dropped + 1)
        req.socket.destroy() // committed, but the client never hears it
        return
      }
    }
    const headers = Object.fromEntries(Object.entries(up.headers).filter(([k]) => !HOP_BY_HOP.has(k)))
    res.writeHead(up.status, { ...headers, 'content-length': up.body.length })
    res.end(up.body)
  })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  const { port } = server.address() as AddressInfo
  return {
    url: `http://127.0.0.1:${port}`,
    drops,
    answers,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections()
        server.close(() => resolve())
        agent.destroy()
      }),
  }
}
