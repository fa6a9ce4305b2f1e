/**
 * An open-loop load at a fixed rate: request i is due at start + i / rate, whether or not earlier ones have
 * been answered, and its latency is counted from that due time (so a collector that falls behind shows it
 * in the percentiles instead of slowing the load down: no coordinated omission).
 *
 * Why not autocannon's `overallRate`: it gives each connection a quota per second, refilled by a 1-second
 * timer, and each connection sends as fast as it can until its quota is spent. With the hundreds of
 * connections a high rate needs, every second starts with all of them sending at once and then goes quiet:
 * a burst of a second's load, whose queueing the latency figures then measure. autocannon 8.0.0,
 * lib/httpClient.js (`reqsMadeThisSecond`).
 *
 * PACED_TRACE=1 also prints p50 and p99 for the requests due in each second of the phase.
 *
 * The client is a minimal HTTP/1.1 one on raw sockets (keep-alive, one request in flight per socket,
 * sockets opened as needed up to `maxConnections`), so that it costs the two shared cores as little as
 * autocannon does.
 */
import net from 'node:net'
import { performance } from 'node:perf_hooks'

const TRACE = Boolean(process.env.PACED_TRACE)

export interface PacedResult {
  /** Requests per second asked for. */
  rate: number
  /** 2xx answers ÷ the phase's length (answers that came after its end, up to 10 s, included: see p99). */
  requestsPerSecond: number
  eventsPerSecond: number
  /** From each request's due time to its answer (queueing in the client included). */
  p50ms: number
  p99ms: number
  maxMs: number
  /** From the moment the request was written to its answer. */
  serviceP99ms: number
  /** Sockets the load needed (one request in flight each). */
  connections: number
  non2xx: number
  errors: number
  /** Requests still unsent when the phase ended: the collector could not keep up. */
  unsent: number
  sent: number
}

interface Request {
  due: number
  body: Buffer
  port: number
}

interface Conn {
  socket: net.Socket
  port: number
  busy: { request: Request; writtenAt: number } | undefined
  buf: Buffer
}

export async function paced(opts: {
  ports: number[]
  path: string
  headers: Record<string, string>
  bodies: Buffer[]
  /** Requests per second. */
  rate: number
  seconds: number
  eventsPerRequest: number
  maxConnections?: number
}): Promise<PacedResult> {
  const maxConnections = opts.maxConnections ?? 2_000
  const total = Math.floor(opts.rate * opts.seconds)
  if (total > opts.bodies.length)
    throw new Error(`paced: ${total} requests need as many distinct bodies, ${opts.bodies.length} given`)
  const head = (port: number, length: number) =>
    Buffer.from(
      `POST ${opts.path} HTTP/1.1\r\nHost: 127.0.0.1:${port}\r\n${Object.entries(opts.headers)
        .map(([k, v]) => `${k}: ${v}\r\n`)
        .join('')}Content-Length: ${length}\r\n\r\n`,
    )

  const latencies: number[] = []
  const trace: [number, number][] = []
  const service: number[] = []
  let ok = 0
  let non2xx = 0
  let errors = 0
  let opened = 0
  const idle = new Map<number, Conn[]>(opts.ports.map((p) => [p, []]))
  const all = new Set<Conn>()
  const waiting: Request[] = []
  let answered = 0
  let finish: () => void = () => {}
  /** The first answer this client could not read: the phase then throws instead of miscounting. */
  let unreadable: string | undefined

  const done = (conn: Conn, status: number) => {
    const now = performance.now()
    const { request, writtenAt } = conn.busy!
    conn.busy = undefined
    latencies.push(now - request.due)
    if (TRACE) trace.push([request.due - start, now - request.due])
    service.push(now - writtenAt)
    if (status >= 200 && status < 300) ok++
    else non2xx++
    answered++
    const next = waiting.findIndex((r) => r.port === conn.port)
    if (next >= 0) send(conn, waiting.splice(next, 1)[0]!)
    else idle.get(conn.port)!.push(conn)
    if (answered + errors === sentCount && stopped) finish()
  }

  /** Parses as much of the connection's buffer as makes one answer (status line, headers, Content-Length body). */
  const parse = (conn: Conn) => {
    const end = conn.buf.indexOf('\r\n\r\n')
    if (end < 0) return
    const headers = conn.buf.subarray(0, end).toString('latin1')
    const status = Number(headers.slice(9, 12))
    const length = /\r\ncontent-length:\s*(\d+)/i.exec(headers)
    if (!length) {
      unreadable ??= `an answer without Content-Length (status ${status})`
      conn.socket.destroy()
      return
    }
    const size = end + 4 + Number(length[1])
    if (conn.buf.length < size) return
    if (conn.buf.length > size) {
      unreadable ??= `${conn.buf.length - size} bytes after an answer (status ${status})`
      conn.socket.destroy()
      return
    }
    conn.buf = Buffer.alloc(0)
    done(conn, status)
  }

  const connect = (port: number): Conn => {
    opened++
    const conn: Conn = {
      socket: net.connect({ port, host: '127.0.0.1', noDelay: true }),
      port,
      busy: undefined,
      buf: Buffer.alloc(0),
    }
    all.add(conn)
    conn.socket.on('data', (chunk: Buffer) => {
      conn.buf = conn.buf.length ? Buffer.concat([conn.buf, chunk]) : chunk
      if (conn.busy) parse(conn)
    })
    conn.socket.on('error', () => {})
    conn.socket.on('close', () => {
      const list = idle.get(port)!
      const at = list.indexOf(conn)
      if (at >= 0) list.splice(at, 1)
      if (conn.busy) {
        conn.busy = undefined
        errors++
        if (answered + errors === sentCount && stopped) finish()
      }
      opened--
      all.delete(conn)
    })
    return conn
  }

  let sentCount = 0
  const send = (conn: Conn, request: Request) => {
    sentCount++
    conn.busy = { request, writtenAt: performance.now() }
    conn.socket.write(Buffer.concat([head(request.port, request.body.length), request.body]))
  }

  const dispatch = (request: Request) => {
    const conn = idle.get(request.port)!.pop()
    if (conn) send(conn, request)
    else if (opened < maxConnections) send(connect(request.port), request)
    else waiting.push(request)
  }

  const start = performance.now()
  let next = 0
  let stopped = false
  let peak = 0
  await new Promise<void>((resolve) => {
    const tick = () => {
      const now = performance.now()
      const due = Math.min(total, Math.floor(((now - start) / 1000) * opts.rate))
      for (; next < due; next++) {
        const port = opts.ports[next % opts.ports.length]!
        dispatch({ due: start + (next / opts.rate) * 1000, body: opts.bodies[next]!, port })
      }
      peak = Math.max(peak, opened)
      if (next >= total || now - start >= opts.seconds * 1000) resolve()
      else setTimeout(tick, 1)
    }
    tick()
  })
  stopped = true
  // Requests the collector left no socket for are counted in the percentiles at the latency they had
  // reached when the phase ended (a lower bound), as are those never dispatched.
  const stoppedAt = performance.now()
  for (const r of waiting) latencies.push(stoppedAt - r.due)
  for (let i = next; i < total; i++) latencies.push(stoppedAt - (start + (i / opts.rate) * 1000))
  const unsent = waiting.length + (total - next)
  waiting.length = 0
  // What is in flight may still be answered; 10 s is far past any deadline of the collector.
  if (answered + errors < sentCount)
    await Promise.race([
      new Promise<void>((resolve) => {
        finish = resolve
      }),
      new Promise((resolve) => setTimeout(resolve, 10_000)),
    ])
  errors += sentCount - answered - errors
  if (TRACE) {
    const windows = new Map<number, number[]>()
    for (const [at, ms] of trace) {
      const w = Math.floor(at / 1000)
      const list = windows.get(w) ?? []
      list.push(ms)
      windows.set(w, list)
    }
    for (const [w, ms] of windows) {
      ms.sort((x, y) => x - y)
      process.stderr.write(
        `  second ${w}: p50 ${Math.round(ms[Math.floor(ms.length / 2)]!)} p99 ${Math.round(ms[Math.floor(ms.length * 0.99)]!)}\n`,
      )
    }
  }
  for (const conn of all) conn.socket.destroy()
  if (unreadable)
    throw new Error(`paced: ${unreadable}; this client reads only Content-Length answers, one at a time`)
  /** The p-th percentile of values sorted ascending (NaN when there are none). */
  const pct = (sorted: Float64Array, p: number) =>
    sorted.length
      ? Math.round(sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)]!)
      : Number.NaN
  const byLatency = Float64Array.from(latencies).sort()
  return {
    rate: opts.rate,
    requestsPerSecond: Math.round(ok / opts.seconds),
    eventsPerSecond: Math.round((ok / opts.seconds) * opts.eventsPerRequest),
    p50ms: pct(byLatency, 50),
    p99ms: pct(byLatency, 99),
    maxMs: pct(byLatency, 100),
    serviceP99ms: pct(Float64Array.from(service).sort(), 99),
    connections: peak,
    non2xx,
    errors,
    unsent,
    sent: sentCount,
  }
}
