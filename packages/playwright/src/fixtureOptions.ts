import path from 'node:path'
import { AttachError, type AttachOptions } from './attach.js'

/** `test.use({ sightlineOptions: { … } })`. Collector and site key fall back to the environment. */
export interface SightlineFixtureOptions {
  /** Collector base URL. Default: $SIGHTLINE_COLLECTOR. */
  collector?: string
  /** The site's public key (`slp_…`). Default: $SIGHTLINE_SITE_KEY. */
  siteKey?: string
  privacy?: 'default' | 'strict'
  replay?: boolean
  /**
   * One `test_runs` row per test: `name` defaults to the test's title path; `testConfig` gets a
   * `playwright` entry (project, file, line, retry) unless it has one.
   */
  testRun?: {
    name?: string
    persona: Record<string, unknown>
    testConfig?: Record<string, unknown>
    aiMetadata?: Record<string, unknown>
  }
  /** Attach the summary to the test's report as `sightline-summary.json`. Default true. */
  attachSummary?: boolean
  /** A read key (`slr_…`): the summary and matchers include collector-derived signals. Default: $SIGHTLINE_READ_KEY. */
  readKey?: string
}

const KNOWN = ['collector', 'siteKey', 'privacy', 'replay', 'testRun', 'attachSummary', 'readKey']

/** What the fixture needs to know of the running test (a subset of Playwright's TestInfo). */
export interface TestIdentity {
  titlePath: string[]
  file: string
  line: number
  retry: number
  project: { name: string }
  config: { rootDir: string }
}

/** The fixture's options plus the environment, as attachSightline options; AttachError names what is wrong. */
export function resolveFixtureOptions(
  options: SightlineFixtureOptions | undefined,
  env: Record<string, string | undefined>,
  test: TestIdentity,
): AttachOptions {
  const fail = (message: string): never => {
    throw new AttachError(`sightline fixture: ${message}`)
  }
  const o = options ?? {}
  if (typeof o !== 'object' || Array.isArray(o)) fail('sightlineOptions must be an object')
  const unknown = Object.keys(o).filter((k) => !KNOWN.includes(k))
  if (unknown.length) fail(`unknown option ${unknown.join(', ')} (known: ${KNOWN.join(', ')})`)
  const collector =
    o.collector ??
    env.SIGHTLINE_COLLECTOR ??
    fail("no collector: set SIGHTLINE_COLLECTOR or test.use({ sightlineOptions: { collector: 'http://…' } })")
  const siteKey =
    o.siteKey ??
    env.SIGHTLINE_SITE_KEY ??
    fail("no site key: set SIGHTLINE_SITE_KEY or test.use({ sightlineOptions: { siteKey: 'slp_…' } })")
  if (o.attachSummary !== undefined && typeof o.attachSummary !== 'boolean')
    fail(`attachSummary must be a boolean, got ${JSON.stringify(o.attachSummary)}`)
  const resolved: AttachOptions = { collector, siteKey }
  if (o.privacy !== undefined) resolved.privacy = o.privacy
  if (o.replay !== undefined) resolved.replay = o.replay
  const readKey = o.readKey ?? env.SIGHTLINE_READ_KEY
  if (readKey !== undefined) resolved.readKey = readKey
  if (o.testRun !== undefined) {
    if (!o.testRun || typeof o.testRun !== 'object') fail('testRun must be an object with a persona')
    const { name, testConfig, ...rest } = o.testRun
    const playwright = {
      project: test.project.name,
      file: path.relative(test.config.rootDir, test.file),
      line: test.line,
      retry: test.retry,
    }
    resolved.testRun = {
      ...rest,
      name: name ?? test.titlePath.slice(1).join(' › '),
      testConfig: testConfig && 'playwright' in testConfig ? testConfig : { ...testConfig, playwright },
    }
  }
  return resolved
}
