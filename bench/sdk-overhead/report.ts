/** Medians per variant, ratios against `none` and `rrweb`, and the Markdown table. */
import type { Variant } from './variants.js'

export interface RunResult {
  variant: Variant
  rep: number
  /** Wall time of the scripted interaction. */
  seconds: number
  scriptMs: number
  taskMs: number
  /** Medians over the run's bursts (see page.ts): mutations alone, to setTimeout(0), to the next frame. */
  burstSyncMs: number
  burstObservedMs: number
  burstTaskMs: number
  burstFrameMs: number
  bursts: number
  /** Elements in the page at the end of the interaction. */
  elements: number
  longTasks: number
  longTaskMs: number
  heapBytes: number
  /** Request-body bytes the page POSTed to the sink (page load → final flush), as sent. */
  uploadBytes: number
  uploadRawBytes: number
  uploads: number
  bytesPerMin: number
  events: number
  replayRecords: number
  /** Console errors, page errors and failed requests other than the ones the interaction causes on purpose. */
  problems: string[]
}

export type Summary = Record<Exclude<keyof RunResult, 'variant' | 'rep' | 'problems'>, number> & {
  runs: number
}

export function median(xs: number[]): number {
  const s = [...xs].filter((x) => Number.isFinite(x)).sort((a, b) => a - b)
  if (!s.length) return Number.NaN
  const m = s.length >> 1
  return s.length % 2 ? (s[m] as number) : ((s[m - 1] as number) + (s[m] as number)) / 2
}

const NUMERIC = [
  'seconds',
  'scriptMs',
  'taskMs',
  'burstSyncMs',
  'burstObservedMs',
  'burstTaskMs',
  'burstFrameMs',
  'bursts',
  'elements',
  'longTasks',
  'longTaskMs',
  'heapBytes',
  'uploadBytes',
  'uploadRawBytes',
  'uploads',
  'bytesPerMin',
  'events',
  'replayRecords',
] as const

export function summarise(runs: RunResult[], variants: readonly Variant[]): Record<string, Summary> {
  const out: Record<string, Summary> = {}
  for (const v of variants) {
    const mine = runs.filter((r) => r.variant === v)
    const s = { runs: mine.length } as Summary
    for (const k of NUMERIC) s[k] = median(mine.map((r) => r[k]))
    out[v] = s
  }
  return out
}

const ratio = (a: number | undefined, b: number | undefined) =>
  a !== undefined && b !== undefined && b > 0 ? Math.round((a / b) * 100) / 100 : null

export function ratios(medians: Record<string, Summary>) {
  const out: Record<
    string,
    {
      scriptVsNone: number | null
      scriptVsRrweb: number | null
      heapVsRrweb: number | null
      bytesPerMinVsRrweb: number | null
    }
  > = {}
  const none = medians.none
  const rrweb = medians.rrweb
  for (const [v, s] of Object.entries(medians)) {
    out[v] = {
      scriptVsNone: ratio(s.scriptMs, none?.scriptMs),
      scriptVsRrweb: ratio(s.scriptMs, rrweb?.scriptMs),
      heapVsRrweb: ratio(s.heapBytes, rrweb?.heapBytes),
      bytesPerMinVsRrweb: ratio(s.bytesPerMin, rrweb?.bytesPerMin),
    }
  }
  return out
}

const fmt = (x: number | null | undefined, digits = 0) =>
  x === null || x === undefined || Number.isNaN(x) ? '–' : x.toFixed(digits)
const x = (r: number | null) => (r === null ? '–' : `${r.toFixed(2)}×`)

export function markdown(medians: Record<string, Summary>, r: ReturnType<typeof ratios>): string {
  const head =
    '| variant | script ms | task ms | script vs none | script vs rrweb | burst ms (mutations) | burst ms (→ observers done) | burst ms (→ setTimeout 0) | burst ms (→ next frame) | heap MB | heap vs rrweb | long tasks | KB/min uploaded | bytes vs rrweb | runs |'
  const rule = `|${head
    .split('|')
    .slice(1, -1)
    .map(() => '---')
    .join('|')}|`
  const rows = Object.entries(medians).map(([v, s]) => {
    const q = r[v]
    return `| ${v} | ${fmt(s.scriptMs)} | ${fmt(s.taskMs)} | ${x(q?.scriptVsNone ?? null)} | ${x(q?.scriptVsRrweb ?? null)} | ${fmt(s.burstSyncMs, 1)} | ${fmt(s.burstObservedMs, 1)} | ${fmt(s.burstTaskMs, 1)} | ${fmt(s.burstFrameMs, 1)} | ${fmt(s.heapBytes / 2 ** 20, 1)} | ${x(q?.heapVsRrweb ?? null)} | ${fmt(s.longTasks)} | ${fmt(s.bytesPerMin / 1024, 1)} | ${x(q?.bytesPerMinVsRrweb ?? null)} | ${s.runs} |`
  })
  return [head, rule, ...rows].join('\n')
}
