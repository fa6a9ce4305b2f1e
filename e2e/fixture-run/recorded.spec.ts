import { expect, test } from '@sightline/playwright/test'

// Collector and site key come from SIGHTLINE_COLLECTOR and SIGHTLINE_SITE_KEY.
test.use({
  sightlineOptions: {
    testRun: {
      persona: { name: 'Fixture User', age: 41, techLiteracy: 'intermediate', goals: ['Try the fixture'] },
      aiMetadata: { models: { planner: 'none' }, tokensUsed: 0 },
    },
  },
})

const SITE = process.env.E2E_SITE_URL!

test('clean page', async ({ page, sightline }) => {
  await page.goto(`${SITE}/plain.html`)
  await test.step('press go', async () => {
    await page.click('#go')
    await expect(page.locator('#out')).toHaveText('went')
  })
  await expect(sightline).toHaveNoFrustrationSignals()
  await expect(sightline).toHaveNoConsoleErrors()
  await expect(sightline).toMeetWebVitals({ CLS: 0 })
})

test('dead click', async ({ page, sightline }) => {
  const dead = new Promise((resolve) => sightline.on('signal', (s) => s.kind === 'dead_click' && resolve(s)))
  await page.goto(`${SITE}/`)
  await test.step('poke the dead button', async () => {
    await page.click('#nothing')
    await dead
  })
  await expect(sightline).toHaveNoFrustrationSignals()
})
