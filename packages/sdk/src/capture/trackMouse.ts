import { listen } from '../browser/listen.js'
import { MOUSE_PATH_MAX_POINTS, MOUSE_PATH_MS, MOUSE_SAMPLE_MS } from '../constants.js'
import type { CaptureContext, Stoppable } from '../types.js'

/**
 * Mouse movement as paths of [clientX, clientY, ms since the first point], one position kept per
 * MOUSE_SAMPLE_MS: after each kept point the listener is off until the period ends (a mouse fires
 * 60–120 moves a second, and each call costs the page even when it returns at once). A path is sent
 * MOUSE_PATH_MS after its first point, at MOUSE_PATH_MAX_POINTS points, or on flush()/stop(). The
 * event's `t` is the time of the first point.
 */
export function trackMouse(ctx: CaptureContext): Stoppable & { flush(): void } {
  let path: [number, number, number][] = []
  let startedAt = 0
  let timer: ReturnType<typeof setTimeout> | undefined
  let pause: ReturnType<typeof setTimeout> | undefined

  // Nothing here can throw, so the timers need no monitor().
  const flush = () => {
    clearTimeout(timer)
    if (path[0]) ctx.emit({ type: 'mouse', t: startedAt, url: ctx.pageUrl(), path })
    path = []
  }

  const arm = () => {
    off = listen(document, 'mousemove', (event) => {
      off()
      pause = setTimeout(arm, MOUSE_SAMPLE_MS)
      const now = ctx.now()
      if (!path[0]) {
        startedAt = now
        timer = setTimeout(flush, MOUSE_PATH_MS)
      }
      const { clientX, clientY } = event as MouseEvent
      if (path.push([Math.round(clientX), Math.round(clientY), now - startedAt]) >= MOUSE_PATH_MAX_POINTS)
        flush()
    })
  }
  let off: () => void
  arm()

  return {
    flush,
    stop() {
      off()
      clearTimeout(pause)
      flush()
    },
  }
}
