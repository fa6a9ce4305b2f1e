import { CONSOLE_MAX_CHARS } from '../constants.js'
import { monitor } from '../tools/monitor.js'
import type { CaptureContext, Stoppable } from '../types.js'

const LEVELS = ['debug', 'log', 'info', 'warn', 'error', 'trace'] as const
type Level = (typeof LEVELS)[number]
type ConsoleFn = (...args: unknown[]) => void

const MAX_DEPTH = 3
const MAX_KEYS = 20

/** `<tag#id.class>` for elements, `<#text>` etc. for other nodes: never their content. */
function describeNode(node: Node): string {
  if (node.nodeType !== 1) return `<${node.nodeName.toLowerCase()}>`
  const el = node as Element
  const cls = el.classList
    ? [...el.classList]
        .slice(0, 3)
        .map((c) => `.${c}`)
        .join('')
    : ''
  return `<${el.tagName.toLowerCase()}${el.id ? `#${el.id}` : ''}${cls}>`
}

/**
 * A safe, bounded string for any value: depth 3, 20 keys/items per level, cycles as `[Circular]`,
 * getters that throw as `[?]`. `budget.n` counts characters left so huge values stop early.
 */
function ser(v: unknown, depth: number, ancestors: object[], budget: { n: number }): string {
  let s: string
  if (typeof v === 'string') s = depth ? JSON.stringify(v.slice(0, budget.n)) : v.slice(0, budget.n + 1)
  else if (typeof v === 'function') s = `[function ${v.name || 'anonymous'}]`
  else if (v === null || typeof v !== 'object') s = String(v)
  else if (v instanceof Error) s = `${v.name}: ${v.message}`
  else if (typeof Node !== 'undefined' && v instanceof Node) s = describeNode(v)
  else if (v instanceof Date) s = Number.isNaN(v.getTime()) ? 'Invalid Date' : v.toISOString()
  else if (ancestors.includes(v)) s = '[Circular]'
  else if (depth >= MAX_DEPTH) s = Array.isArray(v) ? '[Array]' : '[Object]'
  else {
    const isArr = Array.isArray(v)
    const keys = isArr ? v.map((_, i) => i) : Object.keys(v)
    const parts: string[] = []
    ancestors.push(v)
    for (const k of keys.slice(0, MAX_KEYS)) {
      if (budget.n <= 0) break
      let item: string
      try {
        item = ser((v as Record<string | number, unknown>)[k], depth + 1, ancestors, budget)
      } catch {
        item = '[?]'
      }
      parts.push(isArr ? item : `${JSON.stringify(k)}:${item}`)
    }
    ancestors.pop()
    if (keys.length > parts.length) parts.push('…')
    return isArr ? `[${parts.join(',')}]` : `{${parts.join(',')}}`
  }
  budget.n -= s.length
  return s
}

/** Console arguments as one message of at most `max` characters. */
export function serializeArgs(
  args: unknown[],
  max = CONSOLE_MAX_CHARS,
): { message: string; truncated: boolean } {
  const budget = { n: max }
  const message = args.map((a) => ser(a, 0, [], budget)).join(' ')
  return message.length > max
    ? { message: message.slice(0, max), truncated: true }
    : { message, truncated: false }
}

/**
 * Wraps console.debug/log/info/warn/error/trace: the original runs first, with the same `this` and
 * arguments, then a `console` event is emitted. Arguments are kept only inside `message` (no `args`).
 */
export function trackConsole(ctx: CaptureContext): Stoppable {
  const c = console as unknown as Record<Level, ConsoleFn>
  const originals = new Map<Level, ConsoleFn>()
  const wrappers = new Map<Level, ConsoleFn>()
  let busy = false
  let stopped = false

  const capture = monitor((level: Level, args: unknown[]) => {
    const { message, truncated } = serializeArgs(args)
    ctx.emit({ type: 'console', t: ctx.now(), url: ctx.pageUrl(), level, message, truncated })
  })

  for (const level of LEVELS) {
    const original = c[level]
    if (typeof original !== 'function') continue
    const wrapper: ConsoleFn = function (this: unknown, ...args) {
      const result = original.apply(this, args)
      // A console call made while we serialise or emit (a getter, a listener) is not captured again.
      if (!busy && !stopped) {
        busy = true
        capture(level, args)
        busy = false
      }
      return result
    }
    originals.set(level, original)
    wrappers.set(level, wrapper)
    c[level] = wrapper
  }

  return {
    stop() {
      stopped = true
      // Someone may have wrapped our wrapper since: leave theirs in place (ours now passes through).
      for (const [level, original] of originals) if (c[level] === wrappers.get(level)) c[level] = original
    },
  }
}
