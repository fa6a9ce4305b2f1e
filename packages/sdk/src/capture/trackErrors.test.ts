// @vitest-environment happy-dom
import { afterEach, describe, expect, it } from 'vitest'
import { resolveOptions } from '../boot/options.js'
import { createActivity } from '../tools/activity.js'
import type { ActivityKind, CaptureContext, SightlineEvent, Stoppable } from '../types.js'
import { trackErrors } from './trackErrors.js'

function setup() {
  const events: SightlineEvent[] = []
  const notified: ActivityKind[] = []
  let time = 1_700_000_000_000
  const ctx: CaptureContext = {
    emit: (e) => events.push(e),
    options: resolveOptions({ siteKey: `slp_${'a'.repeat(32)}`, endpoint: 'https://collector.example' }),
    activity: createActivity(() => Date.now()),
    now: () => time,
    pageUrl: () => location.href,
  }
  ctx.activity.subscribe((kind) => notified.push(kind))
  return { events, notified, ctx, advance: (ms: number) => (time += ms) }
}

function errorEvent(
  error: unknown,
  init: { message?: string; filename?: string; lineno?: number; colno?: number } = {},
) {
  return new ErrorEvent('error', {
    error,
    message: init.message ?? 'Uncaught Error',
    cancelable: true,
    ...init,
  })
}

function rejection(reason: unknown): Event {
  if (typeof PromiseRejectionEvent === 'function') {
    return new PromiseRejectionEvent('unhandledrejection', { reason, promise: Promise.resolve() })
  }
  return Object.assign(new Event('unhandledrejection'), { reason })
}

describe('trackErrors', () => {
  let tracker: Stoppable | undefined
  afterEach(() => tracker?.stop())

  it('should report a window error with its stack, type, scrubbed source and position, and notify activity', () => {
    const { events, notified, ctx } = setup()
    tracker = trackErrors(ctx)
    const error = new RangeError('out of range')
    error.stack = 'RangeError: out of range\n    at f (https://app.example/main.js?token=abc:10:5)'
    window.dispatchEvent(
      errorEvent(error, { filename: 'https://app.example/main.js?token=abc&v=2', lineno: 10, colno: 5 }),
    )
    expect(events).toEqual([
      {
        type: 'error',
        t: 1_700_000_000_000,
        url: location.href,
        kind: 'error',
        message: 'out of range',
        stack: 'RangeError: out of range\n    at f (https://app.example/main.js?token=[redacted])',
        errorType: 'RangeError',
        source: 'https://app.example/main.js?token=[redacted]&v=2',
        line: 10,
        column: 5,
      },
    ])
    expect(notified).toEqual(['error'])
  })

  it('should use the event message when the error is not an Error', () => {
    const { events, ctx } = setup()
    tracker = trackErrors(ctx)
    window.dispatchEvent(errorEvent(null, { message: 'Script error.' }))
    expect(events).toEqual([
      { type: 'error', t: 1_700_000_000_000, url: location.href, kind: 'error', message: 'Script error.' },
    ])
  })

  it('should report unhandled rejections of Errors and of other values', () => {
    const { events, notified, ctx } = setup()
    tracker = trackErrors(ctx)
    window.dispatchEvent(rejection(new TypeError('nope')))
    const cyclic: Record<string, unknown> = { code: 42 }
    cyclic.me = cyclic
    window.dispatchEvent(rejection(cyclic))
    expect(events[0]).toMatchObject({
      type: 'error',
      kind: 'unhandledrejection',
      message: 'nope',
      errorType: 'TypeError',
    })
    expect(events[0]).toHaveProperty('stack')
    expect(events[1]).toEqual({
      type: 'error',
      t: 1_700_000_000_000,
      url: location.href,
      kind: 'unhandledrejection',
      message: '{"code":42,"me":[Circular]}',
    })
    expect(notified).toEqual(['error', 'error'])
  })

  it('should skip resource load errors from elements', () => {
    const { events, notified, ctx } = setup()
    tracker = trackErrors(ctx)
    const img = document.createElement('img')
    document.body.appendChild(img)
    img.dispatchEvent(new Event('error'))
    expect(events).toHaveLength(0)
    expect(notified).toHaveLength(0)
  })

  it('should drop an identical error repeated within a second but still notify activity', () => {
    const { events, notified, ctx, advance } = setup()
    tracker = trackErrors(ctx)
    const fire = () =>
      window.dispatchEvent(errorEvent(new Error('loop'), { filename: 'https://app.example/a.js', lineno: 3 }))
    fire()
    advance(500)
    fire()
    expect(events).toHaveLength(1)
    advance(600)
    fire()
    window.dispatchEvent(errorEvent(new Error('other'), { filename: 'https://app.example/a.js', lineno: 3 }))
    expect(events.map((e) => e.type === 'error' && e.message)).toEqual(['loop', 'loop', 'other'])
    expect(notified).toHaveLength(4)
  })

  it('should cap the stack at 16 KB', () => {
    const { events, ctx } = setup()
    tracker = trackErrors(ctx)
    const error = new Error('big')
    error.stack = 'x'.repeat(40_000)
    window.dispatchEvent(errorEvent(error))
    expect(events[0]).toMatchObject({ stack: 'x'.repeat(16_384) })
  })

  it('should stop listening on stop', () => {
    const { events, ctx } = setup()
    tracker = trackErrors(ctx)
    tracker.stop()
    window.dispatchEvent(errorEvent(new Error('late')))
    window.dispatchEvent(rejection('late'))
    expect(events).toHaveLength(0)
  })
})
