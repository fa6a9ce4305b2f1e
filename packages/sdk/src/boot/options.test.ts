import { describe, expect, it } from 'vitest'
import { type InitOptions, OptionsError, resolveOptions } from './options.js'

const ok = { siteKey: `slp_${'a'.repeat(32)}`, endpoint: 'https://collector.example/some/path' }

describe('resolveOptions', () => {
  it('should fill private, complete defaults', () => {
    expect(resolveOptions(ok)).toEqual({
      siteKey: ok.siteKey,
      endpoint: 'https://collector.example',
      privacy: 'default',
      sampleRate: 1,
      replay: true,
      waitForConsent: false,
      networkDetails: null,
      rageClick: { count: 3, windowMs: 1000, radiusPx: 30 },
      deadClickWindowMs: 1000,
      errorClickWindowMs: 1000,
      visibleSelector: '[data-sightline-visible]',
      testRunId: undefined,
      actor: undefined,
    })
  })

  it.each([
    [
      { siteKey: 'slr_secret' },
      'sightline: option siteKey must be a site key (slp_ followed by 32 characters), got "slr_secret"',
    ],
    [
      { endpoint: 'collector' },
      'sightline: option endpoint must be an absolute http(s) URL of the collector, got "collector"',
    ],
    [
      { endpoint: 'ftp://x.example' },
      'sightline: option endpoint must be an absolute http(s) URL of the collector, got "ftp://x.example"',
    ],
    [{ privacy: 'none' }, 'sightline: option privacy must be "default" or "strict", got "none"'],
    [{ sampleRate: 2 }, 'sightline: option sampleRate must be a number from 0 to 1, got 2'],
    [{ replay: 'yes' }, 'sightline: option replay must be true or false, got "yes"'],
    [{ rageClick: { count: 1 } }, 'sightline: option rageClick.count must be a number from 2 to 20, got 1'],
    [
      { networkDetails: { urls: 'x' } },
      'sightline: option networkDetails must be an object with a urls array, got {"urls":"x"}',
    ],
    [{ testRunId: 'run-1' }, 'sightline: option testRunId must be a uuid, got "run-1"'],
    [{ actor: 'bot' }, 'sightline: option actor must be "human" or "automation", got "bot"'],
    [{ waitForConsent: 1 }, 'sightline: option waitForConsent must be true or false, got 1'],
  ])('should refuse %j with a message naming the option', (bad, message) => {
    expect(() => resolveOptions({ ...ok, ...(bad as Partial<InitOptions>) })).toThrow(
      new OptionsError(message),
    )
  })
})
