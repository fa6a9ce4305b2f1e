import { describe, expect, it } from 'vitest'
import { formatSignal, sightlineMatchers } from './matchers.js'
import { buildSummary, type DocState, type SightlineSummary, toSignal } from './summary.js'

const START = Date.UTC(2025, 0, 2, 10, 0, 0)
const context = { page: 'http://shop.test/', sessionId: 's1', steps: [] }
const summaryWith = (events: Record<string, unknown>[], docs: DocState[] = []): SightlineSummary =>
  buildSummary({
    docs,
    signals: events.map((e) => toSignal(e, context)!),
    steps: [],
    sessionIds: ['s1'],
    startedAt: START,
    warnings: [],
  })
const { toHaveNoFrustrationSignals, toHaveNoConsoleErrors, toMeetWebVitals } = sightlineMatchers

describe('formatSignal', () => {
  it('should show kind, element, message, page, clock time and time since the start', () => {
    const dead = toSignal(
      {
        type: 'signal',
        t: START + 1234,
        kind: 'dead_click',
        reason: 'no_reaction',
        selector: 'button#nothing',
      },
      context,
    )!
    expect(formatSignal(dead, START)).toBe(
      '  - dead_click on button#nothing (no_reaction) — page http://shop.test/ at 10:00:01.234 (+1.234 s)',
    )
    const failed = toSignal(
      { type: 'network', t: START + 50, method: 'GET', target: 'http://shop.test/api/missing', status: 404 },
      context,
    )!
    expect(formatSignal({ ...failed, step: 'load' }, START)).toBe(
      '  - failed_request GET http://shop.test/api/missing → "HTTP 404" — page http://shop.test/ at 10:00:00.050 (+0.050 s) in step "load"',
    )
  })
})

describe('toHaveNoFrustrationSignals', () => {
  it('should pass without signals and fail listing each one', async () => {
    expect((await toHaveNoFrustrationSignals.call({}, summaryWith([]))).pass).toBe(true)
    const result = await toHaveNoFrustrationSignals.call(
      {},
      summaryWith([
        { type: 'signal', t: START + 2000, kind: 'error_click', selector: 'button#boom' },
        { type: 'rage', t: START + 1000, count: 3, selector: 'button#buy' },
        { type: 'console', t: START + 3000, level: 'error', message: 'not a frustration signal' },
      ]),
    )
    expect(result.pass).toBe(false)
    expect(result.message()).toBe(
      [
        'expect(sightline).toHaveNoFrustrationSignals()',
        '',
        'Expected no frustration signals, found 2:',
        '  - rage_click on button#buy (3 clicks) — page http://shop.test/ at 10:00:01.000 (+1.000 s)',
        '  - error_click on button#boom — page http://shop.test/ at 10:00:02.000 (+2.000 s)',
      ].join('\n'),
    )
  })

  it('should let ignored signals pass, and refuse bad options or subjects', async () => {
    const summary = summaryWith([{ type: 'signal', t: START, kind: 'dead_click', selector: 'button#legacy' }])
    expect(
      (await toHaveNoFrustrationSignals.call({}, summary, { ignore: (s) => s.selector === 'button#legacy' }))
        .pass,
    ).toBe(true)
    await expect(toHaveNoFrustrationSignals.call({}, summary, { ignore: 'x' } as never)).rejects.toThrow(
      'toHaveNoFrustrationSignals: options.ignore must be a function (signal) => boolean',
    )
    await expect(toHaveNoFrustrationSignals.call({}, 42 as never)).rejects.toThrow(
      /expected the sightline handle .* or its summary, got number/,
    )
  })
})

describe('toHaveNoConsoleErrors', () => {
  it('should list console.error calls and uncaught errors, in time order', async () => {
    const result = await toHaveNoConsoleErrors.call(
      {},
      summaryWith([
        { type: 'console', t: START + 20, level: 'error', message: 'error line' },
        { type: 'error', t: START + 10, message: 'boom from the demo', errorType: 'Error' },
        { type: 'signal', t: START, kind: 'dead_click' },
      ]),
    )
    expect(result.pass).toBe(false)
    expect(result.message()).toBe(
      [
        'expect(sightline).toHaveNoConsoleErrors()',
        '',
        'Expected no console errors or uncaught errors, found 2:',
        '  - js_error "Error: boom from the demo" — page http://shop.test/ at 10:00:00.010 (+0.010 s)',
        '  - console_error "error line" — page http://shop.test/ at 10:00:00.020 (+0.020 s)',
      ].join('\n'),
    )
  })
})

describe('toMeetWebVitals', () => {
  const docs: DocState[] = [
    {
      id: 'd',
      url: 'http://shop.test/',
      counts: {},
      seen: new Set(),
      reported: {
        LCP: {
          value: 1800,
          rating: 'good',
          selector: 'img#hero',
          time: START + 500,
          final: true,
          page: 'http://shop.test/',
        },
      },
      measured: {
        page: 'http://shop.test/',
        time: START + 3000,
        values: { CLS: { value: 0.31, selector: 'div#banner' }, INP: { value: 120 } },
      },
    },
  ]

  it('should list each vital over its threshold with page, element and how it was obtained', async () => {
    const result = await toMeetWebVitals.call({}, summaryWith([], docs), { LCP: 1500, CLS: 0.1, INP: 200 })
    expect(result.pass).toBe(false)
    expect(result.message()).toBe(
      [
        'expect(sightline).toMeetWebVitals({"LCP":1500,"CLS":0.1,"INP":200})',
        '',
        'Expected LCP ≤ 1500 ms, CLS ≤ 0.1, INP ≤ 200 ms on every page, 2 over:',
        '  - LCP 1800 ms > 1500 ms (good) — page http://shop.test/ element img#hero, reported at 10:00:00.500 (+0.500 s)',
        '  - CLS 0.31 > 0.1 (poor) — page http://shop.test/ element div#banner, measured at 10:00:03.000 (+3.000 s)',
      ].join('\n'),
    )
  })

  it('should pass within the thresholds, saying which were not measured (for .not)', async () => {
    const result = await toMeetWebVitals.call({ isNot: true }, summaryWith([], docs), {
      LCP: 2500,
      TTFB: 800,
    })
    expect(result.pass).toBe(true)
    expect(result.message()).toBe(
      'expect(sightline).not.toMeetWebVitals({"LCP":2500,"TTFB":800})\n\nExpected some vital over LCP ≤ 2500 ms, TTFB ≤ 800 ms, all within on 1 page(s) (not measured: TTFB).',
    )
  })

  it('should refuse thresholds that are not vitals or not numbers', async () => {
    const summary = summaryWith([], docs)
    await expect(toMeetWebVitals.call({}, summary, {})).rejects.toThrow(/thresholds must be an object like/)
    await expect(toMeetWebVitals.call({}, summary, { FID: 100 } as never)).rejects.toThrow(
      /unknown key "FID"/,
    )
    await expect(toMeetWebVitals.call({}, summary, { LCP: '2s' } as never)).rejects.toThrow(
      /LCP must be a number ≥ 0, got "2s"/,
    )
  })
})
