import { listen } from '../browser/listen.js'
import { CONSOLE_MAX_CHARS } from '../constants.js'
import { scrubUrl } from '../tools/urlUtils.js'
import type { CaptureContext, Stoppable } from '../types.js'
import { serializeArgs } from './trackConsole.js'

/** Characters of a stack trace kept (the wire format's MAX_STACK_CHARS). */
const STACK_MAX_CHARS = 16_384
/** An identical error (message + source + line) repeated within this window is dropped. */
const DEDUPE_MS = 1_000

const scrubUrls = (text: string) => text.replace(/https?:\/\/[^\s()]+/g, scrubUrl)

/**
 * Uncaught errors (`error` on window, capture phase) and unhandled promise rejections.
 * Resource load failures (`error` whose target is an element: img, script, link) are skipped: they
 * are not JS errors and a broken image would flood the error list; network capture sees fetch/XHR.
 * Repeats of the same error within 1 s are dropped (not counted), but every error, repeated or not,
 * notifies the activity so error clicks are still detected.
 */
export function trackErrors(ctx: CaptureContext): Stoppable {
  const lastSeen = new Map<string, number>()

  const report = (kind: 'error' | 'unhandledrejection', err: unknown, fallback: string, ev?: ErrorEvent) => {
    ctx.activity.notify('error')
    const isError = err instanceof Error
    const message = (isError ? err.message : fallback).slice(0, CONSOLE_MAX_CHARS)
    const source = ev?.filename ? scrubUrl(ev.filename).slice(0, 4096) : undefined
    const line = ev?.lineno || undefined
    const at = ctx.now()
    const key = `${message}|${source}|${line}`
    if (at - (lastSeen.get(key) ?? -Infinity) < DEDUPE_MS) return
    if (lastSeen.size > 100) lastSeen.clear()
    lastSeen.set(key, at)
    ctx.emit({
      type: 'error',
      t: at,
      url: ctx.pageUrl(),
      kind,
      message,
      ...(isError &&
        typeof err.stack === 'string' && { stack: scrubUrls(err.stack).slice(0, STACK_MAX_CHARS) }),
      ...(isError && { errorType: String(err.name).slice(0, 128) }),
      ...(source && { source }),
      ...(line && { line }),
      ...(ev?.colno && { column: ev.colno }),
    })
  }

  const offError = listen(window, 'error', (event) => {
    const target = event.target as Node | null
    if (target && target.nodeType === 1) return
    const ev = event as ErrorEvent
    report('error', ev.error, ev.message || 'Unknown error', ev)
  })
  const offRejection = listen(window, 'unhandledrejection', (event) => {
    const reason = (event as PromiseRejectionEvent).reason
    report('unhandledrejection', reason, serializeArgs([reason]).message || 'Unhandled rejection')
  })

  return {
    stop() {
      offError()
      offRejection()
    },
  }
}
