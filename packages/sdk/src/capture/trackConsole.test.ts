// @vitest-environment happy-dom
import { afterEach, describe, expect, it, vi } from 'vitest'
import { resolveOptions } from '../boot/options.js'
import { CONSOLE_MAX_CHARS } from '../constants.js'
import { createActivity } from '../tools/activity.js'
import type { CaptureContext, SightlineEvent, Stoppable } from '../types.js'
import { serializeArgs, trackConsole } from './trackConsole.js'

const LEVELS = ['debug', 'log', 'info', 'warn', 'error', 'trace'] as const
type Level = (typeof LEVELS)[number]

function setup() {
  const events: SightlineEvent[] = []
  const ctx: CaptureContext = {
    emit: (e) => events.push(e),
    options: resolveOptions({ siteKey: `slp_${'a'.repeat(32)}`, endpoint: 'https://collector.example' }),
    activity: createActivity(() => Date.now()),
    now: () => 1_700_000_000_000,
    pageUrl: () => location.href,
  }
  return { events, ctx }
}

describe('trackConsole', () => {
  const c = console as unknown as Record<Level, (...a: unknown[]) => void>
  const saved = Object.fromEntries(LEVELS.map((l) => [l, c[l]])) as Record<Level, (...a: unknown[]) => void>
  let tracker: Stoppable | undefined
  afterEach(() => {
    tracker?.stop()
    Object.assign(console, saved)
  })

  it('should capture every level and still call the original with the same this and arguments', () => {
    const spies = Object.fromEntries(LEVELS.map((l) => [l, vi.fn()])) as Record<
      Level,
      ReturnType<typeof vi.fn>
    >
    Object.assign(console, spies)
    const { events, ctx } = setup()
    tracker = trackConsole(ctx)
    const obj = { a: 1 }
    for (const level of LEVELS) c[level]('hello', level, 42, obj)
    for (const level of LEVELS) {
      expect(spies[level]).toHaveBeenCalledTimes(1)
      expect(spies[level]).toHaveBeenCalledWith('hello', level, 42, obj)
      expect(spies[level]!.mock.contexts[0]).toBe(console)
    }
    expect(events.map((e) => e.type === 'console' && e.level)).toEqual([...LEVELS])
    expect(events[1]).toMatchObject({
      type: 'console',
      t: 1_700_000_000_000,
      url: location.href,
      message: 'hello log 42 {"a":1}',
      truncated: false,
    })
  })

  it('should serialise cyclic objects, DOM nodes, errors and functions safely', () => {
    const cyclic: Record<string, unknown> = { name: 'x' }
    cyclic.self = cyclic
    const div = document.createElement('div')
    div.id = 'main'
    div.className = 'card big'
    function handler() {}
    const { message } = serializeArgs([
      cyclic,
      div,
      new TypeError('bad'),
      handler,
      null,
      undefined,
      true,
      [1, 'b'],
    ])
    expect(message).toBe(
      '{"name":"x","self":[Circular]} <div#main.card.big> TypeError: bad function handler() {} null undefined true [1,"b"]',
    )
  })

  it('should limit depth and keys', () => {
    const deep = { a: { b: { c: { d: 1 } } } }
    const wide = Object.fromEntries(Array.from({ length: 25 }, (_, i) => [`k${i}`, i]))
    expect(serializeArgs([deep]).message).toBe('{"a":{"b":[Object]}}')
    expect(serializeArgs([[1, [2, [3]]]]).message).toBe('[1,[2,[Array]]]')
    const wideMessage = serializeArgs([wide]).message
    expect(wideMessage).toContain('"k9":9')
    expect(wideMessage).not.toContain('k10')
    expect(serializeArgs([Array.from({ length: 15 }, (_, i) => i)]).message).toBe('[0,1,2,3,4,5,6,7,8,9,…]')
    expect(wideMessage.endsWith(',…}')).toBe(true)
  })

  it('should survive getters that throw', () => {
    const nasty = Object.defineProperty({}, 'boom', {
      enumerable: true,
      get() {
        throw new Error('no')
      },
    })
    expect(serializeArgs([nasty]).message).toBe('{"boom":[?]}')
  })

  it('should truncate a long message and flag it', () => {
    console.log = vi.fn()
    const { events, ctx } = setup()
    tracker = trackConsole(ctx)
    console.log('x'.repeat(CONSOLE_MAX_CHARS * 2))
    console.log({ big: 'y'.repeat(CONSOLE_MAX_CHARS * 2) })
    for (const e of events) {
      expect(e).toMatchObject({ type: 'console', truncated: true })
      expect(e.type === 'console' && e.message.length).toBe(CONSOLE_MAX_CHARS)
    }
    expect(events).toHaveLength(2)
  })

  it('should not loop when a console call happens while serialising', () => {
    const log = vi.fn()
    console.log = log
    const { events, ctx } = setup()
    tracker = trackConsole(ctx)
    const sneaky = {
      get value() {
        console.log('inner')
        return 1
      },
    }
    console.log(sneaky)
    expect(log).toHaveBeenCalledTimes(2)
    expect(events).toHaveLength(1)
    expect(events[0]).toMatchObject({ message: '{"value":1}' })
  })

  it('should restore the original console functions on stop', () => {
    const spies = Object.fromEntries(LEVELS.map((l) => [l, vi.fn()]))
    Object.assign(console, spies)
    const { events, ctx } = setup()
    tracker = trackConsole(ctx)
    expect(console.log).not.toBe(spies.log)
    tracker.stop()
    for (const level of LEVELS) expect(c[level]).toBe(spies[level])
    console.warn('after')
    expect(events).toHaveLength(0)
  })

  it('should never write to the console itself when emit throws', () => {
    const spies = Object.fromEntries(LEVELS.map((l) => [l, vi.fn()]))
    Object.assign(console, spies)
    const { ctx } = setup()
    ctx.emit = () => {
      throw new Error('transport down')
    }
    tracker = trackConsole(ctx)
    expect(() => console.info('hi')).not.toThrow()
    expect(spies.info).toHaveBeenCalledTimes(1)
    for (const level of LEVELS) if (level !== 'info') expect(spies[level]).not.toHaveBeenCalled()
  })
})
