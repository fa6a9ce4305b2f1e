import { LiveSessionEvent, LiveSignalEvent } from '@sightline/schema'
import { Hono } from 'hono'
import type { AppDeps } from '../app.js'
import { ApiError } from '../errors.js'
import { isUnavailable } from '../ingest/writer.js'
import { loggableError } from '../log.js'
import { requireReadKey } from './query/auth.js'
import type { RouteSpec } from './query/spec.js'

/** The NOTIFY channel the live triggers publish on (migration 0010_notify_live). */
export const LIVE_CHANNEL = 'sightline_live'
/** A comment line this often keeps proxies from closing an idle stream and detects gone clients. */
export const LIVE_HEARTBEAT_MS = 15_000
/** How often an open stream checks whether the collector is shutting down. */
const SHUTDOWN_CHECK_MS = 250
/** Streams per collector process at most; more get 503. */
export const LIVE_MAX_CLIENTS = 1_000
/** A client that lets this much queue up unread is too slow to follow: its stream is closed. */
const MAX_QUEUED_BYTES = 1024 * 1024

interface Client {
  companyId: string
  push(text: string): void
  /** Stops sending to it (it went away). */
  detach(): void
  /** Ends its stream (shutdown, or too slow). */
  close(): void
}

/** The NOTIFY payload: the event's fields plus `type` and the tenant `companyId`, which the hub strips. */
type Notification =
  | ({ type: 'session'; companyId: string } & Record<string, unknown>)
  | ({ type: 'signal'; companyId: string } & Record<string, unknown>)

const encoder = new TextEncoder()

/**
 * One LISTEN per collector process, fanned out to every open `GET /v1/live` stream of the same company.
 * The LISTEN starts with the first stream and uses its own connection (postgres.js re-listens after a
 * reconnect; notifications sent while it was down are lost, which a live view can afford).
 */
export interface LiveOptions {
  /** Default LIVE_HEARTBEAT_MS. */
  heartbeatMs?: number
}

export function createLiveHub(deps: Pick<AppDeps, 'sql' | 'log' | 'state'>, options: LiveOptions = {}) {
  const clients = new Set<Client>()
  let listening: Promise<unknown> | null = null
  let timers: NodeJS.Timeout[] = []

  function dispatch(payload: string): void {
    let note: Notification
    try {
      note = JSON.parse(payload) as Notification
    } catch {
      deps.log.warn('live: a notification that is not JSON was ignored')
      return
    }
    const { type, companyId, ...fields } = note
    const schema = type === 'session' ? LiveSessionEvent : type === 'signal' ? LiveSignalEvent : null
    const timeKey = type === 'session' ? 'startedAt' : 'at'
    if (typeof fields[timeKey] === 'string')
      fields[timeKey] = new Date(fields[timeKey] as string).toISOString()
    const parsed = schema?.safeParse(fields)
    if (!parsed?.success) {
      deps.log.warn({ type }, 'live: a notification of an unknown shape was ignored')
      return
    }
    const text = `event: ${type}\ndata: ${JSON.stringify(parsed.data)}\n\n`
    for (const c of clients) if (c.companyId === companyId) c.push(text)
  }

  function startTimers(): void {
    if (timers.length) return
    const heartbeat = setInterval(() => {
      for (const c of clients) c.push(': heartbeat\n\n')
    }, options.heartbeatMs ?? LIVE_HEARTBEAT_MS)
    // server.ts sets state.shuttingDown and then waits for connections to end: close the streams then.
    const shutdown = setInterval(() => {
      if (deps.state.shuttingDown) for (const c of clients) c.close()
    }, SHUTDOWN_CHECK_MS)
    timers = [heartbeat, shutdown]
    for (const t of timers) t.unref()
  }

  function stopTimersWhenIdle(): void {
    if (clients.size) return
    for (const t of timers) clearInterval(t)
    timers = []
  }

  async function ensureListening(): Promise<void> {
    listening ??= deps.sql.listen(LIVE_CHANNEL, dispatch).catch((error: unknown) => {
      listening = null
      throw error
    })
    await listening
  }

  function createClient(companyId: string, controller: ReadableStreamDefaultController<Uint8Array>): Client {
    let attached = true
    const client: Client = {
      companyId,
      push(text) {
        if (!attached) return
        if ((controller.desiredSize ?? 0) < -MAX_QUEUED_BYTES) return client.close()
        controller.enqueue(encoder.encode(text))
      },
      detach() {
        attached = false
        clients.delete(client)
        stopTimersWhenIdle()
      },
      close() {
        if (!attached) return
        client.detach()
        try {
          controller.close()
        } catch (error) {
          deps.log.debug({ err: loggableError(error) }, 'live: stream already closed')
        }
      },
    }
    return client
  }

  /** A new SSE stream for a company; LISTEN is active before it is returned. */
  async function open(companyId: string): Promise<ReadableStream<Uint8Array>> {
    if (deps.state.shuttingDown) throw new ApiError(503, 'shutting_down', 'the collector is shutting down')
    if (clients.size >= LIVE_MAX_CLIENTS)
      throw new ApiError(
        503,
        'too_many_streams',
        `this collector serves at most ${LIVE_MAX_CLIENTS} live streams`,
      )
    await ensureListening().catch((error: unknown) => {
      if (isUnavailable(error))
        throw new ApiError(
          503,
          'unavailable',
          'the database is unavailable: retry later',
          {},
          { 'retry-after': '5' },
        )
      throw error
    })
    let client: Client | undefined
    return new ReadableStream<Uint8Array>(
      {
        start(controller) {
          client = createClient(companyId, controller)
          clients.add(client)
          startTimers()
          // `retry` tells EventSource-style clients how long to wait before reconnecting.
          controller.enqueue(encoder.encode('retry: 3000\n: connected\n\n'))
        },
        // The client went away (node-server cancels the body when the socket closes).
        cancel() {
          client?.detach()
        },
      },
      new ByteLengthQueuingStrategy({ highWaterMark: 64 * 1024 }),
    )
  }

  return { open, clientCount: () => clients.size }
}

export type LiveHub = ReturnType<typeof createLiveHub>

export const liveSpecs: RouteSpec[] = [
  {
    method: 'get',
    path: '/v1/live',
    summary: 'Server-sent events: sessions starting and signals appearing, for the key’s company',
    description:
      'text/event-stream. `event: session` data LiveSession; `event: signal` data LiveSignal; a `: heartbeat` comment every 15 s. Read it with fetch and a stream reader (EventSource cannot send the Authorization header).',
    response: null,
    contentType: 'text/event-stream',
  },
]

export function liveRoutes(deps: AppDeps, hub: LiveHub) {
  return new Hono().get('/v1/live', async (c) => {
    const key = await requireReadKey(deps, c.req.header('authorization'))
    const body = await hub.open(key.companyId)
    return c.body(body, 200, {
      'content-type': 'text/event-stream; charset=utf-8',
      'cache-control': 'no-cache, no-transform',
      'x-accel-buffering': 'no',
    })
  })
}
