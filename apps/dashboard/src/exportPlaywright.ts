import { computeLanes, spansOfEvents } from './lanes.js'
import type { TimelineEvent } from './types.js'

/**
 * "Export as Playwright test": a runnable Playwright script from a recorded session's page views, clicks and
 * form inputs. Pure (no DOM, no network) so it is unit-tested on plain timelines. Recorded values are never
 * stored (the SDK keeps a field's length only), so every fill reads an environment variable and falls back to
 * a placeholder that passes the browser's own validation for the field's type.
 */
export interface ExportInput {
  sessionId: string
  events: TimelineEvent[]
  /**
   * The tab ids to export, played as one page object (a browser tab's page loads, see lanes.ts); default:
   * the lane of the first page view.
   */
  tabIds?: string[]
}

/** A navigation this soon after a click, submit or Enter is taken as caused by it (asserted, not driven). */
export const NAVIGATION_CAUSE_MS = 5_000
/** The SDK truncates accessible names to 100 characters: a name that long may be cut, so it is not exact. */
const NAME_MAX_CHARS = 100

/** Roles Playwright computes the same way as the SDK's hint for these tags. */
const NATIVE_ROLE: Record<string, string> = {
  button: 'button',
  a: 'link',
  select: 'combobox',
  textarea: 'textbox',
}
/** Explicit roles worth a getByRole on a non-native element. */
const WIDGET_ROLES = new Set([
  'button',
  'link',
  'menuitem',
  'menuitemcheckbox',
  'menuitemradio',
  'tab',
  'checkbox',
  'radio',
  'switch',
  'option',
  'treeitem',
])
const NATIVE_TAGS = new Set(['input', 'button', 'a', 'select', 'textarea'])

/** Placeholders that pass the browser's constraint validation for typed inputs. */
const SAMPLE_BY_TYPE: Record<string, string> = {
  email: 'user@example.com',
  url: 'https://example.com/',
  tel: '+15550100',
  number: '1',
  range: '1',
  date: '2024-01-01',
  time: '12:00',
  'datetime-local': '2024-01-01T12:00',
  month: '2024-01',
  week: '2024-W01',
  color: '#000000',
}

/** A single-quoted JavaScript string literal. */
export function quote(value: string): string {
  const json = JSON.stringify(value).slice(1, -1).replace(/\\"/g, '"').replace(/'/g, "\\'")
  return `'${json}'`
}

const str = (v: unknown): string | undefined => (typeof v === 'string' && v !== '' ? v : undefined)

/** The best Playwright locator for a recorded click, from its locator hints, or undefined when it has none. */
export function clickLocator(data: Record<string, unknown>): string | undefined {
  const testId = str(data.testId)
  if (testId) return `page.getByTestId(${quote(testId)})`
  const tag = str(data.elementTag)?.toLowerCase() ?? ''
  const role = str(data.role)
  const name = str(data.accessibleName)
  const roleTrusted =
    role &&
    (NATIVE_ROLE[tag] === role ||
      (tag === 'input' && (role === 'checkbox' || role === 'radio')) ||
      (!NATIVE_TAGS.has(tag) && WIDGET_ROLES.has(role)))
  // A masked name (strict privacy or data-sightline-mask) is a run of '*': not the page's name.
  if (roleTrusted && name && name.length < NAME_MAX_CHARS && !/\*\*|^\*$/.test(name))
    return `page.getByRole(${quote(role)}, { name: ${quote(name)}, exact: true })`
  const selector = str(data.selector)
  if (selector) return `page.locator(${quote(selector)})`
  const text = str(data.text)
  if (text && text.length < NAME_MAX_CHARS && !/\*\*/.test(text))
    return `page.getByText(${quote(text)}, { exact: true })`
  return undefined
}

/** `FIELD_EMAIL` for a field named "email" (or "user[email]" → FIELD_USER_EMAIL). */
export function fieldVariable(name: string | undefined, index: number): string {
  const base = (name ?? '').replace(/[^A-Za-z0-9]+/g, '_').replace(/^_+|_+$/g, '')
  return `FIELD_${base ? base.toUpperCase() : index}`
}

/** The value a fill uses: the environment variable, else a placeholder valid for the field's type. */
export function fieldValue(name: string | undefined, type: string | undefined, index: number): string {
  const placeholder = SAMPLE_BY_TYPE[type ?? ''] ?? `<${name || type || 'value'}>`
  return `process.env.${fieldVariable(name, index)} ?? ${quote(placeholder)}`
}

/** Splits a URL into the part after BASE_URL when it shares the base's origin. */
function urlExpression(url: string, base: string): string {
  if (!url.startsWith(`${base}/`) && url !== base) return quote(url)
  const rest = url.slice(base.length) || '/'
  return `\`\${BASE_URL}${rest.replace(/[`\\]/g, '\\$&').replace(/\$\{/g, '\\${')}\``
}

interface Builder {
  lines: string[]
  depth: number
  add(line: string): void
}

function createBuilder(): Builder {
  const b: Builder = {
    lines: [],
    depth: 1,
    add: (line) => b.lines.push(`${'  '.repeat(b.depth)}${line}`),
  }
  return b
}

function originOf(url: string): string | undefined {
  const match = /^(https?:\/\/[^/?#]+)/i.exec(url)
  return match?.[1]
}

/** The lanes of the events, the exported one (`tabIds`, or the lane of the first page view) first. */
function pickLane(
  events: TimelineEvent[],
  tabIds: string[] | undefined,
): { lane: Set<string>; others: number } {
  const lanes = computeLanes(spansOfEvents(events))
  const first = (events.find((e) => e.kind === 'pageview' && e.tabId) ?? events.find((e) => e.tabId))?.tabId
  const lane = tabIds ?? lanes.find((l) => first && l.includes(first)) ?? []
  return { lane: new Set(lane), others: lanes.filter((l) => !l.some((t) => lane.includes(t))).length }
}

/**
 * Order within one millisecond: an SPA route change comes after the other events of that millisecond. The
 * click that causes one is recorded first (the SDK listens in the capture phase, before the page's own
 * handler pushes the route) but often in the same millisecond, and the collector then returns the page view
 * first: it was emitted at once, the click only once judged for dead and rage clicks.
 */
const sameMsRank = (e: TimelineEvent) => (e.kind === 'pageview' && e.data.navigationType === 'spa' ? 1 : 0)

/** Generates the Playwright test file (TypeScript) for one tab of a recorded session. */
export function generatePlaywrightTest(input: ExportInput): string {
  const sorted = [...input.events].sort((a, b) => a.t - b.t || sameMsRank(a) - sameMsRank(b))
  const { lane, others } = pickLane(sorted, input.tabIds)
  const events = sorted.filter((e) => e.tabId === null || lane.has(e.tabId))
  const firstView = events.find((e) => e.kind === 'pageview')
  const firstUrl = str(firstView?.data.url) ?? str(firstView?.pageUrl) ?? str(events[0]?.pageUrl) ?? ''
  const base = originOf(firstUrl) ?? 'http://localhost'

  const b = createBuilder()
  const fields = new Map<string, number>()
  const openSteps: string[] = []
  const history: string[] = []
  let lastAction = Number.NEGATIVE_INFINITY
  let lastFill: { key: string; locator: string } | undefined
  let lastStep = ''
  let actions = 0

  const emit = (line: string) => {
    b.add(line)
    lastStep = line
    actions++
  }
  const assertUrl = (url: string) =>
    b.add(`await expect(page).toHaveURL((url) => isPage(url, ${urlExpression(url, base)}))`)

  for (const e of events) {
    const d = e.data
    if (e.kind === 'pageview') {
      const url = str(d.url) ?? str(e.pageUrl)
      if (!url) continue
      const nav = str(d.navigationType)
      const caused = e.t - lastAction <= NAVIGATION_CAUSE_MS
      if (history.length === 0) emit(`await page.goto(${urlExpression(url, base)})`)
      else if (nav === 'reload') emit('await page.reload()')
      else if (nav === 'back_forward')
        emit(url === history[history.length - 2] ? 'await page.goBack()' : 'await page.goForward()')
      else if (nav !== 'spa' && !caused) emit(`await page.goto(${urlExpression(url, base)})`)
      if (url.includes('[redacted]'))
        b.add('// The SDK redacted a secret in this URL: put the real value in if the page needs it.')
      assertUrl(url)
      history.push(url)
      lastFill = undefined
      lastAction = Number.NEGATIVE_INFINITY // an action causes one navigation at most
      continue
    }
    if (e.kind === 'click') {
      const locator = clickLocator(d)
      const button = d.button === 1 ? 'middle' : d.button === 2 ? 'right' : undefined
      const options = [button && `button: '${button}'`, d.isDead === true && 'force: true'].filter(Boolean)
      const note =
        d.isDead === true
          ? ' // a dead click: no reaction was recorded'
          : d.isError === true
            ? ' // an error followed this click'
            : ''
      if (locator) emit(`await ${locator}.click(${options.length ? `{ ${options.join(', ')} }` : ''})${note}`)
      else emit(`await page.mouse.click(${Number(d.x) || 0}, ${Number(d.y) || 0})${note}`)
      lastAction = e.t
      continue
    }
    if (e.kind === 'form') {
      const action = str(d.action)
      const type = str(d.fieldType)
      const name = str(d.fieldName)
      const selector = str(d.fieldSelector)
      const locator = selector
        ? `page.locator(${quote(selector)})`
        : name
          ? `page.locator(${quote(`[name="${name.replace(/"/g, '\\"')}"]`)})`
          : undefined
      if (action === 'submit') {
        if (e.t - lastAction > 1_000) {
          if (lastFill) emit(`await ${lastFill.locator}.press('Enter')`)
          else if (str(d.formSelector))
            emit(
              `await page.locator(${quote(str(d.formSelector)!)}).evaluate((form) => (form as HTMLFormElement).requestSubmit())`,
            )
        }
        lastAction = e.t
        continue
      }
      if (!locator || !type || /^(checkbox|radio|submit|button|reset|image|hidden)$/.test(type)) continue
      const key = selector ?? name!
      if (!fields.has(key)) fields.set(key, fields.size + 1)
      const index = fields.get(key)!
      if (type === 'file') {
        if (action === 'change')
          b.add(`// A file was chosen for ${key}: await ${locator}.setInputFiles('<path>')`)
        continue
      }
      if (/^select/.test(type)) {
        if (action === 'change') emit(`await ${locator}.selectOption(${fieldValue(name, type, index)})`)
        continue
      }
      if (action !== 'input') continue
      const line = `await ${locator}.fill(${fieldValue(name, type, index)})`
      if (lastStep !== line) emit(line) // one fill for a run of input events on the same field
      lastFill = { key, locator }
      continue
    }
    if (e.kind === 'key') {
      // Enter in a field submits forms and runs searches; other keys (never characters) are not replayed.
      if (d.key === 'Enter' && d.inField === true && lastFill) {
        emit(`await ${lastFill.locator}.press('Enter')`)
        lastAction = e.t
      }
      continue
    }
    if (e.kind === 'custom' && d.name === 'test.step') {
      const props = (d.props ?? {}) as Record<string, unknown>
      const id = String(props.stepId ?? props.title ?? '')
      if (props.phase === 'start') {
        b.add(`await test.step(${quote(String(props.title ?? 'step'))}, async () => {`)
        openSteps.push(id)
        b.depth++
      } else if (props.phase === 'end' && openSteps.includes(id)) {
        while (openSteps.length) {
          b.depth--
          b.add('})')
          if (openSteps.pop() === id) break
        }
      }
    }
  }
  while (openSteps.pop() !== undefined) {
    b.depth--
    b.add('})')
  }

  const header = [
    "import { expect, test } from '@playwright/test'",
    '',
    `// Exported by Sightline from session ${input.sessionId}: ${actions} step${actions === 1 ? '' : 's'}.`,
    '// Field values are never recorded: set the FIELD_* environment variables, or the placeholders are typed.',
    ...(others
      ? [`// The session also has ${others} other browser tab(s) open at the same time, not exported here.`]
      : []),
    `const BASE_URL = process.env.BASE_URL ?? ${quote(base)}`,
    '',
    '/** Is `url` the recorded page? The SDK drops query and hash unless allowed, so only what it kept is compared. */',
    'function isPage(url: URL, recorded: string): boolean {',
    '  const r = new URL(recorded)',
    '  if (url.origin !== r.origin || url.pathname !== r.pathname) return false',
    "  return [...r.searchParams].every(([k, v]) => v === '[redacted]' || url.searchParams.get(k) === v)",
    '}',
    '',
    `test(${quote(`replay of session ${input.sessionId.slice(0, 8)} (${firstUrl || 'no page view'})`)}, async ({ page }) => {`,
  ]
  return [...header, ...b.lines, '})', ''].join('\n')
}
