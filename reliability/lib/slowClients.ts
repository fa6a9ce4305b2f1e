import { connect, type Socket } from 'node:net'

export interface SlowClients {
  /** Connections open right now. */
  open(): number
  /** Connections the server closed, by what the client was doing; and 408 answers seen. */
  closed: { headers: number; body: number }
  answered408: { headers: number; body: number }
  /** Largest number open at once. */
  peak: number
  stop(): void
}

/**
 * `count` slow-loris connections to the collector, kept at that number (a closed one is reopened, as an
 * attacker would): half send their request headers one byte every `byteEveryMs` and never finish them,
 * half send complete headers announcing a 64 KiB body and then trickle the body one byte at a time.
 */
export function startSlowClients(o: {
  url: string
  count: number
  byteEveryMs: number
  siteKey: string
}): SlowClients {
  const { hostname, port } = new URL(o.url)
  let stopped = false
  let live = 0
  const state: SlowClients = {
    open: () => live,
    closed: { headers: 0, body: 0 },
    answered408: { headers: 0, body: 0 },
    peak: 0,
    stop() {
      stopped = true
      for (const s of sockets) s.destroy()
    },
  }
  const sockets = new Set<Socket>()
  const open = (mode: 'headers' | 'body') => {
    if (stopped) return
    const text =
      mode === 'headers'
        ? `POST /v1/batch?key=${o.siteKey} HTTP/1.1\r\nHost: ${hostname}\r\nContent-Type: text/plain\r\nX-Padding: ${'a'.repeat(4096)}`
        : `${`POST /v1/batch?key=${o.siteKey} HTTP/1.1\r\nHost: ${hostname}\r\nOrigin: https://reliability.example\r\n`}Content-Type: text/plain\r\nContent-Length: 65536\r\n\r\n{"v":1,"events":[${'0,'.repeat(40_000)}`
    // Body mode sends its headers at once; headers mode starts trickling immediately.
    let sent = mode === 'body' ? text.indexOf('\r\n\r\n') + 4 : 0
    let connected = false
    const socket = connect({ host: hostname, port: Number(port) }, () => {
      if (sent) socket.write(text.slice(0, sent))
      connected = true
      live++
      state.peak = Math.max(state.peak, live)
    })
    sockets.add(socket)
    const timer = setInterval(() => {
      if (sent < text.length) socket.write(text[sent++]!)
    }, o.byteEveryMs)
    socket.on('data', (d) => {
      if (/^HTTP\/1\.1 408/.test(String(d))) state.answered408[mode]++
    })
    socket.on('error', () => {})
    socket.on('close', () => {
      clearInterval(timer)
      sockets.delete(socket)
      if (connected) live--
      if (!stopped) {
        state.closed[mode]++
        setTimeout(() => open(mode), 50)
      }
    })
  }
  for (let i = 0; i < o.count; i++) open(i % 2 ? 'body' : 'headers')
  return state
}
