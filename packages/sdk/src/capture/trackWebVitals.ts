import { type Metric, onCLS, onFCP, onINP, onLCP, onTTFB } from 'web-vitals'
import { monitor } from '../tools/monitor.js'
import { selectorOf } from '../tools/selector.js'
import type { CaptureContext, Stoppable } from '../types.js'

type PerfEvent = Extract<Parameters<CaptureContext['emit']>[0], { type: 'perf' }>

/**
 * Navigation timing: `metric:end-start` (ms between two marks) or `metric:mark` (a milestone since
 * navigation start). A mark at 0 was not reached (or, for secureConnectionStart, there was no TLS).
 */
const NAV_TIMING =
  'dns:domainLookupEnd-domainLookupStart tcp:connectEnd-connectStart tls:connectEnd-secureConnectionStart request:responseStart-requestStart response:responseEnd-responseStart dom_interactive:domInteractive dom_content_loaded:domContentLoadedEventEnd load:loadEventEnd'

/**
 * Core Web Vitals (LCP, INP, CLS, FCP, TTFB) with the selector of their element (the LCP element,
 * the INP target, the node of the largest layout shift) and the three INP phases, read from the
 * metric's own entries (the standard web-vitals build, not the 2 KB larger attribution build), and
 * navigation timing once after load. web-vitals callbacks cannot be removed: after stop() they emit nothing.
 */
export function trackWebVitals(ctx: CaptureContext): Stoppable {
  let stopped = false

  const send = (
    metric: PerfEvent['metric'],
    value: number,
    navType: string,
    rating?: PerfEvent['rating'],
    node?: Element,
    attribution?: PerfEvent['attribution'],
  ) => {
    if (!stopped && value >= 0)
      ctx.emit({
        type: 'perf',
        t: ctx.now(),
        url: ctx.pageUrl(),
        metric,
        value,
        rating,
        navType,
        selector: selectorOf(node as Element),
        attribution,
      })
  }

  const report = monitor(({ name, value, entries, rating, navigationType }: Metric) => {
    // biome-ignore lint/suspicious/noExplicitAny: entries of several PerformanceEntry kinds
    const list = entries as any[]
    let e = list[0]
    let attribution: PerfEvent['attribution']
    if (name === 'LCP') e = list.at(-1)?.element
    else if (name === 'CLS') {
      for (const shift of list) if (shift.value > e.value) e = shift
      e = e?.sources?.[0]?.node
    } else {
      // INP: its first entry is the longest event of the interaction. FCP's (paint) and TTFB's
      // (navigation) entries have neither a target nor processing phases: no selector, no attribution.
      if (name === 'INP' && e)
        attribution = {
          inputDelay: Math.round(e.processingStart - e.startTime),
          processingDuration: Math.round(e.processingEnd - e.processingStart),
          presentationDelay: Math.round(e.startTime + e.duration - e.processingEnd),
        }
      e = e?.target
    }
    send(
      name,
      name === 'CLS' ? Math.round(value * 1e4) / 1e4 : Math.round(value),
      navigationType,
      rating,
      e,
      attribution,
    )
  })
  for (const on of [onLCP, onINP, onCLS, onFCP, onTTFB]) on(report)

  const navTiming = monitor(() => {
    // biome-ignore lint/suspicious/noExplicitAny: marks are looked up by name
    const nav = performance.getEntriesByType('navigation')[0] as any
    if (!nav) return
    for (const row of NAV_TIMING.split(' ')) {
      const [metric, end, start] = row.split(/[:-]/) as [PerfEvent['metric'], string, string?]
      const from = start ? nav[start] : 0
      send(metric, nav[end] && (from || !start) ? Math.round(nav[end] - from) : -1, nav.type)
    }
    send('transfer_size', nav.transferSize, nav.type)
  })
  // loadEventEnd is set only once the load handlers have run, hence the setTimeout after `load`.
  const later = () => setTimeout(navTiming)
  if (document.readyState === 'complete') later()
  else window.addEventListener('load', later, { once: true })

  return {
    stop() {
      stopped = true
    },
  }
}
