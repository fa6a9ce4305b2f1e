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
 * Collects events of one stream and cuts batches at `maxEvents` events, BATCH_MAX_BYTES or FLUSH_INTERVAL_MS.
 * Events are serialised when their batch is cut, all in one loop: one by one as they come, each
 * JSON.stringify cost the page several times more (cold code between the page's own work). So bytes are
 * known only at the cut, which splits what it holds into batches of at most BATCH_MAX_BYTES; before that,
 * an event that may be large says so with a size (network bodies), and serialised items (replay segments)
 * count their length. Events hold only what JSON takes (page values are copied at emit, see init's `own`).
 * `onBatch` gets the batch JSON without its leading `{` (the sender prepends sentAt), its size and its event
 * count.
 */
export function createBatcher(
  maxEvents: number,
  head: () => Envelope,
  onBatch: (rest: string, bytes: number, events: number) => void,
) {
  const items: (SightlineEvent | string)[] = []
  let bytes = 0
  let timer: ReturnType<typeof setTimeout> | undefined
  let parts: string[] = []
  let size = 0

  const cut = () => {
    if (!parts[0]) return
    const rest = `${JSON.stringify(head()).slice(1, -1)},"events":[${parts.join(',')}]}`
    onBatch(rest, rest.length + 24, parts.length)
    parts = []
    size = 0
  }

  function flush() {
    clearTimeout(timer)
    timer = undefined
    bytes = 0
    for (const item of items.splice(0)) {
      const json = typeof item === 'string' ? item : JSON.stringify(item)
      if (size + json.length > BATCH_MAX_BYTES) cut()
      parts.push(json)
      size += json.length
    }
    cut()
  }

  function push(item: SightlineEvent | string, n: number) {
    items.push(item)
    bytes += n
    if (items.length >= maxEvents || bytes >= BATCH_MAX_BYTES) flush()
    else timer ??= setTimeout(monitor(flush), FLUSH_INTERVAL_MS)
  }

  return {
    /** `size`: about how many bytes the event may take, when that can be large. */
    add: (event: SightlineEvent, size = 0) => push(event, size),
    /** An event already serialised (replay segments). */
    addJson: (json: string) => push(json, json.length),
    flush,
  }
}
