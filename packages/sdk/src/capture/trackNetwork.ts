import { NETWORK_BODY_MAX_CHARS } from '../constants.js'
import { byteLength } from '../tools/bytes.js'
import { monitor } from '../tools/monitor.js'
import { patch } from '../tools/patch.js'
import { scrubUrl } from '../tools/urlUtils.js'
import type { CaptureContext, Stoppable } from '../types.js'

type NetworkEvent = Extract<Parameters<CaptureContext['emit']>[0], { type: 'network' }>
/** What a request is known by before it starts: headers, method, URL (XHR: the rest of open's arguments follow). */
type Opened = [
  headers: HeadersInit | undefined,
  method: string | undefined,
  url: string | URL,
  ...rest: unknown[],
]

/** Header names, and JSON/form keys in bodies, whose values are never recorded. */
const SECRET = /auth|token|secret|session|password|key|cookie|csrf|xsrf/i
/** Response bodies read (text only, never a stream that does not end). */
const TEXT_TYPE = /json|xml|script|urlencoded|text\/(?!event-stream)/
const REDACTED = '[redacted]'
const XHR_ENDS = ['load', 'error', 'abort', 'timeout']

const redactHeaders = (h?: HeadersInit) => {
  const out: Record<string, string> = {}
  new Headers(h).forEach((v, k) => {
    k = k.toLowerCase()
    out[k] = SECRET.test(k) ? REDACTED : v.slice(0, 8192)
  })
  return out
}

/** JSON: values under secret-looking keys replaced; other text: values of secret-looking `key=value` pairs. */
export function redactBody(body: string): string {
  let out: string
  try {
    out = JSON.stringify(JSON.parse(body), (k, v) => (SECRET.test(k) ? REDACTED : v))
  } catch {
    out = body.replace(/(^|&)([^=&]+)=[^&]*/g, (m, s, k) => (SECRET.test(k) ? `${s}${k}=${REDACTED}` : m))
  }
  return out.slice(0, NETWORK_BODY_MAX_CHARS)
}

/**
 * fetch and XMLHttpRequest: one `network` event per request, when it completes or fails. Requests to
 * the SDK's own endpoint are never captured. Headers and bodies only for `networkDetails.urls`
 * (bodies only with `bodies: true`, text only), redacted. `requestBytes` for string bodies only,
 * `responseBytes` from Content-Length. `durationMs` runs until the response headers (fetch resolves)
 * or `load` (XHR).
 */
export function trackNetwork(ctx: CaptureContext): Stoppable {
  const nd = ctx.options.networkDetails
  const undo: (() => void)[] = []
  let stopped = false

  /**
   * Starts a request's event (undefined when stopped or for the SDK's own endpoint) and returns its
   * finisher, which emits the event or, when a text body is wanted, returns the function that does.
   */
  const begin = (body: unknown, initiator: 'fetch' | 'xhr', ...[headers, method, rawUrl]: Opened) => {
    const url = new URL(rawUrl, location.href)
    // The SDK's own requests only: a site may serve the collector from its own origin, next to its API.
    if (
      stopped ||
      (url.origin === ctx.options.endpoint && /^\/(v1\/batch|sdk(-replay)?\.js)$/.test(url.pathname))
    )
      return
    const href = url.href
    // split() takes a string or a RegExp alike: more than one part means the pattern occurs.
    const d = nd?.urls.some((p) => href.split(p).length > 1)
    const bodies = d && nd?.bodies
    const e: NetworkEvent = {
      type: 'network',
      t: ctx.now(),
      url: ctx.pageUrl(),
      method: (method || 'GET').toUpperCase().slice(0, 16),
      target: scrubUrl(href),
      initiator,
    }
    if (typeof body === 'string') {
      e.requestBytes = byteLength(body)
      if (bodies) e.requestBody = redactBody(body)
    }
    if (d) e.requestHeaders = redactHeaders(headers)
    ctx.activity.notify('network')
    const start = performance.now()
    const send = monitor((text?: unknown) => {
      if (typeof text === 'string') e.responseBody = redactBody(text)
      stopped || ctx.emit(e)
    })

    return monitor((status: number, h: Headers, error?: unknown) => {
      e.durationMs = Math.round(performance.now() - start)
      if (status) e.status = status
      const n = parseInt(h.get('content-length') as string, 10)
      if (n >= 0) e.responseBytes = n
      if (error) e.error = String(error).slice(0, 512)
      if (d) e.responseHeaders = redactHeaders(h)
      ctx.activity.notify('network')
      return bodies && TEXT_TYPE.test(h.get('content-type') as string) ? send : void send()
    })
  }

  // fetch: the caller gets the very promise fetch returned; the body is read only from a clone, with details on.
  // A Request input has url/method/headers; a string or URL has none of them.
  undo.push(
    patch(window, 'fetch', (_, [input, init]: [RequestInfo | URL, RequestInit?]) => {
      const q = input as Partial<Request>
      const f = begin(
        init?.body,
        'fetch',
        init?.headers ?? q.headers,
        init?.method ?? q.method,
        q.url ?? (input as URL),
      )
      return (
        f &&
        ((p: Promise<Response>) =>
          p.then(
            monitor((res: Response) => {
              const send = f(res.status, res.headers)
              send && (res.bodyUsed ? send() : res.clone().text().then(send, send))
            }),
            (err) => f(0, new Headers(), err),
          ))
      )
    }),
  )

  // XMLHttpRequest: open records method and URL, setRequestHeader the headers, send starts the clock.
  const opened = new WeakMap<XMLHttpRequest, Opened>()
  const proto = XMLHttpRequest.prototype
  undo.push(
    patch(proto, 'open', (xhr, args: [string, string]) => {
      opened.set(xhr, [new Headers(), ...args])
    }),
  )
  undo.push(
    patch(proto, 'setRequestHeader', (xhr, [name, value]: [string, string]) => {
      ;(opened.get(xhr)?.[0] as Headers | undefined)?.append(name, value)
    }),
  )
  undo.push(
    patch(proto, 'send', (xhr: XMLHttpRequest, [body]: [unknown]) => {
      const o = opened.get(xhr)
      const f = o && begin(body, 'xhr', ...o)
      if (!f) return
      const done = monitor((ev: Event) => {
        for (const t of XHR_ENDS) xhr.removeEventListener(t, done)
        const h = new Headers()
        for (const [, k, v] of xhr.getAllResponseHeaders().matchAll(/(.+?): (.*)/g))
          h.append(k as string, v as string)
        // `response` is the text for responseType "" and "text"; send() skips the others (json, blob…).
        f(xhr.status, h, ev.type === 'load' ? '' : `XMLHttpRequest ${ev.type}`)?.(xhr.response)
      })
      for (const t of XHR_ENDS) xhr.addEventListener(t, done)
    }),
  )

  return {
    stop() {
      stopped = true
      for (const u of undo) u()
    },
  }
}
