import path from 'node:path'
import { fileURLToPath } from 'node:url'
import { test as base, expect as baseExpect, mergeTests as baseMergeTests } from '@playwright/test'
import { attachSightline, type SightlineHandle, type TestRunStatus } from './attach.js'
import { resolveFixtureOptions, type SightlineFixtureOptions } from './fixtureOptions.js'
import { sightlineMatchers } from './matchers.js'

/**
 * `import { test, expect } from '@sightline/playwright/test'`: Playwright's test with a `sightline`
 * fixture (automatic: every test's context is recorded), `test.step` recorded as Sightline steps, and
 * Playwright's expect with the Sightline matchers.
 */

export interface SightlineFixtures {
  /** The running test's recording: steps, signals, flush, summary. Finished when the test ends. */
  sightline: SightlineHandle
  /** Set with `test.use({ sightlineOptions: { … } })`. */
  sightlineOptions: SightlineFixtureOptions
}

/** The handle of the test running in this worker (a worker runs one test at a time). */
let active: SightlineHandle | undefined

const STATUS: Record<string, TestRunStatus> = {
  passed: 'passed',
  failed: 'failed',
  timedOut: 'failed',
  skipped: 'aborted',
  interrupted: 'aborted',
}

/** Well within Playwright's default test timeout (30 s), which the teardown shares. */
const FINISH_TIMEOUT_MS = 10_000

const withFixture = base.extend<SightlineFixtures>({
  sightlineOptions: [{}, { option: true }],
  sightline: [
    async ({ context, sightlineOptions }, use, testInfo) => {
      const handle = await attachSightline(
        context,
        resolveFixtureOptions(sightlineOptions, process.env, testInfo),
      )
      active = handle
      try {
        await use(handle)
      } finally {
        active = undefined
      }
      const summary = await handle.finish({
        status: STATUS[testInfo.status ?? 'passed'] ?? 'failed',
        timeout: FINISH_TIMEOUT_MS,
      })
      if (sightlineOptions.attachSummary !== false)
        await testInfo.attach('sightline-summary.json', {
          body: JSON.stringify(summary, null, 2),
          contentType: 'application/json',
        })
    },
    { auto: true, title: 'sightline' },
  ],
})

const HERE = fileURLToPath(import.meta.url)

/** Where the caller of test.step is, so that Playwright's report points there and not here. */
function callerLocation(): { file: string; line: number; column: number } | undefined {
  for (const line of (new Error().stack ?? '').split('\n').slice(1)) {
    const m = /\(?((?:file:\/\/)?[^()\s]+):(\d+):(\d+)\)?$/.exec(line.trim())
    if (!m) continue
    const file = m[1]!.startsWith('file://') ? fileURLToPath(m[1]!) : m[1]!
    if (file === HERE || !path.isAbsolute(file) || file.includes(`${path.sep}node_modules${path.sep}`))
      continue
    return { file, line: Number(m[2]), column: Number(m[3]) }
  }
  return undefined
}

type AnyTest = typeof withFixture

/** Makes `t.step` record a Sightline step around Playwright's, and keeps that through `t.extend`. */
function withSteps<T extends AnyTest>(t: T): T {
  const original = t.step
  const extend = t.extend
  const step = ((title: string, body: (info: never) => unknown, options?: { location?: unknown }) => {
    const location = options?.location ?? callerLocation()
    const opts = location ? { ...options, location } : options
    const handle = active
    const run = () => original(title, body as never, opts as never)
    return handle ? handle.step(title, run) : run()
  }) as unknown as T['step']
  step.skip = original.skip
  return Object.assign(t, {
    step,
    extend: ((fixtures: never) => withSteps(extend.call(t, fixtures) as never)) as T['extend'],
  })
}

export const test = withSteps(withFixture)
export const expect = baseExpect.extend(sightlineMatchers)
/** Playwright's mergeTests, keeping Sightline's steps on the merged test. */
export const mergeTests: typeof baseMergeTests = (...tests: Parameters<typeof baseMergeTests>) =>
  withSteps(baseMergeTests(...tests) as never)

export type { SightlineFixtureOptions } from './fixtureOptions.js'
export * from './index.js'
export { type NoSignalsOptions, sightlineMatchers, type VitalThresholds } from './matchers.js'
