import { gzipSync } from 'node:zlib'
import { type BodyLimits, inflateBody } from './body.js'
import { appendRow, type BatchRows, toRows } from './rows.js'
import type { ScrubCounts } from './scrub.js'
import { parseBatch, type Rejection } from './validate.js'

/** What the ingest route hands over once the body is read (wire bytes, before any decoding). */
export interface PrepareInput {
  wire: Uint8Array
  encoding: 'gzip' | 'deflate' | null
  limits: BodyLimits
  receivedAt: number
  siteId: string
}

/** A batch decoded, validated, scrubbed and encoded as COPY rows: everything but the write. */
export interface PreparedRequest {
  /** Decompressed body size, for the compression-ratio metric. */
  bodyBytes: number
  sessionId: string
  batchId: string
  tabId: string
  seq: number
  clockOffsetMs: number
  /** The type of each accepted event, in order (metrics count by kind). */
  kinds: string[]
  rejected: Rejection[]
  scrubCounts: ScrubCounts
  rows: Omit<BatchRows, 'replay' | 'prefix'>
}

/**
 * Decode → validate → scrub → encode, with no I/O: the CPU-heavy part of a request. It runs in a worker
 * thread (see preparePool.ts) so that the event loop that drives the database keeps its turns short.
 * Throws ApiError for a body that cannot be read as a batch at all; per-event refusals are in `rejected`.
 */
export function prepareBatch(input: PrepareInput): PreparedRequest {
  const body = inflateBody(
    Buffer.from(input.wire.buffer, input.wire.byteOffset, input.wire.byteLength),
    input.encoding,
    input.limits,
  )
  const parsed = parseBatch(body, input.receivedAt)
  const scrubCounts: ScrubCounts = {}
  const { replay, prefix, ...rows } = toRows({
    batch: parsed.batch,
    events: parsed.events,
    siteId: input.siteId,
    clockOffsetMs: parsed.clockOffsetMs,
    counts: scrubCounts,
  })
  for (const segment of replay) {
    const json = Buffer.from(JSON.stringify(segment.records))
    appendRow(rows.tables, 'replay_segments', prefix, segment.common, {
      ...segment.row,
      raw_bytes: json.length,
      data: gzipSync(json),
    })
  }
  const { batch } = parsed
  return {
    bodyBytes: body.length,
    sessionId: batch.sessionId,
    batchId: batch.batchId,
    tabId: batch.tabId,
    seq: batch.seq,
    clockOffsetMs: parsed.clockOffsetMs,
    kinds: parsed.events.map(({ event }) => event.type),
    rejected: parsed.rejected,
    scrubCounts,
    rows,
  }
}
