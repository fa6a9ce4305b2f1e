import { describe, expect, it } from 'vitest'
import { memoryStorage } from '../../test/helpers.js'
import { createOutbox } from './outbox.js'

const batch = (n: number, bytes = 100) => ({
  stream: 'events' as const,
  rest: `"batchId":"b${n}"}`,
  bytes,
  events: 1,
})

describe('createOutbox', () => {
  it('should refuse what passes the byte cap and keep the rest in order', () => {
    const box = createOutbox(null, 't', 250, 0)
    expect([box.add(batch(1)), box.add(batch(2)), box.add(batch(3))]).toEqual([true, true, false])
    expect(box.list().map((p) => p.rest)).toEqual(['"batchId":"b1"}', '"batchId":"b2"}'])
    box.remove(box.list()[0]!.id)
    // The removed batch's bytes are freed: 100 + 150 fits the cap exactly.
    expect(box.add(batch(3, 150))).toBe(true)
    expect(box.add(batch(4, 1))).toBe(false)
  })

  it('should survive a reload: a later page adopts the outbox of a page that is gone', () => {
    const storage = memoryStorage()
    const gone = createOutbox(storage, 'old-tab', 10_000, 0)
    gone.add(batch(1))
    gone.add(batch(2))
    gone.persist(1_000)
    const tooSoon = createOutbox(storage, 'new-tab', 10_000, 5_000)
    expect(tooSoon.list()).toHaveLength(0) // the other page may still be alive
    const later = createOutbox(storage, 'new-tab', 10_000, 20_000)
    expect(later.list().map((p) => p.rest)).toEqual(['"batchId":"b1"}', '"batchId":"b2"}'])
    expect(storage.getItem('sightline.outbox.old-tab')).toBeNull()
  })

  it('should persist nothing once empty, and tolerate broken storage content', () => {
    const storage = memoryStorage()
    storage.setItem('sightline.outbox.broken', '{not json')
    const box = createOutbox(storage, 't', 10_000, 100_000)
    box.add(batch(1))
    box.persist(1)
    expect(storage.getItem('sightline.outbox.t')).toContain('b1')
    box.remove(box.list()[0]!.id)
    box.persist(2)
    expect(storage.getItem('sightline.outbox.t')).toBeNull()
  })
})
