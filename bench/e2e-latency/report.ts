import type { BatchRequest } from './page.js'

/** One measured event; every time is on Node's clock (page times corrected by the clock offset). */
export interface Sample {
  id: string
  emittedAt: number
  /** The row was first seen committed. */
  visibleAt: number
  /** BENCH_POLL=1: when the polling watcher first saw it. */
  polledAt?: number
  /** The request that delivered it (the last one carrying its id that got a 2xx), if found. */
  request?: { start: number; acked: number }
}

export interface Distribution {
  n: number
  min: number
  p50: number
  p95: number
  p99: number
  max: number
  mean: number
}

/** Nearest-rank percentile of sorted values. */
const rank = (sorted: number[], p: number) => sorted[Math.max(0, Math.ceil((p / 100) * sorted.length) - 1)]!
const round = (ms: number) => Math.round(ms * 10) / 10

export function distribution(values: number[]): Distribution {
  const sorted = [...values].sort((a, b) => a - b)
  if (!sorted.length) throw new Error('no samples')
  return {
    n: sorted.length,
    min: round(sorted[0]!),
    p50: round(rank(sorted, 50)),
    p95: round(rank(sorted, 95)),
    p99: round(rank(sorted, 99)),
    max: round(sorted.at(-1)!),
    mean: round(sorted.reduce((a, b) => a + b, 0) / sorted.length),
  }
}

/** Page-clock requests → Node clock, attached to the samples they delivered. */
export function attachRequests(samples: Sample[], requests: BatchRequest[], offsetMs: number) {
  for (const s of samples) {
    const r = requests.filter((q) => q.status >= 200 && q.status < 300 && q.ids.includes(s.id)).at(-1)
    if (r) s.request = { start: r.start - offsetMs, acked: r.acked - offsetMs }
  }
}

/**
 * Where an event's time goes: waiting in the page (batch timer or flush, gzip, the sender's one-at-a-time
 * queue) until its request starts; the request until the row is committed and visible; and when the page
 * gets the answer, relative to that.
 */
export function summarise(samples: Sample[]) {
  const delivered = samples.filter((s) => s.request)
  return {
    latencyMs: distribution(samples.map((s) => s.visibleAt - s.emittedAt)),
    inPageMs: distribution(delivered.map((s) => s.request!.start - s.emittedAt)),
    requestToVisibleMs: distribution(delivered.map((s) => s.visibleAt - s.request!.start)),
    ackAfterVisibleMs: distribution(delivered.map((s) => s.request!.acked - s.visibleAt)),
    withRequest: delivered.length,
    ...(samples.some((s) => s.polledAt !== undefined)
      ? { pollMinusNotifyMs: distribution(samples.map((s) => s.polledAt! - s.visibleAt)) }
      : {}),
  }
}

export type ModeSummary = ReturnType<typeof summarise>

const ms = (v: number) => (Math.abs(v) >= 100 ? Math.round(v).toLocaleString('en-US') : v.toFixed(1))

export function markdown(modes: Record<string, { label: string; summary: ModeSummary }>): string {
  const lines = [
    '| mode | events | p50 | p95 | p99 | max | in page p50 / p95 | request → visible p50 / p95 |',
    '| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: |',
  ]
  for (const { label, summary: s } of Object.values(modes)) {
    const l = s.latencyMs
    lines.push(
      `| ${label} | ${l.n} | ${ms(l.p50)} | ${ms(l.p95)} | ${ms(l.p99)} | ${ms(l.max)} | ${ms(s.inPageMs.p50)} / ${ms(s.inPageMs.p95)} | ${ms(s.requestToVisibleMs.p50)} / ${ms(s.requestToVisibleMs.p95)} |`,
    )
  }
  return lines.join('\n')
}
