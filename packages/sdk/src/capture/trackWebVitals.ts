import { type MetricWithAttribution, onCLS, onFCP, onINP, onLCP, onTTFB } from 'web-vitals/attribution'
import { listen } from '../browser/listen.js'
import { monitor } from '../tools/monitor.js'
import { selectorOf } from '../tools/selector.js'
import { scrubUrl } from '../tools/urlUtils.js'
import type { CaptureContext, Stoppable } from '../types.js'

type PerfEvent = Extract<Parameters<CaptureContext['emit']>[0], { type: 'perf' }>
type Extra = Partial<Pick<PerfEvent, 'rating' | 'navType' | 'selector' | 'attribution'>>

/** ms values as integers; CLS (a unitless score) to 4 decimals. */
const round = (v: number, places = 0) => Math.round(v * 10 ** places) / 10 ** places

/** The numeric fields `keys` of `source`, rounded; never objects or entries (they may hold URLs). */
function pick(source: object, keys: string[]): Record<string, number> {
  const out: Record<string, number> = {}
  for (const k of keys) {
    const v = (source as Record<string, unknown>)[k]
    if (typeof v === 'number' && Number.isFinite(v)) out[k] = round(v, k === 'largestShiftValue' ? 4 : 0)
  }
  return out
}

/** Selector and a few attribution numbers per metric (web-vitals attribution build). */
function describe(m: MetricWithAttribution): Extra {
  switch (m.name) {
    case 'LCP': {
      const a = m.attribution
      const attribution = pick(a, [
        'timeToFirstByte',
        'resourceLoadDelay',
        'resourceLoadDuration',
        'elementRenderDelay',
      ])
      return {
        selector: a.target,
        attribution: a.url ? { ...attribution, url: scrubUrl(a.url).slice(0, 4096) } : attribution,
      }
    }
    case 'INP': {
      const a = m.attribution
      const attribution = pick(a, ['inputDelay', 'processingDuration', 'presentationDelay'])
      return {
        selector: a.interactionTarget,
        attribution: { ...attribution, interactionType: a.interactionType },
      }
    }
    case 'CLS':
      return {
        selector: m.attribution.largestShiftTarget,
        attribution: pick(m.attribution, ['largestShiftValue', 'largestShiftTime']),
      }
    case 'FCP':
      return { attribution: pick(m.attribution, ['timeToFirstByte', 'firstByteToFCP']) }
    case 'TTFB':
      return {
        attribution: pick(m.attribution, [
          'waitingDuration',
          'cacheDuration',
          'dnsDuration',
          'connectionDuration',
          'requestDuration',
        ]),
      }
  }
}

/**
 * Core Web Vitals (LCP, INP, CLS, FCP, TTFB, with attribution) and navigation timing once after load.
 * web-vitals callbacks cannot be removed: after stop() they emit nothing.
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

  const report = monitor((m: MetricWithAttribution) =>
    send(m.name, round(m.value, m.name === 'CLS' ? 4 : 0), {
      rating: m.rating,
      navType: m.navigationType,
      ...describe(m),
    }),
  )
  // Our selectors, so INP/LCP/CLS targets match the selectors of clicks.
  const opts = {
    reportAllChanges: false,
    generateTarget: (el: Node | null) => (el?.nodeType === 1 ? selectorOf(el as Element) : undefined),
  }
  for (const on of [onLCP, onINP, onCLS, onFCP, onTTFB])
    (on as (cb: typeof report, o: typeof opts) => void)(report, opts)

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
