import { expect, test } from '@playwright/test'
import { countOf, customEventCounts } from './lib/db.js'
import { flush, sessionIdOf, track } from './lib/page.js'

const site = process.env.E2E_SITE_URL!

test('no loss: N known events arrive exactly once, including those fired just before navigating away and just before closing', async ({
  page,
}) => {
  const N = { burst: 250, beforeNavigation: 40, beforeClose: 40 }
  const CLICKS = 10
  await page.goto(site)
  const sessionId = await sessionIdOf(page)

  await track(page, 'e2e.n', 0, N.burst) // more than two batches' worth (100 events each)
  for (let i = 0; i < CLICKS; i++) await page.click('#buy')
  await expect(page.locator('#cart')).toHaveText(`In cart: ${CLICKS}`)
  await flush(page)
  expect(await customEventCounts(sessionId, 'e2e.n')).toEqual({ rows: N.burst, distinct: N.burst })

  // Fired in the very task that leaves the page: only the exit flush (pagehide) can carry them.
  await Promise.all([
    page.waitForURL('**/form.html'),
    page.evaluate(
      ({ from, count }) => {
        for (let i = from; i < from + count; i++) window.sightline!.track('e2e.n', { i })
        location.href = 'form.html'
      },
      { from: N.burst, count: N.beforeNavigation },
    ),
  ])
  expect(await sessionIdOf(page)).toBe(sessionId)
  await track(page, 'e2e.n', N.burst + N.beforeNavigation, N.beforeClose)
  await page.close({ runBeforeUnload: true }) // as a user closing the tab: pagehide runs

  const total = N.burst + N.beforeNavigation + N.beforeClose
  await expect
    .poll(() => customEventCounts(sessionId, 'e2e.n'), { timeout: 15_000 })
    .toEqual({ rows: total, distinct: total })
  expect(await countOf('click_events', sessionId, ['selector', 'button#buy'])).toBe(CLICKS)
})

test('no loss offline: 30 s without network, a tab closed while offline, then every event arrives exactly once', async ({
  context,
}) => {
  const OFFLINE_MS = 30_000
  const ROUNDS = 6
  const PER_ROUND = 25
  const BEFORE_CLOSE = 30
  const closed = await context.newPage()
  await closed.goto(`${site}/form.html`)
  const open = await context.newPage()
  await open.goto(site)
  const sessionId = await sessionIdOf(open)
  expect(await sessionIdOf(closed)).toBe(sessionId) // tabs of one origin share the session
  await flush(open)
  await flush(closed)
  const viewsBefore = await countOf('page_views', sessionId)

  await context.setOffline(true)
  const offlineSince = Date.now()
  // A tab closed while offline: its exit send fails, its batches stay in localStorage.
  await track(closed, 'e2e.offline', 0, BEFORE_CLOSE, { tab: 'closed' })
  await closed.close({ runBeforeUnload: true })
  // The open tab keeps working offline: events, clicks, an SPA route change, a fetch that fails.
  for (let round = 0; round < ROUNDS; round++) {
    await track(open, 'e2e.offline', round * PER_ROUND, PER_ROUND, { tab: 'open' })
    await open.click('#buy')
    if (round === 2) {
      await open.click('#spa-products')
      await open.click('#fetch-ok')
      await expect(open.locator('#status')).toHaveText('ok: failed')
    }
    await open.waitForTimeout(Math.max(0, offlineSince + ((round + 1) * OFFLINE_MS) / ROUNDS - Date.now()))
  }
  await expect(open.locator('#cart')).toHaveText(`In cart: ${ROUNDS}`)
  // Nothing of the open tab got out. (The closed tab's exit send is a keepalive request that Chromium may
  // complete after the page is gone, outside Playwright's per-page offline emulation: it may or may not
  // have arrived; either way its batches stay in that tab's outbox, so the adoption below must not duplicate.)
  expect(await customEventCounts(sessionId, 'e2e.offline', 'open')).toEqual({ rows: 0, distinct: 0 })
  await context.setOffline(false)

  await flush(open) // resumed by the 'online' event; resolves once the collector acknowledged it all
  const fromOpen = ROUNDS * PER_ROUND
  expect(await customEventCounts(sessionId, 'e2e.offline', 'open')).toEqual({
    rows: fromOpen,
    distinct: fromOpen,
  })
  // The closed tab's batches: the next page of the origin adopts outboxes of tabs gone for 15 s.
  const next = await context.newPage()
  await next.goto(`${site}/long.html`)
  await flush(next)
  const total = fromOpen + BEFORE_CLOSE
  expect(await customEventCounts(sessionId, 'e2e.offline')).toEqual({ rows: total, distinct: total })
  expect(await countOf('click_events', sessionId, ['selector', 'button#buy'])).toBe(ROUNDS)
  expect(await countOf('page_views', sessionId, ['navigation_type', 'spa'])).toBe(1)
  expect(await countOf('page_views', sessionId)).toBe(viewsBefore + 2) // the SPA route and the next page
  expect(await countOf('network_requests', sessionId, ['error', 'TypeError: Failed to fetch'])).toBe(1)
})
