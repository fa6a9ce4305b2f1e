import { listen } from '../browser/listen.js'
import { SCROLL_THROTTLE_MS } from '../constants.js'
import { monitor } from '../tools/monitor.js'
import type { CaptureContext, Stoppable } from '../types.js'

/** Activity 'scroll' is published at most this often (dead-click detection needs no more). */
const NOTIFY_MS = 100

/**
 * Window scroll position and depth, throttled to one event per SCROLL_THROTTLE_MS with a trailing
 * edge: the position is read when the event is sent, so the final resting position is always recorded.
 * depth = bottom of the viewport as % of the document height; maxDepth resets on each navigation.
 */
export function trackScroll(ctx: CaptureContext): Stoppable {
  let maxDepth = 0
  let sentAt = Number.NEGATIVE_INFINITY
  let notifiedAt = Number.NEGATIVE_INFINITY
  let timer: ReturnType<typeof setTimeout> | undefined

  const send = () => {
    timer = undefined
    sentAt = ctx.now()
    const y = Math.round(window.scrollY)
    const viewportHeight = Math.round(window.innerHeight)
    const documentHeight = Math.round(document.documentElement.scrollHeight)
    const raw = documentHeight > 0 ? ((y + viewportHeight) / documentHeight) * 100 : 100
    const depth = Math.round(Math.min(100, Math.max(0, raw)))
    if (depth > maxDepth) maxDepth = depth
    ctx.emit({
      type: 'scroll',
      t: sentAt,
      url: ctx.pageUrl(),
      y,
      x: Math.round(window.scrollX),
      depth,
      maxDepth,
      viewportHeight,
      documentHeight,
    })
  }

  // Capture phase: inner scroll containers count as activity, only the document's scroll is an event.
  const off = listen(window, 'scroll', (event) => {
    const now = ctx.now()
    if (now - notifiedAt >= NOTIFY_MS) {
      notifiedAt = now
      ctx.activity.notify('scroll')
    }
    if (timer !== undefined || (event.target !== document && event.target !== window)) return
    const wait = sentAt + SCROLL_THROTTLE_MS - now
    if (wait <= 0) send()
    else timer = setTimeout(monitor(send), wait)
  })
  const unsubscribe = ctx.activity.subscribe((kind) => {
    if (kind === 'navigation') maxDepth = 0
  })

  return {
    stop() {
      off()
      unsubscribe()
      clearTimeout(timer)
    },
  }
}
