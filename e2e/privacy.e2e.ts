import { randomUUID } from 'node:crypto'
import { expect, type Page, type Request, test } from '@playwright/test'
import { attachSightline } from '@sightline/playwright'
import { everythingStoredFor, rowsOf } from './lib/db.js'
import { flush, sessionIdOf } from './lib/page.js'

const site = process.env.E2E_SITE_URL!

/** Unique strings for one test: none may reach the database, whatever column or replay segment. */
function canaries() {
  const tag = randomUUID().slice(0, 8)
  const c = (what: string) => `CANARY-${what}-${tag}`
  return {
    email: `canary-${tag}@example.com`,
    password: c('PASSWORD'),
    card: '4111 1111 1111 1111',
    notes: c('NOTES'),
    hidden: c('HIDDEN'),
    editor: c('EDITOR'),
    queryToken: c('QUERY-TOKEN'),
    queryPassword: c('QUERY-PASSWORD'),
    queryApiKey: c('QUERY-API-KEY'),
    fragmentToken: c('FRAGMENT-TOKEN'),
    spaSession: c('SPA-SESSION'),
    fetchApiKey: c('FETCH-API-KEY'),
    authorization: c('AUTHORIZATION'),
    xApiKey: c('X-API-KEY'),
    cookie: c('COOKIE'),
    jsonPassword: c('JSON-PASSWORD'),
    xhrToken: c('XHR-TOKEN'),
  }
}
type Canaries = ReturnType<typeof canaries>

/**
 * Secrets everywhere a site puts them: typed into every kind of field, in the page's query string and
 * fragment, in an SPA route, in request URLs, headers, cookies and a JSON body, and in the referrer of
 * the next page. Returns the session id once the collector acknowledged everything and the tab closed.
 */
async function visitWithSecrets(page: Page, base: string, c: Canaries, flushAll: () => Promise<void>) {
  const sent: Request[] = []
  page.on('request', (r) => {
    if (r.url().includes('/api/ok')) sent.push(r)
  })
  await page.goto(
    `${base}/form.html?token=${c.queryToken}&password=${c.queryPassword}&api_key=${c.queryApiKey}#access_token=${c.fragmentToken}`,
  )
  const sessionId = await sessionIdOf(page)
  await page.fill('#email', c.email)
  await page.fill('#password', c.password)
  await page.fill('#card', c.card)
  await page.fill('#notes', c.notes)
  await page.locator('#secret-field').evaluate((el: HTMLInputElement, v) => {
    el.value = v
  }, c.hidden)
  await page.click('#editor-inner')
  await page.keyboard.type(c.editor)
  await page.click('#submit')
  await expect(page.locator('#status')).toHaveText('Thanks for signing up')
  await page.evaluate(async (c) => {
    // biome-ignore lint/suspicious/noDocumentCookie: a site's own cookie, sent in the Cookie header of its requests
    document.cookie = `sid=${c.cookie}; path=/`
    history.pushState({}, '', `form.html?step=2&session=${c.spaSession}`)
    await fetch(`/api/ok?api_key=${c.fetchApiKey}`, {
      method: 'POST',
      headers: {
        Authorization: `Bearer ${c.authorization}`,
        'X-Api-Key': c.xApiKey,
        'content-type': 'application/json',
      },
      body: JSON.stringify({ user: 'someone', password: c.jsonPassword }),
    })
    await new Promise((resolve) => {
      const xhr = new XMLHttpRequest()
      xhr.open('GET', `/api/ok?token=${c.xhrToken}`)
      xhr.setRequestHeader('Authorization', `Bearer ${c.authorization}`)
      xhr.setRequestHeader('X-Api-Key', c.xApiKey)
      xhr.onloadend = resolve
      xhr.send()
    })
  }, c)
  // The secrets really left the page: the canaries are on the wire, the store must not have them.
  expect(sent).toHaveLength(2)
  for (const request of sent)
    expect(await request.allHeaders()).toMatchObject({
      authorization: `Bearer ${c.authorization}`,
      'x-api-key': c.xApiKey,
      cookie: `sid=${c.cookie}`,
    })
  await page.click('#nav-long') // the next page's referrer is this URL, secrets included
  await page.waitForURL('**/long.html')
  await flushAll()
  await page.close({ runBeforeUnload: true })
  return sessionId
}

/** The places the canaries travelled are recorded (so "not found" means scrubbed, not missing). */
async function expectCarriersRecorded(sessionId: string, base: string) {
  await expect
    .poll(async () => (await rowsOf('page_views', sessionId)).map((v) => v.url), { timeout: 15_000 })
    .toEqual([
      `${base}/form.html?token=[redacted]&password=[redacted]&api_key=[redacted]#access_token=[redacted]`,
      `${base}/form.html?step=2&session=[redacted]`,
      `${base}/long.html`,
    ])
  const views = await rowsOf('page_views', sessionId)
  expect(views[2]!.referrer).toBe(`${base}/form.html?step=2&session=[redacted]`)
  const net = (await rowsOf('network_requests', sessionId)).map((n) => [n.method, n.url, n.status])
  expect(net).toEqual([
    ['POST', `${site}/api/ok?api_key=[redacted]`, 200],
    ['GET', `${site}/api/ok?token=[redacted]`, 200],
  ])
  const fields = (await rowsOf('form_interactions', sessionId)).map((f) => f.field_name)
  expect(fields).toEqual(expect.arrayContaining(['email', 'password', 'card', 'notes', 'editor']))
  expect((await rowsOf('replay_segments', sessionId)).length).toBeGreaterThan(0)
}

function expectNoCanary(stored: string, c: Canaries) {
  expect(stored).toContain('Sign up') // the decompressed replay is in there
  for (const [where, canary] of Object.entries(c))
    expect({ where, leaked: stored.includes(canary) }).toEqual({ where, leaked: false })
  expect(stored).not.toContain('CANARY-HIDDEN') // the hidden field's value in the HTML
  expect(stored).not.toContain('CANARY-MASKED-TEXT') // data-sightline-mask
  expect(stored).not.toContain('CANARY-BLOCKED-TEXT') // data-sightline-block
}

test('privacy, script tag: canaries in fields, URLs, headers, cookies and bodies are stored nowhere', async ({
  page,
}) => {
  const c = canaries()
  const sessionId = await visitWithSecrets(page, site, c, () => flush(page))
  await expectCarriersRecorded(sessionId, site)
  expectNoCanary(await everythingStoredFor(sessionId), c)
})

test('privacy, attachSightline with default privacy: the same canaries are stored nowhere', async ({
  context,
}) => {
  const handle = await attachSightline(context, {
    collector: process.env.E2E_COLLECTOR_URL!,
    siteKey: process.env.E2E_SITE_KEY!,
  })
  const page = await context.newPage()
  const c = canaries()
  const sessionId = await visitWithSecrets(page, `${site}/bare`, c, () => handle.flush())
  await expectCarriersRecorded(sessionId, `${site}/bare`)
  expectNoCanary(await everythingStoredFor(sessionId), c)
})

test('privacy: what is typed into a GET form reaches the next URL in the browser, and is stored nowhere', async ({
  page,
}) => {
  const canary = `CANARY-SEARCH-${randomUUID().slice(0, 8)}`
  await page.goto(`${site}/search.html`)
  const sessionId = await sessionIdOf(page)
  await page.fill('#q', canary)
  await page.selectOption('#in', 'shoes')
  await page.click('#go')
  await page.waitForURL('**/search.html?q=*')
  expect(page.url()).toContain(canary) // the browser did put it in the URL
  await page.click('#page-2') // a URL without typed values stays as it is
  await page.waitForURL('**/search.html?page=2')
  await flush(page)
  await page.close({ runBeforeUnload: true })
  await expect
    .poll(async () => (await rowsOf('page_views', sessionId)).map((v) => v.url), { timeout: 15_000 })
    .toEqual([
      `${site}/search.html`,
      `${site}/search.html?q=[redacted]&in=[redacted]`,
      `${site}/search.html?page=2`,
    ])
  const views = await rowsOf('page_views', sessionId)
  expect(views[2]!.referrer).toBe(`${site}/search.html?q=[redacted]&in=[redacted]`)
  const stored = await everythingStoredFor(sessionId)
  expect(stored).toContain('Search the shop') // the decompressed replay is in there
  expect(stored).not.toContain(canary)
  expect(stored).not.toContain('in=shoes')
})
