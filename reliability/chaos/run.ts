/**
 * Chaos scenarios against a collector process and a PostgreSQL 18 of their own (docs/reliability.md).
 *
 *   pnpm reliability:chaos                       # every scenario (≈ 8 min)
 *   pnpm reliability:chaos db-outage sigkill     # some of them
 *   REL_TABS=100 REL_BATCH_EVERY_MS=2000 REL_EVENTS=20 REL_OUTAGE_S=30 REL_RECOVERY_S=60 REL_SLOW=50
 *
 * Each scenario asserts by event id (0 lost, 0 duplicated) and checks the collector's accounting; the
 * figures go to reliability/results/chaos.json. Exit code 1 when any expectation failed.
 */
import { existsSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import path from 'node:path'
import { fileURLToPath } from 'node:url'
import { findFreePort } from '../../apps/collector/src/db/embedded.js'
import { startChaosDatabase } from '../lib/postgres.js'
import { dbOutage } from './dbOutage.js'
import { droppedResponses } from './droppedResponses.js'
import type { Ctx, Result } from './harness.js'
import { sigkill, sigterm } from './restarts.js'
import { slowClients } from './slowClients.js'

const SCENARIOS: Record<string, (ctx: Ctx) => Promise<Result>> = {
  'db-outage': dbOutage,
  sigterm,
  sigkill,
  'dropped-responses': droppedResponses,
  'slow-clients': slowClients,
}

const env = (name: string, fallback: number) => Number(process.env[name] ?? fallback)
const chosen = process.argv.slice(2).length ? process.argv.slice(2) : Object.keys(SCENARIOS)
for (const name of chosen)
  if (!SCENARIOS[name]) throw new Error(`unknown scenario ${name}: ${Object.keys(SCENARIOS).join(', ')}`)

const logDir = mkdtempSync(path.join(tmpdir(), 'sightline-chaos-logs-'))
const db = await startChaosDatabase()
const ctx: Ctx = {
  db,
  port: await findFreePort(),
  logDir,
  settings: {
    tabs: env('REL_TABS', 100),
    batchEveryMs: env('REL_BATCH_EVERY_MS', 2_000),
    events: env('REL_EVENTS', 20),
    outageS: env('REL_OUTAGE_S', 30),
    recoveryS: env('REL_RECOVERY_S', 60),
    slowClients: env('REL_SLOW', 50),
  },
}
console.log(`settings: ${JSON.stringify(ctx.settings)}; collector logs in ${logDir}`)
const results: Result[] = []
try {
  for (const name of chosen) {
    const started = Date.now()
    console.log(`\n=== ${name}`)
    const result = await SCENARIOS[name]!(ctx)
    results.push(result)
    console.log(JSON.stringify(result.figures, null, 1).slice(0, 6_000))
    console.log(
      `=== ${name}: ${result.failures.length ? `FAILED\n  - ${result.failures.join('\n  - ')}` : 'ok'} (${Math.round((Date.now() - started) / 1000)} s)`,
    )
  }
} finally {
  await db.destroy()
}
// One entry per scenario, replaced when that scenario runs again.
const out = fileURLToPath(new URL('../results/chaos.json', import.meta.url))
mkdirSync(path.dirname(out), { recursive: true })
const previous = existsSync(out) ? (JSON.parse(readFileSync(out, 'utf8')) as Record<string, unknown>) : {}
const at = new Date().toISOString()
for (const [i, r] of results.entries()) previous[chosen[i]!] = { at, settings: ctx.settings, ...r }
writeFileSync(out, `${JSON.stringify(previous, null, 1)}\n`)
const failed = results.filter((r) => r.failures.length)
console.log(`\n${results.length - failed.length}/${results.length} scenarios passed; figures in ${out}`)
process.exit(failed.length ? 1 : 0)
