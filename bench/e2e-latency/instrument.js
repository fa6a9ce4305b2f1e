// Page script of bench/e2e-latency, injected before any page script (so before the SDK) by page.ts, plain
// JavaScript because it is sent to the page as source. Wraps fetch to note when each `/v1/batch` request
// starts and is answered, keeping its body untouched until the end (decoded only by requests(), so the
// measured path does no extra work), and defines `__latency.emit()`, which stamps and tracks one event.
// biome-ignore lint/correctness/noUnusedVariables: called by the line page.ts appends
function instrumentLatency(eventName) {
  const now = () => performance.timeOrigin + performance.now()
  const nativeFetch = window.fetch
  const seen = []
  window.fetch = function benchFetch(...args) {
    const [input, init] = args
    const url = typeof input === 'string' ? input : input instanceof URL ? input.href : input.url
    if (!url.includes('/v1/batch')) return nativeFetch.apply(this, args)
    const request = {
      start: now(),
      acked: 0,
      status: 0,
      body: init?.body,
      gzip: url.includes('encoding=gzip'),
    }
    seen.push(request)
    const answer = nativeFetch.apply(this, args)
    answer.then(
      (res) => {
        request.acked = now()
        request.status = res.status
      },
      () => {
        request.acked = now()
      },
    )
    return answer
  }
  const text = async (body, gzip) => {
    if (typeof body === 'string') return body
    // The SDK sends a Blob, an ArrayBuffer or a typed array (compressed bytes), depending on its version.
    const blob =
      body instanceof Blob
        ? body
        : body instanceof ArrayBuffer || ArrayBuffer.isView(body)
          ? new Blob([body])
          : null
    if (!blob) return ''
    const stream = gzip ? blob.stream().pipeThrough(new DecompressionStream('gzip')) : blob.stream()
    return new Response(stream).text()
  }
  window.__latency = {
    emit(id, flush) {
      const t = now()
      window.sightline.track(eventName, { id })
      if (flush) void window.sightline.flush()
      return t
    },
    requests: () =>
      Promise.all(
        seen.map(async (r) => {
          const batch = JSON.parse((await text(r.body, r.gzip)) || '{"events":[]}')
          const ids = batch.events
            .filter((e) => e.type === 'custom' && e.name === eventName && e.props?.id)
            .map((e) => e.props.id)
          return { start: r.start, acked: r.acked, status: r.status, ids }
        }),
      ),
  }
}
