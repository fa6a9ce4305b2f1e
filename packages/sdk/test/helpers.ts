import { type InitOptions, resolveOptions } from '../src/boot/options.js'
import { createActivity } from '../src/tools/activity.js'
import type { CaptureContext, SightlineEvent } from '../src/types.js'

/** A capture context whose `emit` collects events; time is Date.now (fake timers apply). */
export function makeCtx(options: Partial<InitOptions> = {}) {
  const events: SightlineEvent[] = []
  const ctx: CaptureContext = {
    emit: (e) => events.push(e),
    options: resolveOptions({ siteKey: `slp_${'a'.repeat(32)}`, endpoint: 'https://c.example', ...options }),
    activity: createActivity(() => Date.now()),
    now: () => Date.now(),
    pageUrl: () => location.href,
  }
  return { ctx, events }
}

/** An in-memory Storage (localStorage stand-in). */
export function memoryStorage(): Storage {
  const m = new Map<string, string>()
  return {
    getItem: (k) => m.get(k) ?? null,
    setItem: (k, v) => void m.set(k, v),
    removeItem: (k) => void m.delete(k),
    clear: () => m.clear(),
    key: (i) => [...m.keys()][i] ?? null,
    get length() {
      return m.size
    },
  }
}
