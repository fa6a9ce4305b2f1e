// @vitest-environment happy-dom
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import { resolveOptions } from '../boot/options.js'
import { createActivity } from '../tools/activity.js'
import type { CaptureContext, SightlineEvent, Stoppable } from '../types.js'
import { trackWebVitals } from './trackWebVitals.js'

type Callback = (metric: unknown) => void
const vitals = vi.hoisted(() => ({
  callbacks: {} as Record<string, Callback>,
  opts: {} as Record<string, unknown>,
}))
vi.mock('web-vitals', () => {
  const on = (name: string) => (cb: Callback, opts: unknown) => {
    vitals.callbacks[name] = cb
    vitals.opts[name] = opts
  }
  return { onLCP: on('LCP'), onINP: on('INP'), onCLS: on('CLS'), onFCP: on('FCP'), onTTFB: on('TTFB') }
})

function setup() {
  const events: SightlineEvent[] = []
  const ctx: CaptureContext = {
    emit: (e) => events.push(e),
    options: resolveOptions({ siteKey: `slp_${'a'.repeat(32)}`, endpoint: 'https://collector.example' }),
    activity: createActivity(() => Date.now()),
    now: () => 1_700_000_000_000,
    pageUrl: () => location.href,
  }
  return { events, ctx }
}

const metric = (name: string, value: number, entries: object[] = []) => ({
  name,
  value,
  rating: 'needs-improvement',
  delta: value,
  id: `v5-${name}`,
  entries,
  navigationType: 'navigate',
})

const NAV = {
  type: 'navigate',
  domainLookupStart: 10,
  domainLookupEnd: 30.4,
  connectStart: 30,
  secureConnectionStart: 50,
  connectEnd: 90,
  requestStart: 95,
  responseStart: 295.6,
  responseEnd: 400,
  domInteractive: 800,
  domContentLoadedEventEnd: 900,
  loadEventEnd: 1500,
  transferSize: 12_345,
}

const flush = () => new Promise((resolve) => setTimeout(resolve, 5))

describe('trackWebVitals', () => {
  let tracker: Stoppable | undefined
  beforeEach(() => {
    vi.spyOn(performance, 'getEntriesByType').mockReturnValue([])
  })
  afterEach(() => {
    tracker?.stop()
    vi.restoreAllMocks()
  })

  it('should register every vital', () => {
    tracker = trackWebVitals(setup().ctx)
    expect(Object.keys(vitals.callbacks).sort()).toEqual(['CLS', 'FCP', 'INP', 'LCP', 'TTFB'])
  })

  it('should emit perf events with rating, navType, the target selector and attribution from the entries', () => {
    document.body.innerHTML =
      '<main><img id="hero"></main><button id="buy">Buy</button><div class="ad"></div>'
    const { events, ctx } = setup()
    tracker = trackWebVitals(ctx)
    vitals.callbacks.LCP!(
      metric('LCP', 2512.7, [
        { element: document.getElementById('hero'), url: 'https://cdn.example/hero.jpg?token=abc' },
      ]),
    )
    vitals.callbacks.INP!(
      metric('INP', 312, [
        {
          name: 'pointerdown',
          target: document.getElementById('buy'),
          startTime: 1000,
          processingStart: 1012.3,
          processingEnd: 1212.3,
          duration: 312,
        },
      ]),
    )
    const ad = document.querySelector('.ad')
    vitals.callbacks.CLS!(
      metric('CLS', 0.123456, [
        { value: 0.02, startTime: 100, sources: [{ node: document.body }] },
        { value: 0.1, startTime: 1234.4, sources: [{ node: ad }] },
      ]),
    )
    // Realistic entries: FCP's is a paint entry, TTFB's the navigation entry; neither has an INP's
    // processingStart/processingEnd, so neither may carry an attribution (nor a selector).
    vitals.callbacks.FCP!(
      metric('FCP', 1000, [
        { entryType: 'paint', name: 'first-contentful-paint', startTime: 1000, duration: 0 },
      ]),
    )
    vitals.callbacks.TTFB!(
      metric('TTFB', 300, [{ ...NAV, entryType: 'navigation', startTime: 0, duration: 1500 }]),
    )
    const base = {
      type: 'perf',
      t: 1_700_000_000_000,
      url: location.href,
      rating: 'needs-improvement',
      navType: 'navigate',
    }
    expect(events).toEqual([
      {
        ...base,
        metric: 'LCP',
        value: 2513,
        selector: 'img#hero',
      },
      {
        ...base,
        metric: 'INP',
        value: 312,
        selector: 'button#buy',
        attribution: {
          inputDelay: 12,
          processingDuration: 200,
          presentationDelay: 100,
        },
      },
      {
        ...base,
        metric: 'CLS',
        value: 0.1235,
        selector: 'body > div.ad',
      },
      { ...base, metric: 'FCP', value: 1000 },
      { ...base, metric: 'TTFB', value: 300 },
    ])
  })

  it('should emit nothing after stop', () => {
    const { events, ctx } = setup()
    tracker = trackWebVitals(ctx)
    tracker.stop()
    vitals.callbacks.LCP!(metric('LCP', 2000))
    expect(events).toHaveLength(0)
  })

  it('should emit navigation timing once the page has loaded', async () => {
    vi.spyOn(performance, 'getEntriesByType').mockReturnValue([NAV as unknown as PerformanceNavigationTiming])
    Object.defineProperty(document, 'readyState', { value: 'loading', configurable: true })
    const { events, ctx } = setup()
    tracker = trackWebVitals(ctx)
    await flush()
    expect(events).toHaveLength(0)
    window.dispatchEvent(new Event('load'))
    await flush()
    delete (document as unknown as Record<string, unknown>).readyState
    const values = Object.fromEntries(events.map((e) => (e.type === 'perf' ? [e.metric, e.value] : [])))
    expect(values).toEqual({
      dns: 20,
      tcp: 60,
      tls: 40,
      request: 201,
      response: 104,
      dom_interactive: 800,
      dom_content_loaded: 900,
      load: 1500,
      transfer_size: 12_345,
    })
    expect(events.every((e) => e.type === 'perf' && e.navType === 'navigate')).toBe(true)
  })

  it('should skip TLS without a secure connection, unreached milestones and negative values', async () => {
    const nav = { ...NAV, secureConnectionStart: 0, loadEventEnd: 0, domainLookupEnd: 0 }
    vi.spyOn(performance, 'getEntriesByType').mockReturnValue([nav as unknown as PerformanceNavigationTiming])
    const { events, ctx } = setup()
    tracker = trackWebVitals(ctx)
    await flush()
    const metrics = events.map((e) => e.type === 'perf' && e.metric)
    expect(metrics).toEqual([
      'tcp',
      'request',
      'response',
      'dom_interactive',
      'dom_content_loaded',
      'transfer_size',
    ])
  })
})
