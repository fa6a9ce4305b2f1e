import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import { BATCH_MAX_BYTES, FLUSH_INTERVAL_MS } from '../constants.js'
import { createBatcher, type Envelope } from './batcher.js'

const envelope = {
  v: 1,
  sessionId: 's',
  tabId: 't',
  sdk: { version: '0' },
  page: { url: 'u' },
  session: { startedAt: 1, actor: 'human' },
} as const

function setup(maxEvents = 3) {
  const batches: { body: Record<string, unknown>; events: number }[] = []
  let seq = 0
  const b = createBatcher(
    maxEvents,
    (): Envelope => ({ ...envelope, seq, batchId: `b${seq++}` }),
    (rest, _bytes, events) => batches.push({ body: JSON.parse(`{"sentAt":0,${rest}`), events }),
  )
  return { b, batches }
}

beforeEach(() => vi.useFakeTimers())
afterEach(() => vi.useRealTimers())

describe('createBatcher', () => {
  it('should cut a batch at the event count, with increasing sequence numbers', () => {
    const { b, batches } = setup()
    for (let i = 0; i < 7; i++) b.add({ type: 'custom', t: i, name: `e${i}` })
    expect(batches.map((x) => [x.body.seq, x.events])).toEqual([
      [0, 3],
      [1, 3],
    ])
    expect(batches[0]!.body).toMatchObject({
      v: 1,
      sessionId: 's',
      tabId: 't',
      sentAt: 0,
      events: [{ name: 'e0' }, { name: 'e1' }, { name: 'e2' }],
    })
  })

  it('should cut a batch by bytes before it would pass the limit', () => {
    const { b, batches } = setup(100)
    b.add({ type: 'custom', t: 1, name: 'x'.repeat(BATCH_MAX_BYTES / 2) })
    b.add({ type: 'custom', t: 2, name: 'y'.repeat(BATCH_MAX_BYTES / 2) })
    expect(batches).toHaveLength(1)
    expect((batches[0]!.body.events as unknown[]).length).toBe(1)
  })

  it('should flush on the interval and on demand, and never send an empty batch', () => {
    const { b, batches } = setup()
    b.add({ type: 'custom', t: 1, name: 'a' })
    vi.advanceTimersByTime(FLUSH_INTERVAL_MS - 1)
    expect(batches).toHaveLength(0)
    vi.advanceTimersByTime(1)
    expect(batches).toHaveLength(1)
    b.flush()
    expect(batches).toHaveLength(1)
    b.add({ type: 'custom', t: 2, name: 'b' })
    b.flush()
    expect(batches).toHaveLength(2)
  })
})
