import { BATCH_MAX_BYTES, FLUSH_INTERVAL_MS } from '../constants.js'
import { monitor } from '../tools/monitor.js'
import type { SightlineEvent } from '../types.js'

/** The batch envelope minus the events and what the sender adds (sentAt); `head()` makes one per batch. */
export interface Envelope {
  v: 1
  sessionId: string
  tabId: string
  sdk: { version: string }
  page: Record<string, unknown>
  session: { startedAt: number; actor: 'human' | 'automation'; testRunId?: string | undefined }
  seq: number
  batchId: string
}

/**
 * Collects events of one stream and cuts batches at `maxEvents` events, BATCH_MAX_BYTES or FLUSH_INTERVAL_MS;
 * each event is serialised once. `onBatch` gets the batch JSON without its leading `{` (the sender prepends
 * sentAt), its size and its event count.
 */
export function createBatcher(
  maxEvents: number,
  head: () => Envelope,
  onBatch: (rest: string, bytes: number, events: number) => void,
) {
  let parts: string[] = []
  let bytes = 0
  let timer: ReturnType<typeof setTimeout> | undefined

  function flush() {
    clearTimeout(timer)
    timer = undefined
    if (!parts.length) return
    const rest = `${JSON.stringify(head()).slice(1, -1)},"events":[${parts.join(',')}]}`
    const count = parts.length
    parts = []
    bytes = 0
    onBatch(rest, rest.length + 24, count)
  }

  function addJson(json: string) {
    if (bytes + json.length > BATCH_MAX_BYTES && parts.length) flush()
    parts.push(json)
    bytes += json.length
    if (parts.length >= maxEvents || bytes >= BATCH_MAX_BYTES) flush()
    else timer ??= setTimeout(monitor(flush), FLUSH_INTERVAL_MS)
  }

  return {
    add: (event: SightlineEvent) => addJson(JSON.stringify(event)),
    /** An event already serialised (replay segments). */
    addJson,
    flush,
  }
}
