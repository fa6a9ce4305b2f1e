import { init, noop, type Sightline } from './boot/init.js'
import type { InitOptions } from './boot/options.js'

/**
 * The `<script src=".../sdk.js" data-site-key="…" async>` entry: starts itself from the tag's data
 * attributes; the endpoint is the script's origin unless `data-endpoint` says otherwise. Injected before
 * any page script (`@sightline/playwright`), it starts from `window.__sightlineOptions` instead. A bad
 * configuration starts nothing and is reported on `window.sightline.error` (never thrown at the page).
 */
declare global {
  interface Window {
    sightline?: Sightline & { error?: string }
    __sightlineOptions?: InitOptions
  }
}

function start(options: InitOptions) {
  try {
    window.sightline = init(options)
  } catch (error) {
    window.sightline = { ...noop(), error: (error as Error).message }
  }
}

function boot() {
  if (window.sightline) return
  // Injected into every frame: one without an address of its own (about:blank, srcdoc) is part of its
  // parent's page, like the helper iframe rrweb creates and removes; recording it would add a page view.
  if (window.__sightlineOptions)
    return /^https?:$/.test(location.protocol) && start(window.__sightlineOptions)
  const script = document.currentScript as HTMLScriptElement | null
  if (!script) return
  const d = script.dataset
  // An absent or empty attribute leaves the option to its default (undefined); "false" turns a flag off.
  const flag = (v?: string) => (v ? v !== 'false' : undefined)
  start({
    siteKey: d.siteKey ?? '',
    endpoint: d.endpoint ?? new URL(script.src, location.href).origin,
    privacy: d.privacy || undefined,
    replay: flag(d.replay),
    sampleRate: d.sampleRate ? Number(d.sampleRate) : undefined,
    waitForConsent: flag(d.waitForConsent),
    testRunId: d.testRunId || undefined,
  } as InitOptions)
}

boot()
