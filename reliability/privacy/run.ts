/**
 * Privacy suite (docs/reliability.md): canaries for 40+ kinds of personal data (a) recorded by the SDK with
 * default settings in real Chromium and (b) sent raw to the collector, bypassing the SDK. Then every table
 * (as JSON), every decompressed replay segment and the collector's own log (LOG_LEVEL=debug) are searched:
 * 0 hits is the only pass. Controls prove the search sees what is stored.
 *
 *   pnpm reliability:privacy          # needs Chromium (/usr/bin/chromium or $SIGHTLINE_CHROMIUM)
 *
 * Results go to reliability/results/privacy.json; exit code 1 on any hit or failed control.
 */
import { spawnSync } from 'node:child_process'
import { randomBytes } from 'node:crypto'
import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs'
import { createServer } from 'node:http'
import { tmpdir } from 'node:os'
import path from 'node:path'
import { fileURLToPath } from 'node:url'
import { findFreePort } from '../../apps/collector/src/db/embedded.js'
import { createSite } from '../../apps/collector/src/db/sites.js'
import { spawnCollector } from '../lib/collector.js'
import { startChaosDatabase } from '../lib/postgres.js'
import { startDroppingProxy } from '../lib/proxy.js'
import { waitFor } from '../lib/stats.js'
import { visit } from './browser.js'
import { rawCanaries, sdkCanaries } from './canaries.js'
import { rawBatches, sendRaw } from './raw.js'
import { databaseSources, findCanaries, logSource } from './search.js'

const ROOT = fileURLToPath(new URL('../../', import.meta.url))
const SITE_DIR = fileURLToPath(new URL('./site/', import.meta.url))
const failures: string[] = []
const expect = (label: string, ok: boolean, detail?: unknown) => {
  if (!ok) failures.push(detail === undefined ? label : `${label}: ${JSON.stringify(detail)}`)
}

// The SDK's script-tag bundle, served by the collector at /sdk.js (built when missing or stale).
spawnSync(
  process.execPath,
  ['-e', "import('./scripts/ensure-install.mjs').then((m) => m.ensureSdkBuilt())"],
  {
    cwd: ROOT,
    stdio: 'inherit',
  },
)

const s = randomBytes(3).toString('hex')
const sdk = sdkCanaries(s)
const raw = rawCanaries(s)
const control = { page: `Control${s}x`, raw: `RawControl${s}x` }
const db = await startChaosDatabase()
const sitePort = await findFreePort()
const siteOrigin = `http://127.0.0.1:${sitePort}`
const site = await createSite(db.sql, { name: 'privacy', companyName: 'privacy', origins: [siteOrigin] })
const logFile = path.join(mkdtempSync(path.join(tmpdir(), 'sightline-privacy-')), 'collector.log')
const collector = await spawnCollector({
  databaseUrl: db.url,
  port: await findFreePort(),
  env: { LOG_LEVEL: 'debug' },
  logFile,
})

// The page talks to the collector through a recording proxy: what the SDK put on the wire tells the kinds
// that never left the browser from those the collector removed.
const sent: string[] = []
const proxy = await startDroppingProxy({
  upstream: collector.url,
  victimEvery: 1,
  dropsPerVictim: 0,
  active: () => false,
  onRequest: (url, body) => url.startsWith('/v1/batch') && sent.push(body.toString()),
})
const values: Record<string, string> = {
  COLLECTOR: proxy.url,
  SITE_KEY: site.siteKey,
  control: control.page,
  ...Object.fromEntries(Object.entries(sdk).map(([k, v]) => [k, v.value])),
}
const siteServer = createServer((req, res) => {
  const name = (req.url ?? '/').split('?')[0]!
  if (name.startsWith('/api/')) {
    req.resume()
    res.writeHead(200, { 'content-type': 'application/json' }).end('{"ok":true}')
    return
  }
  try {
    const file = name === '/' ? 'index.html' : path.basename(name)
    const html = readFileSync(path.join(SITE_DIR, file), 'utf8').replace(
      /\{\{(\w+)\}\}/g,
      (m, k: string) => values[k] ?? m,
    )
    res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' }).end(html)
  } catch {
    res.writeHead(404).end('not found')
  }
}).listen(sitePort, '127.0.0.1')

let result: Record<string, unknown> = {}
try {
  // (a) Through the SDK, in real Chromium.
  const { sessionId, pageErrors } = await visit(siteOrigin, sdk)
  expect('the SDK requests were captured', sent.length > 0)
  const onTheWire = findCanaries(Object.values(sdk), [{ where: 'SDK requests', text: sent.join('\n') }])
    .filter((h) => h.foundIn.length)
    .map((h) => h.kind)
  expect('the only page error is the thrown canary', pageErrors.length === 1, pageErrors.length)
  // The exit flush and the second page's batches: wait until the stored rows stop changing.
  let last = -1
  await waitFor(
    async () => {
      const [{ n }] = (await db.sql`select count(*)::int as n from ingested_batches`) as unknown as [
        { n: number },
      ]
      const stable = n === last && n > 0
      last = n
      return stable
    },
    30_000,
    3_000,
  )
  const sdkTables = await db.sql<{ table: string }[]>`
    select 'replay_segments' as table from replay_segments where user_session_id = ${sessionId}
    union select 'custom_events' from custom_events where user_session_id = ${sessionId} and name = 'checkout'
    union select 'console_logs' from console_logs where user_session_id = ${sessionId}
    union select 'javascript_errors' from javascript_errors where user_session_id = ${sessionId}
    union select 'network_requests' from network_requests where user_session_id = ${sessionId}
    union select 'form_interactions' from form_interactions where user_session_id = ${sessionId}
    union select 'page_views' from page_views where user_session_id = ${sessionId}`
  expect(
    'the SDK session stored replay, track, console, error, network, form and page view rows',
    sdkTables.length === 7,
    sdkTables,
  )

  // (b) Raw batches, bypassing the SDK.
  const batches = rawBatches(raw, control.raw)
  // Self-check of the search: every raw canary is found in what is sent, so not finding it later means it
  // was removed, not that the needle was wrong.
  const unseen = findCanaries(Object.values(raw), [{ where: 'sent', text: JSON.stringify(batches) }]).filter(
    (h) => h.foundIn.length === 0,
  )
  expect('every raw canary is findable in the batches sent', unseen.length === 0, unseen)
  const answers = await sendRaw(collector.url, site.siteKey, siteOrigin, batches)
  expect(
    'every raw batch stored in full (a refused event would hide a leak)',
    answers.every((a) => a.status === 200 && (a.body as { rejected: unknown[] }).rejected.length === 0),
    answers,
  )
  const scrubbed = (await (await fetch(`${collector.url}/metrics`)).text())
    .split('\n')
    .filter((l) => l.startsWith('sightline_scrubbed_values_total{'))
  collector.child.kill('SIGTERM')
  await collector.exited

  const sources = [...(await databaseSources(db.sql)), logSource(logFile)]
  const replay = sources.find((x) => x.where === 'replay_segments (decompressed)')!
  expect('control: ordinary page text is in the decompressed replay', replay.text.includes(control.page))
  expect(
    'control: a raw custom event name is stored',
    sources.some((x) => x.where === 'custom_events' && x.text.includes(control.raw)),
  )
  expect('the collector log is captured', /collector stopped/.test(readFileSync(logFile, 'utf8')))
  const sdkHits = findCanaries(Object.values(sdk), sources)
  const rawHits = findCanaries(Object.values(raw), sources)
  for (const h of [...sdkHits, ...rawHits])
    expect(`canary found: ${h.kind}`, h.foundIn.length === 0, h.foundIn)
  result = {
    at: new Date().toISOString(),
    kinds: { sdk: sdkHits.length, raw: rawHits.length },
    searched: sources.map((x) => ({ where: x.where, chars: x.text.length })).filter((x) => x.chars > 0),
    scrubbedByRule: scrubbed,
    // SDK-path kinds the SDK sent as they were and the collector removed (all others never left the browser).
    sdkKindsRemovedByTheCollector: onTheWire,
    sdk: sdkHits,
    raw: rawHits,
    failures,
  }
} finally {
  siteServer.close()
  await proxy.close()
  if (collector.child.exitCode === null) collector.child.kill('SIGKILL')
  await db.destroy()
}
const out = fileURLToPath(new URL('../results/privacy.json', import.meta.url))
mkdirSync(path.dirname(out), { recursive: true })
writeFileSync(out, `${JSON.stringify(result, null, 1)}\n`)
const kinds = result.kinds as { sdk: number; raw: number }
console.log(`privacy: ${kinds.sdk} kinds through the SDK, ${kinds.raw} sent raw; searched:`)
for (const x of result.searched as { where: string; chars: number }[])
  console.log(`  ${x.where}: ${x.chars} chars`)
console.log(failures.length ? `FAILED\n  - ${failures.join('\n  - ')}` : 'privacy: 0 canaries found anywhere')
process.exit(failures.length ? 1 : 0)
