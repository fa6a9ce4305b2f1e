import {
  buildSummary,
  type DocState,
  type MeasuredVital,
  type SightlineSignal,
  type SightlineSummary,
  type StepRecord,
  toSignal,
  toVital,
  type VitalName,
} from './summary.js'

/** A message of the in-page tap (see inPage.ts): a document's counts, plus an event or a report. */
export interface PageMessage {
  d: string
  u: string
  s?: string
  c: Record<string, number>
  /** The event's number in its document (forwarded events only). */
  n?: number
  e?: Record<string, unknown>
  /** How many events the document had forwarded (reports). */
  sent?: number
  /** Vitals measured now (reports on flush). */
  v?: Partial<Record<VitalName, MeasuredVital>>
  /** Messages a document sent while it unloaded, handed on by the next page of the tab. */
  tail?: PageMessage[]
  /** The document that handed this message on. */
  via?: string
  /** How many messages the document handed on (reports). */
  handed?: number
  /** Signals the document did not forward (over its limit): counted only. */
  o?: number
}

/** Signal kinds that `on('signal')` streams (console errors are in the summary only). */
const STREAMED = (s: SightlineSignal) => s.kind !== 'console_error'

/**
 * The test process's side of the tap: documents, signals and listeners. `receive` takes what the
 * binding delivers; nothing here talks to the browser.
 */
export function createRecorder(steps: () => StepRecord[]) {
  const docs = new Map<string, DocState>()
  const signals: SightlineSignal[] = []
  const listeners = new Set<(s: SightlineSignal) => void>()
  const listenerErrors: unknown[] = []
  const waiters = new Set<() => void>()
  /** Handed-on messages received, by the document that handed them on. */
  const handedVia = new Map<string, number>()

  function receive(m: PageMessage): void {
    if (!m || typeof m !== 'object' || typeof m.d !== 'string') return
    let doc = docs.get(m.d)
    if (!doc) {
      doc = { id: m.d, url: String(m.u ?? ''), counts: {}, seen: new Set(), reported: {} }
      docs.set(m.d, doc)
    }
    if (typeof m.via === 'string') handedVia.set(m.via, (handedVia.get(m.via) ?? 0) + 1)
    if (typeof m.u === 'string') doc.url = m.u
    if (typeof m.s === 'string') doc.sessionId = m.s
    // Counts are cumulative: messages may arrive late or twice (handed on), so keep the largest.
    for (const [k, n] of Object.entries(m.c ?? {}))
      if (typeof n === 'number' && n > (doc.counts[k] ?? 0)) doc.counts[k] = n
    for (const t of Array.isArray(m.tail) ? m.tail : []) receive(t)
    if (typeof m.o === 'number' && m.o > (doc.notForwarded ?? 0)) doc.notForwarded = m.o
    if (m.v) doc.measured = { page: doc.url, time: Date.now(), values: m.v }
    if (typeof m.n === 'number' && m.e && !doc.seen.has(m.n)) {
      doc.seen.add(m.n)
      const vital = toVital(m.e, doc.url)
      if (vital) {
        const name = m.e.metric as VitalName
        const before = doc.reported[name]
        if (!before || vital.time >= before.time) doc.reported[name] = vital
      } else {
        const signal = toSignal(m.e, { page: doc.url, sessionId: doc.sessionId, steps: steps() })
        if (signal) {
          signals.push(signal)
          if (STREAMED(signal))
            for (const listener of listeners)
              try {
                listener(signal)
              } catch (error) {
                listenerErrors.push(error)
              }
        }
      }
    }
    for (const w of waiters) w()
  }

  /**
   * Resolves true once document `id` has delivered its first `sent` events and the `handed` messages it
   * handed on, false after `timeoutMs`.
   */
  function delivered(id: string, sent: number, handed: number, timeoutMs: number): Promise<boolean> {
    const done = () => (docs.get(id)?.seen.size ?? 0) >= sent && (handedVia.get(id) ?? 0) >= handed
    if (done()) return Promise.resolve(true)
    return new Promise((resolve) => {
      const check = () => {
        if (!done()) return
        finish(true)
      }
      const finish = (ok: boolean) => {
        waiters.delete(check)
        clearTimeout(timer)
        resolve(ok)
      }
      const timer = setTimeout(() => finish(false), timeoutMs)
      waiters.add(check)
    })
  }

  return {
    receive,
    delivered,
    on(listener: (s: SightlineSignal) => void): () => void {
      listeners.add(listener)
      return () => listeners.delete(listener)
    },
    /** Throws (once) what a listener threw, so that a failed expectation in a listener fails the test. */
    rethrow(): void {
      const error = listenerErrors.shift()
      listenerErrors.length = 0
      if (error !== undefined) throw error
    },
    summary(input: {
      testRunId: string | undefined
      sessionIds: string[]
      startedAt: number
      warnings: string[]
    }): SightlineSummary {
      return buildSummary({ ...input, docs: docs.values(), signals, steps: steps() })
    },
  }
}

export type Recorder = ReturnType<typeof createRecorder>
