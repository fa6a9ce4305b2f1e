import type { Attempt } from './loadgen.js'
import { percentile, round } from './stats.js'

/** Attempts by outcome: HTTP status, or the network error code for status 0. */
export function tally(attempts: Attempt[]): Record<string, number> {
  const out: Record<string, number> = {}
  for (const a of attempts) {
    const key = a.status ? String(a.status) : `net:${a.error ?? 'error'}`
    out[key] = (out[key] ?? 0) + 1
  }
  return out
}

export const answered = (attempts: Attempt[]) => attempts.filter((a) => a.status > 0)
export const ok = (attempts: Attempt[]) => attempts.filter((a) => a.status >= 200 && a.status < 300)
export const between = (attempts: Attempt[], from: number, to: number) =>
  attempts.filter((a) => a.start >= from && a.start < to)

export function latency(attempts: Attempt[]) {
  const ms = attempts.filter((a) => a.end).map((a) => a.end - a.start)
  return {
    n: ms.length,
    p50: round(percentile(ms, 50)),
    p99: round(percentile(ms, 99)),
    max: round(percentile(ms, 100)),
  }
}

/** p99 of 2xx latency in windows of `windowMs` every `stepMs` from `from` (relative start in s, p99 in ms). */
export function p99Series(
  attempts: Attempt[],
  from: number,
  to: number,
  windowMs: number,
  stepMs = windowMs,
) {
  const series: { at: number; n: number; p99: number }[] = []
  for (let t = from; t + windowMs <= to + 1; t += stepMs) {
    const w = ok(between(attempts, t, t + windowMs))
    series.push({ at: round((t - from) / 1000), n: w.length, p99: latency(w).p99 })
  }
  return series
}
