// @vitest-environment happy-dom
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import { makeCtx } from '../../test/helpers.js'
import { MOUSE_PATH_MAX_POINTS, MOUSE_PATH_MS, MOUSE_SAMPLE_MS } from '../constants.js'
import type { SightlineEvent } from '../types.js'
import { trackMouse } from './trackMouse.js'

// With the real constants (100 ms samples, 5 s paths) a path holds at most 50 points, so the count
// limit is lowered here to make it reachable.
vi.mock('../constants.js', async (importOriginal) => ({
  ...(await importOriginal<typeof import('../constants.js')>()),
  MOUSE_PATH_MAX_POINTS: 5,
}))

const move = (x: number, y: number) =>
  document.dispatchEvent(new MouseEvent('mousemove', { clientX: x, clientY: y }))
const paths = (events: SightlineEvent[]) => events.map((e) => (e.type === 'mouse' ? e.path : null))

describe('trackMouse', () => {
  beforeEach(() => vi.useFakeTimers({ now: 1_000_000 }))
  afterEach(() => vi.useRealTimers())

  it('should sample one point per MOUSE_SAMPLE_MS and cut the path MOUSE_PATH_MS after its first point', () => {
    const { ctx, events } = makeCtx()
    const tracker = trackMouse(ctx)
    move(1, 1)
    move(2, 2) // same instant: dropped by sampling
    vi.advanceTimersByTime(MOUSE_SAMPLE_MS)
    move(3, 3)
    expect(events).toHaveLength(0)
    vi.advanceTimersByTime(MOUSE_PATH_MS - MOUSE_SAMPLE_MS)
    expect(events).toHaveLength(1)
    expect(events[0]).toMatchObject({ type: 'mouse', t: 1_000_000 })
    expect(paths(events)[0]).toEqual([
      [1, 1, 0],
      [3, 3, MOUSE_SAMPLE_MS],
    ])
    tracker.stop()
  })

  it('should not listen between samples', () => {
    const { ctx, events } = makeCtx()
    const now = vi.spyOn(ctx, 'now')
    const tracker = trackMouse(ctx)
    for (let i = 0; i < 5; i++) move(i, i)
    vi.advanceTimersByTime(MOUSE_SAMPLE_MS)
    for (let i = 5; i < 10; i++) move(i, i)
    // Two moves handled (one per sample period), not ten.
    expect(now).toHaveBeenCalledTimes(2)
    tracker.stop()
    expect(paths(events)).toEqual([
      [
        [0, 0, 0],
        [5, 5, MOUSE_SAMPLE_MS],
      ],
    ])
  })

  it('should cut the path at MOUSE_PATH_MAX_POINTS points', () => {
    const { ctx, events } = makeCtx()
    const tracker = trackMouse(ctx)
    for (let i = 0; i < MOUSE_PATH_MAX_POINTS + 1; i++) {
      move(i, i)
      vi.advanceTimersByTime(MOUSE_SAMPLE_MS)
      if (i < MOUSE_PATH_MAX_POINTS - 1) expect(events).toHaveLength(0)
    }
    expect(events).toHaveLength(1)
    expect(paths(events)[0]).toHaveLength(MOUSE_PATH_MAX_POINTS)
    tracker.flush()
    expect(paths(events)[1]).toEqual([[MOUSE_PATH_MAX_POINTS, MOUSE_PATH_MAX_POINTS, 0]])
    tracker.stop()
  })

  it('should send the pending path on stop, and nothing for an empty path', () => {
    const { ctx, events } = makeCtx()
    const tracker = trackMouse(ctx)
    tracker.flush()
    expect(events).toHaveLength(0)
    move(5, 6)
    tracker.stop()
    expect(paths(events)).toEqual([[[5, 6, 0]]])
    move(7, 8)
    vi.advanceTimersByTime(MOUSE_PATH_MS)
    expect(events).toHaveLength(1)
  })
})
