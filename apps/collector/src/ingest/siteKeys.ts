import type { Sql } from 'postgres'
import { hashKey, type KeyKind, keyKindOf } from '../keys.js'

export interface ResolvedKey {
  keyId: string
  kind: KeyKind
  companyId: string
  siteId: string | null
  allowedOrigins: string[]
  allowNoOrigin: boolean
  allowAutomation: boolean
  revoked: boolean
}

/** How long a key lookup is trusted: a revoked key stops working within this time. */
export const KEY_CACHE_TTL_MS = 30_000
/** Unknown keys are remembered briefly so a flood of bad keys does not become a flood of queries. */
const NEGATIVE_TTL_MS = 5_000
const MAX_ENTRIES = 10_000

/** Looks API keys up by their SHA-256, with a small time-bounded cache. */
export function createKeyResolver(sql: Sql) {
  const cache = new Map<string, { value: ResolvedKey | null; expires: number }>()

  async function resolve(secret: string): Promise<ResolvedKey | null> {
    if (!keyKindOf(secret)) return null
    const now = Date.now()
    const hit = cache.get(secret)
    if (hit && hit.expires > now) return hit.value
    const [row] = await sql<(Omit<ResolvedKey, 'revoked'> & { revokedAt: Date | null })[]>`
      select k.id as key_id, k.kind, k.company_id, k.site_id, coalesce(s.allowed_origins, '{}') as allowed_origins,
             k.allow_no_origin, k.allow_automation, k.revoked_at
      from api_keys k left join sites s on s.id = k.site_id
      where k.key_hash = ${hashKey(secret)}`
    const value: ResolvedKey | null = row
      ? {
          keyId: row.keyId,
          kind: row.kind,
          companyId: row.companyId,
          siteId: row.siteId,
          allowedOrigins: row.allowedOrigins,
          allowNoOrigin: row.allowNoOrigin,
          allowAutomation: row.allowAutomation,
          revoked: row.revokedAt !== null,
        }
      : null
    if (cache.size >= MAX_ENTRIES) cache.clear()
    cache.set(secret, { value, expires: now + (value ? KEY_CACHE_TTL_MS : NEGATIVE_TTL_MS) })
    return value
  }

  return { resolve, clear: () => cache.clear() }
}

export type KeyResolver = ReturnType<typeof createKeyResolver>
