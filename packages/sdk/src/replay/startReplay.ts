import { monitor } from '../tools/monitor.js'
import type { CaptureContext, Stoppable } from '../types.js'
import type { RecorderModule } from './recorder.js'

declare const __SIGHTLINE_SCRIPT__: boolean | undefined

/**
 * Loads the recorder lazily (rrweb is most of the SDK's weight): the ESM build imports a separate
 * chunk; the script-tag build adds `<script src="ENDPOINT/sdk-replay.js">`, which registers itself.
 */
function loadRecorder(endpoint: string): Promise<RecorderModule> {
  if (typeof __SIGHTLINE_SCRIPT__ === 'undefined' || !__SIGHTLINE_SCRIPT__) return import('./recorder.js')
  return new Promise((resolve, reject) => {
    const w = window as unknown as { __sightlineRecorder?: RecorderModule }
    // Rejected without a reason: startReplay only needs to know that there is no recorder.
    const settle = () => (w.__sightlineRecorder ? resolve(w.__sightlineRecorder) : reject())
    if (w.__sightlineRecorder) return settle()
    const s = document.createElement('script')
    s.src = `${endpoint}/sdk-replay.js`
    s.async = true
    s.onload = settle
    s.onerror = reject
    // Injected before the page is parsed (Playwright init scripts), there is no element yet: wait for the parser.
    const add = () => (document.head ?? document.documentElement)?.appendChild(s)
    if (!add()) document.addEventListener('readystatechange', add, { once: true })
  })
}

export function startReplay(ctx: CaptureContext): Stoppable & { flush(): void } {
  let recorder: (Stoppable & { flush(): void }) | undefined
  let stopped = false
  loadRecorder(ctx.options.endpoint).then(
    monitor((m: RecorderModule) => {
      if (!stopped) recorder = m.startRecorder(ctx)
    }),
    () => {},
  )
  return {
    flush: () => recorder?.flush(),
    stop() {
      stopped = true
      recorder?.stop()
    },
  }
}
