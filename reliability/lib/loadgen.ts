/**
 * Load that speaks the SDK's protocol because it *is* the SDK's transport: each virtual tab runs the SDK's
 * own outbox and sender (packages/sdk/src/transport), so batch ids and sequences are stable across
 * retries, one request is in flight per tab, 408/429/5xx and network errors back off exponentially with
 * ±50 % jitter (1 s doubling to 60 s) and Retry-After is honoured, other 4xx drop the batch. Only the
 * batches are made here (mixed event kinds); every event's id (`batchId:index`, the stored
 * `(batch_id, event_index)`) is kept in the ledger, and custom events also carry it in `props.eid`.
 */
import { randomUUID } from 'node:crypto'
import { OUTBOX_MAX_BYTES } from '../../packages/sdk/src/constants.js'
import { createOutbox, type Outbox } from '../../packages/sdk/src/transport/outbox.js'
import { createSender } from '../../packages/sdk/src/transport/sender.js'

// The sender reads navigator.onLine (only an explicit false pauses it); Node 20 has no navigator. A load
// generator is always online.
;(globalThis as { navigator?: { onLine: boolean } }).navigator ??= { onLine: true }

export interface LoadOptions {
  /** Collector (or proxy) base URL; read at each request, so a scenario may switch it. */
  target: () => string
  siteKey: string
  origin: string
  tabs: number
  /** Each tab cuts a batch this often (so requests/s ≈ tabs × 1000 / batchEveryMs). */
  batchEveryMs: number
  eventsPerBatch: number
  /** A request not answered within this is abandoned (the SDK then retries it like a network error). */
  requestTimeoutMs?: number
}

/** One HTTP attempt as the client saw it. */
export interface Attempt {
  batchId: string
  /** performance.now() at send and at answer (or failure). */
  start: number
  end: number
  /** HTTP status, or 0 for a network error. */
  status: number
  error?: string
  retryAfter?: string | null
  duplicate?: boolean
}

export interface BatchRecord {
  batchId: string
  sessionId: string
  tabId: string
  seq: number
  events: number
  /** Event type at each index (its table is where the checker looks for it). */
  kinds: string[]
  createdAt: number
  /** When a 2xx arrived (the SDK then forgets the batch). */
  ackedAt?: number
  /** Status of a 4xx that made the SDK drop it (a failure in every scenario). */
  droppedWith?: number
}

const KINDS = ['custom', 'click', 'scroll', 'console', 'network', 'pageview', 'perf', 'key', 'mouse', 'form']

function makeEvent(kind: string, t: number, eid: string, i: number): Record<string, unknown> {
  switch (kind) {
    case 'click':
      return {
        type: 'click',
        t,
        x: 10 + i,
        y: 20,
        selector: `button#b${i % 7}`,
        text: 'Add to cart',
        tag: 'button',
      }
    case 'scroll':
      return {
        type: 'scroll',
        t,
        y: 100 * i,
        depth: (i * 7) % 100,
        viewportHeight: 800,
        documentHeight: 4000,
      }
    case 'console':
      return { type: 'console', t, level: 'log', message: `loaded item ${i}`, args: [{ n: i }] }
    case 'network':
      return {
        type: 'network',
        t,
        method: 'GET',
        target: `https://reliability.example/api/items?page=${i}`,
        status: 200,
        durationMs: 12.5,
      }
    case 'pageview':
      return { type: 'pageview', t, href: `https://reliability.example/p/${i}`, nav: 'spa' }
    case 'perf':
      return { type: 'perf', t, metric: 'INP', value: 40 + i, rating: 'good' }
    case 'key':
      return { type: 'key', t, key: 'Character', inField: true }
    case 'mouse':
      return {
        type: 'mouse',
        t,
        path: [
          [1, 2, 0],
          [30, 40, 50],
          [60, 80, 100],
        ],
      }
    case 'form':
      return {
        type: 'form',
        t,
        action: 'input',
        selector: 'input#q',
        name: 'q',
        fieldType: 'search',
        length: i,
      }
    default:
      return { type: 'custom', t, name: 'reliability', props: { eid } }
  }
}

const idOf = (rest: string) => /"batchId":"([^"]+)"/.exec(rest)![1]!

export function createLoad(o: LoadOptions) {
  const batches = new Map<string, BatchRecord>()
  const attempts: Attempt[] = []
  const origin = o.origin
  const timeout = o.requestTimeoutMs ?? 30_000
  /** fetch as a browser would send it cross-origin (with Origin), recorded, with a client timeout. */
  const recordingFetch = (batchOf: () => string) =>
    (async (url: string, init: RequestInit) => {
      const a: Attempt = { batchId: batchOf(), start: performance.now(), end: 0, status: 0 }
      attempts.push(a)
      try {
        const res = await fetch(url.replace(/^[^?]*\/v1\/batch/, `${o.target()}/v1/batch`), {
          ...init,
          headers: { ...(init.headers as Record<string, string>), origin },
          signal: AbortSignal.timeout(timeout),
        })
        const text = await res.text()
        a.status = res.status
        a.retryAfter = res.headers.get('retry-after')
        if (res.ok) {
          a.duplicate = (JSON.parse(text) as { duplicate?: boolean }).duplicate === true
          const r = batches.get(a.batchId)
          if (r) r.ackedAt = performance.now()
        }
        return new Response(text, { status: res.status, headers: res.headers })
      } catch (error) {
        const e = error as Error & { cause?: { code?: string; message?: string } }
        a.error = e.cause?.code ?? e.name ?? 'error'
        throw error
      } finally {
        a.end = performance.now()
      }
    }) as typeof fetch

  const tabs = Array.from({ length: o.tabs }, (_, n) => {
    const sessionId = randomUUID()
    const tabId = `t${n}`
    const startedAt = Date.now()
    const outbox: Outbox = createOutbox(null, tabId, OUTBOX_MAX_BYTES, startedAt)
    let seq = 0
    const sender = createSender({
      endpoint: 'http://load.invalid', // replaced by target() in recordingFetch
      siteKey: o.siteKey,
      outbox,
      now: Date.now,
      onRejected: (p, status) => {
        const r = batches.get(idOf(p.rest))
        if (r) r.droppedWith = status
      },
      // The sender sends the outbox head, in order, one at a time: that is the batch of this attempt.
      fetch: recordingFetch(() => idOf(outbox.list()[0]!.rest)),
    })
    const cut = () => {
      const batchId = randomUUID()
      const t = Date.now()
      const events = Array.from({ length: o.eventsPerBatch }, (_, i) =>
        makeEvent(KINDS[(i + seq) % KINDS.length]!, t - (o.eventsPerBatch - i), `${batchId}:${i}`, i),
      )
      const head = JSON.stringify({
        v: 1,
        sessionId,
        tabId,
        sdk: { version: 'reliability' },
        page: { url: 'https://reliability.example/', userAgent: 'reliability-loadgen' },
        session: { startedAt, actor: 'automation' },
        seq,
        batchId,
      })
      const rest = `${head.slice(1, -1)},"events":${JSON.stringify(events)}}`
      batches.set(batchId, {
        batchId,
        sessionId,
        tabId,
        seq,
        events: events.length,
        kinds: events.map((e) => String(e.type)),
        createdAt: performance.now(),
      })
      seq++
      if (!outbox.add({ stream: 'events', rest, bytes: rest.length, events: events.length }))
        throw new Error(`tab ${tabId}: outbox full (${OUTBOX_MAX_BYTES} bytes)`)
      sender.kick()
    }
    return { outbox, sender, cut, timer: undefined as NodeJS.Timeout | undefined }
  })

  return {
    batches,
    attempts,
    /** Every tab starts cutting batches, at a random phase. */
    start() {
      for (const tab of tabs) {
        const phase = Math.random() * o.batchEveryMs
        tab.timer = setTimeout(() => {
          tab.cut()
          tab.timer = setInterval(tab.cut, o.batchEveryMs)
        }, phase)
      }
    },
    /** No new batches; the outboxes keep sending what they hold. */
    stopGenerating() {
      for (const tab of tabs) {
        clearTimeout(tab.timer)
        clearInterval(tab.timer)
      }
    },
    /** Batches not yet acknowledged or dropped. */
    pending: () => tabs.reduce((n, t) => n + t.outbox.list().length, 0),
    /** Wakes every sender (as the SDK's 'online' event does), e.g. after a restart. */
    kick() {
      for (const tab of tabs) tab.sender.kick()
    },
    stop() {
      this.stopGenerating()
      // Nothing left to retry: an empty outbox ends the tab's sender loop at its next wake-up.
      for (const tab of tabs) tab.outbox.clear()
    },
  }
}

export type Load = ReturnType<typeof createLoad>
