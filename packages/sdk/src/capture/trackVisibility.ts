import { listen } from '../browser/listen.js'
import type { CaptureContext, Stoppable } from '../types.js'

/**
 * Tab visibility changes, with how long the previous state lasted. No event at start (the page view
 * marks it). 'prerender' counts as hidden. The listener sits on window in the capture phase so it runs
 * before the boot's document listener flushes batches on 'hidden', and the event leaves with them.
 */
export function trackVisibility(ctx: CaptureContext): Stoppable {
  const read = () => (document.visibilityState === 'visible' ? 'visible' : 'hidden')
  let state = read()
  let since = ctx.now()
  const off = listen(window, 'visibilitychange', () => {
    const next = read()
    if (next === state) return
    const now = ctx.now()
    ctx.emit({
      type: 'visibility',
      t: now,
      url: ctx.pageUrl(),
      state: next,
      previousMs: Math.max(0, Math.round(now - since)),
    })
    state = next
    since = now
  })
  return { stop: off }
}
