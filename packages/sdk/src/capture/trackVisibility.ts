import { listen } from '../browser/listen.js'
import type { CaptureContext, Stoppable } from '../types.js'

/**
 * Tab visibility changes, with how long the previous state lasted. No event at start (the page view
 * marks it). 'prerender' counts as hidden. The listener sits on window in the capture phase so it runs
 * before the boot's document listener flushes batches on 'hidden', and the event leaves with them.
 */
export function trackVisibility(ctx: CaptureContext): Stoppable {
  const read = () => (document.visibilityState === 'visible' ? 'visible' : 'hidden') as 'visible' | 'hidden'
  let state = read()
  let since = ctx.now()
  return {
    stop: listen(window, 'visibilitychange', () => {
      const now = ctx.now()
      if (read() === state) return
      state = read()
      ctx.emit({
        type: 'visibility',
        t: now,
        url: ctx.pageUrl(),
        state,
        previousMs: Math.max(0, now - since),
      })
      since = now
    }),
  }
}
