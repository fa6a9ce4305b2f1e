import {
  DEAD_CLICK_WINDOW_MS,
  ERROR_CLICK_WINDOW_MS,
  RAGE_CLICK_COUNT,
  RAGE_CLICK_RADIUS_PX,
  RAGE_CLICK_WINDOW_MS,
} from '../constants.js'

/**
 * `default`: every input, textarea, select and contenteditable is masked; page text is recorded.
 * `strict`: all text is masked too and media is blocked in replays.
 * Passwords, hidden inputs and card/one-time-code fields are masked at every level.
 */
export type PrivacyLevel = 'default' | 'strict'

export interface InitOptions {
  /** The site's public key (`slp_…`). */
  siteKey: string
  /** Collector origin, e.g. `https://collect.example.com`. */
  endpoint: string
  privacy?: PrivacyLevel
  /** Share of sessions recorded, 0–1, decided once per session id. Default 1. */
  sampleRate?: number
  /** Record an rrweb replay (a separate, lazily loaded chunk). Default true. */
  replay?: boolean
  /** Record nothing until `setConsent(true)`. Default false. */
  waitForConsent?: boolean
  /** Opt-in: also record headers/bodies of requests whose URL matches (headers on a denylist stay redacted). */
  networkDetails?: { urls: (string | RegExp)[]; bodies?: boolean }
  rageClick?: { count?: number; windowMs?: number; radiusPx?: number }
  deadClickWindowMs?: number
  errorClickWindowMs?: number
  /** Elements whose visibility is measured. Default `[data-sightline-visible]`. */
  visibleSelector?: string
  /** Set by @sightline/playwright: the test run the session belongs to, and the actor. */
  testRunId?: string
  actor?: 'human' | 'automation'
}

export interface Options {
  siteKey: string
  endpoint: string
  privacy: PrivacyLevel
  sampleRate: number
  replay: boolean
  waitForConsent: boolean
  networkDetails: { urls: (string | RegExp)[]; bodies: boolean } | null
  rageClick: { count: number; windowMs: number; radiusPx: number }
  deadClickWindowMs: number
  errorClickWindowMs: number
  visibleSelector: string
  testRunId: string | undefined
  actor: 'human' | 'automation' | undefined
}

/** A bad option: the message names the option and what it must be. */
export class OptionsError extends TypeError {}

function fail(name: string, must: string, got: unknown): never {
  throw new OptionsError(
    `sightline: option ${name} must be ${must}, got ${JSON.stringify(got) ?? String(got)}`,
  )
}

function num(name: string, value: unknown, fallback: number, min: number, max: number): number {
  if (value === undefined) return fallback
  if (typeof value !== 'number' || !(value >= min && value <= max))
    fail(name, `a number from ${min} to ${max}`, value)
  return value
}

/** Validates options and fills defaults; throws an OptionsError naming the first bad option. */
export function resolveOptions(input: InitOptions): Options {
  if (!input || typeof input !== 'object') fail('(options)', 'an object', input)
  if (typeof input.siteKey !== 'string' || !/^slp_[A-Za-z0-9_-]{32}$/.test(input.siteKey))
    fail('siteKey', 'a site key (slp_ followed by 32 characters)', input.siteKey)
  let endpoint: string
  try {
    endpoint = new URL(input.endpoint).origin
  } catch {
    fail('endpoint', 'an absolute http(s) URL of the collector', input.endpoint)
  }
  if (!/^https?:/.test(endpoint)) fail('endpoint', 'an http or https URL', input.endpoint)
  const privacy = input.privacy ?? 'default'
  if (privacy !== 'default' && privacy !== 'strict') fail('privacy', '"default" or "strict"', privacy)
  const nd = input.networkDetails
  if (nd !== undefined && (!nd || !Array.isArray(nd.urls)))
    fail('networkDetails', 'an object with a urls array', nd)
  const rage = input.rageClick ?? {}
  if (input.testRunId !== undefined && !/^[0-9a-f-]{36}$/i.test(input.testRunId))
    fail('testRunId', 'a uuid', input.testRunId)
  if (input.actor !== undefined && input.actor !== 'human' && input.actor !== 'automation')
    fail('actor', '"human" or "automation"', input.actor)
  return {
    siteKey: input.siteKey,
    endpoint,
    privacy,
    sampleRate: num('sampleRate', input.sampleRate, 1, 0, 1),
    replay: input.replay ?? true,
    waitForConsent: input.waitForConsent ?? false,
    networkDetails: nd ? { urls: nd.urls, bodies: nd.bodies ?? false } : null,
    rageClick: {
      count: num('rageClick.count', rage.count, RAGE_CLICK_COUNT, 2, 20),
      windowMs: num('rageClick.windowMs', rage.windowMs, RAGE_CLICK_WINDOW_MS, 100, 10_000),
      radiusPx: num('rageClick.radiusPx', rage.radiusPx, RAGE_CLICK_RADIUS_PX, 1, 1000),
    },
    deadClickWindowMs: num('deadClickWindowMs', input.deadClickWindowMs, DEAD_CLICK_WINDOW_MS, 100, 10_000),
    errorClickWindowMs: num(
      'errorClickWindowMs',
      input.errorClickWindowMs,
      ERROR_CLICK_WINDOW_MS,
      100,
      10_000,
    ),
    visibleSelector: input.visibleSelector ?? '[data-sightline-visible]',
    testRunId: input.testRunId,
    actor: input.actor,
  }
}
