/**
 * Batches not yet acknowledged by the collector, in send order. Kept in memory and persisted to
 * localStorage (per tab, on page hide and every few seconds) so a reload, a crash of the network or a
 * navigation loses nothing: the next page of the origin adopts outboxes left by pages that are gone.
 * Capped in bytes; what does not fit is dropped and reported.
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
  add(p: Omit<Payload, 'id' | 'attempts' | 'due'>): boolean
  list(): readonly Payload[]
  remove(id: number): void
  bytes(): number
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
  const push = (p: Omit<Payload, 'id'>) => {
    items.push({ ...p, id: nextId++ })
    total += p.bytes
  }
  // Adopt what pages that are gone left behind (idempotent batch ids make a double send harmless).
  if (storage) {
    try {
      for (let i = storage.length - 1; i >= 0; i--) {
        const k = storage.key(i)
        if (!k?.startsWith(PREFIX) || k === key) continue
        const saved = JSON.parse(storage.getItem(k) ?? 'null') as { at: number; items: Payload[] } | null
        if (!saved || now - saved.at < ORPHAN_AFTER_MS) continue
        for (const p of saved.items) if (total + p.bytes <= maxBytes) push({ ...p, attempts: 0, due: 0 })
        storage.removeItem(k)
        dirty = true
      }
    } catch {}
  }
  return {
    add(p) {
      if (total + p.bytes > maxBytes) return false
      push({ ...p, attempts: 0, due: 0 })
      dirty = true
      return true
    },
    list: () => items,
    remove(id) {
      const i = items.findIndex((p) => p.id === id)
      if (i === -1) return
      total -= items[i]!.bytes
      items.splice(i, 1)
      dirty = true
    },
    bytes: () => total,
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
