import { CONSOLE_MAX_CHARS } from '../constants.js'
import { monitor } from '../tools/monitor.js'
import { patch } from '../tools/patch.js'
import type { CaptureContext, Stoppable } from '../types.js'

const LEVELS = ['debug', 'log', 'info', 'warn', 'error', 'trace'] as const
type ConsoleFn = (...args: unknown[]) => void

/** The message being serialised: characters left (huge values stop early), and the objects open. */
let left = 0
const seen: object[] = []

/**
 * A safe, bounded string for any value: depth 2, 10 keys/items per level, cycles as `[Circular]`,
 * getters that throw as `[?]`, DOM nodes as `<tag#id.class>` (never their content), errors and
 * dates (like other primitives) as String().
 */
function ser(v: unknown, depth: number): string {
  let s: string
  if (typeof v === 'string') s = depth ? JSON.stringify(v.slice(0, left)) : v.slice(0, left + 1)
  else if (!v || typeof v !== 'object' || v instanceof Error || v instanceof Date) s = String(v)
  else if (v instanceof Node) {
    const el = v as Element
    s = `<${v.nodeName.toLowerCase()}${el.id ? `#${el.id}` : ''}`
    for (const c of [...(el.classList || [])].slice(0, 3)) s += `.${c}`
    s += '>'
  } else if (seen.includes(v)) s = '[Circular]'
  else {
    const arr = Array.isArray(v)
    if (depth > 1) s = arr ? '[Array]' : '[Object]'
    else {
      const keys = Object.keys(v)
      const parts: string[] = []
      seen.push(v)
      for (const k of keys.slice(0, 10)) {
        if (left <= 0) break
        let item: string
        try {
          item = ser((v as Record<string, unknown>)[k], depth + 1)
        } catch {
          item = '[?]'
        }
        parts.push(arr ? item : `${JSON.stringify(k)}:${item}`)
      }
      seen.pop()
      if (keys.length > parts.length) parts.push('…')
      s = parts.join()
      return arr ? `[${s}]` : `{${s}}`
    }
  }
  left -= s.length
  return s
}

/** Console arguments as one message of at most CONSOLE_MAX_CHARS characters. */
export function serializeArgs(args: unknown[]): { message: string; truncated: boolean } {
  left = CONSOLE_MAX_CHARS
  const message = args.map((a) => ser(a, 0)).join(' ')
  return { message: message.slice(0, CONSOLE_MAX_CHARS), truncated: message.length > CONSOLE_MAX_CHARS }
}

/**
 * Wraps console.debug/log/info/warn/error/trace: the original runs first, with the same `this` and
 * arguments, then a `console` event is emitted. Arguments are kept only inside `message` (no `args`).
 */
export function trackConsole(ctx: CaptureContext): Stoppable {
  const c = console as unknown as Record<(typeof LEVELS)[number], ConsoleFn>
  let busy = false
  let stopped = false

  const capture = monitor((level: (typeof LEVELS)[number], args: unknown[]) => {
    ctx.emit({ type: 'console', t: ctx.now(), url: ctx.pageUrl(), level, ...serializeArgs(args) })
  })

  // The original runs first; a console call made while we serialise or emit (a getter, a listener) is not
  // captured again.
  const undo = LEVELS.map((level) =>
    patch(c, level, (_, args) => () => {
      if (!busy && !stopped) {
        busy = true
        capture(level, args)
        busy = false
      }
    }),
  )

  return {
    stop() {
      stopped = true
      for (const u of undo) u()
    },
  }
}
