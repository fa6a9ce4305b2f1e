import { describe, expect, it } from 'vitest'
import { AttachError } from './attach.js'
import { resolveFixtureOptions } from './fixtureOptions.js'

const key = `slp_${'k'.repeat(32)}`
const testInfo = {
  titlePath: ['checkout.spec.ts', 'checkout', 'pays by card'],
  file: '/repo/tests/checkout.spec.ts',
  line: 12,
  retry: 1,
  project: { name: 'chromium' },
  config: { rootDir: '/repo' },
}
const persona = { name: 'P', age: 30, techLiteracy: 'basic', goals: ['pay'] }

describe('resolveFixtureOptions', () => {
  it('should take the collector and site key from the environment when the options do not say', () => {
    expect(
      resolveFixtureOptions({}, { SIGHTLINE_COLLECTOR: 'http://c:7070', SIGHTLINE_SITE_KEY: key }, testInfo),
    ).toEqual({ collector: 'http://c:7070', siteKey: key })
    expect(
      resolveFixtureOptions(
        { collector: 'http://mine', siteKey: key, privacy: 'strict', replay: false },
        { SIGHTLINE_COLLECTOR: 'http://env' },
        testInfo,
      ),
    ).toEqual({ collector: 'http://mine', siteKey: key, privacy: 'strict', replay: false })
    const readKey = `slr_${'r'.repeat(32)}`
    expect(
      resolveFixtureOptions(
        {},
        { SIGHTLINE_COLLECTOR: 'http://c', SIGHTLINE_SITE_KEY: key, SIGHTLINE_READ_KEY: readKey },
        testInfo,
      ),
    ).toEqual({ collector: 'http://c', siteKey: key, readKey })
  })

  it('should name the test run after the test and add where it runs to its config', () => {
    const resolved = resolveFixtureOptions(
      { collector: 'http://c', siteKey: key, testRun: { persona, testConfig: { networkSpeed: '4g' } } },
      {},
      testInfo,
    )
    expect(resolved.testRun).toEqual({
      name: 'checkout › pays by card',
      persona,
      testConfig: {
        networkSpeed: '4g',
        playwright: { project: 'chromium', file: 'tests/checkout.spec.ts', line: 12, retry: 1 },
      },
    })
    const named = resolveFixtureOptions(
      {
        collector: 'http://c',
        siteKey: key,
        testRun: { name: 'mine', persona, testConfig: { playwright: 'own' } },
      },
      {},
      testInfo,
    )
    expect(named.testRun).toEqual({ name: 'mine', persona, testConfig: { playwright: 'own' } })
  })

  it('should say how to configure what is missing, and name unknown options', () => {
    expect(() => resolveFixtureOptions({}, {}, testInfo)).toThrow(
      new AttachError(
        "sightline fixture: no collector: set SIGHTLINE_COLLECTOR or test.use({ sightlineOptions: { collector: 'http://…' } })",
      ),
    )
    expect(() => resolveFixtureOptions({ collector: 'http://c' }, {}, testInfo)).toThrow(
      /no site key: set SIGHTLINE_SITE_KEY or test\.use/,
    )
    expect(() => resolveFixtureOptions({ collecter: 'http://c' } as never, {}, testInfo)).toThrow(
      'sightline fixture: unknown option collecter (known: collector, siteKey, privacy, replay, testRun, attachSummary, readKey)',
    )
    expect(() =>
      resolveFixtureOptions(
        { collector: 'http://c', siteKey: key, attachSummary: 'yes' } as never,
        {},
        testInfo,
      ),
    ).toThrow('sightline fixture: attachSummary must be a boolean, got "yes"')
  })
})
