import { expect, test } from '@playwright/test'
import { everythingStoredFor, RECORDING_TABLES, rowsOf, sql } from './lib/db.js'

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
  await page.goto(process.env.E2E_SITE_URL!)
  const sessionId = await page
    .waitForFunction(() => window.sightline?.getSessionId?.())
    .then((h) => h.jsonValue() as Promise<string>)

  await page.click('#buy')
  await page.click('#nothing')
  await page.waitForTimeout(1_200) // each click judged alone
  for (let i = 0; i < 3; i++) await page.click('#disabled-look', { force: true, delay: 20 })
  await page.waitForTimeout(1_200)
  await page.click('#boom')
  await page.click('#fetch-404')
  await page.click('#log')
  await page.fill('#email', CANARIES.email)
  await page.fill('#password', CANARIES.password)
  await page.fill('#card', CANARIES.card)
  await page.fill('#notes', CANARIES.notes)
  await page.click('#editor-inner') // typed two levels below the contenteditable element
  await page.keyboard.type(CANARIES.editor)
  await page.keyboard.press('Tab')
  await page.mouse.move(50, 50)
  await page.mouse.move(400, 300, { steps: 8 })
  await page.mouse.wheel(0, 900)
  await page.waitForTimeout(1_200)
  await page.evaluate(() => window.sightline!.flush())
  await page.close({ runBeforeUnload: true }) // hidden + pagehide: the exit flush

  await expect
    .poll(async () => (await rowsOf('visibility_changes', sessionId)).length, { timeout: 15_000 })
    .toBeGreaterThan(0)
  await expect
    .poll(async () => (await rowsOf('element_visibility', sessionId)).length, { timeout: 15_000 })
    .toBeGreaterThan(0)
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
  const net = await rowsOf('network_requests', sessionId)
  expect(net).toContainEqual(
    expect.objectContaining({
      method: 'GET',
      status: 404,
      url: expect.stringContaining('/api/missing?token=[redacted]'),
    }),
  )
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
  for (const [field, canary] of Object.entries(CANARIES))
    expect({ field, leaked: stored.includes(canary) }).toEqual({ field, leaked: false })
  expect(stored).not.toContain('CANARY-URL-TOKEN')
  expect(stored).not.toContain('CANARY-HIDDEN')
  expect(stored).not.toContain('CANARY-MASKED-TEXT') // data-sightline-mask
  expect(stored).not.toContain('CANARY-BLOCKED-TEXT') // data-sightline-block
  expect(pageErrors).toEqual(['boom from the demo'])
})

declare global {
  interface Window {
    sightline?: { getSessionId(): string | null; flush(): Promise<void> }
  }
}
