import { monitor } from '../tools/monitor.js'

/**
 * addEventListener, monitored, passive and in the capture phase (so it sees events the page stops from
 * propagating); returns the function that removes it.
 */
export function listen(target: EventTarget, type: string, handler: (event: Event) => void): () => void {
  const guarded = monitor(handler)
  const opts = { capture: true, passive: true }
  target.addEventListener(type, guarded, opts)
  return () => target.removeEventListener(type, guarded, opts)
}
