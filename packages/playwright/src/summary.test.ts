import { describe, expect, it } from 'vitest'
import { computeCls, estimateInp, type Shift } from './inPage.js'
import {
  buildSummary,
  type DocState,
  pageVitals,
  rate,
  type StepRecord,
  stepAt,
  toSignal,
  toVital,
} from './summary.js'

const doc = (over: Partial<DocState> = {}): DocState => ({
  id: 'd1',
  url: 'http://shop.test/',
  counts: {},
  seen: new Set(),
  reported: {},
  ...over,
})

describe('computeCls', () => {
  const shift = (startTime: number, value: number, hadRecentInput = false): Shift => ({
    startTime,
    value,
    hadRecentInput,
  })

  it('should take the largest session window: shifts under 1 s apart, a window at most 5 s long', () => {
    // Window 1: 0.05 + 0.05 (0.5 s apart); window 2 starts after a 2 s gap: 0.02 + 0.03 + 0.04 = 0.09.
    const shifts = [shift(0, 0.05), shift(500, 0.05), shift(2500, 0.02), shift(3000, 0.03), shift(3500, 0.04)]
    const cls = computeCls(shifts)
    expect(cls.value).toBe(0.1)
    expect(cls.largest).toBe(shifts[0])
    expect(computeCls([...shifts, shift(4000, 0.05)]).value).toBe(0.14)
  })

  it('should cut a window at 5 s even when shifts keep coming, and ignore shifts after input', () => {
    const steady = Array.from({ length: 12 }, (_, i) => shift(i * 900, 0.01))
    // 0, 900, … 4500 fit in 5 s (6 shifts); 5400 opens the next window.
    expect(computeCls(steady).value).toBe(0.06)
    expect(computeCls([shift(0, 0.3, true), shift(100, 0.01)]).value).toBe(0.01)
    expect(computeCls([])).toEqual({ value: 0, largest: undefined })
  })
})

describe('estimateInp', () => {
  const d = (duration: number) => ({ duration })

  it('should take the longest interaction below 50 interactions, and skip one outlier per 50', () => {
    expect(estimateInp([d(80), d(300), d(120)], 3)).toEqual(d(300))
    expect(estimateInp([d(80), d(300), d(120)], 50)).toEqual(d(120))
    expect(estimateInp([d(80), d(300), d(120)], 500)).toEqual(d(80))
    expect(estimateInp([], 4)).toBeUndefined()
  })
})

describe('toSignal', () => {
  const steps: StepRecord[] = [
    { stepId: 'a', title: 'checkout', startedAt: 1000, endedAt: 5000, status: 'passed' },
    { stepId: 'b', title: 'pay', parentStepId: 'a', startedAt: 2000, endedAt: 3000, status: 'passed' },
  ]
  const context = { page: 'http://shop.test/fallback', sessionId: 's1', steps }

  it('should describe a dead click with its element, reason, page, time and innermost step', () => {
    const event = {
      type: 'signal',
      t: 2500,
      url: 'http://shop.test/cart',
      kind: 'dead_click',
      reason: 'no_reaction',
      selector: 'button#nothing',
      rule: 'dead-1',
      evidence: {},
    }
    expect(toSignal(event, context)).toEqual({
      kind: 'dead_click',
      selector: 'button#nothing',
      message: 'no_reaction',
      page: 'http://shop.test/cart',
      time: 2500,
      step: 'pay',
      sessionId: 's1',
      event,
    })
  })

  it('should describe rage clicks, errors, failed requests and console errors', () => {
    expect(
      toSignal({ type: 'rage', t: 4000, count: 4, selector: 'a#x', firstAt: 1, lastAt: 2 }, context),
    ).toMatchObject({
      kind: 'rage_click',
      count: 4,
      selector: 'a#x',
      page: 'http://shop.test/fallback',
      step: 'checkout',
    })
    expect(
      toSignal({ type: 'error', t: 9000, message: 'boom', errorType: 'TypeError' }, context),
    ).toMatchObject({
      kind: 'js_error',
      message: 'TypeError: boom',
    })
    expect(
      toSignal({ type: 'error', t: 9000, message: 'boom', errorType: 'TypeError' }, context),
    ).not.toHaveProperty('step')
    expect(
      toSignal(
        { type: 'network', t: 1, method: 'GET', target: 'http://api.test/x', status: 404, durationMs: 12 },
        context,
      ),
    ).toMatchObject({
      kind: 'failed_request',
      status: 404,
      message: 'HTTP 404',
      request: { method: 'GET', url: 'http://api.test/x', durationMs: 12 },
    })
    const failed = toSignal(
      { type: 'network', t: 1, method: 'POST', target: 'http://x/', error: 'TypeError: Failed to fetch' },
      context,
    )
    expect(failed).toMatchObject({ kind: 'failed_request', message: 'TypeError: Failed to fetch' })
    expect(failed).not.toHaveProperty('status')
    expect(toSignal({ type: 'console', t: 1, level: 'error', message: 'bad' }, context)).toMatchObject({
      kind: 'console_error',
      message: 'bad',
    })
    expect(toSignal({ type: 'perf', t: 1, metric: 'LCP', value: 1 }, context)).toBeUndefined()
  })
})

describe('stepAt', () => {
  it('should pick the latest started step that is running at that time', () => {
    const steps: StepRecord[] = [
      { stepId: 'a', title: 'outer', startedAt: 0, status: 'running' },
      { stepId: 'b', title: 'inner', startedAt: 10, endedAt: 20, status: 'passed' },
    ]
    expect(stepAt(steps, 15)?.title).toBe('inner')
    expect(stepAt(steps, 25)?.title).toBe('outer')
    expect(stepAt(steps, -1)).toBeUndefined()
  })
})

describe('vitals', () => {
  it('should rate with web-vitals thresholds', () => {
    expect([rate('LCP', 2500), rate('LCP', 2501), rate('LCP', 4001)]).toEqual([
      'good',
      'needs-improvement',
      'poor',
    ])
    expect([rate('CLS', 0.1), rate('CLS', 0.2), rate('CLS', 0.3)]).toEqual([
      'good',
      'needs-improvement',
      'poor',
    ])
  })

  it('should prefer a reported value to a measurement, and keep the worst page load of a URL', () => {
    const lcp = toVital(
      { type: 'perf', t: 50, metric: 'LCP', value: 900, selector: 'img#hero' },
      'http://a/',
    )!
    const docs = [
      doc({
        id: 'd1',
        url: 'http://a/',
        reported: { LCP: lcp },
        measured: { page: 'http://a/', time: 60, values: { LCP: { value: 5000 }, CLS: { value: 0.02 } } },
      }),
      doc({
        id: 'd2',
        url: 'http://a/',
        measured: {
          page: 'http://a/',
          time: 70,
          values: { LCP: { value: 1200, selector: 'h1' }, INP: { value: 320, selector: 'button#slow' } },
        },
      }),
      doc({
        id: 'd3',
        url: 'http://b/',
        measured: { page: 'http://b/', time: 80, values: { CLS: { value: 0.3 } } },
      }),
    ]
    expect(pageVitals(docs)).toEqual([
      {
        page: 'http://a/',
        LCP: { value: 1200, rating: 'good', selector: 'h1', time: 70, final: false },
        CLS: { value: 0.02, rating: 'good', time: 60, final: false },
        INP: { value: 320, rating: 'needs-improvement', selector: 'button#slow', time: 70, final: false },
      },
      { page: 'http://b/', CLS: { value: 0.3, rating: 'poor', time: 80, final: false } },
    ])
    expect(toVital({ type: 'perf', t: 1, metric: 'dns', value: 3 }, 'x')).toBeUndefined()
  })
})

describe('buildSummary', () => {
  it('should add counts over documents and sort signals into their lists by time', () => {
    const context = { page: 'http://a/', steps: [] }
    const signals = [
      toSignal({ type: 'console', t: 30, level: 'error', message: 'c' }, context)!,
      toSignal({ type: 'signal', t: 20, kind: 'dead_click', selector: 'b' }, context)!,
      toSignal({ type: 'error', t: 10, message: 'e' }, context)!,
      toSignal({ type: 'network', t: 40, method: 'GET', target: 'u', status: 500 }, context)!,
      toSignal({ type: 'rage', t: 5, count: 3 }, context)!,
    ]
    const summary = buildSummary({
      testRunId: 'run',
      docs: [
        doc({ id: 'd1', counts: { click: 2, pageview: 1 }, sessionId: 's2' }),
        doc({ id: 'd2', counts: { click: 1, error: 1 }, sessionId: 's1' }),
      ],
      signals,
      steps: [],
      sessionIds: ['s1', 's3'],
      startedAt: 1,
      warnings: [],
    })
    expect(summary).toMatchObject({
      testRunId: 'run',
      sessionIds: ['s1', 's2', 's3'],
      documents: 2,
      counts: { click: 3, error: 1, pageview: 1 },
      startedAt: 1,
      warnings: [],
    })
    expect(summary.frustrationSignals.map((s) => s.kind)).toEqual(['rage_click', 'dead_click'])
    expect(summary.errors.map((s) => s.message)).toEqual(['e'])
    expect(summary.failedRequests.map((s) => s.status)).toEqual([500])
    expect(summary.consoleErrors.map((s) => s.message)).toEqual(['c'])
    expect(Object.keys(summary.counts)).toEqual(['click', 'error', 'pageview'])
  })
})
