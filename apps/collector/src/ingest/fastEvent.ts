/**
 * A fast path for validating events, compiled once from the zod schemas of @sightline/schema (never
 * written by hand, so it cannot drift from them). zod 4 costs ≈ 5 µs per event here, most of it in
 * its generic check machinery; this plain checker costs a fraction of that.
 *
 * It only ever says "valid, and here is what zod would return" or "don't know": any event it cannot
 * judge (an unknown kind, a failing value, a field kind it does not compile — records, unknown
 * values, loose objects, regexes) returns undefined and goes through zod, which also writes the error
 * message. fastEvent.test.ts checks on generated inputs that whatever it accepts, zod accepts with
 * the same output.
 */
import { Event } from '@sightline/schema'

type Check = (value: unknown) => boolean
interface Field {
  key: string
  check: Check
  optional: boolean
  /** A primitive default (zod's `.default(v)`), set when the field is absent. */
  hasDefault: boolean
  defaultValue?: unknown
}
/** Shape of one event kind: its fields, or null when a required field cannot be compiled. */
type Kind = Field[] | null

// biome-ignore lint/suspicious/noExplicitAny: zod's internal definitions are untyped here
type Def = any

/** A checker for one zod schema, or null when it holds something this compiler does not handle. */
function compile(schema: { _zod: { def: Def } }): Check | null {
  const def = schema._zod.def
  const checks: Def[] = (def.checks ?? []).map((c: { _zod: { def: Def } }) => c._zod.def)
  switch (def.type) {
    case 'string': {
      let min = 0
      let max = Number.POSITIVE_INFINITY
      for (const c of checks) {
        if (c.check === 'max_length') max = Math.min(max, c.maximum)
        else if (c.check === 'min_length') min = Math.max(min, c.minimum)
        else return null
      }
      return (v) => typeof v === 'string' && v.length >= min && v.length <= max
    }
    case 'number': {
      let safeInt = false
      let min = Number.NEGATIVE_INFINITY
      let minInclusive = true
      let max = Number.POSITIVE_INFINITY
      let maxInclusive = true
      for (const c of checks) {
        if (c.check === 'number_format' && c.format === 'safeint') safeInt = true
        else if (c.check === 'greater_than' && c.value >= min) {
          min = c.value
          minInclusive = c.inclusive
        } else if (c.check === 'less_than' && c.value <= max) {
          max = c.value
          maxInclusive = c.inclusive
        } else return null
      }
      return (v) =>
        typeof v === 'number' &&
        Number.isFinite(v) &&
        (!safeInt || Number.isSafeInteger(v)) &&
        (minInclusive ? v >= min : v > min) &&
        (maxInclusive ? v <= max : v < max)
    }
    case 'boolean':
      return checks.length ? null : (v) => typeof v === 'boolean'
    case 'enum': {
      const values = new Set(Object.values(def.entries as Record<string, unknown>))
      return (v) => typeof v === 'string' && values.has(v)
    }
    case 'literal': {
      const values = new Set(def.values as unknown[])
      return (v) => values.has(v)
    }
    case 'tuple': {
      if (def.rest || checks.length) return null
      const items = (def.items as { _zod: { def: Def } }[]).map(compile)
      if (items.some((i) => !i)) return null
      const n = items.length
      return (v) => {
        if (!Array.isArray(v) || v.length !== n) return false
        for (let i = 0; i < n; i++) if (!items[i]!(v[i])) return false
        return true
      }
    }
    case 'array': {
      const element = compile(def.element)
      if (!element) return null
      let min = 0
      let max = Number.POSITIVE_INFINITY
      for (const c of checks) {
        if (c.check === 'max_length') max = Math.min(max, c.maximum)
        else if (c.check === 'min_length') min = Math.max(min, c.minimum)
        else return null
      }
      return (v) => {
        if (!Array.isArray(v) || v.length < min || v.length > max) return false
        for (let i = 0; i < v.length; i++) if (!element(v[i])) return false
        return true
      }
    }
    default:
      return null
  }
}

function field(key: string, schema: { _zod: { def: Def } }): Field {
  const def = schema._zod.def
  if (def.type === 'optional')
    return { key, check: compile(def.innerType) ?? unsupported, optional: true, hasDefault: false }
  if (def.type === 'default') {
    const value = def.defaultValue
    const primitive = value === null || typeof value !== 'object'
    return {
      key,
      check: compile(def.innerType) ?? unsupported,
      optional: primitive,
      hasDefault: primitive,
      defaultValue: value,
    }
  }
  return { key, check: compile(schema) ?? unsupported, optional: false, hasDefault: false }
}

/** Marks a field the fast path cannot judge: present, it sends the event to zod. */
const unsupported: Check = () => false

let kinds: Map<string, Kind> | undefined

function compileKinds(): Map<string, Kind> {
  const map = new Map<string, Kind>()
  for (const option of Event.options) {
    const def = option._zod.def as Def
    // Only plain (stripping) objects: a loose or strict object keeps or refuses unknown keys.
    if (def.catchall) {
      map.set(option.shape.type.value, null)
      continue
    }
    const fields = Object.entries(option.shape as Record<string, { _zod: { def: Def } }>).map(([k, s]) =>
      field(k, s),
    )
    // A required field that cannot be compiled would reject every event of the kind: leave it to zod.
    const usable = fields.every((f) => f.optional || f.check !== unsupported)
    map.set(option.shape.type.value, usable ? fields : null)
  }
  return map
}

/**
 * The event as zod's `Event.parse` would return it (unknown keys dropped, defaults set), or undefined
 * when the fast path cannot tell — then use zod. `raw` must come from JSON.parse (no undefined values,
 * no prototypes).
 */
export function fastEvent(raw: unknown): Event | undefined {
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) return undefined
  kinds ??= compileKinds()
  const input = raw as Record<string, unknown>
  const type = input.type
  if (typeof type !== 'string') return undefined
  const fields = kinds.get(type)
  if (!fields) return undefined
  const out: Record<string, unknown> = {}
  for (let i = 0; i < fields.length; i++) {
    const f = fields[i]!
    const v = input[f.key]
    if (v === undefined) {
      if (!f.optional) return undefined
      if (f.hasDefault) out[f.key] = f.defaultValue
      continue
    }
    if (!f.check(v)) return undefined
    out[f.key] = v
  }
  return out as Event
}
