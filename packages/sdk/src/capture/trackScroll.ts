import { listen } from '../browser/listen.js'
import { SCROLL_THROTTLE_MS } from '../constants.js'
import type { CaptureContext, Stoppable } from '../types.js'

/**
 * Window scroll position and depth, throttled to one event per SCROLL_THROTTLE_MS with a trailing
 * edge: the position is read when the event is sent, so the final resting position is always recorded.
 * depth = bottom of the viewport as % of the document height; maxDepth starts over when the page URL changes
 * (a navigation, an SPA route).
 * Activity 'scroll' (also for inner scroll containers) is published at most every 100 ms.
 */
export function trackScroll(ctx: CaptureContext): Stoppable {
  let maxDepth = 0
  let page = ''
  let sentAt = 0
  let notifiedAt = 0
  let timer: ReturnType<typeof setTimeout> | 0 = 0

  // Reads and emit only (emit is guarded): nothing here can throw, so the timer needs no monitor().
  const send = () => {
    timer = 0
    sentAt = ctx.now()
    const y = Math.round(window.scrollY)
    const viewportHeight = window.innerHeight
    const documentHeight = document.documentElement.scrollHeight
    const depth =
      documentHeight > 0 ? Math.round(Math.min(100, ((y + viewportHeight) / documentHeight) * 100)) : 100
    const url = ctx.pageUrl()
    // Another page (a navigation, an SPA route): its depth starts over.
    if (url !== page) maxDepth = 0
    page = url
    if (depth > maxDepth) maxDepth = depth
    ctx.emit({
      type: 'scroll',
      t: sentAt,
      url,
      y,
      x: Math.round(window.scrollX),
      depth,
      maxDepth,
      viewportHeight,
      documentHeight,
    })
  }

  // Capture phase: inner scroll containers count as activity, only the document's scroll is an event.
  const off = listen(window, 'scroll', ({ target }) => {
    const now = ctx.now()
    if (now - notifiedAt >= 100) {
      notifiedAt = now
      ctx.activity.notify('scroll')
    }
    if (timer || (target !== document && target !== window)) return
    const wait = sentAt + SCROLL_THROTTLE_MS - now
    if (wait > 0) timer = setTimeout(send, wait)
    else send()
  })

  return {
    stop() {
      off()
      clearTimeout(timer)
    },
  }
}
