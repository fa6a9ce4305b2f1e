// @vitest-environment happy-dom
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import { makeCtx } from '../../test/helpers.js'
import { trackVisibility } from './trackVisibility.js'

function setVisibility(state: DocumentVisibilityState) {
  Object.defineProperty(document, 'visibilityState', { value: state, configurable: true })
  document.dispatchEvent(new Event('visibilitychange', { bubbles: true }))
}

describe('trackVisibility', () => {
  beforeEach(() => {
    vi.useFakeTimers()
    Object.defineProperty(document, 'visibilityState', { value: 'visible', configurable: true })
  })
  afterEach(() => vi.useRealTimers())

  it('should report each state with how long the previous one lasted', () => {
    const { ctx, events } = makeCtx()
    const tracker = trackVisibility(ctx)
    vi.advanceTimersByTime(3_000)
    setVisibility('hidden')
    vi.advanceTimersByTime(10_000)
    setVisibility('visible')
    expect(events).toMatchObject([
      { type: 'visibility', state: 'hidden', previousMs: 3_000 },
      { type: 'visibility', state: 'visible', previousMs: 10_000 },
    ])
    tracker.stop()
  })

  it('should run before document listeners, so the event is emitted before a flush on hidden', () => {
    const { ctx, events } = makeCtx()
    let seenAtFlush = -1
    const onHide = () => {
      seenAtFlush = events.length
    }
    document.addEventListener('visibilitychange', onHide, true)
    const tracker = trackVisibility(ctx)
    setVisibility('hidden')
    expect(seenAtFlush).toBe(1)
    document.removeEventListener('visibilitychange', onHide, true)
    tracker.stop()
  })

  it('should ignore repeated states and stop listening on stop', () => {
    const { ctx, events } = makeCtx()
    const tracker = trackVisibility(ctx)
    setVisibility('visible')
    expect(events).toHaveLength(0)
    tracker.stop()
    setVisibility('hidden')
    expect(events).toHaveLength(0)
  })
})
