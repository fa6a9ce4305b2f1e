import { monitor } from '../tools/monitor.js'
import type { CaptureContext, Stoppable } from '../types.js'

/** At most one 'mutation' activity per this window. */
const EVERY_MS = 50

/**
 * Publishes 'mutation' activity (evidence that a click had an effect) and nothing else: no per-record
 * work. Leading edge, plus a trailing notify when more mutations came during the window, so a change
 * just after a click is never hidden by one just before it.
 */
export function trackMutations(ctx: CaptureContext): Stoppable {
  if (typeof MutationObserver === 'undefined') return { stop() {} }
  let timer: ReturnType<typeof setTimeout> | undefined
  let more = false
  const onMutation = () => {
    if (timer !== undefined) {
      more = true
      return
    }
    ctx.activity.notify('mutation')
    timer = setTimeout(
      monitor(() => {
        timer = undefined
        if (more) {
          more = false
          onMutation()
        }
      }),
      EVERY_MS,
    )
  }
  const observer = new MutationObserver(monitor(onMutation))
  observer.observe(document, { childList: true, subtree: true, attributes: true, characterData: true })
  return {
    stop() {
      observer.disconnect()
      clearTimeout(timer)
    },
  }
}
