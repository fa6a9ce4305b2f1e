/** Medians per variant, ratios against `none`, `replay` (Sightline + replay) and `rrweb`, and the Markdown table. */
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
  eventTypes: Record<string, number>
  /** Requests and bytes per kind of upload (peers: `replay` and the rest, by endpoint). */
  uploadKinds: Record<string, { requests: number; bytes: number }>
  /** CORS preflights during the run (expected 0). */
  preflights: number
  /** Console errors, page errors and failed requests other than the ones the interaction causes on purpose. */
  problems: string[]
}

export type Summary = Record<
  Exclude<keyof RunResult, 'variant' | 'rep' | 'problems' | 'eventTypes' | 'uploadKinds' | 'preflights'>,
  number
> & {
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

export interface Ratios {
  scriptVsNone: number | null
  /** Script time added to `none`, per minute of interaction (ms/min). */
  scriptOverheadMsPerMin: number | null
  scriptVsRrweb: number | null
  heapVsNone: number | null
  heapVsRrweb: number | null
  bytesPerMinVsRrweb: number | null
  /** Against Sightline + replay, the configuration comparable to the peers with replay on. */
  scriptVsReplay: number | null
  heapVsReplay: number | null
  bytesPerMinVsReplay: number | null
}

export function ratios(medians: Record<string, Summary>): Record<string, Ratios> {
  const out: Record<string, Ratios> = {}
  const none = medians.none
  const rrweb = medians.rrweb
  const replay = medians.replay
  for (const [v, s] of Object.entries(medians)) {
    out[v] = {
      scriptVsNone: ratio(s.scriptMs, none?.scriptMs),
      scriptOverheadMsPerMin: none ? Math.round(((s.scriptMs - none.scriptMs) / s.seconds) * 60) : null,
      scriptVsRrweb: ratio(s.scriptMs, rrweb?.scriptMs),
      heapVsNone: ratio(s.heapBytes, none?.heapBytes),
      heapVsRrweb: ratio(s.heapBytes, rrweb?.heapBytes),
      bytesPerMinVsRrweb: ratio(s.bytesPerMin, rrweb?.bytesPerMin),
      scriptVsReplay: ratio(s.scriptMs, replay?.scriptMs),
      heapVsReplay: ratio(s.heapBytes, replay?.heapBytes),
      bytesPerMinVsReplay: ratio(s.bytesPerMin, replay?.bytesPerMin),
    }
  }
  return out
}

const fmt = (n: number | null | undefined, digits = 0) =>
  n === null || n === undefined || Number.isNaN(n) ? '–' : n.toFixed(digits)
const times = (r: number | null | undefined) => (r === null || r === undefined ? '–' : `${r.toFixed(2)}×`)

const COLUMNS: [title: string, cell: (s: Summary, r: Ratios | undefined) => string][] = [
  ['script ms', (s) => fmt(s.scriptMs)],
  ['task ms', (s) => fmt(s.taskMs)],
  ['script vs none', (_, r) => times(r?.scriptVsNone)],
  ['+script ms/min', (_, r) => fmt(r?.scriptOverheadMsPerMin)],
  ['script vs rrweb', (_, r) => times(r?.scriptVsRrweb)],
  ['script vs replay', (_, r) => times(r?.scriptVsReplay)],
  ['burst: mutations ms', (s) => fmt(s.burstSyncMs, 1)],
  ['burst: → observers done ms', (s) => fmt(s.burstObservedMs, 1)],
  ['burst: → setTimeout(0) ms', (s) => fmt(s.burstTaskMs, 1)],
  ['burst: → next frame ms', (s) => fmt(s.burstFrameMs, 1)],
  ['heap MB', (s) => fmt(s.heapBytes / 2 ** 20, 1)],
  ['heap vs none', (_, r) => times(r?.heapVsNone)],
  ['heap vs rrweb', (_, r) => times(r?.heapVsRrweb)],
  ['heap vs replay', (_, r) => times(r?.heapVsReplay)],
  ['long tasks', (s) => fmt(s.longTasks)],
  ['long task ms', (s) => fmt(s.longTaskMs)],
  ['KB/min uploaded', (s) => fmt(s.bytesPerMin / 1024, 1)],
  ['bytes vs rrweb', (_, r) => times(r?.bytesPerMinVsRrweb)],
  ['bytes vs replay', (_, r) => times(r?.bytesPerMinVsReplay)],
  ['runs', (s) => String(s.runs)],
]

export function markdown(medians: Record<string, Summary>, r: Record<string, Ratios>): string {
  const row = (cells: string[]) => `| ${cells.join(' | ')} |`
  return [
    row(['variant', ...COLUMNS.map(([t]) => t)]),
    row(['---', ...COLUMNS.map(() => '---:')]),
    ...Object.entries(medians).map(([v, s]) => row([v, ...COLUMNS.map(([, cell]) => cell(s, r[v]))])),
  ].join('\n')
}
