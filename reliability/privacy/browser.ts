import { chromium } from '@playwright/test'
import { chromiumPath, LAUNCH_ARGS } from '../../e2e/lib/chromium.js'
import type { sdkCanaries } from './canaries.js'

type Canaries = ReturnType<typeof sdkCanaries>

declare global {
  interface Window {
    sightline?: {
      getSessionId(): string | null
      flush(): Promise<void>
      track(name: string, props?: Record<string, unknown>): void
      identify(id: string, traits?: Record<string, unknown>): void
    }
  }
}

/**
 * One visit in real Chromium with the SDK's script tag and default settings: every canary typed, shown,
 * sent, logged or thrown as a user and a site would, then a link followed and the tab closed.
 * Returns the session id and the page errors seen (the thrown canary error is expected there).
 */
export async function visit(
  siteUrl: string,
  c: Canaries,
): Promise<{ sessionId: string; pageErrors: string[] }> {
  const executablePath = chromiumPath()
  const browser = await chromium.launch({ args: LAUNCH_ARGS, ...(executablePath ? { executablePath } : {}) })
  try {
    const page = await browser.newPage()
    const pageErrors: string[] = []
    page.on('pageerror', (e) => pageErrors.push(e.message))

    await page.goto(`${siteUrl}/?token=${c.urlToken.value}&utm_source=mail#access_token=${c.urlHash.value}`)
    const sessionId = (await (
      await page.waitForFunction(() => window.sightline?.getSessionId?.())
    ).jsonValue()) as string

    await page.locator('#email-typed').pressSequentially(c.email.value)
    await page.locator('#pw').pressSequentially(c.password.value)
    await page.locator('#pw-upper').fill(c.passwordUpper.value)
    await page.locator('#new-pw').pressSequentially(c.newPassword.value)
    await page.locator('#pw-toggle').pressSequentially(c.passwordShown.value)
    await page.click('#show') // the field becomes type=text: what follows, and what is there, stays secret
    await page.locator('#pw-toggle').pressSequentially(c.passwordShownAfter.value)
    await page.locator('#phone').pressSequentially(c.phone.value)
    await page.locator('#card').pressSequentially(c.card.value)
    await page.locator('#iban').fill(c.iban.value)
    await page.locator('#otp').fill(c.otp.value)
    await page.locator('#search').fill(c.search.value)
    await page.locator('#notes').pressSequentially(c.textarea.value)
    await page.click('#editor')
    await page.keyboard.type(c.editable.value)
    await page.locator('#shadow-pw').pressSequentially(c.passwordShadow.value) // CSS locators pierce open shadow roots
    await page.locator('#shadow-text').fill(c.textShadow.value)
    const frame = page.frameLocator('#frame')
    await frame.locator('#frame-pw').pressSequentially(c.passwordFrame.value)
    await frame.locator('#frame-email').fill(c.emailFrame.value)
    await page.click('#add')
    await page.locator('#dyn-pw').pressSequentially(c.passwordDynamic.value)
    await page.click('#submit')
    for (const button of ['#net', '#xhr', '#log', '#boom', '#track']) await page.click(button)
    await page.waitForTimeout(1_500) // fetch/XHR completions, dead-click windows
    await page.evaluate(() => window.sightline!.flush())
    await page.click('#reset')
    await page.waitForURL('**/next.html**')
    await page.waitForFunction(() => window.sightline?.getSessionId?.())
    await page.evaluate(() => window.sightline!.flush())
    await page.close({ runBeforeUnload: true })
    return { sessionId, pageErrors }
  } finally {
    await browser.close()
  }
}
