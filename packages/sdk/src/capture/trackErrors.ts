import { listen } from '../browser/listen.js'
import { CONSOLE_MAX_CHARS } from '../constants.js'
import { scrubUrl } from '../tools/urlUtils.js'
import type { CaptureContext, Stoppable } from '../types.js'
import { serializeArgs } from './trackConsole.js'

type ErrorEv = Extract<Parameters<CaptureContext['emit']>[0], { type: 'error' }>

/**
 * Uncaught errors (`error` on window, capture phase) and unhandled promise rejections.
 * Resource load failures (`error` whose target is an element: img, script, link) are skipped: they
 * are not JS errors and a broken image would flood the error list; network capture sees fetch/XHR.
 * Repeats of the same error within 1 s are dropped (not counted), but every error, repeated or not,
 * notifies the activity so error clicks are still detected.
 */
export function trackErrors(ctx: CaptureContext): Stoppable {
  const lastSeen = new Map<string, number>()

  const report = (kind: ErrorEv['kind'], err: unknown, fallback: string, ev?: ErrorEvent) => {
    ctx.activity.notify('error')
    const isError = err instanceof Error
    const e: ErrorEv = {
      type: 'error',
      t: ctx.now(),
      url: ctx.pageUrl(),
      kind,
      message: String(isError ? err.message : fallback).slice(0, CONSOLE_MAX_CHARS),
    }
    if (ev?.filename) e.source = scrubUrl(ev.filename)
    if (ev?.lineno) e.line = ev.lineno
    if (ev?.colno) e.column = ev.colno
    // An identical error (message + source + line) within 1 s is dropped. Never seen: t - undefined
    // is NaN, which is not below 1000.
    const key = `${e.message}|${e.source}|${e.line}`
    if (e.t - (lastSeen.get(key) as number) < 1000) return
    if (lastSeen.size > 100) lastSeen.clear()
    lastSeen.set(key, e.t)
    if (isError) {
      e.errorType = `${err.name}`.slice(0, 128)
      // One pass over the URLs in the stack, with the same rule as every other URL; 16 KB kept (the
      // wire format's MAX_STACK_CHARS).
      if (err.stack) e.stack = `${err.stack}`.replace(/https?:\/\/[^\s()]+/g, scrubUrl).slice(0, 16_384)
    }
    ctx.emit(e)
  }

  const offs = [
    listen(window, 'error', (event) => {
      const ev = event as ErrorEvent
      if ((ev.target as Node).nodeType !== 1) report('error', ev.error, ev.message || 'Unknown error', ev)
    }),
    listen(window, 'unhandledrejection', (event) => {
      const reason = (event as PromiseRejectionEvent).reason
      report('unhandledrejection', reason, serializeArgs([reason]).message || 'Unhandled rejection')
    }),
  ]

  return {
    stop() {
      for (const off of offs) off()
    },
  }
}
