import { z } from 'zod'
import {
  MAX_EPOCH_MS,
  MAX_EVENTS_PER_BATCH,
  MAX_TEXT_CHARS,
  MAX_URL_CHARS,
  PROTOCOL_VERSION,
} from './limits.js'

const uuid = z.uuid()

/** What the SDK knows about the page and browser when it sends a batch. */
export const PageContext = z.object({
  url: z.string().max(MAX_URL_CHARS),
  referrer: z.string().max(MAX_URL_CHARS).optional(),
  title: z.string().max(MAX_TEXT_CHARS).optional(),
  viewport: z
    .object({ width: z.number().int().min(0).max(100_000), height: z.number().int().min(0).max(100_000) })
    .optional(),
  screen: z
    .object({ width: z.number().int().min(0).max(100_000), height: z.number().int().min(0).max(100_000) })
    .optional(),
  dpr: z.number().min(0).max(16).optional(),
  locale: z.string().max(35).optional(),
  timezone: z.string().max(64).optional(),
  userAgent: z.string().max(1024).optional(),
})

export const SessionContext = z.object({
  /** When the session began (client clock, ms since epoch). */
  startedAt: z.number().int().min(0).max(MAX_EPOCH_MS),
  actor: z.enum(['human', 'automation']).default('human'),
  /** Set by @sightline/playwright: links the session to a test_runs row of the same company. */
  testRunId: uuid.optional(),
})

/**
 * The envelope of `POST /v1/batch`. `events` are validated one by one (see Event) so that one bad
 * event does not cost the other 99; the envelope itself must be valid or the whole batch is refused.
 */
export const Batch = z.object({
  v: z.literal(PROTOCOL_VERSION),
  /** The user_session_id: a UUID kept in first-party storage and shared by the tabs of a session. */
  sessionId: uuid,
  tabId: z.string().regex(/^[A-Za-z0-9_-]{1,64}$/),
  /** Per-tab sequence number of the batch, from 0; a retry reuses it. */
  seq: z.number().int().min(0).max(2_147_483_647),
  /** Stable id of the batch; a retry reuses it, which makes delivery idempotent. */
  batchId: uuid,
  /** Client clock when this attempt was sent (ms since epoch); used for clock-skew correction. */
  sentAt: z.number().int().min(0).max(MAX_EPOCH_MS),
  sdk: z.object({ name: z.string().max(64).default('@sightline/sdk'), version: z.string().min(1).max(32) }),
  page: PageContext,
  session: SessionContext,
  events: z.array(z.unknown()).min(1).max(MAX_EVENTS_PER_BATCH),
})

export type Batch = z.infer<typeof Batch>
export type BatchInput = z.input<typeof Batch>

/** `200` answer of `POST /v1/batch`. Tiny on purpose: the SDK reads every response body. */
export interface BatchResponse {
  ok: true
  /** True when this batch had already been stored (a retry): nothing new was written. */
  duplicate: boolean
  accepted: number
  /** Events refused one by one, by index in `events`, with a reason code. */
  rejected: { index: number; reason: string; message: string }[]
}

/** The error body of every non-2xx answer of the collector. */
export interface ErrorBody {
  error: { code: string; message: string; details: Record<string, unknown> }
}
