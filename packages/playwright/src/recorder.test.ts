import { describe, expect, it } from 'vitest'
import { createRecorder, type PageMessage } from './recorder.js'
import type { SightlineSignal } from './summary.js'

const base = { d: 'doc1', u: 'http://shop.test/', s: 'session-1' }
const deadClick = (n: number, t: number): PageMessage => ({
  ...base,
  c: { click: n, signal: n },
  n,
  e: { type: 'signal', t, kind: 'dead_click', selector: `button#b${n}`, rule: 'dead-1', evidence: {} },
})
const summarize = (r: ReturnType<typeof createRecorder>) =>
  r.summary({ testRunId: undefined, sessionIds: [], startedAt: 0, warnings: [] })

describe('createRecorder', () => {
  it('should stream each forwarded signal once, even when a page hands it on again', () => {
    const r = createRecorder(() => [])
    const seen: SightlineSignal[] = []
    r.on((s) => seen.push(s))
    r.receive(deadClick(1, 100))
    r.receive(deadClick(1, 100))
    // The next page of the tab hands on what the first sent while unloading (one already arrived).
    r.receive({ ...base, c: { click: 3, signal: 2 }, tail: [deadClick(1, 100), deadClick(2, 200)] })
    expect(seen.map((s) => s.selector)).toEqual(['button#b1', 'button#b2'])
    expect(summarize(r).counts).toEqual({ click: 3, signal: 2 })
    expect(summarize(r).sessionIds).toEqual(['session-1'])
  })

  it('should keep the largest count of each kind, whatever order the reports arrive in', () => {
    const r = createRecorder(() => [])
    r.receive({ ...base, c: { click: 5, scroll: 1 } })
    r.receive({ ...base, c: { click: 4, scroll: 2 } })
    r.receive({ ...base, d: 'doc2', c: { click: 1 } })
    expect(summarize(r)).toMatchObject({ documents: 2, counts: { click: 6, scroll: 2 } })
  })

  it('should not stream console errors, and keep vitals as the latest report per metric', () => {
    const r = createRecorder(() => [])
    const seen: SightlineSignal[] = []
    r.on((s) => seen.push(s))
    r.receive({ ...base, c: {}, n: 1, e: { type: 'console', t: 1, level: 'error', message: 'x' } })
    r.receive({ ...base, c: {}, n: 2, e: { type: 'perf', t: 5, metric: 'CLS', value: 0.2 } })
    r.receive({ ...base, c: {}, n: 3, e: { type: 'perf', t: 9, metric: 'CLS', value: 0.05 } })
    expect(seen).toEqual([])
    const summary = summarize(r)
    expect(summary.consoleErrors).toHaveLength(1)
    expect(summary.vitals).toEqual([
      { page: base.u, CLS: { value: 0.05, rating: 'good', time: 9, final: true } },
    ])
  })

  it('should rethrow what a listener threw, once, and keep streaming to the others', () => {
    const r = createRecorder(() => [])
    const seen: string[] = []
    r.on(() => {
      throw new Error('listener failed')
    })
    const off = r.on((s) => seen.push(s.kind))
    r.receive(deadClick(1, 1))
    expect(() => r.rethrow()).toThrow('listener failed')
    expect(() => r.rethrow()).not.toThrow()
    off()
    r.receive(deadClick(2, 2))
    expect(seen).toEqual(['dead_click'])
  })

  it('should tell when a document has delivered the signals it sent, or give up after the timeout', async () => {
    const r = createRecorder(() => [])
    const waiting = r.delivered('doc1', 2, 1, 5_000)
    r.receive(deadClick(1, 1))
    r.receive(deadClick(2, 2))
    // A message of a page left earlier, handed on by doc1.
    r.receive({ ...deadClick(1, 1), d: 'doc0', via: 'doc1' })
    expect(await waiting).toBe(true)
    expect(await r.delivered('doc1', 3, 1, 20)).toBe(false)
    expect(await r.delivered('doc1', 2, 2, 20)).toBe(false)
  })

  it('should warn about signals a page counted but did not forward', () => {
    const r = createRecorder(() => [])
    r.receive({ ...base, c: { console: 700 }, o: 150 })
    expect(summarize(r).warnings).toEqual([
      '150 signals of http://shop.test/ were counted but not listed (over the limit per page)',
    ])
  })

  it('should ignore what is not a page message', () => {
    const r = createRecorder(() => [])
    r.receive(null as never)
    r.receive({ nope: 1 } as never)
    expect(summarize(r).documents).toBe(0)
  })
})
