// @vitest-environment happy-dom
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import { init, type Sightline } from './init.js'
import { OptionsError } from './options.js'

const siteKey = `slp_${'k'.repeat(32)}`
let bodies: Record<string, unknown>[]
let sdk: Sightline | undefined
let urls: string[]

beforeEach(() => {
  bodies = []
  urls = []
  localStorage.clear()
  // The fake collector: records each batch and acknowledges it.
  vi.stubGlobal(
    'fetch',
    vi.fn(async (url: string, initArg: RequestInit) => {
      urls.push(String(url))
      if (String(url).includes('/v1/batch')) bodies.push(JSON.parse(String(initArg.body)))
      return new Response('{"ok":true,"duplicate":false,"accepted":1,"rejected":[]}', { status: 200 })
    }),
  )
  vi.stubGlobal('CompressionStream', undefined) // plain bodies, readable by the fake collector
})
afterEach(() => {
  sdk?.stop()
  sdk = undefined
  vi.unstubAllGlobals()
})

const events = () => bodies.flatMap((b) => b.events as Record<string, unknown>[])

describe('init', () => {
  it('should deliver tracked events and resolve flush() once the collector acknowledged them', async () => {
    sdk = init({ siteKey, endpoint: 'https://collector.example', replay: false })
    const sessionId = sdk.getSessionId()
    expect(sessionId).toMatch(/^[0-9a-f-]{36}$/)
    sdk.track('coupon_applied', { code: 'SPRING' })
    sdk.identify('user-42', { plan: 'pro' })
    await sdk.flush()
    expect(events()).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ type: 'custom', name: 'coupon_applied', props: { code: 'SPRING' } }),
        expect.objectContaining({ type: 'identify', id: 'user-42', traits: { plan: 'pro' } }),
        expect.objectContaining({ type: 'pageview', nav: expect.any(String) }),
      ]),
    )
    const batch = bodies.at(-1)!
    expect(batch).toMatchObject({
      v: 1,
      sessionId,
      seq: expect.any(Number),
      batchId: expect.stringMatching(/^[0-9a-f-]{36}$/),
      sentAt: expect.any(Number),
    })
    expect(batch.session).toMatchObject({ actor: expect.stringMatching(/human|automation/) })
    expect(urls.length).toBeGreaterThan(0)
    expect(urls.every((u) => u.startsWith('https://collector.example/v1/batch?key=slp_'))).toBe(true)
    // The SDK's own requests never show up as captured network events.
    expect(events().filter((e) => e.type === 'network')).toEqual([])
  })

  it('should send track() props as they were at the call, and never throw at the page', async () => {
    sdk = init({ siteKey, endpoint: 'https://collector.example', replay: false })
    const props = { step: 1 }
    sdk.track('a', props)
    props.step = 2
    const cycle: Record<string, unknown> = {}
    cycle.self = cycle
    expect(() => sdk!.track('b', cycle)).not.toThrow()
    expect(() => sdk!.identify('u', cycle)).not.toThrow()
    await sdk.flush()
    expect(
      events()
        .filter((e) => e.type === 'custom')
        .map((e) => [e.name, e.props]),
    ).toEqual([['a', { step: 1 }]])
  })

  it('should record nothing before consent, and start on setConsent(true)', async () => {
    sdk = init({ siteKey, endpoint: 'https://collector.example', replay: false, waitForConsent: true })
    expect(sdk.getSessionId()).toBeNull()
    sdk.track('before_consent')
    await sdk.flush()
    expect(events()).toEqual([])
    sdk.setConsent(true)
    sdk.track('after_consent')
    await sdk.flush()
    expect(
      events()
        .map((e) => e.name)
        .filter(Boolean),
    ).toEqual(['after_consent'])
  })

  it('should throw an OptionsError naming the bad option', () => {
    expect(() => init({ siteKey: 'nope', endpoint: 'https://c.example' })).toThrow(OptionsError)
    expect(() => init({ siteKey, endpoint: 'https://c.example', sampleRate: 5 })).toThrow(
      /option sampleRate must be a number from 0 to 1, got 5/,
    )
  })

  it('should take up the session another tab started, while events keep coming', async () => {
    vi.useFakeTimers({ toFake: ['Date'], now: 1_700_000_000_000 })
    try {
      sdk = init({ siteKey, endpoint: 'https://collector.example', replay: false })
      const first = sdk.getSessionId()
      const other = {
        id: '0f0e0d0c-0b0a-4000-8000-000000000001',
        startedAt: Date.now(),
        lastActivity: Date.now(),
      }
      for (let i = 0; i < 6; i++) {
        if (i === 2) localStorage.setItem('sightline.session', JSON.stringify(other))
        sdk.track(`step${i}`)
        vi.setSystemTime(Date.now() + 500)
      }
      await sdk.flush()
      expect(sdk.getSessionId()).toBe(other.id)
      const idOf = (name: string) =>
        bodies.find((b) => (b.events as { name?: string }[]).some((e) => e.name === name))?.sessionId
      expect(idOf('step0')).toBe(first)
      expect(idOf('step5')).toBe(other.id)
    } finally {
      vi.useRealTimers()
    }
  })

  it('should send nothing at all for a session outside the sample', async () => {
    sdk = init({ siteKey, endpoint: 'https://collector.example', replay: false, sampleRate: 0 })
    sdk.track('x')
    await sdk.flush()
    expect(bodies).toEqual([])
  })
})
