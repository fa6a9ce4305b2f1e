/** What a test sees of a recording: streamed signals, step records and the summary. Pure logic. */
import { SIGNAL_KINDS } from '@sightline/schema/kinds'

/** Every frustration signal kind (the schema's list). */
export const FRUSTRATION_KINDS = SIGNAL_KINDS
export type FrustrationKind = (typeof FRUSTRATION_KINDS)[number]
/** What `handle.on('signal')` streams: frustration signals, uncaught JS errors, failed requests. */
export type SignalKind = FrustrationKind | 'js_error' | 'failed_request'

export const VITALS = ['LCP', 'INP', 'CLS', 'FCP', 'TTFB'] as const
export type VitalName = (typeof VITALS)[number]
/** web-vitals' thresholds: [good up to, poor from]. CLS is unitless, the others are milliseconds. */
export const VITAL_THRESHOLDS: Record<VitalName, readonly [number, number]> = {
  LCP: [2500, 4000],
  INP: [200, 500],
  CLS: [0.1, 0.25],
  FCP: [1800, 3000],
  TTFB: [800, 1800],
}

/** One problem seen in a page, as streamed to `on('signal')` and listed in the summary. */
export interface SightlineSignal {
  kind: SignalKind | 'console_error'
  /** URL of the page it happened on, as the SDK records it (query and hash removed). */
  page: string
  /** When it happened, ms since the epoch (for a click signal: the click). */
  time: number
  /** The element: clicked (signals), or none. */
  selector?: string
  /** Error or console message; a network error; for a dead click, why it is dead. */
  message?: string
  /** HTTP status of a failed request (absent when the request failed without an answer). */
  status?: number
  request?: { method: string; url: string; durationMs?: number }
  /** Clicks in a rage click. */
  count?: number
  /** Title of the innermost test step running when it happened. */
  step?: string
  sessionId?: string
  /** The event as the SDK emitted it (request and response headers and bodies left out). */
  event: Record<string, unknown>
}

export interface VitalValue {
  value: number
  rating: 'good' | 'needs-improvement' | 'poor'
  /** The LCP element, the INP target, the node of the largest layout shift. */
  selector?: string
  /** When it was reported or measured, ms since the epoch. */
  time: number
  /** true: reported by the SDK (web-vitals, on page hide or first input); false: measured at flush on an open page. */
  final: boolean
}

/** The worst value of each vital over the page loads of one URL. */
export type PageVitals = { page: string } & Partial<Record<VitalName, VitalValue>>

export interface StepRecord {
  stepId: string
  title: string
  parentStepId?: string
  startedAt: number
  endedAt?: number
  status: 'running' | 'passed' | 'failed'
  error?: string
}

export interface SightlineSummary {
  testRunId?: string
  /** Every user_session_id seen, in every page and frame, open or closed. */
  sessionIds: string[]
  /** Documents (page loads, frames) that reported. */
  documents: number
  /** Events captured, by kind (the wire `type`: click, pageview, network, custom, …). */
  counts: Record<string, number>
  frustrationSignals: SightlineSignal[]
  /** Uncaught errors and unhandled rejections. */
  errors: SightlineSignal[]
  /** Requests answered with status ≥ 400 or failed without an answer. */
  failedRequests: SightlineSignal[]
  /** `console.error` calls. */
  consoleErrors: SightlineSignal[]
  vitals: PageVitals[]
  steps: StepRecord[]
  /** Attach and summary times, ms since the epoch. */
  startedAt: number
  finishedAt: number
  /** Anything that makes the summary incomplete (a page that did not answer in time…). */
  warnings: string[]
}

/** What one document (page load or frame) reported. */
export interface DocState {
  id: string
  url: string
  sessionId?: string
  counts: Record<string, number>
  seen: Set<number>
  /** Signals the page counted but did not forward (over its limit). */
  notForwarded?: number
  reported: Partial<Record<VitalName, VitalValue & { page: string }>>
  measured?: { page: string; time: number; values: Partial<Record<VitalName, MeasuredVital>> }
}
export interface MeasuredVital {
  value: number
  selector?: string
}

export const rate = (name: VitalName, value: number): VitalValue['rating'] => {
  const [good, poor] = VITAL_THRESHOLDS[name]
  return value <= good ? 'good' : value <= poor ? 'needs-improvement' : 'poor'
}

const str = (v: unknown) => (typeof v === 'string' ? v : undefined)
const num = (v: unknown) => (typeof v === 'number' ? v : undefined)
/** T whose optional fields may be explicitly undefined. */
type Loose<T> = { [K in keyof T]?: T[K] | undefined }
/** Drops the undefined fields (the types forbid explicit undefined). */
function defined<T extends object>(o: Loose<T>): T {
  for (const k of Object.keys(o) as (keyof T)[]) if (o[k] === undefined) delete o[k]
  return o as T
}

/** The innermost step running at `time`: the latest started among those not ended before it. */
export function stepAt(steps: StepRecord[], time: number): StepRecord | undefined {
  let found: StepRecord | undefined
  for (const s of steps)
    if (s.startedAt <= time && (s.endedAt === undefined || s.endedAt >= time)) {
      if (!found || s.startedAt >= found.startedAt) found = s
    }
  return found
}

/** A forwarded event as a signal; undefined for events that are not one (web vitals). */
export function toSignal(
  event: Record<string, unknown>,
  context: { page: string; sessionId?: string | undefined; steps: StepRecord[] },
): SightlineSignal | undefined {
  const time = num(event.t) ?? Date.now()
  let signal: Loose<SightlineSignal>
  switch (event.type) {
    case 'signal':
      signal = {
        kind: event.kind as FrustrationKind,
        selector: str(event.selector),
        message: str(event.reason),
      }
      break
    case 'rage':
      signal = { kind: 'rage_click', selector: str(event.selector), count: num(event.count) }
      break
    case 'error':
      signal = {
        kind: 'js_error',
        message: [str(event.errorType), str(event.message)].filter(Boolean).join(': '),
      }
      break
    case 'network': {
      const status = num(event.status)
      signal = {
        kind: 'failed_request',
        status,
        message: str(event.error) ?? `HTTP ${status}`,
        request: defined<NonNullable<SightlineSignal['request']>>({
          method: str(event.method) ?? 'GET',
          url: str(event.target) ?? '',
          durationMs: num(event.durationMs),
        }),
      }
      break
    }
    case 'console':
      signal = { kind: 'console_error', message: str(event.message) }
      break
    default:
      return undefined
  }
  return defined<SightlineSignal>({
    ...signal,
    page: str(event.url) ?? context.page,
    time,
    step: stepAt(context.steps, time)?.title,
    sessionId: context.sessionId,
    event,
  })
}

/** A vital reported by the SDK (a forwarded `perf` event), or undefined for another metric. */
export function toVital(
  event: Record<string, unknown>,
  page: string,
): (VitalValue & { page: string }) | undefined {
  const name = event.metric as VitalName
  const value = num(event.value)
  if (event.type !== 'perf' || !VITALS.includes(name) || value === undefined) return undefined
  return defined<VitalValue & { page: string }>({
    value,
    rating: rate(name, value),
    selector: str(event.selector),
    time: num(event.t) ?? Date.now(),
    final: true,
    page: str(event.url) ?? page,
  })
}

/** Per URL, the worst value of each vital over its documents; a reported value beats a measurement. */
export function pageVitals(docs: Iterable<DocState>): PageVitals[] {
  const pages = new Map<string, PageVitals>()
  for (const doc of docs)
    for (const name of VITALS) {
      const reported = doc.reported[name]
      const measured = doc.measured?.values[name]
      const page = reported?.page ?? doc.measured?.page ?? doc.url
      let v: VitalValue | undefined
      if (reported) {
        const { page: _page, ...rest } = reported
        v = rest
      } else if (measured)
        v = defined<VitalValue>({
          value: measured.value,
          rating: rate(name, measured.value),
          selector: measured.selector,
          time: doc.measured!.time,
          final: false,
        })
      if (!v) continue
      const entry = pages.get(page) ?? { page }
      pages.set(page, entry)
      const before = entry[name]
      if (!before || v.value > before.value) entry[name] = v
    }
  return [...pages.values()]
}

export function buildSummary(input: {
  testRunId?: string | undefined
  docs: Iterable<DocState>
  signals: SightlineSignal[]
  steps: StepRecord[]
  sessionIds: Iterable<string>
  startedAt: number
  warnings: string[]
}): SightlineSummary {
  const docs = [...input.docs]
  const counts: Record<string, number> = {}
  for (const doc of docs) for (const [k, n] of Object.entries(doc.counts)) counts[k] = (counts[k] ?? 0) + n
  const sorted = [...input.signals].sort((a, b) => a.time - b.time)
  const of = (pick: (s: SightlineSignal) => boolean) => sorted.filter(pick)
  const sessions = new Set([...input.sessionIds, ...docs.flatMap((d) => (d.sessionId ? [d.sessionId] : []))])
  return defined<SightlineSummary>({
    testRunId: input.testRunId,
    sessionIds: [...sessions].sort(),
    documents: docs.length,
    counts: Object.fromEntries(Object.entries(counts).sort(([a], [b]) => a.localeCompare(b))),
    frustrationSignals: of((s) => (FRUSTRATION_KINDS as readonly string[]).includes(s.kind)),
    errors: of((s) => s.kind === 'js_error'),
    failedRequests: of((s) => s.kind === 'failed_request'),
    consoleErrors: of((s) => s.kind === 'console_error'),
    vitals: pageVitals(docs),
    steps: input.steps.map((s) => ({ ...s })),
    startedAt: input.startedAt,
    finishedAt: Date.now(),
    warnings: [
      ...input.warnings,
      ...docs.flatMap((d) =>
        d.notForwarded
          ? [`${d.notForwarded} signals of ${d.url} were counted but not listed (over the limit per page)`]
          : [],
      ),
    ],
  })
}
