/**
 * Batches not yet acknowledged by the collector, in send order. Kept in memory and persisted to
 * localStorage (per tab, on page hide and every few seconds) so a reload, a network outage or a
 * navigation loses nothing: the next page of the origin adopts outboxes left by pages that are gone.
 * Capped in bytes; what does not fit is refused (the caller reports it as dropped).
 */
export interface Payload {
  /** Local order. */
  id: number
  stream: 'events' | 'replay'
  /** The batch JSON without its leading `{` and without `sentAt` (added at each attempt). */
  rest: string
  bytes: number
  events: number
  attempts: number
  /** Not before this time (backoff). */
  due: number
}

const PREFIX = 'sightline.outbox.'
/** An outbox not written for this long belongs to a page that is gone (live pages write every 5 s). */
const ORPHAN_AFTER_MS = 15_000

export interface Outbox {
  add(p: Pick<Payload, 'stream' | 'rest' | 'bytes' | 'events'>): boolean
  list(): readonly Payload[]
  remove(id: number): void
  persist(now: number): void
  lastId(): number
  clear(): void
}

export function createOutbox(storage: Storage | null, tabId: string, maxBytes: number, now: number): Outbox {
  let items: Payload[] = []
  let total = 0
  let nextId = 1
  let dirty = false
  const key = PREFIX + tabId
  const add = (p: Pick<Payload, 'stream' | 'rest' | 'bytes' | 'events'>) => {
    if (total + p.bytes > maxBytes) return false
    // An adopted item starts over: a new local id, no attempts, due now.
    items.push({ ...p, id: nextId++, attempts: 0, due: 0 })
    total += p.bytes
    dirty = true
    return true
  }
  // Adopt what pages that are gone left behind (idempotent batch ids make a double send harmless).
  try {
    for (let i = storage ? storage.length : 0; i-- > 0; ) {
      const k = storage!.key(i)!
      const saved =
        k.startsWith(PREFIX) &&
        k !== key &&
        (JSON.parse(storage!.getItem(k)!) as { at: number; items: Payload[] })
      if (!saved || now - saved.at < ORPHAN_AFTER_MS) continue
      saved.items.forEach(add)
      storage!.removeItem(k)
    }
  } catch {}
  return {
    add,
    list: () => items,
    remove(id) {
      const p = items.find((x) => x.id === id)
      if (!p) return
      total -= p.bytes
      items = items.filter((x) => x !== p)
      dirty = true
    },
    lastId: () => nextId - 1,
    persist(at) {
      if (!dirty || !storage) return
      try {
        if (items.length) storage.setItem(key, JSON.stringify({ at, items }))
        else storage.removeItem(key)
        dirty = false
      } catch {}
    },
    clear() {
      items = []
      total = 0
      dirty = true
    },
  }
}
