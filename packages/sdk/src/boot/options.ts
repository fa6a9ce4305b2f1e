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
  /** Opt-in: also record headers/bodies of requests whose URL matches (secret headers and keys stay redacted). */
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

/** Checks one option; throws `sightline: option NAME must be MUST, got VALUE`. */
function check<T>(name: string, value: T, ok: boolean, must: string): T {
  if (!ok)
    throw new OptionsError(
      `sightline: option ${name} must be ${must}, got ${JSON.stringify(value) ?? String(value)}`,
    )
  return value
}

/** An optional option: absent (undefined) is always fine and stands for `fallback`; present, it is checked. */
const opt = <T>(name: string, v: unknown, ok: boolean, must: string, fallback?: T): T =>
  v === undefined ? (fallback as T) : (check(name, v, ok, must) as T)
const num = (name: string, v: unknown, fallback: number, min: number, max: number): number =>
  opt(name, v, typeof v === 'number' && v >= min && v <= max, `a number from ${min} to ${max}`, fallback)
const bool = (name: string, v: unknown, fallback: boolean): boolean =>
  opt(name, v, typeof v === 'boolean', 'true or false', fallback)
const oneOf = <T extends string>(name: string, v: unknown, a: T, b: T): T | undefined =>
  opt(name, v, v === a || v === b, `"${a}" or "${b}"`)

/** Validates options and fills defaults; throws an OptionsError naming the first bad option. */
export function resolveOptions(o: InitOptions): Options {
  check('(options)', o, !!o && typeof o === 'object', 'an object')
  check(
    'siteKey',
    o.siteKey,
    /^slp_[\w-]{32}$/.test(o.siteKey),
    'a site key (slp_ followed by 32 characters)',
  )
  let endpoint = ''
  try {
    endpoint = new URL(o.endpoint).origin
  } catch {}
  check('endpoint', o.endpoint, /^https?:/.test(endpoint), 'an absolute http(s) URL of the collector')
  const privacy = oneOf('privacy', o.privacy ?? 'default', 'default', 'strict')!
  const nd = o.networkDetails
  opt('networkDetails', nd, Array.isArray(nd?.urls), 'an object with a urls array')
  opt('testRunId', o.testRunId, /^[\da-f-]{36}$/i.test(o.testRunId!), 'a uuid')
  oneOf('actor', o.actor, 'human', 'automation')
  const rage = o.rageClick ?? {}
  return {
    siteKey: o.siteKey,
    endpoint,
    privacy,
    sampleRate: num('sampleRate', o.sampleRate, 1, 0, 1),
    replay: bool('replay', o.replay, true),
    waitForConsent: bool('waitForConsent', o.waitForConsent, false),
    networkDetails: nd ? { urls: nd.urls, bodies: !!nd.bodies } : null,
    rageClick: {
      count: num('rageClick.count', rage.count, RAGE_CLICK_COUNT, 2, 20),
      windowMs: num('rageClick.windowMs', rage.windowMs, RAGE_CLICK_WINDOW_MS, 100, 1e4),
      radiusPx: num('rageClick.radiusPx', rage.radiusPx, RAGE_CLICK_RADIUS_PX, 1, 1e3),
    },
    deadClickWindowMs: num('deadClickWindowMs', o.deadClickWindowMs, DEAD_CLICK_WINDOW_MS, 100, 1e4),
    errorClickWindowMs: num('errorClickWindowMs', o.errorClickWindowMs, ERROR_CLICK_WINDOW_MS, 100, 1e4),
    visibleSelector: o.visibleSelector ?? '[data-sightline-visible]',
    testRunId: o.testRunId,
    actor: o.actor,
  }
}
