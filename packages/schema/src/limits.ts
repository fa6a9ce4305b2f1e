/**
 * Every limit of the wire format, with its unit and why. Shared by the SDK (which truncates before
 * sending) and the collector (which refuses or truncates what arrives).
 */

/** Protocol version carried in every batch as `v`. */
export const PROTOCOL_VERSION = 1

/** Bytes of a request body on the wire (compressed or not). Peers: PostHog 2 MB events, Relay 1 MiB event. */
export const MAX_WIRE_BYTES = 1024 * 1024
/** Bytes after decompression: caps gzip bombs independently of the wire cap (PostHog uses 5x wire). */
export const MAX_DECOMPRESSED_BYTES = 8 * 1024 * 1024
/** Events in one batch (Datadog logs intake: 1,000 entries). */
export const MAX_EVENTS_PER_BATCH = 1000
/** rrweb records in one replay segment event. */
export const MAX_RECORDS_PER_SEGMENT = 20_000
/** JSON nesting depth of a replay record: rrweb snapshots nest ~2 levels per DOM level, Blink caps DOM at 512. */
export const MAX_RECORD_DEPTH = 2048
/** JSON nesting depth of anything else (props, traits, attribution, evidence). */
export const MAX_METADATA_DEPTH = 32
/** Keys in one metadata object. */
export const MAX_OBJECT_KEYS = 1000

/** Characters of a console message or argument (Sentry: 5,000). */
export const MAX_MESSAGE_CHARS = 5000
/** Characters of a stack trace. */
export const MAX_STACK_CHARS = 16_384
/** Characters of a URL. */
export const MAX_URL_CHARS = 4096
/** Characters of a CSS selector. */
export const MAX_SELECTOR_CHARS = 1024
/** Characters of an element's text or accessible name. */
export const MAX_TEXT_CHARS = 512
/** Characters of a captured network body (Sentry: 150 KB). */
export const MAX_BODY_CHARS = 150_000
/** Points in one mouse path. */
export const MAX_PATH_POINTS = 1000

/**
 * Latest time accepted anywhere in a batch, in ms since the epoch: 8.64e12, the year 2243. Past the year
 * 9999 a date's ISO string grows a sign and six digits (`+031567-…`), which PostgreSQL cannot read back.
 */
export const MAX_EPOCH_MS = 8_640_000_000_000

/** Client clocks further than this from the collector's are corrected (see docs/adr/0006-clock-skew.md). */
export const CLOCK_SKEW_THRESHOLD_MS = 60_000
/** Events older than this (after correction) are refused: the outbox keeps data at most this long. */
export const MAX_EVENT_AGE_MS = 7 * 24 * 3600 * 1000
/** Events further in the future than this (after correction) are refused. */
export const MAX_EVENT_FUTURE_MS = 5 * 60 * 1000
