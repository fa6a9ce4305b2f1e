import { randomUUID } from 'node:crypto'
import type { Server } from 'node:http'
import { serve } from '@hono/node-server'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { ApiError } from '../src/errors.js'
import { queryRoutes } from '../src/routes/query/index.js'
import { json, makeBatch, ORIGIN } from './ingestHelpers.js'
import { bearer, createQueryFixture, ingest, type QueryFixture } from './queryFixture.js'

let f: QueryFixture
let routes: ReturnType<typeof queryRoutes>
beforeAll(async () => {
  f = await createQueryFixture()
  routes = queryRoutes(f.app.deps, { live: { heartbeatMs: 100 } })
  // mounted alone here, so it needs the app's answer for ApiError
  routes.onError((error) =>
    error instanceof ApiError ? error.toResponse() : new Response('error', { status: 500 }),
  )
})
afterAll(() => f.drop())

interface SseEvent {
  event: string
  // biome-ignore lint/suspicious/noExplicitAny: test assertions read arbitrary JSON shapes
  data: any
}

/** Reads an SSE body in the background; `next` answers the next event (or 'end'), comments are counted. */
function sseReader(body: ReadableStream<Uint8Array>) {
  const reader = body.getReader()
  const decoder = new TextDecoder()
  const queue: SseEvent[] = []
  let comments = 0
  let buffer = ''
  let wake: (() => void) | undefined
  const pump = (async () => {
    for (;;) {
      const chunk = await reader.read().catch(() => ({ done: true as const, value: undefined }))
      if (chunk.done) break
      buffer += decoder.decode(chunk.value, { stream: true })
      for (let end = buffer.indexOf('\n\n'); end >= 0; end = buffer.indexOf('\n\n')) {
        const lines = buffer.slice(0, end).split('\n')
        buffer = buffer.slice(end + 2)
        if (lines.some((l) => l.startsWith(':'))) comments++
        const event = lines.find((l) => l.startsWith('event: '))?.slice(7)
        const data = lines.find((l) => l.startsWith('data: '))?.slice(6)
        if (event) queue.push({ event, data: data ? JSON.parse(data) : undefined })
      }
      wake?.()
    }
    queue.push({ event: 'end', data: undefined })
    wake?.()
  })()
  async function next(timeoutMs = 5_000): Promise<SseEvent> {
    const deadline = Date.now() + timeoutMs
    while (!queue.length) {
      if (Date.now() > deadline) throw new Error(`no SSE event within ${timeoutMs} ms`)
      await new Promise<void>((resolve) => {
        wake = resolve
        setTimeout(resolve, 50)
      })
    }
    return queue.shift()!
  }
  /** The next event of a type, skipping others (derived signals may arrive too). */
  async function nextOf(type: string): Promise<SseEvent> {
    for (;;) {
      const e = await next()
      if (e.event === type || e.event === 'end') return e
    }
  }
  return {
    next,
    nextOf,
    cancel: async () => {
      await reader.cancel()
      await pump
    },
    comments: () => comments,
  }
}

async function open(key: string) {
  const res = await routes.request('/v1/live', { headers: bearer(key) })
  expect(res.status).toBe(200)
  expect(res.headers.get('content-type')).toBe('text/event-stream; charset=utf-8')
  return sseReader(res.body!)
}

const until = async (check: () => boolean, ms = 5_000) => {
  const end = Date.now() + ms
  while (!check()) {
    if (Date.now() > end) throw new Error('condition not met in time')
    await new Promise((r) => setTimeout(r, 20))
  }
}

/** A new session of a tenant with one dead-click signal, stored through POST /v1/batch. */
async function newSession(siteKey: string, path: string): Promise<{ id: string; t: number }> {
  const id = randomUUID()
  const t = Date.now() - 1_000
  await ingest(
    f.app,
    siteKey,
    makeBatch({ sessionId: id, session: { startedAt: t, actor: 'human' } }, [
      { type: 'pageview', t, href: `${ORIGIN}${path}`, url: `${ORIGIN}${path}` },
      {
        type: 'signal',
        t: t + 1,
        kind: 'dead_click',
        reason: 'disabled',
        selector: 'button#x',
        rule: 'dead-1',
      },
    ]),
  )
  return { id, t }
}

describe('GET /v1/live', () => {
  it("should stream a company's new sessions and signals, and nothing of another company", async () => {
    const a = await open(f.A.readKey)
    const b = await open(f.B.readKey)
    const first = await newSession(f.A.siteKey, '/live-a')
    expect(await a.nextOf('session')).toEqual({
      event: 'session',
      data: {
        id: first.id,
        siteId: f.A.siteId,
        actor: 'human',
        startedAt: new Date(first.t).toISOString(),
        entryUrl: `${ORIGIN}/live-a`,
      },
    })
    expect(await a.nextOf('signal')).toEqual({
      event: 'signal',
      data: {
        sessionId: first.id,
        siteId: f.A.siteId,
        kind: 'dead_click',
        selector: 'button#x',
        pageUrl: 'https://shop.example/',
        at: new Date(first.t + 1).toISOString(),
      },
    })
    // B saw nothing of A: its first session event is its own
    const ofB = await newSession(f.B.siteKey, '/live-b')
    expect((await b.nextOf('session')).data.id).toBe(ofB.id)
    // and A sees its next session, not B's
    const second = await newSession(f.A.siteKey, '/live-a2')
    expect((await a.nextOf('session')).data.id).toBe(second.id)
    await a.cancel()
    await b.cancel()
  })

  it('should not announce a session again when later batches of it arrive', async () => {
    const a = await open(f.A.readKey)
    const s = await newSession(f.A.siteKey, '/once')
    expect((await a.nextOf('session')).data.id).toBe(s.id)
    await ingest(
      f.app,
      f.A.siteKey,
      makeBatch({ sessionId: s.id, seq: 1, session: { startedAt: s.t, actor: 'human' } }, [
        { type: 'click', t: s.t + 5, x: 1, y: 1 },
      ]),
    )
    const marker = await newSession(f.A.siteKey, '/marker')
    expect((await a.nextOf('session')).data.id).toBe(marker.id)
    await a.cancel()
  })

  it('should send heartbeats and forget a client that disconnects', async () => {
    const before = routes.live.clientCount()
    const a = await open(f.A.readKey)
    expect(routes.live.clientCount()).toBe(before + 1)
    await until(() => a.comments() >= 3) // ': connected', then heartbeats every 100 ms
    await a.cancel()
    await until(() => routes.live.clientCount() === before)
  })

  it('should forget a client whose HTTP connection closes (real server)', async () => {
    const server = await new Promise<Server>((resolve) => {
      const s = serve({ fetch: routes.fetch, port: 0, hostname: '127.0.0.1' }, () => resolve(s as Server))
    })
    try {
      const port = (server.address() as { port: number }).port
      const abort = new AbortController()
      const res = await fetch(`http://127.0.0.1:${port}/v1/live`, {
        headers: bearer(f.A.readKey),
        signal: abort.signal,
      })
      expect(res.status).toBe(200)
      const reader = sseReader(res.body!)
      await until(() => reader.comments() >= 1)
      expect(routes.live.clientCount()).toBe(1)
      abort.abort()
      await until(() => routes.live.clientCount() === 0)
    } finally {
      server.closeAllConnections()
      await new Promise((r) => server.close(r))
    }
  })

  it('should end open streams when the collector shuts down, and refuse new ones', async () => {
    const a = await open(f.A.readKey)
    f.app.deps.state.shuttingDown = true
    try {
      expect(await a.nextOf('never-sent')).toEqual({ event: 'end', data: undefined })
      expect(routes.live.clientCount()).toBe(0)
      const res = await routes.request('/v1/live', { headers: bearer(f.A.readKey) })
      expect([res.status, (await json(res)).error.code]).toEqual([503, 'shutting_down'])
    } finally {
      f.app.deps.state.shuttingDown = false
    }
  })
})
