import { DERIVED_SIGNAL_KINDS } from '@sightline/schema/kinds'
import type { SightlineSignal } from './summary.js'

const DERIVED_KINDS: ReadonlySet<string> = new Set(DERIVED_SIGNAL_KINDS)
/** A collector that does not answer in time costs a warning, not a hung test. */
const READ_TIMEOUT_MS = 10_000

interface StoredSignal {
  sessionId: string
  kind: string
  reason: string | null
  selector: string | null
  pageUrl: string | null
  at: string
  evidence: Record<string, unknown>
  ruleVersion: string
}

/**
 * The signals the collector derived for these sessions, read with a read key from
 * `GET /v1/sessions/{id}/signals` once everything is flushed (they are decided in the ingest transaction
 * of the batch that completes them). What cannot be read becomes a warning, not an error: the summary
 * of the test stays usable.
 */
export async function fetchDerivedSignals(
  endpoint: string,
  readKey: string,
  sessionIds: string[],
): Promise<{ signals: SightlineSignal[]; warnings: string[] }> {
  const signals: SightlineSignal[] = []
  const warnings: string[] = []
  await Promise.all(
    sessionIds.map(async (id) => {
      try {
        const res = await fetch(`${endpoint}/v1/sessions/${id}/signals`, {
          headers: { authorization: `Bearer ${readKey}` },
          signal: AbortSignal.timeout(READ_TIMEOUT_MS),
        })
        if (!res.ok) {
          const body = (await res.json().catch(() => null)) as { error?: { message?: string } } | null
          throw new Error(`${res.status} ${body?.error?.message ?? res.statusText}`)
        }
        const { signals: stored } = (await res.json()) as { signals: StoredSignal[] }
        for (const s of stored) {
          if (!DERIVED_KINDS.has(s.kind)) continue // the SDK's own arrived through the page already
          signals.push({
            kind: s.kind as SightlineSignal['kind'],
            page: (s.pageUrl ?? '').replace(/[?#].*$/, ''),
            time: Date.parse(s.at),
            ...(s.selector ? { selector: s.selector } : {}),
            ...(s.reason ? { message: s.reason } : {}),
            sessionId: s.sessionId,
            event: { derived: true, ruleVersion: s.ruleVersion, evidence: s.evidence },
          })
        }
      } catch (error) {
        warnings.push(`derived signals of session ${id} not read: ${(error as Error).message}`)
      }
    }),
  )
  return { signals: signals.sort((a, b) => a.time - b.time), warnings }
}
