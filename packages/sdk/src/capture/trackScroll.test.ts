// @vitest-environment happy-dom
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import { makeCtx } from '../../test/helpers.js'
import { SCROLL_THROTTLE_MS } from '../constants.js'
import { trackScroll } from './trackScroll.js'

function scrollTo(y: number) {
  Object.defineProperty(window, 'scrollY', { value: y, configurable: true })
  document.dispatchEvent(new Event('scroll', { bubbles: true }))
}

describe('trackScroll', () => {
  beforeEach(() => {
    vi.useFakeTimers()
    Object.defineProperty(window, 'innerHeight', { value: 1000, configurable: true })
    Object.defineProperty(document.documentElement, 'scrollHeight', { value: 4000, configurable: true })
  })
  afterEach(() => vi.useRealTimers())

  it('should throttle scrolls and record the final position on the trailing edge, with depth', () => {
    const { ctx, events } = makeCtx()
    const tracker = trackScroll(ctx)
    scrollTo(0)
    scrollTo(500)
    scrollTo(1000)
    expect(events).toHaveLength(1)
    vi.advanceTimersByTime(SCROLL_THROTTLE_MS)
    expect(events).toHaveLength(2)
    expect(events[1]).toMatchObject({
      type: 'scroll',
      y: 1000,
      depth: 50,
      maxDepth: 50,
      viewportHeight: 1000,
      documentHeight: 4000,
    })
    expect(events[0]).toMatchObject({ y: 0, depth: 25 })
    tracker.stop()
  })

  it('should keep maxDepth when scrolling back up and start it over on another page', () => {
    const { ctx, events } = makeCtx()
    let url = 'https://shop.example/a'
    ctx.pageUrl = () => url
    const tracker = trackScroll(ctx)
    scrollTo(3000)
    vi.advanceTimersByTime(SCROLL_THROTTLE_MS)
    scrollTo(0)
    expect(events.at(-1)).toMatchObject({ y: 0, depth: 25, maxDepth: 100 })
    vi.advanceTimersByTime(SCROLL_THROTTLE_MS)
    scrollTo(0)
    expect(events.at(-1)).toMatchObject({ depth: 25, maxDepth: 100 })
    url = 'https://shop.example/b' // an SPA route
    vi.advanceTimersByTime(SCROLL_THROTTLE_MS)
    scrollTo(0)
    expect(events.at(-1)).toMatchObject({ depth: 25, maxDepth: 25 })
    tracker.stop()
  })

  it('should notify scroll activity, also for inner scroll containers, without emitting for them', () => {
    const { ctx, events } = makeCtx()
    const kinds: string[] = []
    ctx.activity.subscribe((k) => kinds.push(k))
    const tracker = trackScroll(ctx)
    document.body.innerHTML = '<div id="pane"></div>'
    document.getElementById('pane')!.dispatchEvent(new Event('scroll'))
    expect(kinds).toEqual(['scroll'])
    expect(events).toHaveLength(0)
    tracker.stop()
  })

  it('should emit nothing after stop', () => {
    const { ctx, events } = makeCtx()
    trackScroll(ctx).stop()
    scrollTo(100)
    vi.advanceTimersByTime(SCROLL_THROTTLE_MS)
    expect(events).toHaveLength(0)
  })
})
