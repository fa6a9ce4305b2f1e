/** Nearest-rank percentile of `values` (unsorted), `p` in 0–100; NaN for an empty list. */
export function percentile(values: number[], p: number): number {
  if (!values.length) return Number.NaN
  const sorted = Float64Array.from(values).sort()
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))]!
}

/** Rounds for reports: 1 decimal under 100, whole numbers above. */
export const round = (n: number): number => (Math.abs(n) < 100 ? Math.round(n * 10) / 10 : Math.round(n))

export const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms))

/** Waits until `check()` is true, polling every `everyMs`; false after `timeoutMs`. */
export async function waitFor(check: () => boolean | Promise<boolean>, timeoutMs: number, everyMs = 100) {
  const until = Date.now() + timeoutMs
  while (Date.now() < until) {
    if (await check()) return true
    await sleep(everyMs)
  }
  return check()
}
