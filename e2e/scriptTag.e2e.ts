import { expect, test } from '@playwright/test'
import { everythingStoredFor, RECORDING_TABLES, rowsOf, sql } from './lib/db.js'
import { flush, sessionIdOf } from './lib/page.js'

const CANARIES = {
  email: 'canary-email-7c1@example.com',
  password: 'CANARY-PASSWORD-7c1',
  card: '4111 1111 1111 1111',
  notes: 'CANARY-NOTES-7c1',
  editor: 'CANARY-EDITOR-7c1',
}

test('script tag: a visit on the demo site lands in every session-recording table, private and correct', async ({
  page,
}) => {
  const pageErrors: string[] = []
  page.on('pageerror', (e) => pageErrors.push(e.message))
  const requested: string[] = []
  page.on('request', (r) => requested.push(new URL(r.url()).pathname))
  const site = process.env.E2E_SITE_URL!
  await page.goto(site)
  const sessionId = await sessionIdOf(page)

  // Home: clicks, rage, an error, the four kinds of fetch outcome, console, an SPA route.
  await page.click('#buy')
  await page.click('#nothing')
  await page.waitForTimeout(1_200) // each click judged alone
  for (let i = 0; i < 3; i++) await page.click('#disabled-look', { force: true, delay: 20 })
  await page.waitForTimeout(1_200)
  await page.click('#boom')
  for (const [button, outcome] of [
    ['#fetch-ok', 'ok: 200'],
    ['#fetch-404', 'missing: 404'],
    ['#fetch-500', 'broken: 500'],
    ['#fetch-fail', 'unreachable: failed'],
  ]) {
    await page.click(button!)
    await expect(page.locator('#status')).toHaveText(outcome!)
  }
  await page.click('#log')
  await page.mouse.move(50, 50)
  await page.mouse.move(400, 300, { steps: 8 })
  await page.mouse.wheel(0, 900)
  await page.click('#spa-products')
  await expect(page.locator('#view h2')).toHaveText('Products')
  await expect(page).toHaveURL(/\/products\?ref=nav&token=CANARY-SPA-TOKEN$/)

  // Form page (a link from the SPA route): values typed in every kind of field.
  await page.click('#nav-form')
  await page.waitForURL('**/form.html')
  await page.fill('#email', CANARIES.email)
  await page.fill('#password', CANARIES.password)
  await page.fill('#card', CANARIES.card)
  await page.fill('#notes', CANARIES.notes)
  await page.click('#editor-inner') // typed two levels below the contenteditable element
  await page.keyboard.type(CANARIES.editor)
  await page.keyboard.press('Tab')
  await page.click('#submit')
  await expect(page.locator('#status')).toHaveText('Thanks for signing up')

  // Long page: lazy pictures load only when scrolled near; marked elements report their visibility.
  await page.click('#nav-long')
  await page.waitForURL('**/long.html')
  expect(requested.filter((p) => p.startsWith('/img/'))).toEqual([])
  await page.locator('#figure-one').scrollIntoViewIfNeeded()
  await expect
    .poll(() => page.locator('#lazy-one').evaluate((img: HTMLImageElement) => img.naturalWidth))
    .toBe(300)
  expect(requested.filter((p) => p.startsWith('/img/'))).toEqual(['/img/one.svg'])
  await page.waitForTimeout(300) // visible time for #figure-one
  await flush(page)
  await page.close({ runBeforeUnload: true }) // hidden + pagehide: the exit flush

  await expect
    .poll(async () => (await rowsOf('visibility_changes', sessionId)).length, { timeout: 15_000 })
    .toBeGreaterThan(0)
  await expect
    .poll(async () => (await rowsOf('element_visibility', sessionId)).map((e) => e.selector), {
      timeout: 15_000,
    })
    .toContain('footer#end') // sent by the long page as it closed
  for (const table of RECORDING_TABLES) {
    expect({ table, rows: (await rowsOf(table, sessionId)).length > 0 }).toEqual({ table, rows: true })
  }

  const rage = await rowsOf('rage_click_incidents', sessionId)
  expect(rage).toHaveLength(1)
  expect(rage[0]).toMatchObject({ selector: 'button#disabled-look', rule_version: 'rage-1' })
  expect(Number(rage[0]!.click_count)).toBeGreaterThanOrEqual(3)

  const signals = await rowsOf('frustration_signals', sessionId)
  const summary = signals.map((s) => `${s.kind}:${s.reason ?? ''}:${s.selector}`)
  expect(summary).toContain('dead_click:no_reaction:button#nothing')
  expect(summary).toContain('dead_click:disabled:button#disabled-look')
  expect(summary.filter((s) => s.startsWith('error_click'))).toEqual(['error_click::button#boom'])
  expect(summary.some((s) => s.includes('button#buy'))).toBe(false) // it changed the page: not dead

  const errors = await rowsOf('javascript_errors', sessionId)
  expect(errors.map((e) => e.message)).toContainEqual(expect.stringContaining('boom from the demo'))
  const net = (await rowsOf('network_requests', sessionId)).map((n) => ({
    method: n.method,
    url: n.url,
    status: n.status,
    initiator: n.initiator,
    error: n.error,
  }))
  expect(net).toEqual([
    { method: 'GET', url: `${site}/api/ok`, status: 200, initiator: 'fetch', error: null },
    {
      method: 'GET',
      url: `${site}/api/missing?token=[redacted]`,
      status: 404,
      initiator: 'fetch',
      error: null,
    },
    { method: 'GET', url: `${site}/api/broken`, status: 500, initiator: 'fetch', error: null },
    {
      method: 'GET',
      url: `${process.env.E2E_CLOSED_ORIGIN}/api/never`,
      status: null,
      initiator: 'fetch',
      error: expect.stringMatching(/^TypeError: Failed to fetch/),
    },
  ])
  const views = (await rowsOf('page_views', sessionId)).map((v) => [v.navigation_type, v.url, v.referrer])
  expect(views).toEqual([
    ['load', `${site}/`, null],
    ['spa', `${site}/products?ref=nav&token=[redacted]`, `${site}/`],
    ['load', `${site}/form.html`, `${site}/products?ref=nav&token=[redacted]`],
    ['load', `${site}/long.html`, `${site}/form.html`],
  ])
  const seen = Object.fromEntries(
    (await rowsOf('element_visibility', sessionId)).map((e) => [
      e.selector,
      { ratio: e.visible_ratio, visible: Number(e.visible_ms) > 0, first: e.first_visible_at !== null },
    ]),
  )
  expect(seen).toEqual({
    'section#pricing': { ratio: 1, visible: true, first: true },
    'section#intro': { ratio: 1, visible: true, first: true },
    'figure#figure-one': { ratio: 1, visible: true, first: true },
    'figure#figure-two': { ratio: 0, visible: false, first: false }, // never scrolled to
    'footer#end': { ratio: 0, visible: false, first: false },
  })
  const levels = (await rowsOf('console_logs', sessionId)).map((c) => c.level)
  expect(new Set(levels)).toEqual(new Set(['debug', 'log', 'info', 'warn', 'error']))
  const forms = await rowsOf('form_interactions', sessionId)
  expect(forms).toContainEqual(
    expect.objectContaining({
      action: 'input',
      field_name: 'password',
      field_type: 'password',
      value_length: CANARIES.password.length,
    }),
  )
  expect((await rowsOf('keyboard_events', sessionId)).map((k) => k.key)).toContain('Tab')
  const [session] =
    await sql`select actor, entry_url, platform_details from user_sessions where id = ${sessionId}`
  expect(session).toMatchObject({ actor: 'automation', entry_url: `${process.env.E2E_SITE_URL}/` })

  const stored = await everythingStoredFor(sessionId)
  expect(stored).toContain('Demo shop') // the decompressed replay is really in there
  expect(stored).toContain('img/two.svg') // the lazy picture never loaded is in the replay's DOM
  for (const [field, canary] of Object.entries(CANARIES))
    expect({ field, leaked: stored.includes(canary) }).toEqual({ field, leaked: false })
  expect(stored).not.toContain('CANARY-URL-TOKEN')
  expect(stored).not.toContain('CANARY-HIDDEN')
  expect(stored).not.toContain('CANARY-MASKED-TEXT') // data-sightline-mask
  expect(stored).not.toContain('CANARY-BLOCKED-TEXT') // data-sightline-block
  expect(pageErrors).toEqual(['boom from the demo'])
})
