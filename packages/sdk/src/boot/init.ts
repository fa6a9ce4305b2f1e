import { listen } from '../browser/listen.js'
import { trackClicks } from '../capture/trackClicks.js'
import { trackConsole } from '../capture/trackConsole.js'
import { trackElements } from '../capture/trackElements.js'
import { trackErrors } from '../capture/trackErrors.js'
import { trackForms } from '../capture/trackForms.js'
import { trackKeys } from '../capture/trackKeys.js'
import { trackMouse } from '../capture/trackMouse.js'
import { trackMutations } from '../capture/trackMutations.js'
import { trackNetwork } from '../capture/trackNetwork.js'
import { trackPageViews } from '../capture/trackPageViews.js'
import { trackScroll } from '../capture/trackScroll.js'
import { trackVisibility } from '../capture/trackVisibility.js'
import { trackWebVitals } from '../capture/trackWebVitals.js'
import { BATCH_MAX_EVENTS, OUTBOX_MAX_BYTES } from '../constants.js'
import { startReplay } from '../replay/startReplay.js'
import { createSessionStore, isSampled, type Session, usableStorage, uuid } from '../session/session.js'
import { createActivity } from '../tools/activity.js'
import { monitor } from '../tools/monitor.js'
import { isSecretParam, scrubUrl } from '../tools/urlUtils.js'
import { createBatcher, type Envelope } from '../transport/batcher.js'
import { createOutbox } from '../transport/outbox.js'
import { createSender } from '../transport/sender.js'
import type { CaptureContext, Emit, SightlineEvent, Stoppable } from '../types.js'
import { type InitOptions, type Options, resolveOptions } from './options.js'

export const SDK_VERSION = '0.1.0'

export interface Sightline {
  /** Resolves once the collector has acknowledged everything captured so far. */
  flush(): Promise<void>
  getSessionId(): string | null
  identify(id: string, traits?: Record<string, unknown>): void
  track(name: string, props?: Record<string, unknown>): void
  /** With `waitForConsent`: true starts recording; false stops it and discards what was not sent yet. */
  setConsent(granted: boolean): void
  stop(): void
}

/** `exit` is true on pagehide (the page is being left), false when it is only hidden or flushed on demand. */
type Flushable = Stoppable & { flush?(exit?: boolean): void }

/** Starts the SDK. Throws an OptionsError (naming the option) for bad options; never throws afterwards. */
export function init(input: InitOptions): Sightline {
  const options = resolveOptions(input)
  if (typeof window === 'undefined' || typeof document === 'undefined') return noop()
  const now = () => Date.now()
  const storage = usableStorage(() => window.localStorage)
  const sessions = createSessionStore(storage)
  const tabId = uuid().slice(0, 8)
  let seq = 0
  let session: Session = sessions.current(now())
  let modules: Flushable[] = []
  let running = false
  let lastHref = ''
  let lastScrubbed = ''
  const pageUrl = () => {
    const href = location.href
    if (href !== lastHref) {
      lastHref = href
      lastScrubbed = scrubUrl(href)
    }
    return lastScrubbed
  }
  const actor = options.actor ?? (navigator.webdriver ? 'automation' : 'human')
  // What does not change while the page lives is computed once (Intl.DateTimeFormat is costly).
  const device = {
    screen: { width: screen.width, height: screen.height },
    dpr: devicePixelRatio,
    locale: navigator.language,
    timezone: Intl.DateTimeFormat().resolvedOptions().timeZone,
    userAgent: navigator.userAgent,
  }
  // Each batch's own head (JSON.stringify leaves out a testRunId that is undefined).
  const head = (): Envelope => ({
    v: 1,
    sessionId: session.id,
    tabId,
    sdk: { version: SDK_VERSION },
    page: { url: pageUrl(), viewport: { width: innerWidth, height: innerHeight }, ...device },
    session: { startedAt: session.startedAt, actor, testRunId: options.testRunId },
    seq: seq++,
    batchId: uuid(),
  })

  const outbox = createOutbox(storage, tabId, OUTBOX_MAX_BYTES, now())
  const dropped = { event: 0, replay: 0 }
  const drop = (stream: string, events: number) => {
    dropped[stream === 'replay' ? 'replay' : 'event'] += events
  }
  const sender = createSender({
    endpoint: options.endpoint,
    siteKey: options.siteKey,
    outbox,
    now,
    onRejected: (p) => drop(p.stream, p.events),
  })
  const makeBatcher = (stream: 'events' | 'replay', maxEvents: number) =>
    createBatcher(maxEvents, head, (rest, bytes, events) => {
      if (!outbox.add({ stream, rest, bytes, events })) drop(stream, events)
      sender.kick()
    })
  const events = makeBatcher('events', BATCH_MAX_EVENTS)
  const replay = makeBatcher('replay', 1)

  let checkedAt = 0
  /**
   * One place checks that the session is still live (a new one closes the open batches first), at most once
   * a second: it reads storage, and sessions last 30 minutes.
   */
  function accept(): boolean {
    if (!running) return false
    const t = now()
    if (t - checkedAt >= 1_000) {
      checkedAt = t
      // A renewed session has a new id; so has one another tab started since.
      const current = sessions.current(t)
      if (current.id !== session.id) {
        events.flush()
        replay.flush()
        session = current
      }
      sessions.touch(t)
    }
    return true
  }
  const emit: Emit = monitor((event) => {
    if (!accept()) return
    events.add(event)
    // A test harness (@sightline/playwright) may listen; sites never define it. Asked as an own property
    // of window: a plain lookup of a missing name goes through the window's named-element search.
    if (Object.hasOwn(window, '__sightlineTap'))
      (window as { __sightlineTap?: (e: SightlineEvent) => void }).__sightlineTap?.(event)
    if (dropped.event + dropped.replay) reportDrops()
  })
  const emitReplay = monitor((json: string) => {
    if (accept()) replay.addJson(json)
  })
  function reportDrops() {
    for (const k in dropped) {
      const category = k as keyof typeof dropped
      if (dropped[category])
        events.add({
          type: 'drop',
          t: now(),
          reason: 'queue_overflow',
          category,
          quantity: dropped[category],
        })
      dropped[category] = 0
    }
  }

  const ctx: CaptureContext = {
    emit,
    emitReplay,
    options,
    activity: createActivity(now),
    now,
    pageUrl,
    secretParam: isSecretParam,
  }

  function start() {
    if (running || !isSampled(session.id, options.sampleRate)) return
    running = true
    const starters: ((c: CaptureContext) => Flushable)[] = [
      trackMutations,
      trackPageViews,
      trackClicks,
      trackScroll,
      trackMouse,
      trackKeys,
      trackForms,
      trackVisibility,
      trackElements,
      trackConsole,
      trackErrors,
      trackNetwork,
      trackWebVitals,
    ]
    modules = starters.map((s) => monitor(s)(ctx)).filter((m): m is Flushable => !!m)
    if (options.replay) modules.push(startReplay(ctx))
  }

  /** Modules emit what they hold, then both streams cut their batches. */
  const flushAll = (exit: boolean) => {
    for (const m of modules) monitor(() => m.flush?.(exit))()
    events.flush()
    replay.flush()
  }
  /** The page may be going away: flush, persist, send what fits the exit budget. */
  const onHide = monitor((exit: boolean) => {
    flushAll(exit)
    outbox.persist(now())
    sender.exit()
  })
  const stopListeners = [
    listen(document, 'visibilitychange', () => document.visibilityState === 'hidden' && onHide(false)),
    listen(window, 'pagehide', () => onHide(true)),
    listen(window, 'online', () => sender.kick()),
  ]
  const persistTimer = setInterval(
    monitor(() => outbox.persist(now())),
    5_000,
  )

  function stopCapture() {
    running = false
    for (const m of modules) monitor(() => m.stop())()
    modules = []
  }

  if (!options.waitForConsent) start()
  sender.kick() // batches left by earlier pages

  return {
    flush() {
      flushAll(false)
      return sender.whenDelivered()
    },
    getSessionId: () => (running ? session.id : null),
    identify: (id, traits) =>
      emit({ type: 'identify', t: now(), url: pageUrl(), id: String(id), traits: traits || undefined }),
    track: (name, props) =>
      emit({ type: 'custom', t: now(), url: pageUrl(), name: String(name), props: props || undefined }),
    setConsent(granted) {
      if (granted) return start()
      stopCapture()
      outbox.clear()
      outbox.persist(now())
    },
    stop() {
      onHide(false)
      stopCapture()
      for (const off of stopListeners) off()
      clearInterval(persistTimer)
    },
  }
}

/** What runs where the SDK cannot (no DOM) or must not (bad script-tag configuration). */
export function noop(): Sightline {
  return {
    flush: () => Promise.resolve(),
    getSessionId: () => null,
    identify() {},
    track() {},
    setConsent() {},
    stop() {},
  }
}

export type { InitOptions, Options }
