import type { BrowserContext, Page } from '@playwright/test'
import { check, isContext } from './errors.js'

export type TestRunStatus = 'passed' | 'failed' | 'aborted'

export interface TestRunOptions {
  name: string
  persona: Record<string, unknown>
  testConfig?: Record<string, unknown>
  aiMetadata?: Record<string, unknown>
}

/** `POST /v1/test-runs/:id/finish`: the run's final status and finished_at. */
export async function finishTestRun(endpoint: string, siteKey: string, id: string, status: TestRunStatus) {
  const res = await fetch(`${endpoint}/v1/test-runs/${id}/finish`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'x-sightline-key': siteKey },
    body: JSON.stringify({ status }),
  })
  if (res.ok) return
  const answer = (await res.json().catch(() => ({}))) as { error?: { message?: string } }
  throw new Error(
    `sightline: the collector refused to finish test run ${id} (${res.status}): ${answer.error?.message ?? 'no message'}`,
  )
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

/** `POST /v1/test-runs` with the browser's platform details; the persona's required fields checked first. */
export async function createTestRun(
  target: BrowserContext | Page,
  endpoint: string,
  siteKey: string,
  run: TestRunOptions,
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
