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
}

export interface SightlineHandle {
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
  const config = {
    siteKey: options.siteKey,
    endpoint,
    privacy: options.privacy ?? 'default',
    replay: options.replay ?? true,
    actor: 'automation',
    sampleRate: 1,
  }
  await target.addInitScript({ content: `window.__sightlineOptions = ${JSON.stringify(config)};\n${sdk}` })

  const frames = () =>
    (isContext(target) ? target.pages() : [target]).filter((p) => !p.isClosed()).flatMap((p) => p.frames())
  const inEachFrame = <T>(fn: () => T | Promise<T>) =>
    Promise.all(frames().map((f) => f.evaluate(fn).catch(() => undefined)))
  return {
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
