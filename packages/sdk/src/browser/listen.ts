import { monitor } from '../tools/monitor.js'

/** addEventListener, passive and monitored, returning the function that removes it. */
export function listen<K extends string>(
  target: EventTarget,
  type: K,
  handler: (event: Event) => void,
  options: { capture?: boolean; passive?: boolean } = {},
): () => void {
  const guarded = monitor(handler)
  const opts = { capture: options.capture ?? true, passive: options.passive ?? true }
  target.addEventListener(type, guarded, opts)
  return () => target.removeEventListener(type, guarded, opts)
}
