/** biome-ignore-all lint/suspicious/noTemplateCurlyInString: the generated script is compared as text, placeholders included */
import { describe, expect, it } from 'vitest'
import {
  clickLocator,
  fieldVariable,
  generatePlaywrightTest,
  NAVIGATION_CAUSE_MS,
  quote,
} from './exportPlaywright.js'
import type { EventKind, TimelineEvent } from './types.js'

const T0 = Date.parse('2025-03-01T10:00:00Z')
const SITE = 'http://127.0.0.1:4173'

function ev(
  kind: EventKind,
  ms: number,
  data: Record<string, unknown>,
  tabId: string | null = 'tab1',
): TimelineEvent {
  return { kind, t: T0 + ms, at: new Date(T0 + ms).toISOString(), tabId, pageUrl: `${SITE}/`, data }
}
const view = (ms: number, url: string, navigationType = 'load', tabId = 'tab1') =>
  ev('pageview', ms, { url, navigationType }, tabId)
const input = (ms: number, name: string, fieldType: string, selector = `input#${name}`) =>
  ev('form', ms, { action: 'input', fieldName: name, fieldType, fieldSelector: selector, valueLength: 5 })
/** The test body: the lines between `test(...)` and the closing `})`, without indentation. */
const body = (script: string) =>
  script
    .slice(script.indexOf('async ({ page }) => {\n') + 22, script.lastIndexOf('})'))
    .trim()
    .split('\n')
    .map((l) => l.trim())

describe('generatePlaywrightTest', () => {
  it('should drive the first page view, clicks by their best hint and fills with env placeholders', () => {
    const script = generatePlaywrightTest({
      sessionId: '0b7e4c52-0000-4000-8000-000000000001',
      events: [
        view(0, `${SITE}/`),
        ev('click', 1_000, {
          testId: 'buy',
          role: 'button',
          accessibleName: 'Buy',
          selector: 'button#buy',
          elementTag: 'button',
        }),
        ev('click', 2_000, {
          role: 'button',
          accessibleName: 'Does nothing',
          selector: 'button#nothing',
          elementTag: 'button',
          isDead: true,
        }),
        ev('click', 3_000, { role: 'textbox', selector: 'input#email', elementTag: 'input' }),
        input(3_100, 'email', 'email'),
        input(4_200, 'email', 'email'),
        input(5_000, 'password', 'password'),
        ev('console', 5_100, { level: 'log', message: 'ignored' }),
      ],
    })
    expect(body(script)).toEqual([
      'await page.goto(`${BASE_URL}/`)',
      'await expect(page).toHaveURL((url) => isPage(url, `${BASE_URL}/`))',
      "await page.getByTestId('buy').click()",
      "await page.getByRole('button', { name: 'Does nothing', exact: true }).click({ force: true }) // a dead click: no reaction was recorded",
      "await page.locator('input#email').click()",
      "await page.locator('input#email').fill(process.env.FIELD_EMAIL ?? 'user@example.com')",
      "await page.locator('input#password').fill(process.env.FIELD_PASSWORD ?? '<password>')",
    ])
    expect(script).toContain(`const BASE_URL = process.env.BASE_URL ?? '${SITE}'`)
    expect(script).toContain("import { expect, test } from '@playwright/test'")
    expect(script).toContain('session 0b7e4c52-0000-4000-8000-000000000001: 6 steps.')
  })

  it('should assert navigations caused by a click and drive the others', () => {
    const lines = body(
      generatePlaywrightTest({
        sessionId: 's',
        events: [
          view(0, `${SITE}/`),
          ev('click', 1_000, { role: 'link', accessibleName: 'Pricing', elementTag: 'a', selector: 'a#p' }),
          view(1_400, `${SITE}/pricing`),
          view(1_400 + NAVIGATION_CAUSE_MS + 1_000, `${SITE}/about`),
          ev('click', 20_000, { selector: 'div.tabs > button:nth-of-type(2)', elementTag: 'button' }),
          view(20_050, `${SITE}/about#team`, 'spa'),
          view(21_000, `${SITE}/about#team`, 'reload'),
          view(22_000, `${SITE}/pricing`, 'back_forward'),
          view(23_000, 'https://other.example/x?q=1', 'load'),
        ],
      }),
    )
    expect(lines).toEqual([
      'await page.goto(`${BASE_URL}/`)',
      'await expect(page).toHaveURL((url) => isPage(url, `${BASE_URL}/`))',
      "await page.getByRole('link', { name: 'Pricing', exact: true }).click()",
      'await expect(page).toHaveURL((url) => isPage(url, `${BASE_URL}/pricing`))',
      'await page.goto(`${BASE_URL}/about`)',
      'await expect(page).toHaveURL((url) => isPage(url, `${BASE_URL}/about`))',
      "await page.locator('div.tabs > button:nth-of-type(2)').click()",
      'await expect(page).toHaveURL((url) => isPage(url, `${BASE_URL}/about#team`))',
      'await page.reload()',
      'await expect(page).toHaveURL((url) => isPage(url, `${BASE_URL}/about#team`))',
      'await page.goForward()',
      'await expect(page).toHaveURL((url) => isPage(url, `${BASE_URL}/pricing`))',
      "await page.goto('https://other.example/x?q=1')",
      "await expect(page).toHaveURL((url) => isPage(url, 'https://other.example/x?q=1'))",
    ])
  })

  it('should put the click before the SPA route change it caused in the same millisecond', () => {
    // As the collector returns them: the page view was emitted at once, the click after its dead-click window.
    const lines = body(
      generatePlaywrightTest({
        sessionId: 's',
        events: [
          view(0, `${SITE}/`),
          view(1_000, `${SITE}/products?ref=nav`, 'spa'),
          ev('click', 1_000, { role: 'button', accessibleName: 'Products', elementTag: 'button' }),
        ],
      }),
    )
    expect(lines).toEqual([
      'await page.goto(`${BASE_URL}/`)',
      'await expect(page).toHaveURL((url) => isPage(url, `${BASE_URL}/`))',
      "await page.getByRole('button', { name: 'Products', exact: true }).click()",
      'await expect(page).toHaveURL((url) => isPage(url, `${BASE_URL}/products?ref=nav`))',
    ])
  })

  it('should go back when the page is the one before the previous', () => {
    const lines = body(
      generatePlaywrightTest({
        sessionId: 's',
        events: [view(0, `${SITE}/a`), view(10_000, `${SITE}/b`), view(20_000, `${SITE}/a`, 'back_forward')],
      }),
    )
    expect(lines).toContain('await page.goBack()')
  })

  it('should submit with Enter when no click submitted the form, and not when a click did', () => {
    const byEnter = body(
      generatePlaywrightTest({
        sessionId: 's',
        events: [
          view(0, `${SITE}/`),
          input(1_000, 'q', 'search'),
          ev('key', 1_500, { key: 'Enter', inField: true, targetSelector: 'input#q' }),
          ev('form', 1_510, { action: 'submit', formSelector: 'form#search' }),
        ],
      }),
    )
    expect(byEnter.slice(2)).toEqual([
      "await page.locator('input#q').fill(process.env.FIELD_Q ?? '<q>')",
      "await page.locator('input#q').press('Enter')",
    ])
    const byScript = body(
      generatePlaywrightTest({
        sessionId: 's',
        events: [
          view(0, `${SITE}/`),
          input(1_000, 'q', 'text'),
          ev('form', 9_000, { action: 'submit', formSelector: 'form#search' }),
        ],
      }),
    )
    expect(byScript.at(-1)).toBe("await page.locator('input#q').press('Enter')")
    const byClick = body(
      generatePlaywrightTest({
        sessionId: 's',
        events: [
          view(0, `${SITE}/`),
          input(1_000, 'q', 'text'),
          ev('click', 2_000, { role: 'button', accessibleName: 'Go', elementTag: 'button' }),
          ev('form', 2_010, { action: 'submit', formSelector: 'form#search' }),
        ],
      }),
    )
    expect(byClick.at(-1)).toBe("await page.getByRole('button', { name: 'Go', exact: true }).click()")
  })

  it('should leave checkboxes to their clicks, choose selects and note files', () => {
    const lines = body(
      generatePlaywrightTest({
        sessionId: 's',
        events: [
          view(0, `${SITE}/`),
          ev('form', 1_000, {
            action: 'change',
            fieldName: 'agree',
            fieldType: 'checkbox',
            fieldSelector: 'input#agree',
          }),
          ev('form', 2_000, {
            action: 'change',
            fieldName: 'country',
            fieldType: 'select-one',
            fieldSelector: 'select#country',
          }),
          ev('form', 3_000, {
            action: 'change',
            fieldName: 'cv',
            fieldType: 'file',
            fieldSelector: 'input#cv',
          }),
          ev('form', 4_000, {
            action: 'input',
            fieldName: 'when',
            fieldType: 'date',
            fieldSelector: 'input#when',
          }),
          ev('form', 5_000, { action: 'input', fieldType: 'contenteditable', fieldSelector: 'div#editor' }),
        ],
      }),
    )
    expect(lines.slice(2)).toEqual([
      "await page.locator('select#country').selectOption(process.env.FIELD_COUNTRY ?? '<country>')",
      "// A file was chosen for input#cv: await page.locator('input#cv').setInputFiles('<path>')",
      "await page.locator('input#when').fill(process.env.FIELD_WHEN ?? '2024-01-01')",
      "await page.locator('div#editor').fill(process.env.FIELD_4 ?? '<contenteditable>')",
    ])
  })

  it('should wrap test steps in test.step, closing unbalanced ones', () => {
    const step = (ms: number, title: string, phase: string, stepId: string) =>
      ev('custom', ms, { name: 'test.step', props: { title, phase, stepId } })
    const script = generatePlaywrightTest({
      sessionId: 's',
      events: [
        view(0, `${SITE}/`),
        step(10, 'checkout', 'start', '1'),
        step(20, 'pay', 'start', '2'),
        ev('click', 30, { testId: 'pay' }),
        step(40, 'checkout', 'end', '1'), // closes "pay" too
        step(50, 'never started', 'end', '9'),
        step(60, "it's open", 'start', '3'),
      ],
    })
    const inner = script.slice(script.indexOf('async ({ page }) => {\n') + 22)
    expect(inner.split('\n').slice(2, 11)).toEqual([
      "  await test.step('checkout', async () => {",
      "    await test.step('pay', async () => {",
      "      await page.getByTestId('pay').click()",
      '    })',
      '  })',
      "  await test.step('it\\'s open', async () => {",
      '  })',
      '})',
      '',
    ])
  })

  it('should export the page loads of one browser tab and say other tabs exist', () => {
    const events = [
      view(0, `${SITE}/`, 'load', 'a'),
      view(10, `${SITE}/other`, 'load', 'b'), // a second browser tab, open at the same time
      ev('click', 20, { testId: 'in-b' }, 'b'),
      ev('click', 5_000, { testId: 'in-a' }, 'a'),
      ev('click', 6_000, { testId: 'next', elementTag: 'a' }, 'a'),
      view(6_300, `${SITE}/next`, 'load', 'a2'), // the next page load of the first tab: a new tab id
      ev('click', 7_000, { testId: 'in-a2' }, 'a2'),
      ev('click', 9_000, { testId: 'late-b' }, 'b'),
    ]
    const script = generatePlaywrightTest({ sessionId: 's', events })
    expect(body(script)).toEqual([
      'await page.goto(`${BASE_URL}/`)',
      'await expect(page).toHaveURL((url) => isPage(url, `${BASE_URL}/`))',
      "await page.getByTestId('in-a').click()",
      "await page.getByTestId('next').click()",
      'await expect(page).toHaveURL((url) => isPage(url, `${BASE_URL}/next`))',
      "await page.getByTestId('in-a2').click()",
    ])
    expect(script).toContain('1 other browser tab(s)')
    const b = generatePlaywrightTest({ sessionId: 's', tabIds: ['b'], events })
    expect(body(b)).toEqual([
      'await page.goto(`${BASE_URL}/other`)',
      'await expect(page).toHaveURL((url) => isPage(url, `${BASE_URL}/other`))',
      "await page.getByTestId('in-b').click()",
      "await page.getByTestId('late-b').click()",
    ])
  })

  it('should flag a redacted URL and click by coordinates when there is no hint', () => {
    const lines = body(
      generatePlaywrightTest({
        sessionId: 's',
        events: [view(0, `${SITE}/reset?token=[redacted]`), ev('click', 10, { x: 12, y: 34, button: 2 })],
      }),
    )
    expect(lines).toContain(
      '// The SDK redacted a secret in this URL: put the real value in if the page needs it.',
    )
    expect(lines.at(-1)).toBe('await page.mouse.click(12, 34)')
  })
})

describe('clickLocator', () => {
  it('should prefer test id, then a trusted role and name, then the selector, then the text', () => {
    const all = {
      testId: 't',
      role: 'button',
      accessibleName: 'Buy',
      selector: 'button#b',
      text: 'Buy',
      elementTag: 'button',
    }
    expect(clickLocator(all)).toBe("page.getByTestId('t')")
    expect(clickLocator({ ...all, testId: undefined })).toBe(
      "page.getByRole('button', { name: 'Buy', exact: true })",
    )
    expect(clickLocator({ ...all, testId: undefined, accessibleName: undefined })).toBe(
      "page.locator('button#b')",
    )
    expect(clickLocator({ text: 'Buy', elementTag: 'span' })).toBe("page.getByText('Buy', { exact: true })")
    expect(clickLocator({ x: 1, y: 2 })).toBeUndefined()
  })

  it("should not trust the SDK's textbox role on inputs (a password or submit input has another role)", () => {
    expect(
      clickLocator({
        role: 'textbox',
        accessibleName: 'Password',
        elementTag: 'input',
        selector: 'input#pw',
      }),
    ).toBe("page.locator('input#pw')")
    expect(
      clickLocator({ role: 'checkbox', accessibleName: 'Agree', elementTag: 'input', selector: 'input#a' }),
    ).toBe("page.getByRole('checkbox', { name: 'Agree', exact: true })")
    expect(clickLocator({ role: 'tab', accessibleName: 'Two', elementTag: 'div', selector: 'div#t' })).toBe(
      "page.getByRole('tab', { name: 'Two', exact: true })",
    )
    expect(
      clickLocator({ role: 'presentation', accessibleName: 'X', elementTag: 'div', selector: 'div#x' }),
    ).toBe("page.locator('div#x')")
  })

  it('should not use a masked or truncated name', () => {
    const base = { role: 'button', elementTag: 'button', selector: 'button#b' }
    expect(clickLocator({ ...base, accessibleName: '*** ****' })).toBe("page.locator('button#b')")
    expect(clickLocator({ ...base, accessibleName: 'a'.repeat(100) })).toBe("page.locator('button#b')")
    expect(clickLocator({ ...base, accessibleName: 'a'.repeat(99) })).toContain('getByRole')
  })
})

describe('quote and fieldVariable', () => {
  it('should make string literals that evaluate back to the value', () => {
    for (const s of ["it's", 'a "b" \\ c', 'line\nbreak', '${x}', '`tick`']) {
      expect(new Function(`return ${quote(s)}`)()).toBe(s)
    }
  })

  it('should name variables after the field', () => {
    expect(fieldVariable('user[email]', 1)).toBe('FIELD_USER_EMAIL')
    expect(fieldVariable(undefined, 3)).toBe('FIELD_3')
    expect(fieldVariable('---', 4)).toBe('FIELD_4')
  })
})
