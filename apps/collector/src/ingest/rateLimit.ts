/** A token bucket per key: `ratePerSecond` sustained, `burst` at once. */
export function createRateLimiter(options: { ratePerSecond: number; burst: number; now?: () => number }) {
  const now = options.now ?? (() => performance.now())
  const buckets = new Map<string, { tokens: number; at: number }>()

  /** Takes one token; returns 0 when allowed, else the seconds to wait (for Retry-After). */
  function take(key: string): number {
    const t = now()
    const bucket = buckets.get(key) ?? { tokens: options.burst, at: t }
    bucket.tokens = Math.min(options.burst, bucket.tokens + ((t - bucket.at) / 1000) * options.ratePerSecond)
    bucket.at = t
    buckets.set(key, bucket)
    if (bucket.tokens >= 1) {
      bucket.tokens -= 1
      return 0
    }
    return Math.max(1, Math.ceil((1 - bucket.tokens) / options.ratePerSecond))
  }

  return { take }
}
