import { createServer } from 'node:http'
import type { AddressInfo } from 'node:net'
import { expect, test } from '@playwright/test'
import { attachSightline, type SightlineSignal } from '@sightline/playwright'
import { expect as sightlineExpect } from '@sightline/playwright/test'
import { createSite } from '../apps/collector/src/db/sites.js'
import { EVENT_TABLES } from '../apps/collector/src/db/tables.js'
import { sql } from './lib/db.js'

const SITE = process.env.E2E_SITE_URL!
const attach = (
  context: Parameters<typeof attachSightline>[0],
  extra: Partial<Parameters<typeof attachSightline>[1]> = {},
) =>
  attachSightline(context, {
    collector: process.env.E2E_COLLECTOR_URL!,
    siteKey: process.env.E2E_SITE_KEY!,
    ...extra,
  })

/** Where each event kind is stored. */
const TABLE_OF: Record<string, string> = EVENT_TABLES

test("on('signal'): the dead click, the error click, the JS error and the 404 reach the test as they happen; finish() counts match the database", async ({
  context,
}) => {
  const handle = await attach(context)
  const received: SightlineSignal[] = []
  handle.on('signal', (s) => received.push(s))
  const page = await context.newPage()
  await page.goto(`${SITE}/`)
  const started = Date.now()
  await page.click('#nothing')
  // No flush: the signal crosses the binding when the SDK emits it (after the 1 s dead-click window).
  await expect.poll(() => received.map((s) => s.kind)).toEqual(['dead_click'])
  expect(received[0]).toMatchObject({
    kind: 'dead_click',
    selector: 'button#nothing',
    message: 'no_reaction',
    page: `${SITE}/`,
    sessionId: expect.stringMatching(/^[0-9a-f-]{36}$/),
  })
  expect(received[0]!.time).toBeGreaterThanOrEqual(started - 50)
  expect(received[0]!.time).toBeLessThanOrEqual(Date.now())

  await page.click('#boom')
  // The error at once; when the click's window ends, dead (an error is no visible reaction) and error click.
  await expect
    .poll(() => received.map((s) => s.kind))
    .toEqual(['dead_click', 'js_error', 'dead_click', 'error_click'])
  expect(received[1]).toMatchObject({ message: 'Error: boom from the demo', page: `${SITE}/` })
  expect(received.slice(2).map((s) => s.selector)).toEqual(['button#boom', 'button#boom'])

  await page.click('#fetch-404')
  await expect
    .poll(() => received.filter((s) => s.kind === 'failed_request'))
    .toEqual([
      expect.objectContaining({
        status: 404,
        message: 'HTTP 404',
        request: expect.objectContaining({
          method: 'GET',
          url: expect.stringContaining(`${SITE}/api/missing`),
        }),
      }),
    ])
  await page.click('#log')

  const summary = await handle.finish()
  expect(summary.sessionIds).toHaveLength(1)
  const sessionId = summary.sessionIds[0]!
  expect(summary.frustrationSignals.map((s) => [s.kind, s.selector])).toEqual([
    ['dead_click', 'button#nothing'],
    ['dead_click', 'button#boom'],
    ['error_click', 'button#boom'],
  ])
  expect(summary.errors.map((s) => s.message)).toEqual(['Error: boom from the demo'])
  expect(summary.failedRequests.map((s) => s.status)).toEqual([404])
  expect(summary.consoleErrors.map((s) => s.message)).toEqual(['error line'])
  // Every kind counted in the page is exactly what the collector stored for the session (the collector
  // derives more frustration signals, e.g. failed_request_click: only the SDK's kinds are compared).
  const stored: Record<string, number> = {}
  for (const kind of Object.keys(summary.counts)) {
    const sdkOnly = kind === 'signal' ? ` and kind in ('dead_click', 'error_click')` : ''
    const [row] = await sql.unsafe<{ n: number }[]>(
      `select count(*)::int as n from ${TABLE_OF[kind]} where user_session_id = $1${sdkOnly}`,
      [sessionId],
    )
    stored[kind] = row!.n
  }
  expect(stored).toEqual(summary.counts)
  expect(summary.counts).toMatchObject({ click: 4, signal: 3, error: 1, pageview: 1 })
  const [failed] = await sql<{ n: number }[]>`select count(*)::int as n from network_requests
    where user_session_id = ${sessionId} and status = 404`
  expect(failed!.n).toBe(1)
  // TTFB and FCP are reported at once; LCP at the first click: final values from the SDK.
  const vitals = summary.vitals.find((v) => v.page === `${SITE}/`)!
  expect(vitals.TTFB).toMatchObject({ final: true, value: expect.any(Number) })
  expect(vitals.FCP).toMatchObject({ final: true })
  expect(vitals.LCP).toMatchObject({ final: true, selector: expect.any(String) })
  expect(await handle.finish()).toBe(summary)
})

test('with a read key, finish() and the matchers also see the signals the collector derives (a click whose request failed)', async ({
  context,
}) => {
  const handle = await attach(context, { readKey: process.env.E2E_READ_KEY! })
  const received: SightlineSignal[] = []
  handle.on('signal', (s) => received.push(s))
  const page = await context.newPage()
  await page.goto(`${SITE}/`)
  await page.click('#fetch-500')
  await expect(page.locator('#status')).toHaveText('broken: 500')
  const summary = await handle.finish()
  // The page only knows the failed request; the click's consequence is decided at ingest.
  expect(received.map((s) => s.kind)).not.toContain('failed_request_click')
  const derived = summary.frustrationSignals.filter((s) => s.kind === 'failed_request_click')
  // The click's selector as the SDK computed it ("#fetch-500" has 3 digits: taken for a generated id).
  const [click] = await sql<{ selector: string }[]>`select selector from click_events
    where user_session_id = ${summary.sessionIds[0]!}`
  expect(derived).toEqual([
    expect.objectContaining({
      selector: click!.selector,
      message: 'http_5xx',
      page: `${SITE}/`,
      sessionId: summary.sessionIds[0],
      event: expect.objectContaining({ derived: true, ruleVersion: 'failed-request-1' }),
    }),
  ])
  const [stored] = await sql<{ n: number }[]>`select count(*)::int as n from frustration_signals
    where user_session_id = ${summary.sessionIds[0]!} and kind = 'failed_request_click'`
  expect(stored!.n).toBe(1)
  expect(summary.warnings).toEqual([])
  await sightlineExpect(summary).not.toHaveNoFrustrationSignals()
  await sightlineExpect(summary).toHaveNoFrustrationSignals({ ignore: (s) => s.event.derived === true })
})

test("on('signal'): a listener that throws fails the next flush with its error, and finish() with the run marked failed", async ({
  context,
}) => {
  const persona = { name: 'Strict', age: 50, techLiteracy: 'expert', goals: ['No errors'] }
  const handle = await attachSightline(context, {
    collector: process.env.E2E_COLLECTOR_URL!,
    siteKey: process.env.E2E_SITE_KEY!,
    testRun: { name: 'listener throws', persona },
  })
  handle.on('signal', (s) => {
    if (s.kind === 'js_error') throw new Error(`unexpected ${s.kind}`)
  })
  const page = await context.newPage()
  await page.goto(`${SITE}/`)
  await page.click('#boom')
  await expect(handle.flush()).rejects.toThrow('unexpected js_error')
  await expect(handle.flush()).resolves.toBeUndefined()
  expect(() => handle.on('close' as never, () => {})).toThrow('on: unknown event "close": only "signal"')
  await expect(attach(context)).rejects.toThrow(
    'attachSightline: this context (or one of its pages) is already attached: use the handle the first call returned',
  )
  await expect(attach(page)).rejects.toThrow(
    'attachSightline: this page (or its context) is already attached',
  )
  // (The SDK drops a repeat of the same error within 1 s: another one.)
  const errors: string[] = []
  handle.on('signal', (s) => s.kind === 'js_error' && errors.push(s.message!))
  await page.evaluate(() =>
    setTimeout(() => {
      throw new Error('another error')
    }),
  )
  await expect.poll(() => errors).toEqual(['Error: another error'])
  await expect(handle.finish({ status: 'passed' })).rejects.toThrow('unexpected js_error')
  const [run] = await sql`select status, finished_at from test_runs where id = ${handle.testRunId!}`
  expect(run).toEqual({ status: 'failed', finished_at: expect.any(Date) })
})

test('a page logging errors in a loop: every one counted and stored, the first 500 forwarded, a warning for the rest', async ({
  context,
}) => {
  const handle = await attach(context)
  const page = await context.newPage()
  await page.goto(`${SITE}/plain.html`)
  await page.evaluate(() => {
    for (let i = 0; i < 600; i++) console.error(`failure ${i}`)
  })
  const summary = await handle.finish()
  expect(summary.counts.console).toBe(600)
  const listed = summary.consoleErrors.length
  expect(listed).toBeLessThanOrEqual(500)
  expect(listed).toBeGreaterThan(490) // the page's first vitals took a few of the 500
  expect(summary.consoleErrors[0]!.message).toBe('failure 0')
  expect(summary.warnings).toEqual([
    `${600 - listed} signals of ${SITE}/plain.html were counted but not listed (over the limit per page)`,
  ])
  const [stored] = await sql<{ n: number }[]>`select count(*)::int as n from console_logs
    where user_session_id = ${summary.sessionIds[0]!} and level = 'error'`
  expect(stored!.n).toBe(600)
})

test('matchers: pass on a clean page, fail on the demo page listing each offending event with element, page and time', async ({
  context,
}) => {
  const handle = await attach(context)
  const clicks: SightlineSignal[] = []
  handle.on('signal', (s) => s.kind.endsWith('_click') && clicks.push(s))
  const page = await context.newPage()
  await page.goto(`${SITE}/plain.html`)
  await page.click('#go')
  await sightlineExpect(handle).toHaveNoFrustrationSignals()
  await sightlineExpect(handle).toHaveNoConsoleErrors()
  // No layout shift at all; LCP and INP only as "not poor" (this machine may be busy: they are timings).
  await sightlineExpect(handle).toMeetWebVitals({ CLS: 0, LCP: 4000, INP: 500 })

  await page.goto(`${SITE}/`)
  await page.click('#nothing')
  await page.click('#boom')
  await page.click('#log')
  // Once the windows of the clicks are over (a flush before would judge them early). Logging is no
  // visible reaction: #log is a dead click too.
  await expect
    .poll(() => clicks.map((s) => `${s.kind} ${s.selector}`))
    .toEqual([
      'dead_click button#nothing',
      'dead_click button#boom',
      'error_click button#boom',
      'dead_click button#log',
    ])
  const time = String.raw`at \d\d:\d\d:\d\d\.\d{3} \(\+\d+\.\d{3} s\)`
  const frustration = await sightlineExpect(handle)
    .toHaveNoFrustrationSignals()
    .then(
      () => undefined,
      (e: Error) => e.message,
    )
  expect(frustration).toMatch(
    new RegExp(
      [
        `Expected no frustration signals, found 4:`,
        String.raw`  - dead_click on button#nothing \(no_reaction\) — page ${SITE}/ ${time}`,
        String.raw`  - dead_click on button#boom \(no_reaction\) — page ${SITE}/ ${time}`,
        `  - error_click on button#boom — page ${SITE}/ ${time}`,
        String.raw`  - dead_click on button#log \(no_reaction\) — page ${SITE}/ ${time}`,
      ].join('\n'),
    ),
  )
  const consoleErrors = await sightlineExpect(handle)
    .toHaveNoConsoleErrors()
    .then(
      () => undefined,
      (e: Error) => e.message,
    )
  expect(consoleErrors).toMatch(
    new RegExp(
      [
        `Expected no console errors or uncaught errors, found 2:`,
        `  - js_error "Error: boom from the demo" — page ${SITE}/ ${time}`,
        `  - console_error "error line" — page ${SITE}/ ${time}`,
      ].join('\n'),
    ),
  )
  // Known issues can be let through.
  await sightlineExpect(handle).toHaveNoFrustrationSignals({
    ignore: (s) => /#(nothing|boom|log)$/.test(s.selector!),
  })
})

/** A page with a late banner pushing the content down (CLS) and a button that blocks the main thread (INP). */
const JANKY = `<!doctype html><html><head><meta charset="utf-8"><title>Janky</title></head><body>
<div id="slot"></div>
<h1 id="headline" style="font-size:48px">A headline that gets pushed down</h1>
<p style="height:400px">Some text</p>
<button id="slow" onclick="const t = performance.now(); while (performance.now() - t < 350); this.textContent = 'done'">Slow</button>
<script>setTimeout(() => { document.getElementById('slot').innerHTML = '<div id="banner" style="height:300px;background:#eee">Banner</div>' }, 300)</script>
</body></html>`

/**
 * Served from a real server of this test (a document from route.fulfill is public address space for
 * Chromium, which then blocks its requests to a collector on 127.0.0.1), recorded as a site of its own.
 */
let janky: { origin: string; siteKey: string; close(): void }
test.beforeAll(async () => {
  const server = createServer((req, res) => {
    const body = req.url === '/janky.html' ? JANKY : '<!doctype html><title>Next</title><p>Next page</p>'
    res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' }).end(body)
  })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  const origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`
  const site = await createSite(sql, { name: 'janky', companyName: 'janky', origins: [origin] })
  janky = { origin, siteKey: site.siteKey, close: () => server.close() }
})
test.afterAll(() => janky.close())

test('toMeetWebVitals: an open page is measured (CLS, INP with their elements); a page left by navigation hands its final vitals on', async ({
  context,
}) => {
  const handle = await attachSightline(context, {
    collector: process.env.E2E_COLLECTOR_URL!,
    siteKey: janky.siteKey,
  })
  const page = await context.newPage()
  await page.goto(`${janky.origin}/janky.html`)
  await expect(page.locator('#banner')).toBeVisible()
  await page.click('#slow')
  await expect(page.locator('#slow')).toHaveText('done')
  const open = await sightlineExpect(handle)
    // LCP's bound is loose on purpose: on a loaded 2-core machine a local page's LCP can pass 2.5 s.
    .toMeetWebVitals({ LCP: 60_000, CLS: 0.1, INP: 200 })
    .then(
      () => undefined,
      (e: Error) => e.message,
    )
  expect(open).toMatch(/Expected LCP ≤ 60000 ms, CLS ≤ 0\.1, INP ≤ 200 ms on every page, 2 over:\n/)
  expect(open).toMatch(
    new RegExp(
      String.raw`  - CLS 0\.\d+ > 0\.1 \((needs-improvement|poor)\) — page ${janky.origin}/janky\.html element [^,]+, measured at`,
    ),
  )
  expect(open).toMatch(
    new RegExp(
      String.raw`  - INP \d+ ms > 200 ms \((needs-improvement|poor)\) — page ${janky.origin}/janky\.html element button#slow, measured at`,
    ),
  )
  const measured = (await handle.summary()).vitals.find((v) => v.page === `${janky.origin}/janky.html`)!
  expect(measured.INP!.value).toBeGreaterThanOrEqual(350)
  expect(measured.CLS!.value).toBeGreaterThan(0.1)

  // Leaving the page: web-vitals reports CLS (and INP, LCP if not yet) on hide, while Playwright drops
  // the binding's calls: the next page of the tab hands them on. What it does not report stays measured.
  await page.goto(`${janky.origin}/next.html`)
  const summary = await handle.finish()
  const left = summary.vitals.find((v) => v.page === `${janky.origin}/janky.html`)!
  expect(left.CLS).toMatchObject({ final: true, value: measured.CLS!.value })
  expect(left.INP!.value).toBeGreaterThanOrEqual(350)
  // Every reported value is the one the SDK stored.
  const rows = await sql<{ metric: 'LCP' | 'CLS' | 'INP'; value: number }[]>`
    select metric, value from page_performance where user_session_id = ${summary.sessionIds[0]!}
      and page_url = ${`${janky.origin}/janky.html`} and metric in ('LCP', 'CLS', 'INP')`
  expect(rows.map((r) => r.metric)).toContain('CLS')
  for (const row of rows) expect(left[row.metric]).toMatchObject({ final: true, value: row.value })
})
