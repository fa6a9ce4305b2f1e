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
  if (window.__sightlineOptions) return start(window.__sightlineOptions)
  const script = document.currentScript as HTMLScriptElement | null
  if (!script) return
  const d = script.dataset
  const options: InitOptions = {
    siteKey: d.siteKey ?? '',
    endpoint: d.endpoint ?? new URL(script.src, location.href).origin,
  }
  if (d.privacy) options.privacy = d.privacy as 'default' | 'strict'
  if (d.replay) options.replay = d.replay !== 'false'
  if (d.sampleRate) options.sampleRate = Number(d.sampleRate)
  if (d.waitForConsent) options.waitForConsent = d.waitForConsent !== 'false'
  if (d.testRunId) options.testRunId = d.testRunId
  start(options)
}

boot()
