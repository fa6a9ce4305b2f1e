import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import { EXIT_BUDGET_BYTES } from '../constants.js'
import { createOutbox } from './outbox.js'
import { backoffMs, createSender, retryAfterMs } from './sender.js'

/** 'stall': the request never answers; it ends only when the sender aborts it (its signal). */
type Answer = { status: number; headers?: Record<string, string> } | 'network-error' | 'stall'

/** The fake browser: its fetch, whether it is online, and CompressionStream only when `gzip` (real stream work). */
function setup(answers: Answer[], gzip = false) {
  const calls: { url: string; init: RequestInit; body: string }[] = []
  const fakeFetch = vi.fn(async (url: string | URL | Request, init?: RequestInit): Promise<Response> => {
    const body =
      init?.body instanceof ArrayBuffer
        ? await new Response(
            new Response(init.body).body!.pipeThrough(new DecompressionStream('gzip')),
          ).text()
        : String(init?.body)
    calls.push({ url: String(url), init: init!, body })
    const answer = answers.shift() ?? { status: 200 }
    if (answer === 'network-error') throw new TypeError('Failed to fetch')
    if (answer === 'stall')
      return new Promise<Response>((_, reject) =>
        init!.signal!.addEventListener('abort', () => reject(new DOMException('aborted', 'AbortError'))),
      )
    // A plain object, not a real Response: its body resolves in a microtask, so fake time fully drives the test.
    const headers = answer.headers ?? {}
    return {
      status: answer.status,
      ok: answer.status < 300,
      headers: { get: (n: string) => headers[n] ?? null },
      text: async () => '{"ok":true}',
    } as unknown as Response
  }) as unknown as typeof globalThis.fetch
  vi.stubGlobal('fetch', fakeFetch)
  vi.stubGlobal('navigator', nav)
  if (!gzip) vi.stubGlobal('CompressionStream', undefined)
  const outbox = createOutbox(null, 'tab', 1_000_000, Date.now())
  const rejected: number[] = []
  const sender = createSender({
    endpoint: 'https://c.example',
    siteKey: 'slp_k',
    outbox,
    now: () => Date.now(),
    onRejected: (_p, s) => rejected.push(s),
  })
  const add = (n: number, stream: 'events' | 'replay' = 'events', size = 10) =>
    outbox.add({
      stream,
      rest: `"batchId":"b${n}","events":[${'1,'.repeat(size)}1]}`,
      bytes: size * 2 + 30,
      events: 1,
    })
  return { calls, outbox, sender, rejected, add }
}

/** Whether the fake browser is online (the fake navigator). */
const nav = { onLine: true }
beforeEach(() => {
  nav.onLine = true
  vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout', 'Date'] })
})
afterEach(() => {
  vi.useRealTimers()
  vi.unstubAllGlobals()
})

/** Advances fake time in steps and yields real macrotasks between them: CompressionStream works outside timers. */
const settle = async (ms = 0) => {
  for (let i = 0; i < 20; i++) {
    await vi.advanceTimersByTimeAsync(ms / 20)
    for (let j = 0; j < 5; j++) await new Promise((r) => setImmediate(r))
  }
}

describe('createSender', () => {
  it('should send gzip-compressed batches in order with a fresh sentAt, and resolve flush on acknowledgement', async () => {
    vi.useRealTimers() // decompressing in the fake fetch is real stream work
    const { calls, outbox, sender, add } = setup([], true)
    add(1)
    add(2)
    const delivered = sender.whenDelivered()
    sender.kick()
    await delivered
    expect(calls.map((c) => c.url)).toEqual([
      'https://c.example/v1/batch?key=slp_k&encoding=gzip',
      'https://c.example/v1/batch?key=slp_k&encoding=gzip',
    ])
    expect(calls.map((c) => JSON.parse(c.body).batchId)).toEqual(['b1', 'b2'])
    expect(Math.abs(JSON.parse(calls[0]!.body).sentAt - Date.now())).toBeLessThan(5000)
    expect(calls[0]!.init.keepalive).toBe(false)
    expect(outbox.list()).toHaveLength(0)
  })

  it('should retry 503, 429, 408 and network errors with the same batch, honouring Retry-After', async () => {
    const { calls, outbox, sender, add } = setup([
      { status: 503, headers: { 'retry-after': '30' } },
      { status: 429 },
      { status: 408 },
      'network-error',
      { status: 200 },
    ])
    add(1)
    sender.kick()
    await settle()
    expect(calls).toHaveLength(1)
    await settle(29_000)
    expect(calls).toHaveLength(1) // Retry-After 30 s is honoured even though backoff alone would be ~1 s
    await settle(2_000)
    expect(calls).toHaveLength(2)
    await settle(120_000)
    expect(calls.length).toBe(5)
    expect(new Set(calls.map((c) => JSON.parse(c.body).batchId))).toEqual(new Set(['b1']))
    expect(outbox.list()).toHaveLength(0)
  })

  it('should abort a request that does not finish in 30 s and retry the same batch, so one stalled connection holds nothing up', async () => {
    const { calls, outbox, sender, add } = setup(['stall', { status: 200 }, { status: 200 }])
    add(1)
    add(2)
    sender.kick()
    await settle()
    expect(calls).toHaveLength(1)
    expect(calls[0]!.init.signal!.aborted).toBe(false)
    await settle(29_000)
    expect(calls).toHaveLength(1) // still waiting for the stalled answer
    await settle(1_000)
    expect(calls[0]!.init.signal!.aborted).toBe(true)
    await settle(5_000) // backoff after the abort (1 s ± 50 %), then b1 again and b2
    expect(calls.map((c) => JSON.parse(c.body).batchId)).toEqual(['b1', 'b1', 'b2'])
    expect(outbox.list()).toHaveLength(0)
  })

  it('should drop a batch refused with 400, 401, 403, 413 or 415 and report it, without retrying', async () => {
    const { calls, outbox, sender, add, rejected } = setup([
      { status: 400 },
      { status: 413 },
      { status: 200 },
    ])
    add(1)
    add(2)
    add(3)
    sender.kick()
    await settle(10_000)
    expect(calls).toHaveLength(3)
    expect(rejected).toEqual([400, 413])
    expect(outbox.list()).toHaveLength(0)
  })

  it('should not send while offline and resume when kicked back online', async () => {
    const { calls, sender, add } = setup([])
    nav.onLine = false
    add(1)
    sender.kick()
    await settle(5_000)
    expect(calls).toHaveLength(0)
    nav.onLine = true
    sender.kick()
    await settle()
    expect(calls).toHaveLength(1)
  })

  it('should keep exit requests together under 60,000 bytes, events before replay, with keepalive', async () => {
    const { calls, sender, add, outbox } = setup([])
    // each ≈ 24 KB: two fit the 60,000-byte budget, a third would not
    add(1, 'replay', 12_000)
    add(2, 'events', 12_000)
    add(3, 'events', 12_000)
    add(4, 'events', 12_000)
    sender.exit()
    await settle()
    const total = calls.reduce((n, c) => n + new TextEncoder().encode(c.body).length, 0)
    expect(total).toBeLessThanOrEqual(EXIT_BUDGET_BYTES)
    expect(calls.map((c) => JSON.parse(c.body).batchId)).toEqual(['b2', 'b3'])
    expect(calls.every((c) => c.init.keepalive === true)).toBe(true)
    expect(outbox.list().map((p) => JSON.parse(`{${p.rest}`).batchId)).toEqual(['b1', 'b4']) // left for the regular path or the next page
  })
})

describe('backoff', () => {
  it('should double from 1 s with ±50 % jitter up to 60 s', () => {
    expect(backoffMs(1, 0.5)).toBe(1000)
    expect(backoffMs(2, 0)).toBe(1000)
    expect(backoffMs(3, 0.999)).toBeCloseTo(5996, 0)
    expect(backoffMs(20, 0.5)).toBe(60_000)
  })

  it('should read Retry-After as seconds or as an HTTP date', () => {
    expect(retryAfterMs('7', 0)).toBe(7000)
    expect(retryAfterMs(new Date(10_000).toUTCString(), 4000)).toBe(6000)
    expect(retryAfterMs('soon', 0)).toBe(0)
    expect(retryAfterMs(null, 0)).toBe(0)
  })
})
