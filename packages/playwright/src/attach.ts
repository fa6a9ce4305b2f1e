import type { BrowserContext, Page } from '@playwright/test'

export interface AttachOptions {
  /** Collector base URL, e.g. `http://127.0.0.1:7070`; the SDK is fetched from `<collector>/sdk.js`. */
  collector: string
  /** The site's public key (`slp_…`). */
  siteKey: string
  /** `strict` masks all text and blocks media in replays. Default `default`. */
  privacy?: 'default' | 'strict'
  /** Record an rrweb replay. Default true. */
  replay?: boolean
  /**
   * Creates a `test_runs` row (persona must have name, age, techLiteracy and goals) and links every
   * session of `target` to it; `platform_details` is read from the real browser.
   */
  testRun?: {
    name: string
    persona: Record<string, unknown>
    testConfig?: Record<string, unknown>
    aiMetadata?: Record<string, unknown>
  }
}

export interface SightlineHandle {
  /** The `test_runs` id the sessions are linked to, when `testRun` was given. */
  testRunId: string | undefined
  /** Resolves once the collector has acknowledged everything captured so far, in every page and frame. */
  flush(): Promise<void>
  /** The user_session_id of each open page (one per origin: frames of one origin share it). */
  sessionIds(): Promise<string[]>
}

/** A bad argument: the message names the option and what it must be. */
export class AttachError extends TypeError {}

function check(ok: boolean, message: string): asserts ok {
  if (!ok) throw new AttachError(`attachSightline: ${message}`)
}

const isContext = (target: BrowserContext | Page): target is BrowserContext =>
  'pages' in target && typeof target.pages === 'function'

/**
 * Injects the Sightline SDK into every page and frame of `target` before any page script
 * (`addInitScript`); sessions are recorded as `actor = automation` with sampling off.
 */
export async function attachSightline(
  target: BrowserContext | Page,
  options: AttachOptions,
): Promise<SightlineHandle> {
  check(!!options && typeof options === 'object', 'options must be an object with collector and siteKey')
  let collector: URL | undefined
  try {
    collector = new URL(options.collector)
  } catch {}
  check(
    !!collector && /^https?:$/.test(collector.protocol),
    `collector must be an http(s) URL, got ${JSON.stringify(options.collector)}`,
  )
  check(
    typeof options.siteKey === 'string' && /^slp_[\w-]{32}$/.test(options.siteKey),
    `siteKey must be a site key (slp_ followed by 32 characters), got ${JSON.stringify(options.siteKey)}`,
  )
  const endpoint = collector.origin
  const res = await fetch(`${endpoint}/sdk.js`).catch((error: unknown) => {
    throw new AttachError(`attachSightline: cannot fetch ${endpoint}/sdk.js: ${(error as Error).message}`)
  })
  const sdk = await res.text()
  check(
    res.ok && sdk.length > 1000,
    `${endpoint}/sdk.js did not serve the SDK (status ${res.status}): build it with \`pnpm --filter @sightline/sdk build\``,
  )
  const testRunId = options.testRun
    ? await createTestRun(target, endpoint, options.siteKey, options.testRun)
    : undefined
  const config = {
    siteKey: options.siteKey,
    endpoint,
    privacy: options.privacy ?? 'default',
    replay: options.replay ?? true,
    actor: 'automation',
    sampleRate: 1,
    ...(testRunId ? { testRunId } : {}),
  }
  await target.addInitScript({ content: `window.__sightlineOptions = ${JSON.stringify(config)};\n${sdk}` })

  const frames = () =>
    (isContext(target) ? target.pages() : [target]).filter((p) => !p.isClosed()).flatMap((p) => p.frames())
  const inEachFrame = <T>(fn: () => T | Promise<T>) =>
    Promise.all(frames().map((f) => f.evaluate(fn).catch(() => undefined)))
  return {
    testRunId,
    async flush() {
      await inEachFrame(() =>
        (window as unknown as { sightline?: { flush(): Promise<void> } }).sightline?.flush(),
      )
    },
    async sessionIds() {
      const ids = await inEachFrame(
        () =>
          (
            window as unknown as { sightline?: { getSessionId(): string | null } }
          ).sightline?.getSessionId() ?? null,
      )
      return [...new Set(ids.filter((id): id is string => typeof id === 'string'))]
    },
  }
}

const PERSONA_FIELDS = ['name', 'age', 'techLiteracy', 'goals']

/** What the browser really is: read from a page of the target (a new blank one for a context). */
async function platformDetails(target: BrowserContext | Page): Promise<Record<string, unknown>> {
  const context = isContext(target) ? target : target.context()
  const page = isContext(target) ? await context.newPage() : target
  try {
    const inPage = await page.evaluate(() => ({
      userAgent: navigator.userAgent,
      os: navigator.platform,
      viewport: { width: innerWidth, height: innerHeight },
      deviceScaleFactor: devicePixelRatio,
      locale: navigator.language,
      timezone: Intl.DateTimeFormat().resolvedOptions().timeZone,
    }))
    const browser = context.browser()
    return {
      browser: browser?.browserType().name() ?? 'unknown',
      version: browser?.version() ?? 'unknown',
      ...inPage,
    }
  } finally {
    if (isContext(target)) await page.close()
  }
}

async function createTestRun(
  target: BrowserContext | Page,
  endpoint: string,
  siteKey: string,
  run: NonNullable<AttachOptions['testRun']>,
): Promise<string> {
  check(typeof run.name === 'string' && run.name.length > 0, 'testRun.name must be a non-empty string')
  const persona = run.persona ?? {}
  const missing = PERSONA_FIELDS.filter((f) => !(f in persona))
  check(
    missing.length === 0,
    `testRun.persona must have ${PERSONA_FIELDS.join(', ')}; missing: ${missing.join(', ')}`,
  )
  const body = {
    name: run.name,
    persona,
    platformDetails: await platformDetails(target),
    testConfig: run.testConfig,
    aiMetadata: run.aiMetadata,
  }
  const res = await fetch(`${endpoint}/v1/test-runs`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'x-sightline-key': siteKey },
    body: JSON.stringify(body),
  })
  const answer = (await res.json().catch(() => ({}))) as { id?: string; error?: { message?: string } }
  check(
    res.status === 201 && typeof answer.id === 'string',
    `the collector refused the test run (${res.status}): ${answer.error?.message ?? 'no message'}`,
  )
  return answer.id
}
