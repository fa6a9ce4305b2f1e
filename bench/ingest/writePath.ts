/**
 * The ingest write path alone, in this process, step by step: the same prepared batches as
 * bench/ingest (50 mixed events), written in group-commit transactions of GROUP batches, timing each
 * step of a transaction: sessions + ledger, COPY, session_summaries, the signal rules, commit.
 * SKIP=summaries,rules leaves those steps out (the write path before issue 6).
 *
 *   npx tsx bench/ingest/writePath.ts            # DATABASE_URL, default postgres://postgres@127.0.0.1:5432/test
 *   BATCHES=6400 GROUP=32 SKIP=rules npx tsx bench/ingest/writePath.ts
 */
import { gunzipSync } from 'node:zlib'
import { Batch, Event } from '@sightline/schema'
import { createSql } from '../../apps/collector/src/db/connect.js'
import { copyText } from '../../apps/collector/src/db/copy.js'
import { migrateUp } from '../../apps/collector/src/db/migrate.js'
import { loadMigrations } from '../../apps/collector/src/db/migrationFiles.js'
import { ensurePartitions } from '../../apps/collector/src/db/partitions.js'
import { createSite } from '../../apps/collector/src/db/sites.js'
import { toRows } from '../../apps/collector/src/ingest/rows.js'
import {
  addDerivedSignals,
  deriveInput,
  sessionDeltas,
  upsertSummaries,
} from '../../apps/collector/src/ingest/summary.js'
import { makeBodies } from './batches.js'

const BATCHES = Number(process.env.BATCHES ?? 3200)
const GROUP = Number(process.env.GROUP ?? 16)
const SKIP = new Set((process.env.SKIP ?? '').split(',').filter(Boolean))
const DB = 'sightline_bench_write_path'
const base = process.env.DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/test'

async function main() {
  const admin = createSql(base, { max: 1 })
  await admin.unsafe(`drop database if exists ${DB} with (force)`)
  await admin.unsafe(`create database ${DB}`)
  await admin.end()
  const url = new URL(base)
  url.pathname = `/${DB}`
  const sql = createSql(url.toString(), { max: 2 })
  await migrateUp(sql, await loadMigrations())
  await ensurePartitions(sql)
  const site = await createSite(sql, {
    name: 'bench',
    companyName: 'bench',
    origins: ['https://shop.example'],
  })
  const prepared = makeBodies(BATCHES, 500).map((body) => {
    const batch = Batch.parse(JSON.parse(gunzipSync(body).toString()))
    const events = batch.events.map((e, index) => ({ index, event: Event.parse(e) }))
    const rows = toRows({ batch, events, siteId: site.siteId, clockOffsetMs: 0, counts: {} })
    return {
      sessionId: batch.sessionId,
      batchId: batch.batchId,
      tabId: batch.tabId,
      seq: batch.seq,
      eventCount: events.length,
      session: rows.session,
      tables: rows.tables,
      summary: rows.summary,
    }
  })
  const ms = { sessions: 0, copy: 0, summaries: 0, rules: 0, commit: 0 }
  // BUSY=0.5: keep the event loop busy half the time with 1.5 ms synchronous slices, as HTTP parsing does
  const busy = Number(process.env.BUSY ?? 0)
  if (busy > 0) {
    const slice = 1.5
    const spin = () => {
      const end = performance.now() + slice
      while (performance.now() < end) {}
      setTimeout(spin, (slice * (1 - busy)) / busy)
    }
    spin()
  }
  let derived = 0
  const started = performance.now()
  for (let i = 0; i < prepared.length; i += GROUP) {
    const group = prepared.slice(i, i + GROUP)
    const tx = await sql.reserve()
    let mark = performance.now()
    const lap = (step: keyof typeof ms) => {
      const now = performance.now()
      ms[step] += now - mark
      mark = now
    }
    await tx`begin`
    const sessions = [...new Map(group.map((b) => [b.sessionId, b.session])).values()].sort((a, b) =>
      a.id < b.id ? -1 : 1,
    )
    await tx`
      insert into user_sessions (id, site_id, started_at, last_seen_at, entry_url, actor, sdk_version)
      select x.id, x.site_id, x.started_at, x.last_seen_at, x.entry_url, x.actor, x.sdk_version
      from jsonb_to_recordset(${tx.json(sessions as never)}) as x(id uuid, site_id uuid, started_at timestamptz,
        last_seen_at timestamptz, entry_url text, actor text, sdk_version text)
      on conflict (id) do update set last_seen_at = greatest(user_sessions.last_seen_at, excluded.last_seen_at)`
    const ledger = group.map((b) => ({
      user_session_id: b.sessionId,
      batch_id: b.batchId,
      tab_id: b.tabId,
      seq: b.seq,
      site_id: site.siteId,
      event_count: b.eventCount,
    }))
    await tx`
      insert into ingested_batches (user_session_id, batch_id, tab_id, seq, site_id, event_count)
      select * from jsonb_to_recordset(${tx.json(ledger as never)}) as x(user_session_id uuid, batch_id uuid,
        tab_id text, seq int, site_id uuid, event_count int)`
    lap('sessions')
    const byTable = new Map<string, { columns: string[]; parts: string[] }>()
    for (const b of group)
      for (const [table, { columns, lines }] of b.tables) {
        const entry = byTable.get(table) ?? { columns, parts: [] }
        byTable.set(table, entry)
        entry.parts.push(lines)
      }
    for (const [table, { columns, parts }] of byTable) await copyText(tx as never, table, columns, parts)
    lap('copy')
    if (!SKIP.has('summaries')) {
      const facts = await upsertSummaries(tx as never, sessionDeltas(group))
      lap('summaries')
      const input = SKIP.has('rules') ? [] : deriveInput(group, facts)
      if (input.length) {
        const rows = await tx<{ userSessionId: string; kind: string }[]>`
          select user_session_id, kind from sightline_derive_signals_guarded(${tx.json(input as never)})`
        await addDerivedSignals(tx as never, rows)
        derived += rows.length
      }
      lap('rules')
    }
    await tx`commit`
    tx.release()
    lap('commit')
  }
  const seconds = (performance.now() - started) / 1000
  const transactions = Math.ceil(prepared.length / GROUP)
  console.log(
    JSON.stringify({
      batches: prepared.length,
      batchesPerTransaction: GROUP,
      skipped: [...SKIP],
      batchesPerSecond: Math.round(prepared.length / seconds),
      derivedSignals: derived,
      msPerTransaction: Object.fromEntries(
        Object.entries(ms).map(([step, total]) => [step, Number((total / transactions).toFixed(2))]),
      ),
    }),
  )
  await sql.end()
  process.exit(0)
}

main().catch((error) => {
  console.error(error)
  process.exit(1)
})
