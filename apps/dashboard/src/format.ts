/** Display helpers: times, durations, numbers, URLs. */

export function formatDuration(ms: number | null | undefined): string {
  if (ms == null || !Number.isFinite(ms)) return '–'
  const s = Math.round(ms / 1000)
  if (s < 60) return `${s} s`
  const m = Math.floor(s / 60)
  if (m < 60) return `${m} min ${s % 60} s`
  return `${Math.floor(m / 60)} h ${m % 60} min`
}

/** mm:ss of a replay offset. */
export function formatOffset(ms: number): string {
  const s = Math.floor(ms / 1000)
  return `${Math.floor(s / 60)}:${String(s % 60).padStart(2, '0')}`
}

export function formatTime(iso: string | null | undefined): string {
  if (!iso) return '–'
  const d = new Date(iso)
  return Number.isNaN(d.getTime()) ? iso : d.toLocaleString()
}

export function formatPath(url: string | null | undefined): string {
  if (!url) return '–'
  return url.replace(/^https?:\/\/[^/]+/i, '') || '/'
}

export function formatNumber(n: number | null | undefined, digits = 0): string {
  if (n == null || !Number.isFinite(n)) return '–'
  return n.toLocaleString(undefined, { maximumFractionDigits: digits, minimumFractionDigits: digits })
}

/** A web vital with its unit: CLS has none, the others are milliseconds. */
export function formatVital(metric: string, value: number | null | undefined): string {
  if (value == null) return '–'
  return metric === 'CLS' ? value.toFixed(3) : `${Math.round(value)} ms`
}

/** web.dev thresholds: good ≤ first, poor > second. */
export const VITAL_THRESHOLDS: Record<string, [number, number]> = {
  LCP: [2500, 4000],
  INP: [200, 500],
  CLS: [0.1, 0.25],
  FCP: [1800, 3000],
  TTFB: [800, 1800],
}

export function vitalRating(
  metric: string,
  value: number | null | undefined,
): 'good' | 'ni' | 'poor' | 'none' {
  const t = VITAL_THRESHOLDS[metric]
  if (value == null || !t) return 'none'
  return value <= t[0] ? 'good' : value <= t[1] ? 'ni' : 'poor'
}

/** Time-range presets of the filters → the `from` parameter. */
export const RANGES: Record<string, number | null> = {
  '1h': 3_600_000,
  '24h': 86_400_000,
  '7d': 7 * 86_400_000,
  '30d': 30 * 86_400_000,
  all: null,
}

export function rangeFrom(range: string | null, now = Date.now()): string | undefined {
  const ms = RANGES[range ?? '']
  return ms ? new Date(now - ms).toISOString() : undefined
}
