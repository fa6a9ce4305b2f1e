import { expect, type Page, type Request, test } from '@playwright/test'
import { createSql } from '../apps/collector/src/db/connect.js'
import { findFreePort } from '../apps/collector/src/db/embedded.js'
import { startCollector } from './lib/collector.js'
import { countOf, customEventCounts } from './lib/db.js'
import { flush, sessionIdOf, track } from './lib/page.js'

const site = process.env.E2E_SITE_URL!

/** What a page shows the outside world: uncaught errors and console messages (type: text). */
function watch(page: Page) {
  const seen = { errors: [] as string[], console: [] as string[] }
  page.on('pageerror', (e) => seen.errors.push(e.message))
  page.on('console', (m) => seen.console.push(`${m.type()}: ${m.text()}`))
  return seen
}

/** Every control of the demo, each outcome the page shows afterwards. */
async function useTheDemo(page: Page, base: string): Promise<string[]> {
  const outcomes: string[] = []
  const note = async (what: string) =>
    outcomes.push(
      `${what} → ${await page.locator('#status').textContent()} / ${await page.locator('#cart').textContent()}`,
    )
  for (const id of ['buy', 'nothing', 'disabled-look', 'boom', 'log', 'buy']) {
    await page.click(`#${id}`, { force: true }) // force: #disabled-look is aria-disabled
    await note(id)
  }
  for (const [id, shown] of [
    ['fetch-ok', 'ok: 200'],
    ['fetch-404', 'missing: 404'],
    ['fetch-500', 'broken: 500'],
    ['fetch-fail', 'unreachable: failed'],
  ] as const) {
    await page.click(`#${id}`)
    await expect(page.locator('#status')).toHaveText(shown)
    await note(id)
  }
  await page.click('#spa-products')
  outcomes.push(`spa → ${page.url().replace(base, '')} ${await page.locator('#view').textContent()}`)
  await page.goBack()
  outcomes.push(`back → ${page.url().replace(base, '')} ${await page.locator('#view').textContent()}`)

  await page.goto(`${base}/form.html`)
  await page.fill('#email', 'someone@example.com')
  await page.fill('#password', 'hunter2')
  await page.fill('#notes', 'hello')
  await page.click('#submit')
  outcomes.push(
    `form → ${await page.locator('#status').textContent()} ${await page.locator('#email').inputValue()}`,
  )

  await page.goto(`${base}/long.html`)
  await page.locator('#figure-one').scrollIntoViewIfNeeded()
  await expect
    .poll(() => page.locator('#lazy-one').evaluate((i: HTMLImageElement) => i.naturalWidth))
    .toBe(300)
  outcomes.push(`long → ${await page.locator('#lazy-two').evaluate((i: HTMLImageElement) => i.complete)}`)
  return outcomes
}

test('host safety: the demo behaves the same with and without the SDK — outcomes, console and errors', async ({
  browser,
}) => {
  const runs = []
  for (const base of [`${site}/bare`, site]) {
    const context = await browser.newContext()
    const page = await context.newPage()
    const seen = watch(page)
    await page.goto(`${base}/`)
    const recorded = base === site ? await sessionIdOf(page) : undefined
    const outcomes = await useTheDemo(page, base)
    if (recorded) {
      expect(await page.evaluate(() => window.sightline?.error)).toBeUndefined()
      await flush(page)
      expect(await countOf('click_events', recorded)).toBeGreaterThan(5) // the SDK really was recording
    }
    await context.close()
    runs.push({ outcomes, ...seen })
  }
  const [without, withSdk] = runs
  expect(withSdk!.errors).toEqual(['boom from the demo'])
  expect(withSdk).toEqual(without)
})

test('host safety: with the collector down the page works normally, and nothing is lost once it is back', async ({
  page,
  browser,
}) => {
  const sql = createSql(process.env.E2E_DATABASE_URL!, { max: 2 })
  const port = await findFreePort()
  let collector = await startCollector(sql, port)
  const ingest = `${collector.url}/v1/batch`
  try {
    const base = `${site}/c/${port}` // the demo's script tag points at this collector
    const seen = watch(page)
    const failedSends: Request[] = []
    page.on('requestfailed', (r) => r.url().startsWith(ingest) && failedSends.push(r))
    await page.goto(`${base}/`)
    const sessionId = await sessionIdOf(page)
    await flush(page)

    await collector.stop()
    await track(page, 'e2e.down', 0, 120)
    for (let i = 1; i <= 3; i++) {
      await page.click('#buy')
      await expect(page.locator('#cart')).toHaveText(`In cart: ${i}`)
    }
    await page.click('#fetch-ok')
    await expect(page.locator('#status')).toHaveText('ok: 200')
    await page.click('#spa-products')
    await expect(page.locator('#view h2')).toHaveText('Products')
    await page.evaluate(() => void window.sightline!.flush()) // a send now: it must fail
    await expect.poll(() => failedSends.length).toBeGreaterThan(0)
    await track(page, 'e2e.down', 120, 30) // after the failure, while retries back off
    expect(await customEventCounts(sessionId, 'e2e.down')).toEqual({ rows: 0, distinct: 0 })
    // A page opened meanwhile by a new visitor (nothing cached) cannot even load sdk.js: it works all the same.
    const visitor = await browser.newContext()
    const other = await visitor.newPage()
    const otherSeen = watch(other)
    await other.goto(`${base}/form.html`)
    await other.fill('#email', 'someone@example.com')
    await other.click('#submit')
    await expect(other.locator('#status')).toHaveText('Thanks for signing up')
    expect(await other.evaluate(() => window.sightline)).toBeUndefined()
    await visitor.close()
    expect(otherSeen.errors).toEqual([])
    expect(otherSeen.console.filter((m) => m.startsWith('error'))).toEqual([
      'error: Failed to load resource: net::ERR_CONNECTION_REFUSED', // sdk.js
    ])

    collector = await startCollector(sql, port)
    await flush(page) // retried with backoff; resolves once the collector acknowledged everything
    expect(await customEventCounts(sessionId, 'e2e.down')).toEqual({ rows: 150, distinct: 150 })
    expect(await countOf('click_events', sessionId, ['selector', 'button#buy'])).toBe(3)
    expect(await countOf('network_requests', sessionId, ['url', `${site}/api/ok`])).toBe(1)
    expect(await countOf('page_views', sessionId, ['navigation_type', 'spa'])).toBe(1)

    // Nothing reached the page: no uncaught error, and the only console errors are the browser's own
    // network log lines for the refused sends (what any failed request prints in DevTools).
    expect(seen.errors).toEqual([])
    expect(new Set(seen.console.filter((m) => m.startsWith('error')))).toEqual(
      new Set(['error: Failed to load resource: net::ERR_CONNECTION_REFUSED']),
    )
    expect(failedSends.every((r) => r.failure()?.errorText === 'net::ERR_CONNECTION_REFUSED')).toBe(true)
  } finally {
    await collector.stop()
    await sql.end()
  }
})
