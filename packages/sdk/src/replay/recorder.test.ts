// @vitest-environment happy-dom
import { describe, expect, it, vi } from 'vitest'
import { resolveOptions } from '../boot/options.js'
import { MUTATION_EMIT_MAX_MS, SEGMENT_FLUSH_BYTES } from '../constants.js'
import { createActivity } from '../tools/activity.js'
import type { CaptureContext } from '../types.js'
import { scrubRecordJson, startRecorder } from './recorder.js'
import { recordOptions } from './recordOptions.js'

const rr = vi.hoisted(() => ({
  emit: (_r: object) => {},
  scheduleMutationEmit: (_emit: () => void) => {},
  /** Records of DOM changes the (patched) rrweb has processed but not emitted yet. */
  deferred: [] as object[],
}))
vi.mock('@rrweb/record', () => {
  const record = (o: { emit: (r: object) => void; scheduleMutationEmit: (emit: () => void) => void }) => {
    rr.emit = o.emit
    rr.scheduleMutationEmit = o.scheduleMutationEmit
    return () => {}
  }
  record.emitDeferredMutations = () => {
    for (const r of rr.deferred.splice(0)) rr.emit(r)
  }
  return { record }
})

function recorder() {
  const segments: { t: number; segment: number; records: { timestamp: number }[] }[] = []
  const sizes: number[] = []
  const ctx: CaptureContext = {
    emit: () => {},
    emitReplay: (json) => {
      const s = JSON.parse(json)
      segments.push(s)
      sizes.push(s.records.reduce((n: number, r: object) => n + JSON.stringify(r).length, 0))
    },
    options: resolveOptions({ siteKey: `slp_${'a'.repeat(32)}`, endpoint: 'https://collector.example' }),
    activity: createActivity(() => Date.now()),
    now: () => Date.now(),
    pageUrl: () => location.href,
  }
  return { segments, sizes, rec: startRecorder(ctx) }
}
const record = (timestamp: number, kb: number) => ({
  type: 3,
  timestamp,
  data: { text: 'x'.repeat(kb * 1000) },
})

describe('recordOptions', () => {
  it('should mask every input type, block hidden inputs and marked elements, and mask contenteditable', () => {
    document.body.innerHTML = `<input type="hidden" value="x"><div data-sightline-block></div><img><p contenteditable>t</p>`
    const o = recordOptions('default')
    expect(o.maskAllInputs).toBe(true)
    expect(Object.keys(o.maskInputOptions)).toEqual(
      expect.arrayContaining(['password', 'email', 'text', 'textarea', 'select', 'tel', 'number']),
    )
    expect(Object.values(o.maskInputOptions).every(Boolean)).toBe(true)
    expect(o.maskInputFn('hunter2')).toBe('*******')
    expect(document.querySelector('input')!.matches(o.blockSelector)).toBe(true)
    expect(document.querySelector('div')!.matches(o.blockSelector)).toBe(true)
    expect(document.querySelector('img')!.matches(o.blockSelector)).toBe(false)
    expect(document.querySelector('p')!.matches(o.maskTextSelector)).toBe(true)
  })

  it('should mask all text and block media under the strict level', () => {
    document.body.innerHTML = '<img><video></video><p>t</p>'
    const o = recordOptions('strict')
    expect(document.querySelector('img')!.matches(o.blockSelector)).toBe(true)
    expect(document.querySelector('video')!.matches(o.blockSelector)).toBe(true)
    expect(document.querySelector('p')!.matches(o.maskTextSelector)).toBe(true)
    expect(o.maskTextFn('Secret words')).toBe('****** *****')
  })
})

describe('scrubRecordJson', () => {
  it('should redact secret URL values in the page address and in link attributes of records', () => {
    const meta = JSON.stringify({
      type: 4,
      data: { href: 'https://a.example/?token=T1&page=2#access_token=T2' },
    })
    expect(scrubRecordJson(meta)).toBe(
      JSON.stringify({
        type: 4,
        data: { href: 'https://a.example/?token=[redacted]&page=2#access_token=[redacted]' },
      }),
    )
    const link = JSON.stringify({
      tagName: 'a',
      attributes: { href: '/reset?reset_token=T3&lang=en', title: 'a=b' },
    })
    expect(scrubRecordJson(link)).toBe(
      JSON.stringify({
        tagName: 'a',
        attributes: { href: '/reset?reset_token=[redacted]&lang=en', title: 'a=b' },
      }),
    )
    const plain = JSON.stringify({ attributes: { href: '/products?page=2&sort=price', style: 'color:red;' } })
    expect(scrubRecordJson(plain)).toBe(plain)
  })

  it("should mask what the core's check names (fields of GET forms sent), besides secret-looking names", () => {
    const meta = JSON.stringify({
      type: 4,
      data: { href: 'https://a.example/results?q=typed&page=2&token=T' },
    })
    const secret = (name: string) => name === 'q' || name === 'token'
    expect(scrubRecordJson(meta, secret)).toBe(
      JSON.stringify({
        type: 4,
        data: { href: 'https://a.example/results?q=[redacted]&page=2&token=[redacted]' },
      }),
    )
  })
})

describe('startRecorder segments', () => {
  it('should not cut at 60 KB of JSON while recording (≈ 60 KB is meant compressed), and cut a flush to the exit size', () => {
    const { segments, sizes, rec } = recorder()
    const t0 = Date.now()
    for (let i = 0; i < 12; i++) rr.emit(record(t0 + i * 100, 10)) // 120 KB of JSON within 1.2 s
    rec.flush()
    expect(segments.length).toBe(3)
    expect(sizes.every((n) => n <= SEGMENT_FLUSH_BYTES)).toBe(true)
    expect(segments.map((s) => s.segment)).toEqual([0, 1, 2])
    expect(segments.flatMap((s) => s.records.map((r) => r.timestamp))).toEqual(
      Array.from({ length: 12 }, (_, i) => t0 + i * 100),
    )
    expect(segments.map((s) => s.t)).toEqual(segments.map((s) => s.records[0]!.timestamp))
    rec.stop()
  })

  it('should cut a segment once it spans 5 s', () => {
    const { segments, rec } = recorder()
    const t0 = Date.now()
    for (let i = 0; i <= 7; i++) rr.emit(record(t0 + i * 1000, 1))
    rec.flush()
    expect(segments.map((s) => s.records.length)).toEqual([6, 2])
    rec.stop()
  })
})

describe('startRecorder and deferred DOM changes (patched rrweb)', () => {
  it('should have rrweb serialise DOM changes in an idle callback within MUTATION_EMIT_MAX_MS, its errors kept from the page', () => {
    const calls: [() => void, IdleRequestOptions | undefined][] = []
    vi.stubGlobal('requestIdleCallback', (cb: () => void, o?: IdleRequestOptions) => calls.push([cb, o]))
    try {
      const { rec } = recorder()
      const emitted: string[] = []
      rr.scheduleMutationEmit(() => emitted.push('mutations'))
      rr.scheduleMutationEmit(() => {
        throw new Error('rrweb failed')
      })
      expect(calls.map(([, o]) => o?.timeout)).toEqual([MUTATION_EMIT_MAX_MS, MUTATION_EMIT_MAX_MS])
      expect(emitted).toEqual([]) // not in the page's task
      calls[0]![0]()
      expect(emitted).toEqual(['mutations'])
      expect(() => calls[1]![0]()).not.toThrow()
      rec.stop()
    } finally {
      vi.unstubAllGlobals()
    }
  })

  it('should take the DOM changes rrweb still holds into a flush (page hidden or left)', () => {
    const { segments, rec } = recorder()
    const t0 = Date.now()
    rr.emit(record(t0, 1))
    rr.deferred.push(record(t0 + 10, 1))
    rec.flush()
    expect(segments.flatMap((s) => s.records.map((r) => r.timestamp))).toEqual([t0, t0 + 10])
    rec.stop()
  })
})
