import { describe, expect, it } from 'vitest'
import { createRateLimiter } from './rateLimit.js'

describe('createRateLimiter', () => {
  it('should allow the burst, then refuse with a wait, then refill at the rate', () => {
    let t = 0
    const limiter = createRateLimiter({ ratePerSecond: 2, burst: 3, now: () => t })
    expect([limiter.take('k'), limiter.take('k'), limiter.take('k')]).toEqual([0, 0, 0])
    expect(limiter.take('k')).toBe(1)
    t += 500 // one token back at 2/s
    expect(limiter.take('k')).toBe(0)
    expect(limiter.take('k')).toBeGreaterThan(0)
  })

  it('should keep keys apart', () => {
    const limiter = createRateLimiter({ ratePerSecond: 1, burst: 1, now: () => 0 })
    expect(limiter.take('a')).toBe(0)
    expect(limiter.take('a')).toBe(1)
    expect(limiter.take('b')).toBe(0)
  })
})
