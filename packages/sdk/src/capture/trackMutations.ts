import type { CaptureContext, Stoppable } from '../types.js'

/**
 * Publishes 'mutation' activity (evidence that a click had an effect) and nothing else: no per-record
 * work. At most one per 50 ms: leading edge, plus a trailing notify when more mutations came during
 * the window, so a change just after a click is never hidden by one just before it.
 */
export function trackMutations(ctx: CaptureContext): Stoppable {
  let timer: ReturnType<typeof setTimeout> | 0 = 0
  let more = false
  // Nothing here can throw (notify guards its listeners): the callbacks need no monitor().
  const onMutation = () => {
    more = !!timer
    if (timer) return
    ctx.activity.notify('mutation')
    timer = setTimeout(() => {
      timer = 0
      if (more) onMutation()
    }, 50)
  }
  const observer = new MutationObserver(onMutation)
  observer.observe(document, { childList: true, subtree: true, attributes: true, characterData: true })
  return {
    stop() {
      observer.disconnect()
      clearTimeout(timer)
    },
  }
}
