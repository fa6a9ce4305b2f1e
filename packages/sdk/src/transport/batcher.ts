import { monitor } from '../tools/monitor.js'
import type { SightlineEvent } from '../types.js'

/** The batch envelope minus what the batcher adds (seq, batchId, events) and what the sender adds (sentAt). */
export interface Envelope {
  v: 1
  sessionId: string
  tabId: string
  sdk: { version: string }
  page: Record<string, unknown>
  session: { startedAt: number; actor: 'human' | 'automation'; testRunId?: string }
}

export interface BatcherOptions {
  maxEvents: number
  maxBytes: number
  intervalMs: number
  envelope(): Envelope
  nextSeq(): number
  batchId(): string
  /** A finished batch: `rest` is its JSON without the leading `{` (the sender prepends sentAt). */
  onBatch(rest: string, bytes: number, events: number): void
}

/** Collects events of one stream and cuts batches by count, bytes and time; each event is serialised once. */
export function createBatcher(o: BatcherOptions) {
  let parts: string[] = []
  let bytes = 0
  let timer: ReturnType<typeof setTimeout> | undefined

  function flush() {
    clearTimeout(timer)
    timer = undefined
    if (!parts.length) return
    const head = JSON.stringify({ ...o.envelope(), seq: o.nextSeq(), batchId: o.batchId() })
    const rest = `${head.slice(1, -1)},"events":[${parts.join(',')}]}`
    const count = parts.length
    parts = []
    bytes = 0
    o.onBatch(rest, rest.length + 24, count)
  }

  function addJson(json: string) {
    if (bytes + json.length > o.maxBytes && parts.length) flush()
    parts.push(json)
    bytes += json.length
    if (parts.length >= o.maxEvents || bytes >= o.maxBytes) flush()
    else timer ??= setTimeout(monitor(flush), o.intervalMs)
  }

  return {
    add: (event: SightlineEvent) => addJson(JSON.stringify(event)),
    /** An event already serialised (replay segments). */
    addJson,
    flush,
  }
}
