import { readFile } from 'node:fs/promises'
import { expect, type Page, type TestInfo, test } from '@playwright/test'
import { attachSightline } from '@sightline/playwright'
import { ensureDashboardBuilt, runExportedScript, signIn } from './lib/dashboard.js'
import { rowsOf, sql } from './lib/db.js'

const SITE = process.env.E2E_SITE_URL!
const CANARY_EMAIL = 'canary-dash-4e2@example.com'
const CANARY_PASSWORD = 'CANARY-DASH-PASSWORD-4e2'

test.beforeAll(() => ensureDashboardBuilt())

async function shot(page: Page, testInfo: TestInfo, name: string) {
  const file = testInfo.outputPath(`${name}.png`)
  await page.screenshot({ path: file, fullPage: true })
  await testInfo.attach(name, { path: file, contentType: 'image/png' })
}

/** The SDK's page API (declared locally: other specs declare window.sightline their own way). */
interface PageSdk {
  getSessionId(): string | null
  flush(): Promise<void>
  track(name: string, props?: Record<string, unknown>): void
}
type WithSdk = { sightline?: PageSdk }

const step = (page: Page, title: string, phase: 'start' | 'end') =>
  page.evaluate(
    ([title, phase]) =>
      (window as unknown as WithSdk).sightline!.track('test.step', { title, phase, stepId: title }),
    [title, phase],
  )

/** A visit to the demo site through its script tag: home, SPA route, sign-up form. Returns the session id. */
async function recordVisit(page: Page): Promise<string> {
  await page.goto(`${SITE}/`)
  const sessionId = await page
    .waitForFunction(() => (window as unknown as WithSdk).sightline?.getSessionId?.())
    .then((h) => h.jsonValue() as Promise<string>)
  await step(page, 'Shop', 'start')
  await page.click('#buy')
  await expect(page.locator('#cart')).toHaveText('In cart: 1')
  await page.waitForTimeout(1_200)
  await page.click('#nothing') // a dead click
  await page.waitForTimeout(1_200)
  await page.click('#spa-products')
  await expect(page.getByRole('heading', { name: 'Products' })).toBeVisible()
  await step(page, 'Shop', 'end')
  await page.waitForTimeout(1_500)
  await page.click('#nav-form')
  await expect(page.getByRole('heading', { name: 'Sign up' })).toBeVisible()
  await page.waitForTimeout(1_500)
  await page.fill('#email', CANARY_EMAIL)
  await page.fill('#password', CANARY_PASSWORD)
  await page.click('#submit')
  await expect(page.locator('#status')).toHaveText('Thanks for signing up')
  await page.waitForTimeout(1_200)
  await page.evaluate(() => (window as unknown as WithSdk).sightline!.flush())
  await page.close({ runBeforeUnload: true })
  // Everything stored: three page views and the replay of both documents.
  await expect.poll(async () => (await rowsOf('page_views', sessionId)).length, { timeout: 15_000 }).toBe(3)
  await expect
    .poll(
      async () => (await rowsOf('replay_segments', sessionId)).filter((r) => r.has_full_snapshot).length,
      {
        timeout: 15_000,
      },
    )
    .toBeGreaterThanOrEqual(2)
  return sessionId
}

/** The player's current time (ms from the first record), as the dashboard publishes it. */
const currentMs = (page: Page) => page.locator('#player').getAttribute('data-current-ms').then(Number)

test('dashboard: replay of a recorded visit with the timeline in sync, and its export runs as a Playwright test', async ({
  browser,
}, testInfo) => {
  test.setTimeout(150_000)
  const visit = await browser.newContext()
  const sessionId = await recordVisit(await visit.newPage())
  await visit.close()

  const context = await browser.newContext({ viewport: { width: 1400, height: 1000 }, acceptDownloads: true })
  const page = await context.newPage()
  const pageErrors: string[] = []
  page.on('pageerror', (e) => pageErrors.push(e.message))
  await signIn(page, process.env.E2E_READ_KEY!)

  // The list: the session with its dead-click badge.
  const row = page.locator(`tr[data-session="${sessionId}"]`)
  await expect(row).toBeVisible()
  await expect(row.locator('[data-kind="dead_click"]')).toHaveText('dead click 1')
  await shot(page, testInfo, '1-sessions')

  // The session page: the replay plays the recorded page.
  await row.getByRole('link').click()
  await expect(page).toHaveURL(new RegExp(`/sessions/${sessionId}$`))
  const replayed = page.frameLocator('#player iframe')
  await expect(replayed.getByRole('heading', { name: 'Demo shop' })).toBeVisible({ timeout: 15_000 })
  await expect.poll(() => currentMs(page)).toBeGreaterThan(300) // it plays
  await shot(page, testInfo, '2-replay')

  // The timeline: page views, clicks (the dead one marked), the signal, the test step.
  const timeline = page.getByRole('complementary', { name: 'Timeline' })
  const item = (label: string | RegExp) => timeline.locator('li').filter({ hasText: label })
  await expect(item('Click Buy')).toHaveCount(1)
  await expect(item('Click Does nothing (dead)')).toHaveClass(/bad/)
  await expect(item(/dead click \(no_reaction\) on button#nothing/)).toHaveCount(1)
  await expect(item('Step: Shop')).toHaveCount(1)
  await expect(item('Page /form.html')).toHaveCount(1)

  // Pause, then seek by clicking items: the player's time becomes the item's, the item is highlighted,
  // and the replay shows that moment's page.
  await page.locator('#player .rr-controller__btns button').first().click()
  for (const [label, heading] of [
    ['Page /form.html', 'Sign up'],
    ['Click Buy', 'Demo shop'],
  ] as const) {
    const target = item(label)
    const offset = Number(await target.locator('button').getAttribute('data-offset-ms'))
    await target.locator('button').click()
    await expect.poll(async () => Math.abs((await currentMs(page)) - offset)).toBeLessThan(50)
    await expect(target).toHaveAttribute('aria-current', 'true')
    await expect(replayed.getByRole('heading', { name: heading })).toBeVisible()
  }
  const formAt = Number(await item('Page /form.html').locator('button').getAttribute('data-offset-ms'))
  const buyAt = Number(await item('Click Buy').locator('button').getAttribute('data-offset-ms'))
  expect(formAt - buyAt).toBeGreaterThan(3_000) // the two seeks really moved the replay
  await shot(page, testInfo, '3-seeked')

  // Export as a Playwright test: shown, downloadable, without the typed values, and it runs.
  await page.getByRole('button', { name: 'Export as Playwright test' }).click()
  const code = await page.getByRole('textbox', { name: 'Exported script' }).inputValue()
  const [download] = await Promise.all([
    page.waitForEvent('download'),
    page.locator('[data-export-download]').click(),
  ])
  const file = testInfo.outputPath('exported', download.suggestedFilename())
  await download.saveAs(file)
  expect(await readFile(file, 'utf8')).toBe(code)
  await testInfo.attach('exported.spec.ts', { body: code, contentType: 'text/plain' })
  await shot(page, testInfo, '4-export')
  expect(code).toContain("await page.getByTestId('buy').click()")
  expect(code).toContain("await page.getByRole('link', { name: 'Sign up', exact: true }).click()")
  expect(code).toContain(
    "await page.locator('input#email').fill(process.env.FIELD_EMAIL ?? 'user@example.com')",
  )
  expect(code).not.toContain(CANARY_EMAIL)
  expect(code).not.toContain(CANARY_PASSWORD)

  const since = new Date()
  const run = await runExportedScript(file) // the downloaded file
  await testInfo.attach('exported-run.txt', { body: run.output, contentType: 'text/plain' })
  expect(run.status, run.output).toBe(0)
  expect(run.output).toContain('1 passed')
  // The exported run was itself recorded by the demo site's script tag: the same clicks, in order.
  const clicks = async () => {
    const [s] = await sql<{ id: string }[]>`
      select id from user_sessions where started_at >= ${since} and id <> ${sessionId} order by started_at limit 1`
    return s ? (await rowsOf('click_events', s.id)).map((c) => c.selector) : []
  }
  await expect
    .poll(clicks, { timeout: 15_000 })
    .toEqual(expect.arrayContaining(['button#buy', 'button#nothing', 'button#spa-products', 'a#nav-form']))
  expect(pageErrors).toEqual([])
  await context.close()
})

test('dashboard: a session starting on the site appears live in the list, and its signals as they are stored', async ({
  browser,
}, testInfo) => {
  const context = await browser.newContext({ viewport: { width: 1400, height: 800 } })
  const page = await context.newPage()
  await signIn(page, process.env.E2E_READ_KEY!)
  await expect(page.getByText('Live', { exact: true })).toHaveAttribute('data-state', 'open')
  const shown = await page.locator('tr[data-session]').count()

  const visitor = await browser.newContext()
  const site = await visitor.newPage()
  await site.goto(`${SITE}/`)
  const sessionId = await site
    .waitForFunction(() => (window as unknown as WithSdk).sightline?.getSessionId?.())
    .then((h) => h.jsonValue() as Promise<string>)
  await site.evaluate(() => (window as unknown as WithSdk).sightline!.flush())

  // No reload: the row arrives over GET /v1/live, marked live.
  const row = page.locator(`tr[data-session="${sessionId}"]`)
  await expect(row).toBeVisible({ timeout: 15_000 })
  await expect(row.locator('.live-badge')).toHaveText('live')
  await expect(page.locator('tr[data-session]')).toHaveCount(shown + 1)
  await expect(row.locator('[data-kind="dead_click"]')).toHaveCount(0)

  await site.click('#nothing')
  await site.waitForTimeout(1_200) // the dead-click window
  await site.evaluate(() => (window as unknown as WithSdk).sightline!.flush())
  await expect(row.locator('[data-kind="dead_click"]')).toHaveText('dead click 1', { timeout: 15_000 })
  await shot(page, testInfo, 'live')
  await visitor.close()
  await context.close()
})

test('dashboard: a test run with persona, models, cost, steps and sessions; its signals and web vitals pages', async ({
  browser,
}, testInfo) => {
  const name = `checkout smoke ${Date.now()}`
  const visitor = await browser.newContext()
  const handle = await attachSightline(visitor, {
    collector: process.env.E2E_COLLECTOR_URL!,
    siteKey: process.env.E2E_SITE_KEY!,
    testRun: {
      name,
      persona: { name: 'Hurried Shopper', age: 41, techLiteracy: 'low', goals: ['Buy a lamp fast'] },
      aiMetadata: {
        models: { strategy: { name: 'model-s', cost: 0.0021 }, vision: { name: 'model-v', cost: 0.0009 } },
        totalCost: 0.003,
        tokensUsed: 4200,
      },
    },
  })
  const site = await visitor.newPage()
  await site.goto(`${SITE}/bare/`) // no script tag: attachSightline injects the SDK
  await step(site, 'Find the dead button', 'start')
  await site.click('#nothing')
  await site.waitForTimeout(1_200)
  await step(site, 'Find the dead button', 'end')
  await site.goto(`${SITE}/bare/form.html`) // leaving the page sends its web vitals
  await handle.flush()
  const [sessionId] = await handle.sessionIds()
  await visitor.close()

  const context = await browser.newContext({ viewport: { width: 1400, height: 900 } })
  const page = await context.newPage()
  await signIn(page, process.env.E2E_READ_KEY!)
  await page.getByRole('link', { name: 'Test runs' }).click()
  const run = page.locator(`tr[data-test-run="${handle.testRunId}"]`)
  await expect(run).toContainText(name)
  await expect(run).toContainText('Hurried Shopper')
  await expect(run).toContainText('model-s, model-v')
  await expect(run).toContainText('$0.0030')
  await shot(page, testInfo, 'test-runs')
  await run.getByRole('link').click()
  await expect(page.getByRole('heading', { name: `Test run ${name}` })).toBeVisible()
  const persona = page.getByRole('region', { name: 'Persona' })
  await expect(persona).toContainText('Buy a lamp fast')
  await expect(persona).toContainText('41')
  await expect(page.getByRole('row', { name: 'vision model-v $0.0009' })).toBeVisible()
  await expect(page.getByRole('region', { name: 'Models and cost' })).toContainText('4,200 tokens')
  await expect(page.getByRole('heading', { name: 'Steps (1)' })).toBeVisible()
  await expect(page.locator('ol.steps li')).toHaveText([/^Find the dead button/])
  await expect(page.locator(`a[href="/sessions/${sessionId}"]`)).toHaveCount(1)
  await shot(page, testInfo, 'test-run')

  await page.getByRole('link', { name: 'Signals' }).click()
  await expect(page.getByRole('region', { name: 'Top selectors' })).toContainText(
    'button#nothing · dead click',
  )
  await expect(page.getByRole('region', { name: 'Top pages' })).toContainText('/bare/')
  await expect(page.getByRole('img', { name: 'Signals per day and kind' })).toBeVisible()
  await expect(page.locator(`a[href^="/sessions/${sessionId}?t="]`).first()).toBeVisible()
  await shot(page, testInfo, 'signals')

  await page.getByRole('link', { name: 'Web vitals' }).click()
  const bare = page
    .locator('table.vitals tbody tr')
    .filter({ has: page.getByRole('cell', { name: '/bare/', exact: true }) })
  await expect(bare).toHaveCount(1)
  await expect(bare.locator('td').nth(5)).toHaveText(/^\d+ ms$/) // FCP p75
  await shot(page, testInfo, 'vitals')
  await context.close()
})
