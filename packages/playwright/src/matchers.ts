import type { SightlineHandle } from './attach.js'
import {
  type SightlineSignal,
  type SightlineSummary,
  VITAL_THRESHOLDS,
  VITALS,
  type VitalName,
  type VitalValue,
} from './summary.js'

/** What the matchers accept: the handle (flushed and summarized first) or a summary. */
export type SightlineSubject = SightlineHandle | SightlineSummary

export interface NoSignalsOptions {
  /** Signals to let pass (known issues): return true to ignore one. */
  ignore?: (signal: SightlineSignal) => boolean
}
export type VitalThresholds = Partial<Record<VitalName, number>>

export interface MatcherResult {
  pass: boolean
  message: () => string
  name: string
  expected?: unknown
  actual?: unknown
}

const isSummary = (s: unknown): s is SightlineSummary =>
  !!s && typeof s === 'object' && Array.isArray((s as SightlineSummary).frustrationSignals)
const isHandle = (s: unknown): s is SightlineHandle =>
  !!s && typeof s === 'object' && typeof (s as SightlineHandle).summary === 'function'

async function summaryOf(subject: unknown, matcher: string): Promise<SightlineSummary> {
  if (isSummary(subject)) return subject
  if (isHandle(subject)) return subject.summary()
  throw new TypeError(
    `${matcher}: expected the sightline handle (the fixture, or what attachSightline returned) or its summary, got ${typeof subject}`,
  )
}

const clock = (ms: number) => new Date(ms).toISOString().slice(11, 23)
/** "+1.234 s" after the recording started. */
const since = (ms: number, start: number) => `+${((ms - start) / 1000).toFixed(3)} s`

/** One line per signal: kind, element, message or status, page, time, step. */
export function formatSignal(s: SightlineSignal, startedAt: number): string {
  const what = [
    s.kind,
    s.selector ? `on ${s.selector}` : undefined,
    s.count ? `(${s.count} clicks)` : undefined,
    s.request ? `${s.request.method} ${s.request.url} →` : undefined,
    s.message ? (s.kind === 'dead_click' ? `(${s.message})` : JSON.stringify(s.message)) : undefined,
  ]
  const where = `page ${s.page} at ${clock(s.time)} (${since(s.time, startedAt)})`
  return `  - ${what.filter(Boolean).join(' ')} — ${where}${s.step ? ` in step "${s.step}"` : ''}`
}

function noneOf(
  name: string,
  noun: string,
  found: SightlineSignal[],
  summary: SightlineSummary,
  isNot: boolean,
): MatcherResult {
  const list = found.map((s) => formatSignal(s, summary.startedAt)).join('\n')
  const hint = `expect(sightline).${isNot ? 'not.' : ''}${name}()`
  return {
    pass: found.length === 0,
    name,
    expected: 0,
    actual: found.length,
    message: () =>
      found.length === 0
        ? `${hint}\n\nExpected some ${noun}, found none in ${summary.documents} page load(s).`
        : `${hint}\n\nExpected no ${noun}, found ${found.length}:\n${list}`,
  }
}

function ignoring(options: NoSignalsOptions | undefined, name: string) {
  if (options !== undefined && (typeof options !== 'object' || options === null))
    throw new TypeError(`${name}: options must be an object like { ignore: (signal) => boolean }`)
  const ignore = options?.ignore
  if (ignore !== undefined && typeof ignore !== 'function')
    throw new TypeError(`${name}: options.ignore must be a function (signal) => boolean`)
  return (s: SightlineSignal) => !ignore?.(s)
}

/** Matcher bodies, usable with any `expect.extend` (the `this` of a matcher carries `isNot`). */
export const sightlineMatchers = {
  /** No rage, dead, error (or other) click signals. */
  async toHaveNoFrustrationSignals(
    this: { isNot?: boolean },
    subject: SightlineSubject,
    options?: NoSignalsOptions,
  ): Promise<MatcherResult> {
    const name = 'toHaveNoFrustrationSignals'
    const keep = ignoring(options, name)
    const summary = await summaryOf(subject, name)
    return noneOf(
      name,
      'frustration signals',
      summary.frustrationSignals.filter(keep),
      summary,
      !!this?.isNot,
    )
  },

  /** No `console.error` calls and no uncaught errors or unhandled rejections. */
  async toHaveNoConsoleErrors(
    this: { isNot?: boolean },
    subject: SightlineSubject,
    options?: NoSignalsOptions,
  ): Promise<MatcherResult> {
    const name = 'toHaveNoConsoleErrors'
    const keep = ignoring(options, name)
    const summary = await summaryOf(subject, name)
    const found = [...summary.consoleErrors, ...summary.errors].filter(keep).sort((a, b) => a.time - b.time)
    return noneOf(name, 'console errors or uncaught errors', found, summary, !!this?.isNot)
  },

  /**
   * Every page's vitals at or under the thresholds (ms; CLS unitless). A vital not measured on a page
   * (no interaction: no INP) is not held against it.
   */
  async toMeetWebVitals(
    this: { isNot?: boolean },
    subject: SightlineSubject,
    thresholds: VitalThresholds,
  ): Promise<MatcherResult> {
    const name = 'toMeetWebVitals'
    checkThresholds(thresholds)
    const summary = await summaryOf(subject, name)
    const over: string[] = []
    const measured = new Set<string>()
    for (const page of summary.vitals)
      for (const [metric, limit] of Object.entries(thresholds) as [VitalName, number][]) {
        const v = page[metric]
        if (!v) continue
        measured.add(metric)
        if (v.value > limit) over.push(formatVital(metric, v, limit, page.page, summary.startedAt))
      }
    const wanted = Object.entries(thresholds)
      .map(([m, limit]) => `${m} ≤ ${format(m as VitalName, limit)}`)
      .join(', ')
    const missing = Object.keys(thresholds).filter((m) => !measured.has(m))
    const hint = `expect(sightline).${this?.isNot ? 'not.' : ''}${name}(${JSON.stringify(thresholds)})`
    return {
      pass: over.length === 0,
      name,
      expected: thresholds,
      actual: summary.vitals,
      message: () =>
        over.length
          ? `${hint}\n\nExpected ${wanted} on every page, ${over.length} over:\n${over.join('\n')}`
          : `${hint}\n\nExpected some vital over ${wanted}, all within on ${summary.vitals.length} page(s)` +
            (missing.length ? ` (not measured: ${missing.join(', ')})` : '') +
            '.',
    }
  },
}

const format = (metric: VitalName, value: number) => (metric === 'CLS' ? String(value) : `${value} ms`)

function formatVital(metric: VitalName, v: VitalValue, limit: number, page: string, start: number) {
  const element = v.selector ? ` element ${v.selector}` : ''
  const how = v.final ? 'reported' : 'measured'
  return `  - ${metric} ${format(metric, v.value)} > ${format(metric, limit)} (${v.rating}) — page ${page}${element}, ${how} at ${clock(v.time)} (${since(v.time, start)})`
}

function checkThresholds(thresholds: unknown): asserts thresholds is VitalThresholds {
  const usage = `toMeetWebVitals: thresholds must be an object like { LCP: 2500, CLS: 0.1, INP: 200 } (keys ${VITALS.join(', ')}; ms, CLS unitless)`
  if (!thresholds || typeof thresholds !== 'object' || !Object.keys(thresholds).length)
    throw new TypeError(usage)
  for (const [k, v] of Object.entries(thresholds)) {
    if (!(k in VITAL_THRESHOLDS)) throw new TypeError(`${usage}: unknown key ${JSON.stringify(k)}`)
    if (typeof v !== 'number' || !Number.isFinite(v) || v < 0)
      throw new TypeError(`${usage}: ${k} must be a number ≥ 0, got ${JSON.stringify(v)}`)
  }
}
