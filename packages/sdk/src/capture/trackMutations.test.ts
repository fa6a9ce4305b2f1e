// @vitest-environment happy-dom
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import { makeCtx } from '../../test/helpers.js'
import { trackMutations } from './trackMutations.js'

/** MutationObserver callbacks run in a microtask. */
const tick = () => new Promise<void>((resolve) => queueMicrotask(resolve))

function mutateSeveralTimes() {
  const div = document.createElement('div')
  document.body.appendChild(div)
  div.setAttribute('class', 'a')
  div.textContent = 'changed'
  div.remove()
}

describe('trackMutations', () => {
  beforeEach(() => {
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout', 'Date'] })
    document.body.innerHTML = ''
  })
  afterEach(() => vi.useRealTimers())

  it('should notify mutation activity once for several DOM changes in one tick, and emit no event', async () => {
    const { ctx, events } = makeCtx()
    const kinds: string[] = []
    ctx.activity.subscribe((k) => kinds.push(k))
    const tracker = trackMutations(ctx)
    mutateSeveralTimes()
    await tick()
    expect(kinds).toEqual(['mutation'])
    expect(events).toHaveLength(0)
    tracker.stop()
  })

  it('should notify again on the trailing edge when changes came during the window', async () => {
    const { ctx } = makeCtx()
    const kinds: string[] = []
    ctx.activity.subscribe((k) => kinds.push(k))
    const tracker = trackMutations(ctx)
    mutateSeveralTimes()
    await tick()
    vi.advanceTimersByTime(10)
    mutateSeveralTimes()
    await tick()
    expect(kinds).toHaveLength(1)
    vi.advanceTimersByTime(50)
    expect(kinds).toHaveLength(2)
    vi.advanceTimersByTime(100)
    expect(kinds).toHaveLength(2)
    tracker.stop()
  })

  it('should stop observing on stop', async () => {
    const { ctx } = makeCtx()
    const kinds: string[] = []
    ctx.activity.subscribe((k) => kinds.push(k))
    trackMutations(ctx).stop()
    mutateSeveralTimes()
    await tick()
    expect(kinds).toHaveLength(0)
  })
})
