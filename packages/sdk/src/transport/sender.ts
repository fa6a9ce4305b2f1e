import { EXIT_BUDGET_BYTES, REQUEST_TIMEOUT_MS, RETRY_BASE_MS, RETRY_MAX_MS } from '../constants.js'
import { byteLength } from '../tools/bytes.js'
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
  /**
   * The page's fetch (as it is at each send) by default. reliability/lib/loadgen.ts runs many senders in one
   * process and gives each its own.
   */
  fetch?: typeof fetch
}

/** Retry-After in seconds or as an HTTP date → ms from now. */
export function retryAfterMs(value: string | null, now: number): number {
  const ms = value ? (Number.isNaN(+value) ? Date.parse(value) - now : +value * 1000) : 0
  return Math.max(ms, 0) || 0
}

/** Exponential backoff with ±50 % jitter, capped. */
export const backoffMs = (attempts: number, random = Math.random()): number =>
  Math.min(RETRY_MAX_MS, RETRY_BASE_MS * 2 ** Math.max(0, attempts - 1)) * (0.5 + random)

/**
 * Sends the outbox in order, one request at a time: regular sends are plain fetches (no keepalive)
 * whose bodies are always read, aborted after REQUEST_TIMEOUT_MS; retries reuse batch id and sequence;
 * 408/429/5xx/network errors/timeouts back off (honouring Retry-After), other 4xx drop the batch. On page exit, `exit()` sends what fits in
 * 60,000 bytes with keepalive fetches (events before replay) and leaves the rest for the next page.
 */
export function createSender(deps: SenderDeps) {
  const { outbox, now } = deps
  const post = deps.fetch ?? ((url: string, init: RequestInit) => fetch(url, init))
  const base = `${deps.endpoint}/v1/batch?key=${encodeURIComponent(deps.siteKey)}`
  const init = (body: BodyInit, keepalive = false): RequestInit => ({
    method: 'POST',
    body,
    headers: { 'content-type': 'text/plain' },
    credentials: 'omit',
    keepalive,
  })
  let busy = false
  let timer: ReturnType<typeof setTimeout> | undefined
  let waiters: [id: number, resolve: () => void][] = []
  /** Payloads handed to keepalive requests at exit and not answered yet. */
  const inExit = new Set<number>()
  const body = (p: Payload) => `{"sentAt":${now()},${p.rest}`

  /** Resolves the flush() promises whose batches are all gone from the outbox. */
  const settle = () => {
    const first = outbox.list()[0]?.id ?? Number.POSITIVE_INFINITY
    waiters = waiters.filter(([id, resolve]) => id >= first || void resolve())
  }

  async function sendOne(p: Payload): Promise<void> {
    const text = body(p)
    const gz = await gzip(text)
    let status = 0
    let wait = 0
    const abort = new AbortController()
    const stalled = setTimeout(() => abort.abort(), REQUEST_TIMEOUT_MS)
    try {
      const res = await post(gz ? `${base}&encoding=gzip` : base, {
        ...init(gz ?? text),
        signal: abort.signal,
      })
      status = res.status
      wait = retryAfterMs(res.headers.get('retry-after'), now())
      await res.text() // always read: an unread body holds the connection (and, with keepalive, the quota)
    } catch {}
    clearTimeout(stalled)
    if (status > 199 && status < 300) return outbox.remove(p.id)
    if (status > 399 && status < 500 && status !== 408 && status !== 429) {
      outbox.remove(p.id)
      return deps.onRejected(p, status)
    }
    p.due = now() + Math.max(backoffMs(++p.attempts), wait)
  }

  async function run() {
    busy = true
    try {
      for (;;) {
        const p = outbox.list().find((x) => !inExit.has(x.id))
        if (!p) return
        const wait = p.due - now()
        if (wait > 0) {
          clearTimeout(timer)
          timer = setTimeout(monitor(kick), wait)
          return
        }
        // Only an explicit false is offline; resumed by the 'online' event.
        if (navigator.onLine === false) return
        await sendOne(p)
        settle()
      }
    } finally {
      busy = false
      settle()
    }
  }

  function kick() {
    if (!busy) void run()
  }

  /** The page may be going away: send what fits the keepalive budget now, events before replay. */
  function exit() {
    let budget = EXIT_BUDGET_BYTES
    // The outbox is in id order and sort() is stable: events, then replay, each oldest first.
    for (const p of [...outbox.list()].sort((a, b) => +(a.stream > b.stream) - +(a.stream < b.stream))) {
      const text = body(p)
      const bytes = byteLength(text)
      if (inExit.has(p.id) || bytes > budget) continue
      budget -= bytes
      inExit.add(p.id)
      post(base, init(text, true))
        .then(async (res) => {
          await res.text()
          if (res.ok) outbox.remove(p.id)
        })
        .catch(() => {})
        .finally(() => {
          inExit.delete(p.id)
          settle()
        })
    }
  }

  return {
    kick,
    exit,
    /** Resolves once every batch up to the outbox's newest (now) is acknowledged or dropped. */
    whenDelivered: (): Promise<void> =>
      new Promise((resolve) => {
        waiters.push([outbox.lastId(), resolve])
        settle()
        kick()
      }),
  }
}
