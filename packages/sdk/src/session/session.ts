import { SESSION_IDLE_MS, SESSION_MAX_MS } from '../constants.js'

/**
 * The session state machine (see session/README.md): one user_session_id in first-party storage,
 * shared by the tabs of an origin; a new one after 30 min without activity or 4 h in all.
 */
export interface Session {
  id: string
  startedAt: number
  lastActivity: number
}

const KEY = 'sightline.session'

export interface SessionStore {
  /**
   * The current session as storage holds it (another tab may have renewed it), renewed (a new id) when
   * expired. Reads storage: callers ask at most once a second (boot/init.ts).
   */
  current(now: number): Session
  /** Records activity (written to storage at most every 5 s). */
  touch(now: number): void
}

/**
 * A v4 UUID from getRandomValues (crypto.randomUUID exists only in secure contexts; plain-http sites count
 * too), with one call for its 31 random digits (each call is a trip into the browser).
 */
export const uuid = (): string => {
  const r = crypto.getRandomValues(new Uint8Array(31))
  let i = 0
  return '10000000-1000-4000-8000-100000000000'.replace(/[018]/g, (c) =>
    (+c ^ (r[i++]! & (15 >> (+c / 4)))).toString(16),
  )
}

function isLive(s: Session | null, now: number): s is Session {
  return (
    !!s &&
    now - s.lastActivity < SESSION_IDLE_MS &&
    now - s.startedAt < SESSION_MAX_MS &&
    now >= s.startedAt - 60_000
  )
}

/** `storage` is localStorage when usable; otherwise state lives in memory for this page only. */
export function createSessionStore(storage: Storage | null): SessionStore {
  let memory: Session | null = null
  let lastWrite = 0
  const read = (): Session | null => {
    try {
      const raw = storage?.getItem(KEY)
      const s = raw ? (JSON.parse(raw) as Session) : null
      return s &&
        typeof s.id === 'string' &&
        typeof s.startedAt === 'number' &&
        typeof s.lastActivity === 'number'
        ? s
        : memory
    } catch {
      return memory
    }
  }
  const write = (s: Session) => {
    memory = s
    try {
      storage?.setItem(KEY, JSON.stringify(s))
    } catch {}
  }
  return {
    current(now) {
      const s = read()
      if (isLive(s, now)) {
        memory = s
        return s
      }
      const fresh = { id: uuid(), startedAt: now, lastActivity: now }
      write(fresh)
      lastWrite = now
      return fresh
    },
    touch(now) {
      const s = memory ?? read()
      if (!isLive(s, now)) return
      s.lastActivity = now
      memory = s
      if (now - lastWrite >= 5_000) {
        lastWrite = now
        write(s)
      }
    },
  }
}

/** Deterministic sampling by session id: every tab of a session makes the same decision. */
export function isSampled(sessionId: string, rate: number): boolean {
  if (rate >= 1) return true
  if (rate <= 0) return false
  let h = 2166136261
  for (let i = 0; i < sessionId.length; i++) h = Math.imul(h ^ sessionId.charCodeAt(i), 16777619)
  return (h >>> 0) / 4294967296 < rate
}

/** localStorage if it can be used (it throws in some sandboxed frames and private modes). */
export function usableStorage(get: () => Storage): Storage | null {
  try {
    const s = get()
    s.setItem('sightline.probe', '1')
    s.removeItem('sightline.probe')
    return s
  } catch {
    return null
  }
}
