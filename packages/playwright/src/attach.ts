import { randomUUID } from 'node:crypto'
import type { BrowserContext, Page } from '@playwright/test'
import { fetchDerivedSignals } from './derived.js'
import { AttachError, check, isContext } from './errors.js'
import { initScript } from './inPage.js'
import { createRecorder, type PageMessage } from './recorder.js'
import { createSteps, type OpenStep } from './steps.js'
import type { SightlineSignal, SightlineSummary } from './summary.js'
import { createTestRun, finishTestRun, type TestRunOptions, type TestRunStatus } from './testRun.js'

export type { TestRunStatus }
export { AttachError }

export interface AttachOptions {
  /** Collector base URL, e.g. `http://127.0.0.1:7070`; the SDK is fetched from `<collector>/sdk.js`. */
  collector: string
  /** The site's public key (`slp_…`). */
  siteKey: string
  /** `strict` masks all text and blocks media in replays. Default `default`. */
  privacy?: 'default' | 'strict'
  /** Record an rrweb replay. Default true. */
  replay?: boolean
  /**
   * Creates a `test_runs` row (persona must have name, age, techLiteracy and goals) and links every
   * session of `target` to it; `platform_details` is read from the real browser.
   */
  testRun?: TestRunOptions
  /**
   * A read key of the site's company (`slr_…`). With it, summary() and finish() also report the frustration
   * signals the collector derives (failed_request_click, quick_back, excessive_scrolling, mouse_thrashing,
   * form_abandonment), read from `GET /v1/sessions/{id}/signals` after the flush; the matchers then see
   * them too. Without it only the SDK's own signals are known to the test.
   */
  readKey?: string
}

export interface SightlineHandle {
  /** The `test_runs` id the sessions are linked to, when `testRun` was given. */
  testRunId: string | undefined
  /**
   * Resolves once the collector has acknowledged everything captured so far, in every page and frame,
   * and every signal has reached the listeners. Throws what a signal listener threw.
   */
  flush(options?: { timeout?: number }): Promise<void>
  /** The user_session_id of each open page (one per origin: frames of one origin share it). */
  sessionIds(): Promise<string[]>
  /**
   * A test step, recorded in every open page (a `custom` event `test.step`, phase start and end) and in
   * pages loaded while it runs. With a body: runs it and returns its result (a throw fails the step).
   * Without: returns the open step, to `end()` yourself.
   */
  step<T>(title: string, body: () => T | Promise<T>): Promise<T>
  step(title: string): Promise<OpenStep>
  /**
   * Frustration signals, uncaught errors and failed requests, as they happen in any page. Returns the
   * function that removes the listener. A listener that throws fails the next flush()/finish().
   */
  on(event: 'signal', listener: (signal: SightlineSignal) => void): () => void
  /** Flushes (and measures the vitals of open pages) and summarizes everything seen so far. */
  summary(options?: { timeout?: number }): Promise<SightlineSummary>
  /**
   * Ends open steps, flushes, marks the test run finished (`status`, default `passed`) and returns the
   * summary. Later calls return the same summary.
   */
  finish(options?: { status?: TestRunStatus; timeout?: number }): Promise<SightlineSummary>
}

const attached = new WeakSet<BrowserContext | Page>()
const FLUSH_TIMEOUT_MS = 30_000
/** How long a flush waits for forwarded signals still on their way over the binding. */
const DELIVERY_TIMEOUT_MS = 2_000
const HANDOFF_KEY = '__sightline_handoff'
/** Signals forwarded per document at most (a page logging errors in a loop stays cheap); the rest are counted. */
const MAX_FORWARDED = 500

/**
 * Injects the Sightline SDK into every page and frame of `target` before any page script
 * (`addInitScript`); sessions are recorded as `actor = automation` with sampling off. A tap installed
 * before the SDK streams signals to the test process (an exposed binding) and counts the rest.
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
  check(
    options.privacy === undefined || options.privacy === 'default' || options.privacy === 'strict',
    `privacy must be "default" or "strict", got ${JSON.stringify(options.privacy)}`,
  )
  check(
    options.replay === undefined || typeof options.replay === 'boolean',
    `replay must be a boolean, got ${JSON.stringify(options.replay)}`,
  )
  check(
    options.readKey === undefined ||
      (typeof options.readKey === 'string' && /^slr_[\w-]{32}$/.test(options.readKey)),
    `readKey must be a read key (slr_ followed by 32 characters), got ${JSON.stringify(options.readKey)}`,
  )
  const related = isContext(target) ? [target, ...target.pages()] : [target, target.context()]
  check(
    !related.some((t) => attached.has(t)),
    `this ${isContext(target) ? 'context (or one of its pages)' : 'page (or its context)'} is already attached: use the handle the first call returned`,
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
  const testRunId = options.testRun
    ? await createTestRun(target, endpoint, options.siteKey, options.testRun)
    : undefined
  const config = {
    siteKey: options.siteKey,
    endpoint,
    privacy: options.privacy ?? 'default',
    replay: options.replay ?? true,
    actor: 'automation',
    sampleRate: 1,
    ...(testRunId ? { testRunId } : {}),
  }
  attached.add(target)
  const startedAt = Date.now()
  const steps = createSteps({
    broadcast: async (message) => {
      await Promise.all(
        pages().map((p) =>
          p
            .mainFrame()
            .evaluate(
              (m) => (window as { __sightlineStep?: (m: unknown) => void }).__sightlineStep?.(m),
              message,
            )
            .catch(() => {}),
        ),
      )
    },
    addInitScript: (content) => target.addInitScript({ content }),
  })
  const recorder = createRecorder(steps.log)
  const binding = `__sightlineSend_${randomUUID().slice(0, 8)}`
  await target.exposeBinding(binding, (_source, message: PageMessage) => recorder.receive(message))
  await target.addInitScript({
    content: initScript({ binding, handoffKey: HANDOFF_KEY, maxForwarded: MAX_FORWARDED }, config, sdk),
  })

  const pages = () => (isContext(target) ? target.pages() : [target]).filter((p) => !p.isClosed())
  const frames = () => pages().flatMap((p) => p.frames())
  const inEachFrame = <T, A extends boolean | undefined>(fn: (arg: A) => T | Promise<T>, arg: A) =>
    Promise.all(frames().map((f) => f.evaluate(fn as (arg: unknown) => T, arg).catch(() => undefined)))
  const warnings: string[] = []

  /** Flushes every frame, then waits until the signals each one forwarded have arrived. */
  async function collect(measure: boolean, timeout = FLUSH_TIMEOUT_MS) {
    let timer: NodeJS.Timeout | undefined
    const reports = await Promise.race([
      inEachFrame(async (withVitals: boolean) => {
        const w = window as unknown as {
          sightline?: { flush(): Promise<void> }
          __sightlineReport?: (v: boolean) => PageMessage
        }
        const delivered = w.sightline?.flush()
        // An interaction's event timing entry exists only once its next frame is presented: measuring
        // right after a click would miss it. Two frames (at most 200 ms, rAF may not run) let it land.
        if (withVitals)
          await new Promise<void>((done) => {
            requestAnimationFrame(() => requestAnimationFrame(() => setTimeout(done)))
            setTimeout(done, 200)
          })
        const report = w.__sightlineReport?.(withVitals)
        await delivered
        return report
      }, measure),
      new Promise<never>((_, reject) => {
        timer = setTimeout(
          () =>
            reject(
              new Error(
                `sightline: the collector at ${endpoint} did not acknowledge the recorded events within ${timeout} ms`,
              ),
            ),
          timeout,
        )
      }),
    ]).finally(() => clearTimeout(timer))
    for (const report of reports) if (report) recorder.receive(report)
    const late = await Promise.all(
      reports.map(async (r) =>
        r && !(await recorder.delivered(r.d, r.sent ?? 0, r.handed ?? 0, DELIVERY_TIMEOUT_MS))
          ? r.u
          : undefined,
      ),
    )
    for (const url of late)
      if (url)
        warnings.push(
          `some signals of ${url} did not reach the test process within ${DELIVERY_TIMEOUT_MS} ms`,
        )
    recorder.rethrow()
  }

  async function sessionIds() {
    const ids = await inEachFrame(
      () =>
        (window as unknown as { sightline?: { getSessionId(): string | null } }).sightline?.getSessionId() ??
        null,
      undefined,
    )
    return [...new Set(ids.filter((id): id is string => typeof id === 'string'))]
  }

  let finished: Promise<SightlineSummary> | undefined
  const summarize = async (timeout?: number) => {
    await collect(true, timeout)
    const summary = recorder.summary({ testRunId, sessionIds: await sessionIds(), startedAt, warnings })
    if (!options.readKey) return summary
    const derived = await fetchDerivedSignals(endpoint, options.readKey, summary.sessionIds)
    return {
      ...summary,
      frustrationSignals: [...summary.frustrationSignals, ...derived.signals].sort((a, b) => a.time - b.time),
      warnings: [...summary.warnings, ...derived.warnings],
    }
  }

  const handle: SightlineHandle = {
    testRunId,
    flush: async (o) => collect(false, o?.timeout),
    sessionIds,
    step: ((title: string, body?: () => unknown) =>
      body === undefined ? steps.start(title) : steps.run(title, body)) as SightlineHandle['step'],
    on(event, listener) {
      if (event !== 'signal') throw new TypeError(`on: unknown event ${JSON.stringify(event)}: only "signal"`)
      if (typeof listener !== 'function') throw new TypeError('on: the listener must be a function')
      return recorder.on(listener)
    },
    summary: async (o) => summarize(o?.timeout),
    finish(o = {}) {
      const status = o.status ?? 'passed'
      if (!['passed', 'failed', 'aborted'].includes(status))
        return Promise.reject(
          new TypeError(`finish: status must be passed, failed or aborted, got ${JSON.stringify(status)}`),
        )
      finished ??= (async () => {
        await steps.endAll()
        // The run is finished even when the summary fails (a listener threw, the collector is down).
        const summary = await summarize(o.timeout).catch((error: unknown) => ({ error }))
        const failed = 'error' in summary
        if (testRunId) {
          const marking = finishTestRun(endpoint, options.siteKey, testRunId, failed ? 'failed' : status)
          await (failed ? marking.catch(() => {}) : marking)
        }
        if (failed) throw summary.error
        return summary
      })()
      return finished
    },
  }
  return handle
}
