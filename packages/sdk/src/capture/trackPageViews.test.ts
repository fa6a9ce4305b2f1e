// @vitest-environment happy-dom
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { type InitOptions, resolveOptions } from '../boot/options.js'
import { createActivity } from '../tools/activity.js'
import type { CaptureContext, SightlineEvent, Stoppable } from '../types.js'
import { trackPageViews } from './trackPageViews.js'

function makeCtx(extra: Partial<InitOptions> = {}) {
  const events: SightlineEvent[] = []
  const ctx: CaptureContext = {
    emit: (e) => events.push(e),
    options: resolveOptions({ siteKey: `slp_${'a'.repeat(32)}`, endpoint: 'https://c.example', ...extra }),
    activity: createActivity(() => Date.now()),
    now: () => Date.now(),
    pageUrl: () => location.href,
  }
  return { ctx, events }
}

describe('trackPageViews', () => {
  let tracker: Stoppable | undefined
  beforeEach(() => {
    history.replaceState(null, '', '/start?x=1')
    document.title = 'Checkout'
  })
  afterEach(() => {
    tracker?.stop()
    tracker = undefined
  })

  it('should emit a load page view at start with the title under default privacy', () => {
    const { ctx, events } = makeCtx()
    tracker = trackPageViews(ctx)
    expect(events).toHaveLength(1)
    expect(events[0]).toMatchObject({ type: 'pageview', nav: 'load', href: location.href, title: 'Checkout' })
    expect(events[0]).toHaveProperty('t', expect.any(Number))
  })

  it('should omit the title under strict privacy', () => {
    const { ctx, events } = makeCtx({ privacy: 'strict' })
    tracker = trackPageViews(ctx)
    expect(events[0]).not.toHaveProperty('title')
  })

  it('should emit an spa page view on pushState and notify navigation', () => {
    const { ctx, events } = makeCtx()
    const kinds: string[] = []
    ctx.activity.subscribe((k) => kinds.push(k))
    tracker = trackPageViews(ctx)
    const before = location.href
    history.pushState({}, '', '/products/42')
    expect(location.pathname).toBe('/products/42') // called through
    expect(events).toHaveLength(2)
    expect(events[1]).toMatchObject({ type: 'pageview', nav: 'spa', href: location.href, referrer: before })
    expect(kinds).toEqual(['navigation'])
  })

  it('should emit nothing for replaceState to the same URL, and a view for a new fragment', () => {
    const { ctx, events } = makeCtx()
    tracker = trackPageViews(ctx)
    history.replaceState({ scroll: 1 }, '', location.href)
    expect(events).toHaveLength(1)
    history.pushState(null, '', '#section-2')
    expect(events).toHaveLength(2)
    history.replaceState(null, '', '/start?x=2')
    expect(events).toHaveLength(3)
  })

  it('should emit once for a fragment change, not again on its hashchange', () => {
    const { ctx, events } = makeCtx()
    tracker = trackPageViews(ctx)
    history.replaceState(null, '', '/start?x=1#/settings') // replaceState with a route hash emits…
    window.dispatchEvent(new Event('hashchange')) // …and the hashchange for the same route does not
    expect(events.map((e) => e.type === 'pageview' && e.nav)).toEqual(['load', 'spa'])
  })

  it('should emit on popstate when the route changed', () => {
    const { ctx, events } = makeCtx()
    tracker = trackPageViews(ctx)
    window.dispatchEvent(new PopStateEvent('popstate'))
    expect(events).toHaveLength(1) // same route: nothing
    // A back navigation changes the URL without pushState: do it behind the wrapper's back.
    History.prototype.replaceState.call(history, null, '', '/previous')
    window.dispatchEvent(new PopStateEvent('popstate'))
    expect(events[1]).toMatchObject({ nav: 'spa', href: location.href })
  })

  it('should restore history.pushState and replaceState on stop', () => {
    const { pushState, replaceState } = history
    const { ctx, events } = makeCtx()
    const t = trackPageViews(ctx)
    expect(history.pushState).not.toBe(pushState)
    t.stop()
    expect(history.pushState).toBe(pushState)
    expect(history.replaceState).toBe(replaceState)
    history.pushState(null, '', '/after-stop')
    expect(events).toHaveLength(1)
  })
})
