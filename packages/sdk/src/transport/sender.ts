import { EXIT_BUDGET_BYTES, RETRY_BASE_MS, RETRY_MAX_MS } from '../constants.js'
import { monitor } from '../tools/monitor.js'
import { gzip } from './compress.js'
import type { Outbox, Payload } from './outbox.js'

export interface SenderDeps {
  endpoint: string
  siteKey: string
  outbox: Outbox
  now(): number
  /** A batch the collector refused for good (4xx other than 408/429): dropped, reported by the caller. */
  onRejected(p: Payload, status: number): void
  fetch?: typeof fetch
  /** gzip by default (CompressionStream); tests inject a deterministic one. */
  compress?: (text: string) => Promise<Blob | null>
  /** navigator.onLine by default (only an explicit false means offline). */
  isOnline?: () => boolean
}

/** Retry-After in seconds or as an HTTP date → ms from now. */
export function retryAfterMs(value: string | null, now: number): number {
  if (!value) return 0
  const s = Number(value)
  if (Number.isFinite(s)) return Math.max(0, s * 1000)
  const at = Date.parse(value)
  return Number.isFinite(at) ? Math.max(0, at - now) : 0
}

/** Exponential backoff with ±50 % jitter, capped. */
export function backoffMs(attempts: number, random = Math.random()): number {
  return Math.min(RETRY_MAX_MS, RETRY_BASE_MS * 2 ** Math.max(0, attempts - 1)) * (0.5 + random)
}

/**
 * Sends the outbox in order, one request at a time: regular sends are plain fetches (no keepalive)
 * whose bodies are always read; retries reuse batch id and sequence; 408/429/5xx/network errors back
 * off (honouring Retry-After), other 4xx drop the batch. On page exit, `exit()` sends what fits in
 * 60,000 bytes with keepalive fetches (or sendBeacon) and leaves the rest for the next page.
 */
export function createSender(deps: SenderDeps) {
  const doFetch = deps.fetch ?? ((...a: Parameters<typeof fetch>) => fetch(...a))
  const base = `${deps.endpoint}/v1/batch?key=${encodeURIComponent(deps.siteKey)}`
  const isOnline = deps.isOnline ?? (() => typeof navigator === 'undefined' || navigator.onLine !== false)
  let busy = false
  let timer: ReturnType<typeof setTimeout> | undefined
  let stopped = false
  const waiters: { id: number; resolve: () => void }[] = []
  /** Payloads handed to keepalive requests at exit and not answered yet. */
  const inExit = new Set<number>()

  const settle = () => {
    const first = deps.outbox.list()[0]?.id ?? Number.POSITIVE_INFINITY
    for (let i = waiters.length - 1; i >= 0; i--) {
      if (waiters[i]!.id < first) {
        waiters[i]!.resolve()
        waiters.splice(i, 1)
      }
    }
  }
  const body = (p: Payload) => `{"sentAt":${deps.now()},${p.rest}`

  const schedule = (ms: number) => {
    clearTimeout(timer)
    timer = setTimeout(monitor(kick), Math.max(0, ms))
  }

  async function sendOne(p: Payload): Promise<void> {
    const text = body(p)
    const compressed = await (deps.compress ?? gzip)(text)
    let status = 0
    let retryAfter: string | null = null
    try {
      const res = await doFetch(compressed ? `${base}&encoding=gzip` : base, {
        method: 'POST',
        body: compressed ?? text,
        headers: { 'content-type': 'text/plain' },
        credentials: 'omit',
      })
      status = res.status
      retryAfter = res.headers.get('retry-after')
      await res.text() // always read: an unread body can hold the connection (and, with keepalive, the quota)
    } catch {
      status = 0
    }
    if (status >= 200 && status < 300) {
      deps.outbox.remove(p.id)
    } else if (status >= 400 && status < 500 && status !== 408 && status !== 429) {
      deps.outbox.remove(p.id)
      deps.onRejected(p, status)
    } else {
      p.attempts++
      p.due = deps.now() + Math.max(backoffMs(p.attempts), retryAfterMs(retryAfter, deps.now()))
    }
  }

  async function run() {
    busy = true
    try {
      for (;;) {
        if (stopped) return
        const p = deps.outbox.list().find((x) => !inExit.has(x.id))
        if (!p) return
        const wait = p.due - deps.now()
        if (wait > 0) return schedule(wait)
        if (!isOnline()) return // resumed by the 'online' event
        await sendOne(p)
        settle()
      }
    } finally {
      busy = false
      settle()
    }
  }

  function kick() {
    if (!busy && !stopped) void run()
  }

  /** Page may be going away: send what fits the keepalive budget now, events before replay. */
  function exit() {
    let budget = EXIT_BUDGET_BYTES
    const order = [...deps.outbox.list()].sort((a, b) =>
      a.stream === b.stream ? a.id - b.id : a.stream === 'events' ? -1 : 1,
    )
    for (const p of order) {
      if (inExit.has(p.id)) continue
      const text = body(p)
      const bytes = new TextEncoder().encode(text).length
      if (bytes > budget) continue
      budget -= bytes
      inExit.add(p.id)
      try {
        doFetch(base, {
          method: 'POST',
          body: text,
          headers: { 'content-type': 'text/plain' },
          keepalive: true,
          credentials: 'omit',
        })
          .then(async (res) => {
            await res.text()
            if (res.ok) deps.outbox.remove(p.id)
          })
          .catch(() => {})
          .finally(() => {
            inExit.delete(p.id)
            settle()
          })
      } catch {
        inExit.delete(p.id)
        if (
          typeof navigator !== 'undefined' &&
          navigator.sendBeacon?.(base, new Blob([text], { type: 'text/plain' }))
        ) {
          // A beacon gets no answer: the batch stays in the persisted outbox and is sent again by the next page (deduplicated).
        }
      }
    }
  }

  return {
    kick,
    exit,
    /** Resolves once every batch up to the outbox's newest (now) is acknowledged or dropped. */
    whenDelivered(): Promise<void> {
      const id = deps.outbox.lastId()
      const first = deps.outbox.list()[0]?.id ?? Number.POSITIVE_INFINITY
      if (first > id) return Promise.resolve()
      return new Promise((resolve) => {
        waiters.push({ id, resolve })
        kick()
      })
    },
    stop() {
      stopped = true
      clearTimeout(timer)
    },
  }
}
