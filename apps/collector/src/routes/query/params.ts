import { z } from 'zod'
import { ApiError } from '../../errors.js'

function invalid(parameter: string, message: string): ApiError {
  return new ApiError(400, 'invalid_parameter', `invalid parameter ${parameter}: ${message}`, { parameter })
}

/**
 * Validates a query string with a strict zod object: an unknown parameter (a typo such as `?lmit=`) is
 * refused too. The 400 names the first parameter at fault in `details.parameter`.
 */
export function parseQuery<T extends z.ZodType>(schema: T, query: Record<string, string>): z.output<T> {
  const parsed = schema.safeParse(query)
  if (parsed.success) return parsed.data
  const issue = parsed.error.issues[0]!
  if (issue.code === 'unrecognized_keys') throw invalid(issue.keys[0]!, 'unknown parameter')
  throw invalid(String(issue.path[0] ?? '(query)'), issue.message)
}

/** A path id (session, test run) must be a UUID: anything else is a 400 naming it, not a database error. */
export function parseId(name: string, value: string): string {
  if (!z.guid().safeParse(value).success) throw invalid(name, 'expected a UUID')
  return value
}

export const uuidParam = z.guid({ error: 'expected a UUID' })

/** `from`/`to`: an ISO-8601 date or date-time (with Z or an offset). */
export const timeParam = z
  .union([z.iso.datetime({ offset: true }), z.iso.date()], {
    error: 'expected an ISO-8601 date or date-time, e.g. 2026-11-20 or 2026-11-20T10:00:00Z',
  })
  .transform((s) => new Date(s))

export function limitParam(max: number, fallback: number) {
  return z.coerce
    .number({ error: 'expected an integer' })
    .int({ error: 'expected an integer' })
    .min(1, { error: `must be between 1 and ${max}` })
    .max(max, { error: `must be between 1 and ${max}` })
    .default(fallback)
}

/** Opaque page cursors: base64url of a JSON array, checked against the tuple each endpoint expects. */
export function encodeCursor(values: unknown[]): string {
  return Buffer.from(JSON.stringify(values)).toString('base64url')
}

export function cursorParam<T extends z.ZodType>(tuple: T) {
  return z.string().transform((s, ctx): z.output<T> => {
    let value: unknown
    try {
      value = JSON.parse(Buffer.from(s, 'base64url').toString())
    } catch {
      value = undefined
    }
    const parsed = tuple.safeParse(value)
    if (parsed.success) return parsed.data
    ctx.addIssue({ code: 'custom', message: 'not a cursor returned by this endpoint' })
    return z.NEVER
  })
}

/** A time range: `from` before `to`, and the default window when one is missing. */
export function timeRange(q: { from?: Date | undefined; to?: Date | undefined }, defaultDays: number) {
  const to = q.to ?? new Date()
  const from = q.from ?? new Date(to.getTime() - defaultDays * 86_400_000)
  if (from >= to) throw invalid('from', 'must be before to')
  return { from, to }
}
