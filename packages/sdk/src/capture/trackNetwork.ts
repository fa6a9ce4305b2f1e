import { NETWORK_BODY_MAX_CHARS } from '../constants.js'
import { monitor } from '../tools/monitor.js'
import { scrubUrl } from '../tools/urlUtils.js'
import type { CaptureContext, Stoppable } from '../types.js'

type NetworkEvent = Extract<Parameters<CaptureContext['emit']>[0], { type: 'network' }>
type Headers_ = Record<string, string>
/** One request in flight: `d` says whether headers/bodies may be recorded for it. */
interface Req {
  e: NetworkEvent
  start: number
  d: boolean
  h?: Headers_
}

const SECRET_HEADER = /auth|token|secret|session|password|key|cookie|csrf|xsrf/
const SECRET_KEY = /password|secret|token|key|auth/i
const TEXT_TYPE = /json|xml|javascript|urlencoded|text\/(?!event-stream)/
const REDACTED = '[redacted]'

export function redactHeaders(pairs: Iterable<[string, string]>): Headers_ {
  const out: Headers_ = {}
  for (const [k, v] of pairs) {
    const name = k.toLowerCase().slice(0, 256)
    out[name] = SECRET_HEADER.test(name) ? REDACTED : v.slice(0, 8192)
  }
  return out
}

/** JSON: values under secret-looking keys replaced; other text: values of secret-looking `key=value` pairs. */
export function redactBody(body: string): string {
  let out: string
  try {
    out = JSON.stringify(JSON.parse(body), (k, v) => (k && SECRET_KEY.test(k) ? REDACTED : v))
  } catch {
    out = body.replace(/(^|&)([^=&]+)=[^&]*/g, (m, sep, key) =>
      SECRET_KEY.test(key) ? `${sep}${key}=${REDACTED}` : m,
    )
  }
  return out.slice(0, NETWORK_BODY_MAX_CHARS)
}

/** Byte size of a request body when it is cheap to know; undefined otherwise (streams, FormData). */
function sizeOf(body: unknown): number | undefined {
  if (typeof body === 'string') return new TextEncoder().encode(body).length
  if (body instanceof URLSearchParams) return sizeOf(body.toString())
  if (body instanceof Blob) return body.size
  if (body instanceof ArrayBuffer || ArrayBuffer.isView(body)) return body.byteLength
  return undefined
}

const XHR_ENDS = ['load', 'error', 'abort', 'timeout']

/** `getAllResponseHeaders()` text as name/value pairs. */
const parseHeaders = (text: string) =>
  text
    .split(/[\r\n]+/)
    .filter((l) => l.includes(':'))
    .map((l): [string, string] => [l.slice(0, l.indexOf(':')).trim(), l.slice(l.indexOf(':') + 1).trim()])

const textOf = (body: unknown) =>
  typeof body === 'string' ? body : body instanceof URLSearchParams ? body.toString() : undefined

/**
 * fetch and XMLHttpRequest: one `network` event per request, when it completes or fails. Requests to
 * the SDK's own endpoint are never captured. Headers and bodies only for `networkDetails.urls`
 * (bodies only with `bodies: true`, text only), redacted. `durationMs` runs until the response
 * headers (fetch resolves) or `load` (XHR).
 */
export function trackNetwork(ctx: CaptureContext): Stoppable {
  const nd = ctx.options.networkDetails
  let stopped = false

  const begin = (method: string | undefined, rawUrl: string, initiator: 'fetch' | 'xhr', body: unknown) => {
    const url = new URL(rawUrl, location.href)
    if (stopped || url.origin === ctx.options.endpoint) return undefined
    const d = !!nd?.urls.some((p) => (typeof p === 'string' ? url.href.includes(p) : url.href.search(p) >= 0))
    const e: NetworkEvent = {
      type: 'network',
      t: ctx.now(),
      url: ctx.pageUrl(),
      method: (method || 'GET').toUpperCase().slice(0, 16),
      target: scrubUrl(url.href).slice(0, 4096),
      initiator,
    }
    const bytes = sizeOf(body)
    if (bytes !== undefined) e.requestBytes = bytes
    const text = d && nd?.bodies ? textOf(body) : undefined
    if (text !== undefined) e.requestBody = redactBody(text)
    ctx.activity.notify('network')
    return { e, start: performance.now(), d } as Req
  }

  const end = (r: Req, status: number, length: string | null, error?: string) => {
    r.e.durationMs = Math.max(0, Math.round(performance.now() - r.start))
    if (status) r.e.status = status
    const bytes = length ? Number(length) : -1
    if (Number.isSafeInteger(bytes) && bytes >= 0) r.e.responseBytes = bytes
    if (error) r.e.error = error.slice(0, 512)
    if (r.d && r.h) r.e.requestHeaders = r.h
    ctx.activity.notify('network')
  }
  const send = monitor((r: Req) => stopped || ctx.emit(r.e))
  const wantsBody = (r: Req, contentType: string | null) =>
    r.d && !!nd?.bodies && TEXT_TYPE.test(contentType ?? '')

  // fetch: the caller gets the very promise fetch returned; the body is read only from a clone, with details on.
  const onResponse = (r: Req, res: Response) => {
    end(r, res.status, res.headers.get('content-length'))
    if (r.d) r.e.responseHeaders = redactHeaders(res.headers)
    if (!wantsBody(r, res.headers.get('content-type')) || res.bodyUsed) return send(r)
    res
      .clone()
      .text()
      .then((b) => (r.e.responseBody = redactBody(b)))
      .catch(() => {})
      .finally(() => send(r))
  }
  const onFailure = (r: Req, err: unknown) => {
    end(r, 0, null, err instanceof Error ? `${err.name}: ${err.message}` : String(err))
    send(r)
  }
  const startFetch = monitor((input: RequestInfo | URL, init: RequestInit | undefined) => {
    const isReq = typeof Request !== 'undefined' && input instanceof Request
    const r = begin(
      init?.method ?? (isReq ? input.method : undefined),
      isReq ? input.url : String(input),
      'fetch',
      init?.body,
    )
    if (r?.d) r.h = redactHeaders(new Headers(init?.headers ?? (isReq ? input.headers : undefined)))
    return r
  })
  const watch = monitor((r: Req, promise: Promise<Response>) =>
    promise.then(monitor(onResponse.bind(null, r)), monitor(onFailure.bind(null, r))),
  )
  const origFetch = window.fetch
  const fetchWrapper = function (this: unknown, ...args: Parameters<typeof fetch>) {
    const r = stopped ? undefined : startFetch(args[0], args[1])
    const promise = origFetch.apply(this, args)
    if (r) watch(r, promise)
    return promise
  }
  if (typeof origFetch === 'function') window.fetch = fetchWrapper

  // XMLHttpRequest: open records method and URL, setRequestHeader the headers, send starts the clock.
  const opened = new WeakMap<XMLHttpRequest, [method: string, url: string, headers: Headers_]>()
  const onLoadEnd = (xhr: XMLHttpRequest, r: Req, type: string) => {
    end(
      r,
      xhr.status,
      xhr.getResponseHeader('content-length'),
      type === 'load' ? undefined : `XMLHttpRequest ${type}`,
    )
    if (r.d) r.e.responseHeaders = redactHeaders(parseHeaders(xhr.getAllResponseHeaders()))
    if (wantsBody(r, xhr.getResponseHeader('content-type'))) {
      const t = xhr.responseType
      const b =
        t === '' || t === 'text' ? xhr.responseText : t === 'json' ? JSON.stringify(xhr.response) : undefined
      if (b !== undefined) r.e.responseBody = redactBody(b)
    }
    send(r)
  }
  const startXhr = monitor((xhr: XMLHttpRequest, body: unknown) => {
    const o = opened.get(xhr)
    const r = o && begin(o[0], o[1], 'xhr', body)
    if (!r) return
    if (r.d) r.h = redactHeaders(Object.entries(o[2]))
    const done = monitor((ev: Event) => {
      for (const t of XHR_ENDS) xhr.removeEventListener(t, done)
      onLoadEnd(xhr, r, ev.type)
    })
    for (const t of XHR_ENDS) xhr.addEventListener(t, done)
  })
  const proto = typeof XMLHttpRequest === 'function' ? XMLHttpRequest.prototype : undefined
  const orig = proto && { open: proto.open, send: proto.send, setRequestHeader: proto.setRequestHeader }
  const patch = orig && {
    open(this: XMLHttpRequest, ...args: [string, string | URL, ...unknown[]]) {
      if (!stopped) opened.set(this, [args[0], String(args[1]), {}])
      return (orig.open as (...a: unknown[]) => void).apply(this, args)
    },
    setRequestHeader(this: XMLHttpRequest, name: string, value: string) {
      const headers = opened.get(this)?.[2]
      if (headers) headers[name] = String(value)
      return orig.setRequestHeader.call(this, name, value)
    },
    send(this: XMLHttpRequest, body?: Document | XMLHttpRequestBodyInit | null) {
      if (!stopped) startXhr(this, body)
      return orig.send.call(this, body)
    },
  }
  if (proto && patch) Object.assign(proto, patch)

  return {
    stop() {
      stopped = true
      if (window.fetch === fetchWrapper) window.fetch = origFetch
      if (proto && patch && orig)
        for (const k of ['open', 'send', 'setRequestHeader'] as const)
          if (proto[k] === patch[k]) Object.assign(proto, { [k]: orig[k] })
    },
  }
}
