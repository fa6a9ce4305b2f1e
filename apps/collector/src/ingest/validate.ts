import {
  Batch,
  CLOCK_SKEW_THRESHOLD_MS,
  Event,
  MAX_EVENT_AGE_MS,
  MAX_EVENT_FUTURE_MS,
  MAX_METADATA_DEPTH,
  MAX_OBJECT_KEYS,
  MAX_RECORD_DEPTH,
} from '@sightline/schema'
import type { z } from 'zod'
import { ApiError } from '../errors.js'
import { fastEvent } from './fastEvent.js'

export interface Rejection {
  index: number
  reason: 'invalid_schema' | 'too_deep' | 'too_many_keys' | 'out_of_range'
  message: string
}

export interface ParsedBatch {
  batch: Batch
  events: { index: number; event: Event }[]
  rejected: Rejection[]
}

const decoder = new TextDecoder('utf-8', { fatal: true })
/** The whole document may nest as deep as an rrweb snapshot plus the envelope around it. */
const MAX_DOCUMENT_DEPTH = MAX_RECORD_DEPTH + 8

/** Nesting depth of JSON text, scanned without recursion; stops early once `limit` is passed. */
export function jsonTextDepth(text: string, limit: number): number {
  let depth = 0
  let max = 0
  let inString = false
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i)
    if (inString) {
      if (c === 92)
        i++ // backslash: skip the escaped character
      else if (c === 34) inString = false
    } else if (c === 34) inString = true
    else if (c === 123 || c === 91) {
      if (++depth > max) {
        max = depth
        if (max > limit) return max
      }
    } else if (c === 125 || c === 93) depth--
  }
  return max
}

/** Depth and key count of a parsed value, iteratively. */
function measure(value: unknown): { depth: number; maxKeys: number } {
  let depth = 0
  let maxKeys = 0
  const stack: [unknown, number][] = [[value, 1]]
  while (stack.length) {
    const [node, d] = stack.pop()!
    if (node === null || typeof node !== 'object') continue
    if (d > depth) depth = d
    if (depth > MAX_RECORD_DEPTH) break
    const children = Array.isArray(node) ? node : Object.values(node)
    if (!Array.isArray(node) && children.length > maxKeys) maxKeys = children.length
    for (const child of children) if (child !== null && typeof child === 'object') stack.push([child, d + 1])
  }
  return { depth, maxKeys }
}

function describe(error: z.ZodError): string {
  const issue = error.issues[0]!
  const where = issue.path.length ? issue.path.join('.') : '(root)'
  return `${where}: ${issue.message}`
}

/** Parses and validates the body text: the envelope must be valid; each event is judged on its own. */
export function parseBatch(body: Buffer, receivedAt: number): ParsedBatch & { clockOffsetMs: number } {
  let text: string
  try {
    text = decoder.decode(body)
  } catch {
    throw new ApiError(400, 'invalid_utf8', 'the body is not valid UTF-8')
  }
  if (text.trim() === '') throw new ApiError(400, 'empty_body', 'the body is empty: send a JSON batch')
  if (jsonTextDepth(text, MAX_DOCUMENT_DEPTH) > MAX_DOCUMENT_DEPTH) {
    throw new ApiError(400, 'too_deep', `the JSON nests deeper than ${MAX_DOCUMENT_DEPTH} levels`)
  }
  let json: unknown
  try {
    json = JSON.parse(text)
  } catch (error) {
    throw new ApiError(400, 'malformed_json', `the body is not valid JSON: ${(error as Error).message}`)
  }
  const envelope = Batch.safeParse(json)
  if (!envelope.success)
    throw new ApiError(400, 'invalid_batch', `invalid batch: ${describe(envelope.error)}`, {
      issues: envelope.error.issues.slice(0, 5),
    })
  const batch = envelope.data
  const skew = receivedAt - batch.sentAt
  const clockOffsetMs = Math.abs(skew) > CLOCK_SKEW_THRESHOLD_MS ? skew : 0

  const events: ParsedBatch['events'] = []
  const rejected: Rejection[] = []
  for (let index = 0; index < batch.events.length; index++) {
    const raw = batch.events[index]
    // The compiled fast path judges the common kinds; zod the rest, and writes every error message.
    let event = fastEvent(raw)
    if (!event) {
      const parsed = Event.safeParse(raw)
      if (!parsed.success) {
        rejected.push({ index, reason: 'invalid_schema', message: describe(parsed.error) })
        continue
      }
      event = parsed.data
    }
    const limits = metadataOf(event)
    if (limits) {
      const { depth, maxKeys } = measure(limits.value)
      if (depth > limits.maxDepth) {
        rejected.push({
          index,
          reason: 'too_deep',
          message: `${limits.field} nests deeper than ${limits.maxDepth} levels`,
        })
        continue
      }
      if (maxKeys > MAX_OBJECT_KEYS) {
        rejected.push({
          index,
          reason: 'too_many_keys',
          message: `${limits.field} has an object with more than ${MAX_OBJECT_KEYS} keys`,
        })
        continue
      }
    }
    const t = event.t + clockOffsetMs
    if (t < receivedAt - MAX_EVENT_AGE_MS || t > receivedAt + MAX_EVENT_FUTURE_MS) {
      rejected.push({
        index,
        reason: 'out_of_range',
        message: `event time ${new Date(t).toISOString()} is outside the accepted window (7 days back, 5 minutes ahead)`,
      })
      continue
    }
    events.push({ index, event })
  }
  return { batch, events, rejected, clockOffsetMs }
}

/** The free-form part of an event whose depth and size are limited, if it has one. */
function metadataOf(event: Event): { field: string; value: unknown; maxDepth: number } | null {
  switch (event.type) {
    case 'replay':
      return { field: 'records', value: event.records, maxDepth: MAX_RECORD_DEPTH }
    case 'custom':
      return event.props ? { field: 'props', value: event.props, maxDepth: MAX_METADATA_DEPTH } : null
    case 'identify':
      return event.traits ? { field: 'traits', value: event.traits, maxDepth: MAX_METADATA_DEPTH } : null
    case 'signal':
      return { field: 'evidence', value: event.evidence, maxDepth: MAX_METADATA_DEPTH }
    case 'perf':
      return event.attribution
        ? { field: 'attribution', value: event.attribution, maxDepth: MAX_METADATA_DEPTH }
        : null
    case 'console':
      return event.args ? { field: 'args', value: event.args, maxDepth: MAX_METADATA_DEPTH } : null
    default:
      return null
  }
}
