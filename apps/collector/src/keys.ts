import { createHash, randomBytes } from 'node:crypto'

export const KEY_KINDS = ['site', 'read', 'admin'] as const
export type KeyKind = (typeof KEY_KINDS)[number]

/** Visible prefixes make a leaked key's kind obvious (and greppable by secret scanners). */
const PREFIX: Record<KeyKind, string> = { site: 'slp_', read: 'slr_', admin: 'sla_' }

export interface GeneratedKey {
  secret: string
  hash: Buffer
  /** What listings show: the kind prefix plus 6 characters. */
  prefix: string
}

/** 24 random bytes (192 bits): high entropy, so a plain SHA-256 is a safe stored hash. */
export function generateKey(kind: KeyKind): GeneratedKey {
  const secret = PREFIX[kind] + randomBytes(24).toString('base64url')
  return { secret, hash: hashKey(secret), prefix: secret.slice(0, PREFIX[kind].length + 6) }
}

export function hashKey(secret: string): Buffer {
  return createHash('sha256').update(secret).digest()
}

/** The kind a key claims by its prefix, or null for anything that is not shaped like a key. */
export function keyKindOf(secret: string): KeyKind | null {
  if (!/^sl[pra]_[A-Za-z0-9_-]{32}$/.test(secret)) return null
  return KEY_KINDS.find((k) => secret.startsWith(PREFIX[k])) ?? null
}
