/**
 * Where a batch's CPU goes inside the collector (no database, no HTTP), step by step, over the same
 * realistic 50-event batches as bench/ingest. Each step runs over all bodies in turn and is timed in
 * CPU time of this process (process.cpuUsage), which other processes on a busy machine disturb less
 * than wall time; ROUNDS rounds, the median is printed.
 *
 *   npx tsx bench/ingest/phases.ts          # BODIES (2000), ROUNDS (5)
 */
import { gunzipSync } from 'node:zlib'
import { Batch, Event } from '@sightline/schema'
import { fastEvent } from '../../apps/collector/src/ingest/fastEvent.js'
import { toRows } from '../../apps/collector/src/ingest/rows.js'
import { type ScrubCounts, scrubDeep } from '../../apps/collector/src/ingest/scrub.js'
import { jsonTextDepth, parseBatch } from '../../apps/collector/src/ingest/validate.js'
import { makeBodies } from './batches.js'

const BODIES = Number(process.env.BODIES ?? 2000)
const ROUNDS = Number(process.env.ROUNDS ?? 5)
const SITE = '00000000-0000-4000-8000-000000000000'
const bodies = makeBodies(BODIES, 100)
const decoder = new TextDecoder('utf-8', { fatal: true })

function cpu<T>(f: () => T): { us: number; value: T } {
  const start = process.cpuUsage()
  const value = f()
  const used = process.cpuUsage(start)
  return { us: (used.user + used.system) / bodies.length, value }
}

const steps: Record<string, number[]> = {}
const note = (step: string, us: number) => {
  steps[step] ??= []
  steps[step].push(us)
}

for (let round = 0; round < ROUNDS; round++) {
  const raw = cpu(() => bodies.map((b) => gunzipSync(b)))
  note('gunzip', raw.us)
  const text = cpu(() => raw.value.map((b) => decoder.decode(b)))
  note('utf-8 decode', text.us)
  note('depth pre-scan', cpu(() => text.value.map((t) => jsonTextDepth(t, 2056))).us)
  const json = cpu(() => text.value.map((t) => JSON.parse(t)))
  note('JSON.parse', json.us)
  const envelopes = cpu(() => json.value.map((j) => Batch.parse(j)))
  note('zod envelope', envelopes.us)
  const events = cpu(() => envelopes.value.map((b) => b.events.map((e) => Event.parse(e))))
  note('zod events (50)', events.us)
  note(
    'fast path events (50)',
    cpu(() => envelopes.value.map((b) => b.events.map((e) => fastEvent(e) ?? Event.parse(e)))).us,
  )
  const counts: ScrubCounts = {}
  note('scrub (50 events)', cpu(() => events.value.map((list) => scrubDeep(list, counts))).us)
  const parsed = cpu(() => raw.value.map((b) => parseBatch(b, Date.now())))
  note('= parseBatch (decode … validate)', parsed.us)
  note(
    '= toRows (scrub + COPY text)',
    cpu(() =>
      parsed.value.map((p) =>
        toRows({ batch: p.batch, events: p.events, siteId: SITE, clockOffsetMs: 0, counts: {} }),
      ),
    ).us,
  )
}
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!
console.log(`CPU µs per 50-event batch, median of ${ROUNDS} rounds over ${bodies.length} batches`)
for (const [step, us] of Object.entries(steps))
  console.log(`${step.padEnd(34)} ${median(us).toFixed(0).padStart(6)}`)
