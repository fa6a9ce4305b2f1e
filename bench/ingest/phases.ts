/** Where a batch's CPU goes inside the collector (no database): gunzip, parse+validate, scrub+rows, JSON for the insert. */
import { gunzipSync } from 'node:zlib'
import { toRows } from '../../apps/collector/src/ingest/rows.js'
import { parseBatch } from '../../apps/collector/src/ingest/validate.js'
import { makeBodies } from './batches.js'

const bodies = makeBodies(2000, 100)
const t = { gunzip: 0, parse: 0, rows: 0, json: 0 }
for (let round = 0; round < 2; round++) {
  for (const k of Object.keys(t) as (keyof typeof t)[]) t[k] = 0
  for (const body of bodies) {
    let s = performance.now()
    const raw = gunzipSync(body)
    t.gunzip += performance.now() - s
    s = performance.now()
    const parsed = parseBatch(raw, Date.now())
    t.parse += performance.now() - s
    s = performance.now()
    const rows = toRows({
      batch: parsed.batch,
      events: parsed.events,
      siteId: '00000000-0000-4000-8000-000000000000',
      clockOffsetMs: 0,
      counts: {},
    })
    t.rows += performance.now() - s
    s = performance.now()
    for (const list of rows.tables.values()) JSON.stringify(list)
    t.json += performance.now() - s
  }
}
for (const [k, v] of Object.entries(t))
  console.log(k.padEnd(7), `${((v / bodies.length) * 1000).toFixed(0)} µs per 50-event batch`)
