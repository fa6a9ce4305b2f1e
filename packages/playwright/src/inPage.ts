/**
 * Code that runs inside the browser, injected with `addInitScript` before the SDK. Every function here
 * is serialized with `toString()`: self-contained, no imports, no closures over module scope.
 */

/** A layout shift as the browser reports it (the fields we read). */
export interface Shift {
  startTime: number
  value: number
  hadRecentInput: boolean
  sources?: { node?: unknown }[]
}

/**
 * CLS as web-vitals computes it: the largest session window of layout shifts (shifts less than 1 s
 * apart, a window at most 5 s long), shifts right after input excluded. Returns the value (4 decimals)
 * and the largest shift of that window (whose first source is reported).
 */
export function computeCls(shifts: Shift[]): { value: number; largest: Shift | undefined } {
  let best = 0
  let bestShift: Shift | undefined
  let current = 0
  let first = 0
  let last = 0
  let largest: Shift | undefined
  for (const s of shifts) {
    if (s.hadRecentInput) continue
    if (current && s.startTime - last < 1000 && s.startTime - first < 5000) current += s.value
    else {
      current = s.value
      first = s.startTime
      largest = undefined
    }
    if (!largest || s.value > largest.value) largest = s
    last = s.startTime
    if (current > best) {
      best = current
      bestShift = largest
    }
  }
  return { value: Math.round(best * 1e4) / 1e4, largest: bestShift }
}

/**
 * INP as web-vitals estimates it: among the longest interactions (longest first), the one at
 * floor(count / 50), i.e. the 98th percentile, one outlier ignored per 50 interactions.
 */
export function estimateInp<T extends { duration: number }>(longest: T[], count: number): T | undefined {
  const sorted = [...longest].sort((a, b) => b.duration - a.duration)
  return sorted[Math.min(sorted.length - 1, Math.floor(count / 50))]
}

/** A short CSS path to an element, below html: up to five `tag:nth-of-type(n)` steps, from a `tag#id`. */
export function selectorFor(node: unknown): string | undefined {
  let el = node as Element | null
  if (el && el.nodeType === 3) el = (el as unknown as Text).parentElement
  const parts: string[] = []
  for (let i = 0; el && el.nodeType === 1 && el.localName !== 'html' && i < 5; i++, el = el.parentElement) {
    let part = el.localName
    if (el.id) {
      parts.unshift(`${part}#${CSS.escape(el.id)}`)
      break
    }
    const parent: Element | null = el.parentElement
    const same = parent ? [...parent.children].filter((c) => c.localName === el!.localName) : []
    if (same.length > 1) part += `:nth-of-type(${same.indexOf(el) + 1})`
    parts.unshift(part)
  }
  return parts.length ? parts.join(' > ') : undefined
}

export interface TapConfig {
  /** Name of the binding exposed by attachSightline. */
  binding: string
  /** sessionStorage key where a page being left hands what it could not send to the next page. */
  handoffKey: string
  /** Past this many forwarded events, a document only counts (vitals still cross). */
  maxForwarded: number
}

/**
 * Defines `window.__sightlineTap` (the SDK calls it with each event it emits) before the SDK runs.
 * Interesting events (frustration signals, errors, failed requests, console errors, web vitals) cross
 * the binding at once, each with a per-document number; the rest are only counted. Counts and a
 * measurement of the vitals travel with each message and with the answer to `__sightlineReport()`
 * (asked on flush). A binding call in flight when the page starts unloading is dropped by Playwright,
 * so on pagehide every message not yet acknowledged (and each one after) is kept in sessionStorage,
 * for the next page of the tab to pass on; the test process drops the ones it already had.
 * Also defines `__sightlineStep` (records a `test.step` custom event in a top-level document).
 */
export function installTap(
  config: TapConfig,
  cls: typeof computeCls,
  inp: typeof estimateInp,
  selector: typeof selectorFor,
): void {
  // biome-ignore lint/suspicious/noExplicitAny: the page's window, with the SDK's and Playwright's globals
  const w = window as any
  if (w.__sightlineTap) return
  const doc = Math.random().toString(36).slice(2) + Date.now().toString(36)
  const top = w === w.top
  const counts: Record<string, number> = {}
  const vitals: Record<string, 1> = { LCP: 1, INP: 1, CLS: 1, FCP: 1, TTFB: 1 }
  let seq = 0
  /** Interesting events not forwarded (over maxForwarded). */
  let over = 0
  /** Messages handed on from pages left earlier in this tab. */
  let handed = 0
  let url = location.href.split(/[?#]/)[0]
  let leaving = false
  /** Messages the test process has not acknowledged yet: kept for the next page if this one is left. */
  const unacked = new Set<unknown>()
  const waiting: unknown[] = []

  const head = () => ({
    d: doc,
    top,
    u: url,
    s: w.sightline?.getSessionId?.() ?? undefined,
    c: { ...counts },
    o: over,
  })
  const call = (m: unknown) => {
    const fn = w[config.binding]
    if (typeof fn !== 'function') return false
    try {
      fn(m)?.then?.(
        () => unacked.delete(m),
        () => {},
      )
    } catch {}
    return true
  }
  // The binding may be defined after this script (Playwright does not order init scripts).
  const send = (m: unknown) => {
    unacked.add(m)
    if (waiting.length || !call(m)) {
      if (waiting.push(m) === 1) setTimeout(retry)
    }
  }
  const retry = () => {
    while (waiting.length && call(waiting[0])) waiting.shift()
    if (waiting.length) setTimeout(retry, 50)
  }
  const save = () => {
    try {
      const all = JSON.parse(sessionStorage.getItem(config.handoffKey) || '{}')
      all[doc] = { ...head(), tail: [...unacked], sent: seq, handoff: true }
      sessionStorage.setItem(config.handoffKey, JSON.stringify(all))
    } catch {}
  }

  // INP needs every slow interaction: event timing keeps only those of 104 ms or more in its buffer.
  const slow = new Map<number, { duration: number; target: unknown }>()
  const note = (entries: PerformanceEntryList) => {
    for (const e of entries as PerformanceEventTiming[]) {
      const id = (e as { interactionId?: number }).interactionId
      if (id && e.duration > (slow.get(id)?.duration ?? -1))
        slow.set(id, { duration: e.duration, target: e.target })
    }
    if (slow.size > 40)
      for (const [id] of [...slow].sort((a, b) => a[1].duration - b[1].duration).slice(0, 20)) slow.delete(id)
  }
  let events: PerformanceObserver | undefined
  try {
    events = new PerformanceObserver((list) => note(list.getEntries()))
    events.observe({ type: 'event', buffered: true, durationThreshold: 40 } as PerformanceObserverInit)
  } catch {}
  const buffered = (type: string) => {
    try {
      const po = new PerformanceObserver(() => {})
      po.observe({ type, buffered: true })
      const list = po.takeRecords()
      po.disconnect()
      return list
    } catch {
      return []
    }
  }
  /** The vitals so far, as web-vitals would report them if the page were hidden now. */
  const measure = () => {
    // Entries already queued for the observer but not yet delivered (its callback is a task of its own).
    if (events) note(events.takeRecords())
    const out: Record<string, { value: number; selector?: string | undefined }> = {}
    // biome-ignore lint/suspicious/noExplicitAny: activationStart is not in every lib.dom
    const start = (performance.getEntriesByType('navigation')[0] as any)?.activationStart || 0
    // biome-ignore lint/suspicious/noExplicitAny: LargestContentfulPaint
    const lcp = buffered('largest-contentful-paint').at(-1) as any
    if (lcp)
      out.LCP = { value: Math.round(Math.max(lcp.startTime - start, 0)), selector: selector(lcp.element) }
    if (performance.getEntriesByName('first-contentful-paint').length) {
      const c = cls(buffered('layout-shift') as never)
      out.CLS = { value: c.value, selector: selector(c.largest?.sources?.[0]?.node) }
    }
    const first = buffered('first-input')[0] as PerformanceEventTiming | undefined
    const longest = [...slow.values()]
    if (first && !longest.length) longest.push({ duration: first.duration, target: first.target })
    // biome-ignore lint/suspicious/noExplicitAny: interactionCount is Chromium's
    const x = inp(longest, (performance as any).interactionCount || longest.length)
    if (x) out.INP = { value: Math.round(x.duration), selector: selector(x.target) }
    return out
  }

  w.__sightlineTap = (e: Record<string, unknown>) => {
    try {
      const type = e.type as string
      counts[type] = (counts[type] || 0) + 1
      if (typeof e.url === 'string') url = e.url
      const wanted =
        type === 'signal' ||
        type === 'rage' ||
        type === 'error' ||
        (type === 'network' && (e.error !== undefined || (e.status as number) >= 400)) ||
        (type === 'console' && e.level === 'error') ||
        (type === 'perf' && vitals[e.metric as string] === 1)
      if (!wanted) return
      if (seq >= config.maxForwarded && type !== 'perf') {
        over++
        return
      }
      const { requestHeaders, responseHeaders, requestBody, responseBody, ...event } = e
      send({ ...head(), n: ++seq, e: event })
      if (leaving) save()
    } catch {}
  }

  const started = new Set<string>()
  const step = (m: Record<string, unknown>, inherited: boolean) => {
    const id = m.stepId as string
    if (!top || !w.sightline) return
    if (m.phase === 'start') {
      if (started.has(id)) return
      started.add(id)
    } else if (!started.delete(id)) return
    w.sightline.track('test.step', inherited ? { ...m, inherited: true } : m)
  }
  w.__sightlineStep = (m: Record<string, unknown>) => step(m, false)

  /**
   * Passes on what pages left earlier in this tab kept. Chromium may run the old page's pagehide after
   * this page started, so this runs again when the old page writes (storage event) and on each report.
   */
  const takeHandoff = () => {
    try {
      const left = sessionStorage.getItem(config.handoffKey)
      if (!left || leaving) return
      sessionStorage.removeItem(config.handoffKey)
      for (const m of Object.values(JSON.parse(left)) as { d: string }[])
        if (m.d !== doc) {
          handed++
          send({ ...m, via: doc })
        }
    } catch {}
  }
  w.__sightlineReport = (withVitals: boolean) => {
    takeHandoff()
    return { ...head(), sent: seq, handed, v: withVitals ? measure() : undefined }
  }

  // After the SDK's own listeners (it flushes on pagehide, which may emit), once it is running.
  queueMicrotask(() => {
    const queued = w.__sightlineSteps || []
    w.__sightlineSteps = { push: (m: Record<string, unknown>) => step(m, true) }
    for (const m of queued) step(m, true)
    addEventListener('pagehide', () => {
      leaving = true
      save()
      send({ ...head(), sent: seq })
    })
    addEventListener('storage', (e) => e.key === config.handoffKey && e.newValue && takeHandoff())
    takeHandoff()
  })
}

/** The init script: the tap, then the SDK with its options (both in one script, so in this order). */
export function initScript(config: TapConfig, sdkOptions: unknown, sdk: string): string {
  // Transpilers that keep function names (esbuild keepNames) call __name() inside function bodies.
  return `(() => { const __name = (f) => f;
(${installTap})(${JSON.stringify(config)}, ${computeCls}, ${estimateInp}, ${selectorFor});
})();
window.__sightlineOptions = ${JSON.stringify(sdkOptions)};
${sdk}`
}

/** The init script of an open step: a page loaded while it runs records its start too. */
export function stepScript(message: unknown): string {
  return `(self.__sightlineSteps = self.__sightlineSteps || []).push(${JSON.stringify(message)})`
}
