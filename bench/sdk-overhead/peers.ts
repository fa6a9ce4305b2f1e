/**
 * The peer SDKs measured next to Sightline: how each is initialised (replay on, as its documentation
 * says, every URL pointing at the bench's own sink), how to tell it is recording, how to make it upload
 * what it holds, and what the sink answers so that it keeps working offline.
 *
 * Each entry is bundled by assets.ts (esbuild from bench/sdk-size, whose pnpm root holds the peers at
 * exact versions) into one IIFE exposing `benchPeer.start(config)`; the page calls it from <head>.
 * Every peer sends to `/sink/<peer>/<site key>/…` on the page's own origin, so the sink counts each
 * run apart and no request leaves 127.0.0.1.
 */

export const PEERS = ['datadog', 'sentry', 'posthog', 'openreplay', 'faro'] as const
export type PeerId = (typeof PEERS)[number]

export const isPeer = (v: string): v is PeerId => (PEERS as readonly string[]).includes(v)

/** What a peer's start() gets: its sink URL (no trailing slash) and the parts to build a DSN from. */
export interface PeerConfig {
  sink: string
  host: string
  key: string
}

export interface SinkReply {
  status: number
  type: string
  body: string | Buffer
}

/** A request that reached `/sink/<peer>/<key><rest>`. */
export interface SinkRequest {
  method: string
  /** Path after the key ('' or '/…'), without the query (in `url`). */
  rest: string
  url: URL
  headers: Record<string, string | string[] | undefined>
  body: Buffer
}

export interface Peer {
  id: PeerId
  /** Row label and product, for the report. */
  label: string
  /** Packages (in bench/sdk-size) whose versions the results record. */
  packages: string[]
  /** ES module source bundled into the IIFE; it exports start(config: PeerConfig). */
  entry: string
  /** Page expression: true once the SDK says it is running and recording. */
  ready: string
  /**
   * Also wait for the first replay upload before measuring. Off where the SDK sends its first replay
   * data only after user activity (Sentry, PostHog); there `ready` checks the SDK's recording state.
   */
  readyOnSink: boolean
  /** Page expression resolving once the SDK has been asked to upload what it holds; null: no such API. */
  flush: string | null
  /** How long the sink must stay quiet after flush before the run's bytes are read (the SDK's own timers). */
  drainMs: number
  /** Kind of upload (`replay` marks session-replay data), for the per-kind byte counts and readiness. */
  kind(req: SinkRequest): string
  /** What the sink answers; null: 404. */
  reply(req: SinkRequest, assets: PeerAssets): SinkReply | null
}

/** Files a peer fetches from its host at run time and the sink serves (PostHog's recorder). */
export interface PeerAssets {
  posthogStatic(name: string): string | null
}

const json = (body: unknown, status = 200): SinkReply => ({
  status,
  type: 'application/json',
  body: JSON.stringify(body),
})
const empty = (status = 200): SinkReply => ({ status, type: 'text/plain', body: '' })
const js = (body: string): SinkReply => ({ status: 200, type: 'text/javascript; charset=utf-8', body })

/** The token PostHog is initialised with (its remote config is served for it). */
const POSTHOG_TOKEN = 'phc_bench'

/**
 * PostHog's remote config (`/array/<token>/config.js`), as PostHog serves it for a project with session
 * replay on and its defaults otherwise (console logs and network timing in recordings, no sampling, no
 * minimum duration, no triggers); heatmaps, surveys, dead clicks, exception autocapture and web vitals
 * off, and no feature flags, so nothing else is fetched.
 */
const POSTHOG_REMOTE_CONFIG = {
  token: POSTHOG_TOKEN,
  supportedCompression: ['gzip', 'gzip-js'],
  hasFeatureFlags: false,
  captureDeadClicks: false,
  capturePerformance: { network_timing: true, web_vitals: false, web_vitals_allowed_metrics: null },
  autocapture_opt_out: false,
  autocaptureExceptions: false,
  analytics: { endpoint: '/i/v0/e/' },
  elementsChainAsString: true,
  sessionRecording: {
    endpoint: '/s/',
    consoleLogRecordingEnabled: true,
    recorderVersion: 'v2',
    sampleRate: null,
    minimumDurationMilliseconds: null,
    linkedFlag: null,
    networkPayloadCapture: null,
    urlTriggers: [],
    urlBlocklist: [],
    eventTriggers: [],
    scriptConfig: null,
  },
  heatmaps: false,
  surveys: false,
  defaultIdentifiedOnly: true,
}

/** Sentry envelope: the item types it holds (the payloads may be binary, e.g. compressed replay). */
function envelopeItems(body: Buffer): string[] {
  return [...body.toString('latin1').matchAll(/"type":"([a-z_]+)"/g)].map((m) => m[1] as string)
}

const datadog: Peer = {
  id: 'datadog',
  label: 'Datadog RUM + Session Replay',
  packages: ['@datadog/browser-rum'],
  // bench/sdk-size/entries/datadog.js, plus `proxy` (Datadog's documented way to send through
  // another URL: every request goes to `<proxy>?ddforward=<intake path and query>`).
  entry: `
import { datadogRum } from '@datadog/browser-rum'
export function start(c) {
  datadogRum.init({
    applicationId: '00000000-0000-0000-0000-000000000000',
    clientToken: 'pub00000000000000000000000000000000',
    site: 'datadoghq.com',
    proxy: c.sink,
    service: 'bench',
    sessionSampleRate: 100,
    sessionReplaySampleRate: 100,
    trackUserInteractions: true,
    trackResources: true,
    trackLongTasks: true,
    defaultPrivacyLevel: 'mask-user-input',
  })
  window.__peer = { sdk: datadogRum }
}`,
  ready: '!!window.__peer?.sdk.getInternalContext()?.session_id',
  readyOnSink: true,
  // No public flush: RUM batches are sent every 30 s and replay segments every 5 s, and both on page
  // exit. A page exit is simulated with a beforeunload event carrying the marker Datadog's own listener
  // accepts for synthetic events (it ignores untrusted events otherwise).
  flush: `(() => { const e = new Event('beforeunload'); e.__ddIsTrusted = true; window.dispatchEvent(e) })()`,
  drainMs: 2_000,
  kind(req) {
    const forward = req.url.searchParams.get('ddforward') ?? ''
    const path = forward.split('?')[0] ?? ''
    return /\/replay$/.test(path) ? 'replay' : path.split('/').pop() || 'other'
  },
  reply: (req) => (req.method === 'POST' && req.rest === '' ? json({}, 202) : null),
}

const sentry: Peer = {
  id: 'sentry',
  label: 'Sentry + tracing + Replay',
  packages: ['@sentry/browser'],
  // bench/sdk-size/entries/sentry-replay.js; the DSN's path sends envelopes to
  // <host>/sink/sentry/<key>/api/0/envelope/.
  entry: `
import * as Sentry from '@sentry/browser'
export function start(c) {
  Sentry.init({
    dsn: 'http://public@' + c.host + '/sink/sentry/' + c.key + '/0',
    integrations: [Sentry.browserTracingIntegration(), Sentry.replayIntegration()],
    tracesSampleRate: 1,
    replaysSessionSampleRate: 1,
    replaysOnErrorSampleRate: 1,
  })
  window.__peer = { sdk: Sentry }
}`,
  // A replay id, and the full snapshot in the replay's event buffer (internal `_replay`; Sentry sends
  // the first segment only once the user does something, which here is the measured interaction).
  ready:
    '!!window.__peer?.sdk.getReplay()?.getReplayId() && !!window.__peer.sdk.getReplay()._replay?.eventBuffer?.hasCheckout',
  readyOnSink: false,
  flush:
    '(async () => { await window.__peer.sdk.getReplay()?.flush(); await window.__peer.sdk.flush(10000) })()',
  drainMs: 1_000,
  kind(req) {
    const items = envelopeItems(req.body)
    if (items.includes('replay_recording') || items.includes('replay_event')) return 'replay'
    return items.find((t) => t !== 'replay_event') ?? 'other'
  },
  reply: (req) =>
    req.method === 'POST' && req.rest.startsWith('/api/0/envelope') ? json({ id: 'bench' }) : null,
}

const posthog: Peer = {
  id: 'posthog',
  label: 'PostHog + session recording',
  packages: ['posthog-js'],
  // bench/sdk-size/entries/posthog.js with api_host local. Recording is switched on by the remote
  // config the sink serves; the recorder (dist/lazy-recorder.js) is fetched from api_host/static/.
  // opt_out_useragent_filter: PostHog drops every event from a "HeadlessChrome" user agent as a bot
  // otherwise (its own console warning recommends the option for end-to-end tests).
  // _forceAllowLocalhostNetworkCapture: the recorder skips network capture on localhost/127.0.0.1;
  // on a real host the remote config's network_timing would turn it on (set before the recorder loads).
  entry: `
import posthog from 'posthog-js'
export function start(c) {
  posthog.init(${JSON.stringify(POSTHOG_TOKEN)}, {
    api_host: c.sink,
    person_profiles: 'identified_only',
    opt_out_useragent_filter: true,
  })
  if (posthog.sessionRecording) posthog.sessionRecording._forceAllowLocalhostNetworkCapture = true
  window.__peer = { sdk: posthog }
}`,
  // Recording started and its status `active` (PostHog's own recording state; it sends the first
  // snapshots only after user activity, which here is the measured interaction).
  ready:
    "!!window.__peer?.sdk.sessionRecordingStarted?.() && window.__peer.sdk.sessionRecording?.status === 'active'",
  readyOnSink: false,
  // No public flush: snapshots are buffered for 2 s, then queued and sent every 3 s.
  flush: null,
  drainMs: 6_000,
  kind(req) {
    const p = req.rest
    if (p.startsWith('/s/')) return 'replay'
    if (p.startsWith('/e/') || p.startsWith('/i/v0/e/') || p.startsWith('/batch/')) return 'events'
    return p.split('/').filter(Boolean)[0] ?? 'other'
  },
  reply(req, assets) {
    const p = req.rest
    if (p === `/array/${POSTHOG_TOKEN}/config.js`)
      return js(
        `window._POSTHOG_REMOTE_CONFIG = window._POSTHOG_REMOTE_CONFIG || {};\n` +
          `window._POSTHOG_REMOTE_CONFIG[${JSON.stringify(POSTHOG_TOKEN)}] = ${JSON.stringify({ config: POSTHOG_REMOTE_CONFIG, siteApps: [] })};`,
      )
    if (p === `/array/${POSTHOG_TOKEN}/config`) return json(POSTHOG_REMOTE_CONFIG)
    const file = /^\/static\/(?:[\d.]+\/)?([a-z-]+)\.js$/.exec(p)?.[1]
    if (file) {
      const code = assets.posthogStatic(file)
      return code === null ? null : js(code)
    }
    if (p.startsWith('/flags'))
      return json({ flags: {}, errorsWhileComputingFlags: false, requestId: 'bench' })
    if (req.method === 'POST') return json({ status: 1 })
    return null
  },
}

const openreplay: Peer = {
  id: 'openreplay',
  label: 'OpenReplay',
  packages: ['@openreplay/tracker'],
  // bench/sdk-size/entries/openreplay.js with ingestPoint local; __DISABLE_SECURE_MODE is the tracker's
  // documented switch for pages not served over https (it refuses to start otherwise).
  entry: `
import Tracker from '@openreplay/tracker'
export function start(c) {
  const tracker = new Tracker({ projectKey: 'bench', ingestPoint: c.sink, __DISABLE_SECURE_MODE: true })
  tracker.start()
  window.__peer = { sdk: tracker }
}`,
  ready: '!!window.__peer?.sdk.isActive() && !!window.__peer.sdk.getSessionID()',
  readyOnSink: true,
  // The worker sends a batch every 30 s or when 200 KB have been written; forceFlushBatch() sends now.
  flush: 'window.__peer.sdk.forceFlushBatch()',
  drainMs: 2_000,
  kind(req) {
    const p = req.rest
    if (p === '/v1/web/i') return 'replay'
    return p.split('/').pop() || 'other'
  },
  reply(req) {
    const p = req.rest
    // What the ingest service answers to a new session (fields the tracker checks: token, userUUID,
    // sessionID, delay).
    if (p === '/v1/web/start')
      return json({
        token: `bench-token-${req.url.pathname.split('/')[3]}`,
        userUUID: 'bench-user',
        sessionID: String(Date.now()),
        projectID: '1',
        delay: 0,
        startTimestamp: Date.now(),
      })
    if (p === '/v1/web/i') return empty()
    if (p === '/v1/web/tags') return json({ tags: [] })
    return null
  },
}

const faro: Peer = {
  id: 'faro',
  label: 'Grafana Faro + replay',
  packages: ['@grafana/faro-web-sdk', '@grafana/faro-instrumentation-replay'],
  // bench/sdk-size/entries/faro-replay.js with the collector URL local.
  entry: `
import { ReplayInstrumentation } from '@grafana/faro-instrumentation-replay'
import { getWebInstrumentations, initializeFaro } from '@grafana/faro-web-sdk'
export function start(c) {
  const replay = new ReplayInstrumentation()
  const faro = initializeFaro({
    url: c.sink + '/collect',
    app: { name: 'bench', version: '1.0.0' },
    instrumentations: [...getWebInstrumentations(), replay],
  })
  window.__peer = { sdk: faro, replay }
}`,
  ready: '!!window.__peer?.replay.isRecording && !!window.__peer.sdk.api.getSession()?.id',
  readyOnSink: true,
  // No public flush: the transport batches for 250 ms (and on visibility hidden).
  flush: null,
  drainMs: 2_000,
  kind: (req) => (req.body.includes('faro.session_recording.event') ? 'replay' : 'telemetry'),
  reply: (req) => (req.method === 'POST' && req.rest === '/collect' ? json({}, 202) : null),
}

export const PEER_DEFS: Record<PeerId, Peer> = { datadog, sentry, posthog, openreplay, faro }
