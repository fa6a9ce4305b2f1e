import { listen } from '../browser/listen.js'
import { selectorOf } from '../tools/selector.js'
import type { CaptureContext, Stoppable } from '../types.js'

interface Seen {
  sel: string
  /** Current and highest visible ratio since the last report. */
  cur: number
  max: number
  /** Visible time since the last report, and the start of the current visible span (0: none). */
  ms: number
  since: number
  first?: number
  sent?: boolean
}

/**
 * Visibility of the elements matching options.visibleSelector (present at start or added later):
 * highest visible ratio and time visible (ratio > 0 while the tab is visible). One `element` event per
 * element on flush()/stop() and when it leaves the DOM; as flush() runs at each page hide, a later
 * report carries only what happened since the previous one, and an element with nothing new is skipped.
 * Without IntersectionObserver, or with an invalid selector, it does nothing.
 */
/** Rescans for marked elements after DOM changes at most this often. */
const ELEMENT_RESCAN_MS = 1_000

export function trackElements(ctx: CaptureContext): Stoppable & { flush(): void } {
  const selector = ctx.options.visibleSelector
  const seen = new Map<Element, Seen>()

  /** Closes the current visible span at `now` and opens a new one if the element is still visible. */
  const accrue = (s: Seen, now: number) => {
    if (s.since) s.ms += now - s.since
    s.since = s.cur > 0 && document.visibilityState !== 'hidden' ? now : 0
    if (s.since) s.first ??= now
  }
  /** Called through each(), which has just accrued `s` at `now`. */
  const report = (s: Seen, now: number) => {
    if (s.sent && !s.ms) return
    ctx.emit({
      type: 'element',
      t: now,
      url: ctx.pageUrl(),
      selector: s.sel,
      ratio: s.max,
      visibleMs: s.ms,
      firstVisibleAt: s.first,
    })
    s.sent = true
    s.ms = 0
    s.max = s.cur
  }
  const each = (fn: (s: Seen, now: number, el: Element) => void) => {
    const now = ctx.now()
    seen.forEach((s, el) => {
      accrue(s, now)
      fn(s, now, el)
    })
  }

  let io: IntersectionObserver
  let unsubscribe: () => void
  let timer: ReturnType<typeof setTimeout> | undefined
  try {
    io = new IntersectionObserver(
      (entries) => {
        for (const { target, isIntersecting, intersectionRatio } of entries) {
          const s = seen.get(target)
          if (!s) continue
          s.cur = isIntersecting ? intersectionRatio : 0
          if (s.cur > s.max) s.max = s.cur
          accrue(s, ctx.now())
        }
      },
      { threshold: [0, 0.25, 0.5, 0.75, 1] },
    )
    /** Adds `root` (unless it is the document) and its descendants that match. */
    const scan = (root: ParentNode) => {
      for (const el of root.querySelectorAll(selector))
        if (!seen.has(el)) {
          seen.set(el, { sel: selectorOf(el)!, cur: 0, max: 0, ms: 0, since: 0 })
          io.observe(el)
        }
      each((s, now, el) => {
        if (el.isConnected) return
        report(s, now)
        io.unobserve(el)
        seen.delete(el)
      })
    }
    scan(document)
    // Elements added or removed later are found on the next navigation at once, and after DOM mutations
    // at most once a second: a full-page querySelectorAll per mutation burst cost hundreds of ms a minute
    // on a 6,000-element page (bench/sdk-overhead).
    let last = 0
    const rescan = () => {
      timer = undefined
      last = ctx.now()
      scan(document)
    }
    // Only DOM changes and navigations add elements: requests, scrolls and errors do not.
    unsubscribe = ctx.activity.subscribe((kind) => {
      if (kind === 'navigation') return rescan()
      if (kind !== 'mutation' || timer) return
      timer = setTimeout(rescan, Math.max(0, last + ELEMENT_RESCAN_MS - ctx.now()))
    })
  } catch {
    return { stop() {}, flush() {} }
  }
  // Hidden tab time is not visible time.
  const off = listen(document, 'visibilitychange', () => each(() => {}))

  const flush = () => each(report)
  return {
    flush,
    stop() {
      flush()
      io.disconnect()
      unsubscribe()
      clearTimeout(timer)
      off()
    },
  }
}
