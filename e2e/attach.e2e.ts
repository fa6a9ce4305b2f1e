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
