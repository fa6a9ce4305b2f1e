// @vitest-environment happy-dom
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import { type InitOptions, resolveOptions } from '../boot/options.js'
import { createActivity } from '../tools/activity.js'
import type { ActivityKind, CaptureContext, SightlineEvent, Stoppable } from '../types.js'
import { redactBody, trackNetwork } from './trackNetwork.js'

function setup(networkDetails?: InitOptions['networkDetails']) {
  const events: SightlineEvent[] = []
  const notified: ActivityKind[] = []
  const ctx: CaptureContext = {
    emit: (e) => events.push(e),
    options: resolveOptions({
      siteKey: `slp_${'a'.repeat(32)}`,
      endpoint: 'https://collector.example',
      ...(networkDetails && { networkDetails }),
    }),
    activity: createActivity(() => Date.now()),
    now: () => 1_700_000_000_000,
    pageUrl: () => location.href,
  }
  ctx.activity.subscribe((kind) => notified.push(kind))
  return { events, notified, ctx }
}

/** A fake XMLHttpRequest: the test decides when and how it ends. */
class FakeXHR extends EventTarget {
  static last: FakeXHR
  status = 0
  responseType = ''
  responseText = ''
  response: unknown = ''
  opened: unknown[] = []
  sent: unknown
  responseHeaders: Record<string, string> = {}
  open(...args: unknown[]) {
    this.opened = args
  }
  setRequestHeader(_name: string, _value: string) {}
  send(body?: unknown) {
    this.sent = body
    FakeXHR.last = this
  }
  getResponseHeader(name: string) {
    return this.responseHeaders[name.toLowerCase()] ?? null
  }
  getAllResponseHeaders() {
    return Object.entries(this.responseHeaders)
      .map(([k, v]) => `${k}: ${v}\r\n`)
      .join('')
  }
  respond(status: number, body: string, headers: Record<string, string> = {}) {
    clock += 50
    this.status = status
    this.responseText = body
    this.response = body
    this.responseHeaders = headers
    this.dispatchEvent(new Event('load'))
    this.dispatchEvent(new Event('loadend'))
  }
  fail(type: 'error' | 'abort' | 'timeout') {
    clock += 50
    this.dispatchEvent(new Event(type))
    this.dispatchEvent(new Event('loadend'))
  }
}

const flush = () => new Promise((resolve) => setTimeout(resolve, 0))
const networkEvents = (events: SightlineEvent[]) => events.filter((e) => e.type === 'network')

let clock = 0

describe('trackNetwork', () => {
  let tracker: Stoppable | undefined
  let fakeFetch: ReturnType<typeof vi.fn>
  const realFetch = window.fetch

  beforeEach(() => {
    fakeFetch = vi.fn()
    window.fetch = fakeFetch as unknown as typeof fetch
    vi.stubGlobal('XMLHttpRequest', FakeXHR)
    clock = 1000
    vi.spyOn(performance, 'now').mockImplementation(() => clock)
    // Each request takes 50 ms on the fake clock.
    fakeFetch.mockImplementation(() => {
      clock += 50
      return Promise.resolve(new Response(''))
    })
  })
  /** The fake fetch settles 50 ms later on the fake clock. */
  const after50ms =
    <T>(settle: () => Promise<T>) =>
    () => {
      clock += 50
      return settle()
    }
  const respondWith = (res: Response) => fakeFetch.mockImplementation(after50ms(() => Promise.resolve(res)))
  const respondOnce = (res: Response) =>
    fakeFetch.mockImplementationOnce(after50ms(() => Promise.resolve(res)))
  afterEach(() => {
    tracker?.stop()
    window.fetch = realFetch
    vi.unstubAllGlobals()
    vi.restoreAllMocks()
  })

  it('should record a successful fetch and return the very same response', async () => {
    const response = new Response('{"ok":true}', { status: 200, headers: { 'content-length': '11' } })
    respondWith(response)
    const { events, notified, ctx } = setup()
    tracker = trackNetwork(ctx)
    const got = await window.fetch('https://api.example/items', { method: 'post', body: 'héllo' })
    await flush()
    expect(got).toBe(response)
    expect(fakeFetch).toHaveBeenCalledWith('https://api.example/items', { method: 'post', body: 'héllo' })
    expect(events).toEqual([
      {
        type: 'network',
        t: 1_700_000_000_000,
        url: location.href,
        method: 'POST',
        target: 'https://api.example/items',
        initiator: 'fetch',
        status: 200,
        durationMs: 50,
        requestBytes: 6,
        responseBytes: 11,
      },
    ])
    expect(notified).toEqual(['network', 'network'])
    expect(response.bodyUsed).toBe(false)
    expect(await response.text()).toBe('{"ok":true}')
  })

  it('should record the status of a 404 and read the method and URL of a Request', async () => {
    respondWith(new Response('missing', { status: 404 }))
    const { events, ctx } = setup()
    tracker = trackNetwork(ctx)
    await window.fetch(new Request('https://api.example/missing', { method: 'DELETE' }))
    await flush()
    expect(events).toEqual([
      expect.objectContaining({ method: 'DELETE', target: 'https://api.example/missing', status: 404 }),
    ])
    expect(events[0]).not.toHaveProperty('responseBytes')
  })

  it('should record a failed fetch with its error and rethrow the very same error', async () => {
    const failure = new TypeError('Failed to fetch')
    fakeFetch.mockImplementation(after50ms(() => Promise.reject(failure)))
    const { events, notified, ctx } = setup()
    tracker = trackNetwork(ctx)
    await expect(window.fetch('https://api.example/down')).rejects.toBe(failure)
    await flush()
    expect(events).toEqual([
      expect.objectContaining({ initiator: 'fetch', error: 'TypeError: Failed to fetch', durationMs: 50 }),
    ])
    expect(events[0]).not.toHaveProperty('status')
    expect(notified).toEqual(['network', 'network'])
  })

  it('should never capture requests to the SDK endpoint', async () => {
    respondWith(new Response('', { status: 202 }))
    const { events, notified, ctx } = setup()
    tracker = trackNetwork(ctx)
    await window.fetch('https://collector.example/v1/batch', { method: 'POST', body: '{}' })
    const xhr = new XMLHttpRequest()
    xhr.open('POST', 'https://collector.example/v1/batch')
    xhr.send('{}')
    FakeXHR.last.respond(202, '')
    await flush()
    expect(events).toHaveLength(0)
    expect(notified).toHaveLength(0)
  })

  it('should capture the site’s own API on the collector origin (a first-party proxy), not the SDK paths', async () => {
    respondWith(new Response('{}', { status: 200 }))
    const { events, ctx } = setup()
    tracker = trackNetwork(ctx)
    await window.fetch('https://collector.example/api/cart')
    await window.fetch('https://collector.example/sdk-replay.js')
    await flush()
    expect(events.map((e) => (e as { target: string }).target)).toEqual([
      'https://collector.example/api/cart',
    ])
  })

  it('should scrub secret query values and resolve relative URLs', async () => {
    respondWith(new Response('', { status: 200 }))
    const { events, ctx } = setup()
    tracker = trackNetwork(ctx)
    await window.fetch('https://api.example/search?token=abc&page=2')
    await window.fetch('/local?q=shoes')
    await flush()
    expect(networkEvents(events).map((e) => e.type === 'network' && e.target)).toEqual([
      'https://api.example/search?token=[redacted]&page=2',
      new URL('/local?q=shoes', location.href).href,
    ])
  })

  it('should record no headers or bodies by default', async () => {
    respondWith(
      new Response('{"token":"t"}', { status: 200, headers: { 'content-type': 'application/json' } }),
    )
    const { events, ctx } = setup()
    tracker = trackNetwork(ctx)
    await window.fetch('https://api.example/login', {
      method: 'POST',
      headers: { Authorization: 'Bearer secret', 'Content-Type': 'application/json' },
      body: '{"password":"hunter2"}',
    })
    await flush()
    expect(events).toHaveLength(1)
    for (const field of ['requestHeaders', 'responseHeaders', 'requestBody', 'responseBody']) {
      expect(events[0]).not.toHaveProperty(field)
    }
  })

  it('should record redacted headers and bodies for networkDetails URLs only', async () => {
    const response = new Response('{"user":{"name":"ann","authToken":"t0k"}}', {
      status: 200,
      headers: { 'content-type': 'application/json', 'x-session-id': 's1', 'x-trace': 'abc' },
    })
    respondOnce(response)
    respondOnce(new Response('{"password":"p"}', { headers: { 'content-type': 'application/json' } }))
    const { events, ctx } = setup({ urls: ['api.example/login'], bodies: true })
    tracker = trackNetwork(ctx)
    const got = await window.fetch('https://api.example/login', {
      method: 'POST',
      headers: { Authorization: 'Bearer secret', 'Content-Type': 'application/json', 'X-Api-Key': 'k' },
      body: '{"email":"a@b.c","password":"hunter2","nested":{"apiKey":"x"}}',
    })
    await window.fetch('https://other.example/login', { body: '{"password":"p"}', method: 'POST' })
    await flush()
    expect(await got.json()).toEqual({ user: { name: 'ann', authToken: 't0k' } })
    const byTarget = (target: string) => events.find((e) => e.type === 'network' && e.target === target)
    expect(byTarget('https://api.example/login')).toMatchObject({
      requestHeaders: {
        authorization: '[redacted]',
        'content-type': 'application/json',
        'x-api-key': '[redacted]',
      },
      responseHeaders: { 'content-type': 'application/json', 'x-session-id': '[redacted]', 'x-trace': 'abc' },
      requestBody: '{"email":"a@b.c","password":"[redacted]","nested":{"apiKey":"[redacted]"}}',
      responseBody: '{"user":{"name":"ann","authToken":"[redacted]"}}',
    })
    const other = byTarget('https://other.example/login')
    expect(other).toMatchObject({ requestBytes: 16, status: 200 })
    expect(other).not.toHaveProperty('requestBody')
    expect(other).not.toHaveProperty('responseHeaders')
  })

  it('should record headers but no bodies when networkDetails.bodies is off', async () => {
    respondWith(new Response('hello', { headers: { 'content-type': 'text/plain' } }))
    const { events, ctx } = setup({ urls: [/api\.example/] })
    tracker = trackNetwork(ctx)
    await window.fetch('https://api.example/x', {
      method: 'POST',
      body: 'data',
      headers: { Cookie: 'sid=1' },
    })
    await flush()
    expect(events[0]).toMatchObject({
      requestHeaders: { cookie: '[redacted]' },
      responseHeaders: { 'content-type': 'text/plain' },
    })
    expect(events[0]).not.toHaveProperty('requestBody')
    expect(events[0]).not.toHaveProperty('responseBody')
  })

  it('should redact secret keys in form bodies and truncate long bodies', () => {
    expect(redactBody('user=ann&password=hunter2')).toBe('user=ann&password=[redacted]')
    expect(redactBody('x'.repeat(200_000))).toHaveLength(150_000)
  })

  it('should capture XHR requests, their headers and failures', () => {
    const { events, notified, ctx } = setup({ urls: ['api.example'], bodies: true })
    tracker = trackNetwork(ctx)
    const xhr = new XMLHttpRequest()
    xhr.open('get', 'https://api.example/items?session=zzz')
    xhr.setRequestHeader('X-CSRF-Token', 'c')
    xhr.setRequestHeader('Accept', 'application/json')
    xhr.send()
    expect(notified).toEqual(['network'])
    FakeXHR.last.respond(201, '{"secret":"s","id":1}', {
      'content-type': 'application/json',
      'content-length': '21',
    })
    const failing = new XMLHttpRequest()
    failing.open('POST', 'https://elsewhere.example/upload')
    failing.send('12345')
    FakeXHR.last.fail('timeout')
    expect(events).toEqual([
      {
        type: 'network',
        t: 1_700_000_000_000,
        url: location.href,
        method: 'GET',
        target: 'https://api.example/items?session=[redacted]',
        initiator: 'xhr',
        status: 201,
        durationMs: 50,
        responseBytes: 21,
        requestHeaders: { 'x-csrf-token': '[redacted]', accept: 'application/json' },
        responseHeaders: { 'content-type': 'application/json', 'content-length': '21' },
        responseBody: '{"secret":"[redacted]","id":1}',
      },
      {
        type: 'network',
        t: 1_700_000_000_000,
        url: location.href,
        method: 'POST',
        target: 'https://elsewhere.example/upload',
        initiator: 'xhr',
        durationMs: 50,
        requestBytes: 5,
        error: 'XMLHttpRequest timeout',
      },
    ])
    expect(notified).toHaveLength(4)
  })

  it('should report a reused XHR once per request', () => {
    const { events, ctx } = setup()
    tracker = trackNetwork(ctx)
    const xhr = new XMLHttpRequest()
    xhr.open('GET', 'https://api.example/a')
    xhr.send()
    FakeXHR.last.respond(200, 'a')
    xhr.open('GET', 'https://api.example/b')
    xhr.send()
    FakeXHR.last.respond(500, 'b')
    expect(networkEvents(events).map((e) => e.type === 'network' && [e.target, e.status])).toEqual([
      ['https://api.example/a', 200],
      ['https://api.example/b', 500],
    ])
  })

  it('should restore fetch and XMLHttpRequest on stop', async () => {
    const proto = FakeXHR.prototype
    const originals = [proto.open, proto.send, proto.setRequestHeader]
    const { events, ctx } = setup()
    tracker = trackNetwork(ctx)
    expect(window.fetch).not.toBe(fakeFetch)
    expect(proto.open).not.toBe(originals[0])
    tracker.stop()
    expect(window.fetch).toBe(fakeFetch)
    expect([proto.open, proto.send, proto.setRequestHeader]).toEqual(originals)
    respondWith(new Response(''))
    await window.fetch('https://api.example/after')
    expect(events).toHaveLength(0)
  })
})
