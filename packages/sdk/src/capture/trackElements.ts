import { listen } from '../browser/listen.js'
import { monitor } from '../tools/monitor.js'
import { selectorOf } from '../tools/selector.js'
import type { CaptureContext, Stoppable } from '../types.js'

interface Seen {
  sel: string
  /** Current and highest visible ratio since the last report. */
  cur: number
  max: number
  /** Visible time since the last report, and the start of the current visible span. */
  ms: number
  since?: number | undefined
  first?: number
  sent?: boolean
}

/**
 * Visibility of the elements matching options.visibleSelector (present at start or added later):
 * highest visible ratio and time visible (ratio > 0 while the tab is visible). One `element` event per
 * element on flush()/stop() and when it leaves the DOM; as flush() runs at each page hide, a later
 * report carries only what happened since the previous one, and an element with nothing new is skipped.
 */
export function trackElements(ctx: CaptureContext): Stoppable & { flush(): void } {
  const selector = ctx.options.visibleSelector
  const noop = { stop() {}, flush() {} }
  if (typeof IntersectionObserver === 'undefined' || typeof MutationObserver === 'undefined') return noop
  try {
    document.querySelector(selector)
  } catch {
    return noop // an invalid selector
  }
  const seen = new Map<Element, Seen>()
  const hidden = () => document.visibilityState === 'hidden'

  /** Closes the current visible span at `now` and opens a new one if the element is still visible. */
  const accrue = (s: Seen, now: number) => {
    if (s.since !== undefined) s.ms += now - s.since
    s.since = s.cur > 0 && !hidden() ? now : undefined
    if (s.since !== undefined) s.first ??= now
  }
  const report = (s: Seen, now: number) => {
    accrue(s, now)
    if (s.sent && !s.ms) return
    const { sel: selector, max: ratio, first: firstVisibleAt } = s
    ctx.emit({
      type: 'element',
      t: now,
      url: ctx.pageUrl(),
      selector,
      ratio,
      visibleMs: Math.round(s.ms),
      firstVisibleAt,
    })
    s.sent = true
    s.ms = 0
    s.max = s.cur
  }

  const io = new IntersectionObserver(
    monitor((entries: IntersectionObserverEntry[]) => {
      const now = ctx.now()
      for (const entry of entries) {
        const s = seen.get(entry.target)
        if (!s) continue
        s.cur = entry.isIntersecting ? entry.intersectionRatio : 0
        if (s.cur > s.max) s.max = s.cur
        accrue(s, now)
      }
    }),
    { threshold: [0, 0.25, 0.5, 0.75, 1] },
  )
  const add = (el: Element) => {
    if (seen.has(el)) return
    seen.set(el, { sel: selectorOf(el) ?? el.tagName.toLowerCase(), cur: 0, max: 0, ms: 0 })
    io.observe(el)
  }
  const scan = (root: ParentNode) => {
    for (const el of root.querySelectorAll(selector)) add(el)
  }

  scan(document)
  const mo = new MutationObserver(
    monitor((records: MutationRecord[]) => {
      let removed = false
      for (const r of records) {
        removed ||= r.removedNodes.length > 0
        for (const node of r.addedNodes) {
          if (node.nodeType !== 1) continue
          if ((node as Element).matches(selector)) add(node as Element)
          scan(node as Element)
        }
      }
      if (!removed) return
      const now = ctx.now()
      for (const [el, s] of seen) {
        if (el.isConnected) continue
        s.cur = 0
        report(s, now)
        io.unobserve(el)
        seen.delete(el)
      }
    }),
  )
  mo.observe(document.body ?? document.documentElement, { childList: true, subtree: true })
  // Hidden tab time is not visible time.
  const off = listen(document, 'visibilitychange', () => {
    const now = ctx.now()
    for (const s of seen.values()) accrue(s, now)
  })

  const flush = () => {
    const now = ctx.now()
    for (const s of seen.values()) report(s, now)
  }
  return {
    flush,
    stop() {
      flush()
      io.disconnect()
      mo.disconnect()
      off()
      seen.clear()
    },
  }
}
