import { expect, test } from '@playwright/test'
import { AttachError, attachSightline } from '@sightline/playwright'
import { rowsOf, sql } from './lib/db.js'

test('attachSightline: a page without a script tag is recorded as automation, and flush() waits for the collector', async ({
  context,
}) => {
  const handle = await attachSightline(context, {
    collector: process.env.E2E_COLLECTOR_URL!,
    siteKey: process.env.E2E_SITE_KEY!,
  })
  const page = await context.newPage()
  const pageErrors: string[] = []
  page.on('pageerror', (e) => pageErrors.push(e.message))
  await page.goto(`${process.env.E2E_SITE_URL}/plain.html`)
  await page.click('#go')
  await expect(page.locator('#out')).toHaveText('went')
  await handle.flush()
  const ids = await handle.sessionIds()
  expect(ids).toHaveLength(1)
  // No polling: flush() resolved only once the collector had acknowledged the batches.
  expect(await rowsOf('click_events', ids[0]!)).toContainEqual(
    expect.objectContaining({ selector: 'button#go', text: 'Go' }),
  )
  expect(await rowsOf('page_views', ids[0]!)).toHaveLength(1)
  const [session] = await sql`select actor from user_sessions where id = ${ids[0]!}`
  expect(session).toEqual({ actor: 'automation' })
  expect(pageErrors).toEqual([])
})

test('attachSightline: bad options are refused with a message naming the option', async ({ context }) => {
  await expect(
    attachSightline(context, { collector: 'nope', siteKey: process.env.E2E_SITE_KEY! }),
  ).rejects.toThrow(new AttachError('attachSightline: collector must be an http(s) URL, got "nope"'))
  await expect(
    attachSightline(context, { collector: process.env.E2E_COLLECTOR_URL!, siteKey: 'slr_read_key' }),
  ).rejects.toThrow(/siteKey must be a site key \(slp_ followed by 32 characters\), got "slr_read_key"/)
})

test('attachSightline: a test run with persona, real platform details, config and AI metadata, linked to the sessions', async ({
  context,
}) => {
  const persona = {
    name: 'Tech-Savvy Developer',
    age: 32,
    techLiteracy: 'expert',
    goals: ['Find technical bugs'],
  }
  const handle = await attachSightline(context, {
    collector: process.env.E2E_COLLECTOR_URL!,
    siteKey: process.env.E2E_SITE_KEY!,
    testRun: {
      name: 'plain page smoke',
      persona,
      testConfig: { viewport: { width: 1280, height: 720 }, networkSpeed: '4g' },
      aiMetadata: {
        models: { strategy: { name: 'gpt-4o-mini', cost: 0.0002 } },
        totalCost: 0.0062,
        tokensUsed: 2500,
      },
    },
  })
  expect(handle.testRunId).toMatch(/^[0-9a-f-]{36}$/)
  const page = await context.newPage()
  await page.goto(`${process.env.E2E_SITE_URL}/plain.html`)
  await page.click('#go')
  await handle.flush()
  const [sessionId] = await handle.sessionIds()
  const [session] = await sql`select test_run_id, actor from user_sessions where id = ${sessionId!}`
  expect(session).toEqual({ test_run_id: handle.testRunId, actor: 'automation' })
  const [run] =
    await sql`select persona, platform_details, test_config, ai_metadata from test_runs where id = ${handle.testRunId!}`
  expect(run!.persona).toEqual(persona)
  expect(run!.platform_details).toMatchObject({
    browser: 'chromium',
    version: expect.stringMatching(/^\d+\./),
    viewport: { width: expect.any(Number) },
    deviceScaleFactor: expect.any(Number),
    locale: expect.any(String),
    timezone: expect.any(String),
  })
  expect(run!.test_config).toEqual({ viewport: { width: 1280, height: 720 }, networkSpeed: '4g' })
  expect(run!.ai_metadata).toMatchObject({ totalCost: 0.0062, tokensUsed: 2500 })
})

test('attachSightline: a persona without its required fields is refused before anything is created', async ({
  context,
}) => {
  await expect(
    attachSightline(context, {
      collector: process.env.E2E_COLLECTOR_URL!,
      siteKey: process.env.E2E_SITE_KEY!,
      testRun: { name: 'x', persona: { name: 'Nameless', age: 40 } },
    }),
  ).rejects.toThrow(
    new AttachError(
      'attachSightline: testRun.persona must have name, age, techLiteracy, goals; missing: techLiteracy, goals',
    ),
  )
})
