import type { Activity, ActivityKind } from '../types.js'
import { monitor } from './monitor.js'

export function createActivity(now: () => number): Activity {
  const listeners = new Set<(kind: ActivityKind, at: number) => void>()
  return {
    notify(kind) {
      const at = now()
      for (const l of listeners) l(kind, at)
    },
    subscribe(listener) {
      const guarded = monitor(listener)
      listeners.add(guarded)
      return () => listeners.delete(guarded)
    },
  }
}
