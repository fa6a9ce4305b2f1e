// @vitest-environment happy-dom
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import { makeCtx } from '../../test/helpers.js'
import { trackElements } from './trackElements.js'

/** A stand-in IntersectionObserver driven by the test through `intersect`. */
let observer: FakeIntersectionObserver | undefined
class FakeIntersectionObserver {
  observed = new Set<Element>()
  constructor(
    private callback: IntersectionObserverCallback,
    public options?: IntersectionObserverInit,
  ) {
    observer = this
  }
  observe(el: Element) {
    this.observed.add(el)
  }
  unobserve(el: Element) {
    this.observed.delete(el)
  }
  disconnect() {
    this.observed.clear()
  }
  intersect(target: Element, ratio: number) {
    const entry = { target, intersectionRatio: ratio, isIntersecting: ratio > 0 } as IntersectionObserverEntry
    this.callback([entry], this as unknown as IntersectionObserver)
  }
}

const byId = (id: string) => document.getElementById(id)!

describe('trackElements', () => {
  const original = globalThis.IntersectionObserver
  beforeEach(() => {
    vi.useFakeTimers({ now: 1_000_000, toFake: ['Date', 'setTimeout', 'clearTimeout'] })
    globalThis.IntersectionObserver = FakeIntersectionObserver as unknown as typeof IntersectionObserver
    Object.defineProperty(document, 'visibilityState', { value: 'visible', configurable: true })
    document.body.innerHTML = '<section id="hero" data-sightline-visible></section><div id="plain"></div>'
  })
  afterEach(() => {
    globalThis.IntersectionObserver = original
    observer = undefined
    vi.useRealTimers()
  })

  it('should report the highest ratio and the time visible of each tracked element on flush', () => {
    const { ctx, events } = makeCtx()
    const tracker = trackElements(ctx)
    expect([...observer!.observed]).toEqual([byId('hero')])
    expect(observer!.options?.threshold).toEqual([0, 0.25, 0.5, 0.75, 1])
    observer!.intersect(byId('hero'), 0.5)
    vi.advanceTimersByTime(1_000)
    observer!.intersect(byId('hero'), 0.75)
    vi.advanceTimersByTime(500)
    observer!.intersect(byId('hero'), 0)
    vi.advanceTimersByTime(5_000) // out of view: not counted
    tracker.flush()
    expect(events).toEqual([
      expect.objectContaining({
        type: 'element',
        selector: 'section#hero',
        ratio: 0.75,
        visibleMs: 1_500,
        firstVisibleAt: 1_000_000,
      }),
    ])
    tracker.flush()
    expect(events).toHaveLength(1) // nothing new since the last report
    tracker.stop()
  })

  it('should track elements added later and report them when removed, rescanning at most once a second after mutations', () => {
    const { ctx, events } = makeCtx()
    const tracker = trackElements(ctx)
    byId('plain').innerHTML = '<p id="late" data-sightline-visible></p>'
    ctx.activity.notify('mutation') // published by trackMutations
    ctx.activity.notify('mutation')
    vi.advanceTimersByTime(0) // the first rescan after start is due at once
    expect(observer!.observed.has(byId('late'))).toBe(true)
    observer!.intersect(byId('late'), 1)
    vi.advanceTimersByTime(2_000)
    byId('plain').remove()
    ctx.activity.notify('mutation')
    vi.advanceTimersByTime(0) // the last rescan was 2 s ago: this one runs at once
    expect(events).toEqual([expect.objectContaining({ selector: 'p#late', ratio: 1, visibleMs: 2_000 })])
    expect(observer!.observed.size).toBe(1) // only #hero is left
    document.body.insertAdjacentHTML('beforeend', '<p id="later" data-sightline-visible></p>')
    ctx.activity.notify('mutation')
    vi.advanceTimersByTime(999)
    expect(observer!.observed.has(byId('later'))).toBe(false) // within a second of the last rescan: deferred
    vi.advanceTimersByTime(1)
    expect(observer!.observed.has(byId('later'))).toBe(true)
    tracker.stop()
  })

  it('should not rescan for requests, scrolls or errors', () => {
    const { ctx } = makeCtx()
    const tracker = trackElements(ctx)
    byId('plain').innerHTML = '<p id="late" data-sightline-visible></p>'
    for (const kind of ['network', 'scroll', 'error'] as const) ctx.activity.notify(kind)
    vi.advanceTimersByTime(5_000)
    expect(observer!.observed.has(byId('late'))).toBe(false)
    tracker.stop()
  })

  it('should rescan on navigation activity', () => {
    const { ctx } = makeCtx()
    const tracker = trackElements(ctx)
    byId('plain').innerHTML = '<p id="late" data-sightline-visible></p>'
    ctx.activity.notify('navigation')
    expect(observer!.observed.has(byId('late'))).toBe(true)
    tracker.stop()
  })

  it('should not count time while the tab is hidden', () => {
    const { ctx, events } = makeCtx()
    const tracker = trackElements(ctx)
    observer!.intersect(byId('hero'), 1)
    vi.advanceTimersByTime(1_000)
    Object.defineProperty(document, 'visibilityState', { value: 'hidden', configurable: true })
    document.dispatchEvent(new Event('visibilitychange'))
    vi.advanceTimersByTime(60_000)
    tracker.stop()
    expect(events[0]).toMatchObject({ selector: 'section#hero', visibleMs: 1_000 })
  })

  it('should report a never-seen element once with ratio 0 on stop', () => {
    const { ctx, events } = makeCtx()
    trackElements(ctx).stop()
    expect(events).toEqual([expect.objectContaining({ selector: 'section#hero', ratio: 0, visibleMs: 0 })])
    expect(events[0]).not.toHaveProperty('firstVisibleAt', expect.anything())
  })

  it('should do nothing without IntersectionObserver', () => {
    // biome-ignore lint/suspicious/noExplicitAny: removing a global for the test
    delete (globalThis as any).IntersectionObserver
    const { ctx, events } = makeCtx()
    const tracker = trackElements(ctx)
    tracker.flush()
    tracker.stop()
    expect(events).toHaveLength(0)
  })
})
