import { type Metric, onCLS, onFCP, onINP, onLCP, onTTFB } from 'web-vitals'
import { listen } from '../browser/listen.js'
import { monitor } from '../tools/monitor.js'
import { selectorOf } from '../tools/selector.js'
import { scrubUrl } from '../tools/urlUtils.js'
import type { CaptureContext, Stoppable } from '../types.js'

type PerfEvent = Extract<Parameters<CaptureContext['emit']>[0], { type: 'perf' }>
type Extra = Partial<Pick<PerfEvent, 'rating' | 'navType' | 'selector' | 'attribution'>>

const round = (v: number, places = 0) => Math.round(v * 10 ** places) / 10 ** places
const sel = (node: Node | null | undefined) =>
  node?.nodeType === 1 ? selectorOf(node as Element) : undefined

/**
 * Attribution from the metric's own entries (the standard web-vitals build, 2.3 KB gzip, instead of the
 * attribution build, 4.4 KB): the LCP element and resource, the INP target and its three phases,
 * the node of the largest layout shift.
 */
export function describeMetric(m: Metric): Extra {
  const entries = m.entries as (PerformanceEntry & Record<string, unknown>)[]
  if (m.name === 'LCP') {
    const e = entries.at(-1) as (LargestContentfulPaint & Record<string, unknown>) | undefined
    return e
      ? {
          selector: sel(e.element),
          ...(e.url ? { attribution: { url: scrubUrl(e.url).slice(0, 4096) } } : {}),
        }
      : {}
  }
  if (m.name === 'INP') {
    const e = entries[0] as PerformanceEventTiming | undefined
    if (!e) return {}
    const attribution = {
      inputDelay: round(e.processingStart - e.startTime),
      processingDuration: round(e.processingEnd - e.processingStart),
      presentationDelay: round(e.startTime + e.duration - e.processingEnd),
      interactionType: e.name,
    }
    return { selector: sel(e.target), attribution }
  }
  if (m.name === 'CLS') {
    let largest: { value: number; sources?: { node?: Node | null }[]; startTime: number } | undefined
    for (const e of entries as unknown as {
      value: number
      sources?: { node?: Node | null }[]
      startTime: number
    }[]) {
      if (!largest || e.value > largest.value) largest = e
    }
    return largest
      ? {
          selector: sel(largest.sources?.[0]?.node),
          attribution: {
            largestShiftValue: round(largest.value, 4),
            largestShiftTime: round(largest.startTime),
          },
        }
      : {}
  }
  return {}
}

/**
 * Core Web Vitals (LCP, INP, CLS, FCP, TTFB, with attribution selectors) and navigation timing once
 * after load. web-vitals callbacks cannot be removed: after stop() they emit nothing.
 */
export function trackWebVitals(ctx: CaptureContext): Stoppable {
  let stopped = false
  let timer: ReturnType<typeof setTimeout> | undefined

  const send = (metric: PerfEvent['metric'], value: number, extra: Extra) => {
    if (stopped || !(value >= 0)) return
    const e: PerfEvent = { type: 'perf', t: ctx.now(), url: ctx.pageUrl(), metric, value }
    for (const [k, v] of Object.entries(extra)) if (v !== undefined && v !== '') Object.assign(e, { [k]: v })
    if (e.selector) e.selector = e.selector.slice(0, 1024)
    ctx.emit(e)
  }

  const report = monitor((m: Metric) =>
    send(m.name, round(m.value, m.name === 'CLS' ? 4 : 0), {
      rating: m.rating,
      navType: m.navigationType,
      ...describeMetric(m),
    }),
  )
  for (const on of [onLCP, onINP, onCLS, onFCP, onTTFB]) on(report)

  const navTiming = monitor(() => {
    const nav = performance.getEntriesByType?.('navigation')[0] as PerformanceNavigationTiming | undefined
    if (!nav) return
    const navType = nav.type
    const metrics: [PerfEvent['metric'], number][] = [
      ['dns', nav.domainLookupEnd - nav.domainLookupStart],
      ['tcp', nav.connectEnd - nav.connectStart],
      ['tls', nav.secureConnectionStart > 0 ? nav.connectEnd - nav.secureConnectionStart : -1],
      ['request', nav.responseStart - nav.requestStart],
      ['response', nav.responseEnd - nav.responseStart],
      // Milestones (ms since navigation start): 0 means "not reached", so they must be positive.
      ['dom_interactive', nav.domInteractive || -1],
      ['dom_content_loaded', nav.domContentLoadedEventEnd || -1],
      ['load', nav.loadEventEnd || -1],
      ['transfer_size', nav.transferSize],
    ]
    for (const [metric, value] of metrics) send(metric, Math.round(value), { navType })
  })
  // loadEventEnd is set only once the load handlers have run, hence the setTimeout after `load`.
  const later = () => {
    timer = setTimeout(navTiming, 0)
  }
  let offLoad = () => {}
  if (document.readyState === 'complete') later()
  else offLoad = listen(window, 'load', later)

  return {
    stop() {
      stopped = true
      offLoad()
      clearTimeout(timer)
    },
  }
}
