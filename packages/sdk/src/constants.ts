/**
 * Every limit and threshold of the SDK, with its unit and why. Thresholds a site can change are
 * defaults of the options (see boot/options.ts).
 */

/** Flush the event batch after this many events. */
export const BATCH_MAX_EVENTS = 100
/** Flush the event batch once its JSON passes this many bytes (well under the 1 MiB intake cap). */
export const BATCH_MAX_BYTES = 64 * 1024
/** Flush the event batch at least this often while it holds events. */
export const FLUSH_INTERVAL_MS = 5_000
/** All exit requests together (sendBeacon / keepalive) stay under the browser's 64 KiB keepalive quota. */
export const EXIT_BUDGET_BYTES = 60_000
/** Outbox (persisted queue of unacknowledged batches) cap; beyond it new data is dropped and reported. */
export const OUTBOX_MAX_BYTES = 5 * 1024 * 1024
/** First retry delay; doubles with ±50 % jitter up to the cap (Datadog/PostHog practice). */
export const RETRY_BASE_MS = 1_000
export const RETRY_MAX_MS = 60_000
/**
 * A regular request (answer and body) not finished by then is aborted and retried like a network error:
 * the sender sends one request at a time, so one stalled connection would otherwise hold up every
 * batch of the page. The collector answers within 2 s even when its database is down (503).
 */
export const REQUEST_TIMEOUT_MS = 30_000

/** A session ends after this much inactivity (peers: 30 min). */
export const SESSION_IDLE_MS = 30 * 60 * 1000
/** …or at this age, whatever the activity. */
export const SESSION_MAX_MS = 4 * 60 * 60 * 1000

/** Rage click: this many clicks… */
export const RAGE_CLICK_COUNT = 3
/** …on the same target within this window… */
export const RAGE_CLICK_WINDOW_MS = 1_000
/** …and within this distance of the first click. */
export const RAGE_CLICK_RADIUS_PX = 30
/** Rule versions travel with each incident so analysts can tell which rule produced it. */
export const RAGE_RULE_VERSION = 'rage-1'
/** Dead click: no page reaction within this window after the click. */
export const DEAD_CLICK_WINDOW_MS = 1_000
export const DEAD_RULE_VERSION = 'dead-1'
/** Error click: a JS error within this window after the click. */
export const ERROR_CLICK_WINDOW_MS = 1_000
export const ERROR_RULE_VERSION = 'error-1'

/** Scroll events are sampled at most this often (Datadog: 100 ms). */
export const SCROLL_THROTTLE_MS = 250
/** Mouse positions are sampled at most this often… */
export const MOUSE_SAMPLE_MS = 100
/** …and sent as a path after this long or this many points. */
export const MOUSE_PATH_MS = 5_000
export const MOUSE_PATH_MAX_POINTS = 40

/** Console arguments are serialised up to this many characters in all (Sentry: 5,000). */
export const CONSOLE_MAX_CHARS = 5_000
/** Captured network bodies are truncated to this many characters (Sentry: 150 KB). */
export const NETWORK_BODY_MAX_CHARS = 150_000

/**
 * Replay: cut a segment after this long (Sentry ~5 s)… or at about 60 KB on the wire (Datadog's 60 KB counts
 * deflated bytes). The recorder sees JSON, not gzip: rrweb records gzip ≥ 8× (bench page: 11.8×), so 480 KB of
 * record JSON is ≤ 60 KB sent. Few, large segments cost fewer requests and compress better.
 */
export const SEGMENT_MAX_MS = 5_000
export const SEGMENT_MAX_BYTES = 480_000
/**
 * At a flush (page hidden or left, flush()), pending records go out in segments of at most this much JSON:
 * the exit path sends uncompressed keepalive requests within EXIT_BUDGET_BYTES, so a segment must fit it.
 */
export const SEGMENT_FLUSH_BYTES = 50_000
/**
 * Replay: rrweb's serialisation of DOM changes waits for an idle moment, at most this long (Datadog: 100 ms), so
 * a burst of mutations is not serialised inside the page's own task; a user event or a flush emits it first.
 */
export const MUTATION_EMIT_MAX_MS = 100
/** Replay: take a fresh full snapshot this often, so any segment range can be replayed. */
export const CHECKOUT_EVERY_MS = 5 * 60 * 1000
