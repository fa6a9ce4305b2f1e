import { EVENT_TYPES, Event } from '@sightline/schema'
import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { realisticEvents } from '../../../../bench/ingest/batches.js'
import { fastEvent } from './fastEvent.js'

/** Every key any event kind has, so generated objects hit real fields. */
const KEYS = [...new Set(Event.options.flatMap((o) => Object.keys(o.shape)))]
/** Every enum value of the wire format, so enum fields get valid values too. */
const ENUM_VALUES = Event.options.flatMap((o) =>
  Object.values(o.shape as Record<string, { unwrap?: () => unknown; options?: unknown[] }>).flatMap((s) => {
    const inner = (s.unwrap?.() ?? s) as { options?: unknown[] }
    return Array.isArray(inner.options) ? inner.options : []
  }),
)
const LENGTHS = [0, 1, 2, 31, 32, 33, 63, 64, 65, 255, 256, 257, 511, 512, 513, 1023, 1024, 1025, 4096, 4097]
const NUMBERS = [
  0,
  -0,
  1,
  -1,
  2,
  4,
  5,
  0.5,
  -0.5,
  99.5,
  100,
  100.5,
  1e-239,
  10_000,
  10_001,
  999,
  1000,
  1_000_000,
  1_000_001,
  2_147_483_647,
  2_147_483_648,
  -2_147_483_648,
  -2_147_483_649,
  1e12,
  1e12 + 1,
  8_640_000_000_000,
  8_640_000_000_001,
  Number.MAX_SAFE_INTEGER,
  2 ** 53,
  1.7e308,
  Date.now(),
]

const value: fc.Arbitrary<unknown> = fc.letrec((tie) => ({
  v: fc.oneof(
    fc.constantFrom(...NUMBERS),
    fc.double({ noNaN: true, noDefaultInfinity: true }),
    fc.integer(),
    fc.constantFrom(...ENUM_VALUES, ...EVENT_TYPES, 'GET', 'x', 'Ctrl+S'),
    fc.constantFrom(...LENGTHS).map((n) => 'a'.repeat(n)),
    fc.string(),
    fc.boolean(),
    fc.constant(null),
    // mouse paths: tuples of 3 near the limits, sometimes wrong
    fc.array(
      fc.oneof(fc.tuple(fc.constantFrom(...NUMBERS), fc.integer(), fc.nat()), fc.array(fc.integer())),
      { maxLength: 4 },
    ),
    fc.array(tie('v'), { maxLength: 3 }),
    fc.dictionary(fc.constantFrom('a', 'b', 'x'.repeat(257)), tie('v'), { maxKeys: 2 }),
  ),
})).v

const T = Date.now() - 60_000
/** One valid event of each kind, to mutate. */
const BASES: Record<string, unknown>[] = [
  ...realisticEvents(T, 20),
  { type: 'rage', t: T, count: 3, x: 1, y: 2, selector: 'a', firstAt: T, lastAt: T + 1, rule: 'r1' },
  { type: 'error', t: T, message: 'boom', stack: 'at x', line: 1, column: 2, kind: 'error' },
  { type: 'drop', t: T, reason: 'queue_overflow', category: 'event', quantity: 3 },
  { type: 'custom', t: T, name: 'signup', props: { plan: 'pro' } },
  { type: 'identify', t: T, id: 'u1', traits: { a: 1 } },
  { type: 'signal', t: T, kind: 'dead_click', evidence: {}, rule: 'r1' },
  { type: 'network', t: T, method: 'POST', target: '/x', requestBody: 'a=1', requestHeaders: { a: 'b' } },
  { type: 'console', t: T, level: 'warn', message: 'm', args: [1, 'a'], truncated: true },
  { type: 'perf', t: T, metric: 'LCP', value: 1.5, attribution: { element: 'img' } },
]
/** Every key of any kind, plus strays: mutations hit real fields. */
const MUTABLE = [...KEYS, 'extra', '__proto__', 'constructor']

/** A valid event of some kind, then some fields replaced by random values and some removed. */
const eventLike = fc
  .record({
    base: fc.constantFrom(...BASES),
    set: fc.dictionary(fc.constantFrom(...MUTABLE), value, { maxKeys: 2 }),
    drop: fc.subarray(MUTABLE, { maxLength: 2 }),
  })
  .map(({ base, set, drop }) => {
    const o: Record<string, unknown> = { ...base, ...set }
    for (const k of drop) delete o[k]
    // as the collector sees it: JSON text parsed
    return JSON.parse(JSON.stringify(o)) as unknown
  })

describe('fastEvent (the compiled fast path of event validation)', () => {
  it('accepts only what zod accepts, and returns exactly what zod returns', () => {
    let accepted = 0
    fc.assert(
      fc.property(eventLike, (raw) => {
        const fast = fastEvent(raw)
        const zod = Event.safeParse(raw)
        if (fast === undefined) return
        accepted++
        expect(zod.success).toBe(true)
        expect(fast).toStrictEqual(zod.data)
      }),
      { numRuns: 20_000 },
    )
    // the property must not hold vacuously
    expect(accepted).toBeGreaterThan(2000)
  })

  it('judges every event of a kind without free-form fields that zod accepts (no silent fallback)', () => {
    const free = ['attribution', 'args', 'requestHeaders', 'responseHeaders', 'props', 'traits', 'evidence']
    let checked = 0
    fc.assert(
      fc.property(eventLike, (raw) => {
        const kind = (raw as { type?: unknown }).type
        if (kind === 'signal' || kind === 'replay' || free.some((k) => k in (raw as object))) return
        const zod = Event.safeParse(raw)
        if (!zod.success) return
        checked++
        expect(fastEvent(raw)).toStrictEqual(zod.data)
      }),
      { numRuns: 20_000 },
    )
    expect(checked).toBeGreaterThan(2000)
  })

  it('takes every event of a realistic batch, with zod’s output', () => {
    const events = JSON.parse(JSON.stringify(realisticEvents(Date.now() - 60_000))) as unknown[]
    for (const raw of events) expect(fastEvent(raw)).toStrictEqual(Event.parse(raw))
  })

  it('leaves invalid events, free-form fields and replay to zod', () => {
    const t = Date.now()
    expect(fastEvent({ type: 'click', t, x: 1.5, y: 2 })).toBeUndefined()
    expect(fastEvent({ type: 'click', t, x: 1, y: 2, text: 'a'.repeat(513) })).toBeUndefined()
    expect(fastEvent({ type: 'click', t, y: 2 })).toBeUndefined()
    expect(fastEvent({ type: 'nope', t })).toBeUndefined()
    expect(fastEvent([{ type: 'click', t, x: 1, y: 2 }])).toBeUndefined()
    expect(fastEvent({ type: 'mouse', t, path: [[1, 2, 3, 4]] })).toBeUndefined()
    expect(fastEvent({ type: 'perf', t, metric: 'LCP', value: 1, attribution: {} })).toBeUndefined()
    expect(fastEvent({ type: 'replay', t, segment: 0, records: [{ type: 2, timestamp: t }] })).toBeUndefined()
    expect(fastEvent({ type: 'click', t, x: 1, y: 2, junk: 1 })).toStrictEqual({
      type: 'click',
      t,
      x: 1,
      y: 2,
      button: 0,
    })
  })
})
