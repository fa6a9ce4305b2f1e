import { describe, expect, it, vi } from 'vitest'
import { memoryStorage } from '../../test/helpers.js'
import { SESSION_IDLE_MS, SESSION_MAX_MS } from '../constants.js'
import { createSessionStore, isSampled, uuid } from './session.js'

describe('sessions', () => {
  it('should make v4 UUIDs', () => {
    const ids = new Set(Array.from({ length: 200 }, uuid))
    expect(ids.size).toBe(200)
    for (const id of ids)
      expect(id).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/)
    // One trip into the browser per UUID, not one per digit.
    const random = vi.spyOn(crypto, 'getRandomValues')
    uuid()
    expect(random).toHaveBeenCalledTimes(1)
    random.mockRestore()
  })

  it('should share one session between tabs through storage', () => {
    const storage = memoryStorage()
    const a = createSessionStore(storage).current(1000)
    const b = createSessionStore(storage).current(2000)
    expect(b).toEqual(a)
  })

  it('should see at once a session another tab started', () => {
    const storage = memoryStorage()
    const a = createSessionStore(storage)
    const first = a.current(1000)
    a.touch(1200)
    const renewed = { id: uuid(), startedAt: 1300, lastActivity: 1300 }
    storage.setItem('sightline.session', JSON.stringify(renewed))
    expect(a.current(1400)).toEqual(renewed)
    expect(renewed.id).not.toBe(first.id)
  })

  it('should start a new session after 30 minutes without activity', () => {
    const store = createSessionStore(memoryStorage())
    const first = store.current(0)
    store.touch(10 * 60_000)
    expect(store.current(10 * 60_000 + SESSION_IDLE_MS - 1).id).toBe(first.id)
    const next = store.current(10 * 60_000 + SESSION_IDLE_MS + 10_000)
    expect(next.id).not.toBe(first.id)
    expect(next.startedAt).toBe(10 * 60_000 + SESSION_IDLE_MS + 10_000)
  })

  it('should start a new session after 4 hours whatever the activity', () => {
    const store = createSessionStore(memoryStorage())
    const first = store.current(0)
    for (let t = 0; t < SESSION_MAX_MS; t += 10 * 60_000) store.touch(t)
    expect(store.current(SESSION_MAX_MS + 1).id).not.toBe(first.id)
  })

  it('should keep a session in memory when storage is unusable', () => {
    const store = createSessionStore(null)
    const a = store.current(0)
    expect(store.current(1000).id).toBe(a.id)
  })

  it('should sample deterministically by session id', () => {
    const ids = Array.from({ length: 2000 }, uuid)
    const kept = ids.filter((id) => isSampled(id, 0.25))
    expect(kept.length).toBeGreaterThan(400)
    expect(kept.length).toBeLessThan(600)
    expect(kept.every((id) => isSampled(id, 0.25))).toBe(true)
    expect(isSampled(ids[0]!, 0)).toBe(false)
    expect(isSampled(ids[0]!, 1)).toBe(true)
  })
})
