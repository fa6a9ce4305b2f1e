import { z } from 'zod'
import { SIGNAL_KINDS } from './kinds.js'
import {
  MAX_BODY_CHARS,
  MAX_EPOCH_MS,
  MAX_MESSAGE_CHARS,
  MAX_PATH_POINTS,
  MAX_RECORDS_PER_SEGMENT,
  MAX_SELECTOR_CHARS,
  MAX_STACK_CHARS,
  MAX_TEXT_CHARS,
  MAX_URL_CHARS,
} from './limits.js'

const url = z.string().max(MAX_URL_CHARS)
const selector = z.string().max(MAX_SELECTOR_CHARS)
const text = z.string().max(MAX_TEXT_CHARS)
const int = z.number().int().min(-2_147_483_648).max(2_147_483_647)
const count = z.number().int().min(0).max(2_147_483_647)
const ms = z.number().finite().min(0).max(1e12)
/** Milliseconds since the Unix epoch. */
const epochMs = z.number().int().min(0).max(MAX_EPOCH_MS)
const bytes = z.number().int().min(0).max(Number.MAX_SAFE_INTEGER)
/** Metadata objects: depth and size are checked separately (see validate.ts in the collector). */
const metadata = z.record(z.string().max(256), z.unknown())

/** Fields every event has: its kind, its time, and optionally the page it happened on (else the batch's page). */
const base = { t: epochMs, url: url.optional() }

export const PerfEvent = z.object({
  type: z.literal('perf'),
  ...base,
  metric: z.enum([
    'LCP',
    'INP',
    'CLS',
    'FCP',
    'TTFB',
    'dns',
    'tcp',
    'tls',
    'request',
    'response',
    'dom_interactive',
    'dom_content_loaded',
    'load',
    'transfer_size',
  ]),
  value: z.number().finite().min(0).max(1e12),
  rating: z.enum(['good', 'needs-improvement', 'poor']).optional(),
  navType: z.string().max(32).optional(),
  selector: selector.optional(),
  attribution: metadata.optional(),
})

export const ScrollEvent = z.object({
  type: z.literal('scroll'),
  ...base,
  y: int,
  x: int.optional(),
  depth: z.number().min(0).max(100),
  maxDepth: z.number().min(0).max(100).optional(),
  viewportHeight: count.optional(),
  documentHeight: count.optional(),
})

export const ClickEvent = z.object({
  type: z.literal('click'),
  ...base,
  x: int,
  y: int,
  button: z.number().int().min(0).max(4).default(0),
  selector: selector.optional(),
  text: text.optional(),
  tag: z.string().max(64).optional(),
  testId: text.optional(),
  role: z.string().max(64).optional(),
  name: text.optional(),
  href: url.optional(),
  dead: z.boolean().optional(),
  error: z.boolean().optional(),
})

export const FormEvent = z.object({
  type: z.literal('form'),
  ...base,
  action: z.enum(['focus', 'input', 'change', 'blur', 'submit', 'invalid', 'abandon']),
  selector: selector.optional(),
  name: text.optional(),
  fieldType: z.string().max(64).optional(),
  form: selector.optional(),
  /** Length of the value; the value itself never leaves the browser. */
  length: count.optional(),
  message: text.optional(),
  durationMs: count.optional(),
})

export const RageEvent = z.object({
  type: z.literal('rage'),
  ...base,
  count: z.number().int().min(2).max(10_000),
  x: int.optional(),
  y: int.optional(),
  selector: selector.optional(),
  firstAt: epochMs,
  lastAt: epochMs,
  rule: z.string().min(1).max(32),
})

export const MouseEvent = z.object({
  type: z.literal('mouse'),
  ...base,
  /** [x, y, ms since the first point] */
  path: z
    .array(z.tuple([int, int, count]))
    .min(1)
    .max(MAX_PATH_POINTS),
})

export const KEY_CLASSES = [
  'Enter',
  'Tab',
  'Escape',
  'Backspace',
  'Delete',
  'ArrowUp',
  'ArrowDown',
  'ArrowLeft',
  'ArrowRight',
  'Home',
  'End',
  'PageUp',
  'PageDown',
  'Space',
  'Character',
  'Function',
  'Shortcut',
  'Modifier',
  'Other',
] as const

export const KeyEvent = z.object({
  type: z.literal('key'),
  ...base,
  key: z.enum(KEY_CLASSES),
  /** e.g. "Ctrl+S": only when a modifier other than Shift is held. */
  shortcut: z.string().max(32).optional(),
  selector: selector.optional(),
  inField: z.boolean().default(false),
})

export const VisibilityEvent = z.object({
  type: z.literal('visibility'),
  ...base,
  state: z.enum(['visible', 'hidden']),
  previousMs: count.optional(),
})

export const NetworkEvent = z.object({
  type: z.literal('network'),
  ...base,
  method: z.string().min(1).max(16),
  target: url,
  status: z.number().int().min(0).max(999).optional(),
  durationMs: ms.optional(),
  requestBytes: bytes.optional(),
  responseBytes: bytes.optional(),
  initiator: z.enum(['fetch', 'xhr', 'beacon', 'other']).default('fetch'),
  error: text.optional(),
  requestHeaders: z.record(z.string().max(256), z.string().max(8192)).optional(),
  responseHeaders: z.record(z.string().max(256), z.string().max(8192)).optional(),
  requestBody: z.string().max(MAX_BODY_CHARS).optional(),
  responseBody: z.string().max(MAX_BODY_CHARS).optional(),
})

export const ConsoleEvent = z.object({
  type: z.literal('console'),
  ...base,
  level: z.enum(['debug', 'log', 'info', 'warn', 'error', 'trace']),
  message: z.string().max(MAX_MESSAGE_CHARS),
  args: z.array(z.unknown()).max(20).optional(),
  truncated: z.boolean().default(false),
})

export const ErrorEvent = z.object({
  type: z.literal('error'),
  ...base,
  message: z.string().max(MAX_MESSAGE_CHARS),
  stack: z.string().max(MAX_STACK_CHARS).optional(),
  source: url.optional(),
  line: count.optional(),
  column: count.optional(),
  kind: z.enum(['error', 'unhandledrejection']).default('error'),
  errorType: z.string().max(128).optional(),
})

export const ElementEvent = z.object({
  type: z.literal('element'),
  ...base,
  selector,
  ratio: z.number().min(0).max(1),
  visibleMs: count,
  firstVisibleAt: epochMs.optional(),
})

export { SIGNAL_KINDS }

export const SignalEvent = z.object({
  type: z.literal('signal'),
  ...base,
  kind: z.enum(SIGNAL_KINDS),
  reason: z.string().max(64).optional(),
  selector: selector.optional(),
  evidence: metadata.default({}),
  rule: z.string().min(1).max(32),
})

export const PageViewEvent = z.object({
  type: z.literal('pageview'),
  ...base,
  href: url,
  referrer: url.optional(),
  title: text.optional(),
  nav: z.enum(['load', 'reload', 'back_forward', 'spa', 'prerender']).default('load'),
})

export const CustomEvent = z.object({
  type: z.literal('custom'),
  ...base,
  name: z.string().min(1).max(256),
  props: metadata.optional(),
})

export const IdentifyEvent = z.object({
  type: z.literal('identify'),
  ...base,
  id: z.string().min(1).max(256),
  traits: metadata.optional(),
})

/** An rrweb record: the collector checks only its frame; its content is scrubbed and stored compressed. */
export const ReplayRecord = z.looseObject({ type: z.number().int().min(0).max(10), timestamp: epochMs })

export const ReplayEvent = z.object({
  type: z.literal('replay'),
  ...base,
  /** Segment number within the tab's recording, from 0. */
  segment: z.number().int().min(0).max(1_000_000),
  records: z.array(ReplayRecord).min(1).max(MAX_RECORDS_PER_SEGMENT),
})

export const DropEvent = z.object({
  type: z.literal('drop'),
  ...base,
  reason: z.enum([
    'queue_overflow',
    'send_error',
    'too_large',
    'rate_limited',
    'sample_rate',
    'rejected',
    'storage_full',
  ]),
  category: z.enum(['event', 'replay']),
  quantity: z.number().int().min(1).max(10_000_000),
})

export const Event = z.discriminatedUnion('type', [
  PerfEvent,
  ScrollEvent,
  ClickEvent,
  FormEvent,
  RageEvent,
  MouseEvent,
  KeyEvent,
  VisibilityEvent,
  NetworkEvent,
  ConsoleEvent,
  ErrorEvent,
  ElementEvent,
  SignalEvent,
  PageViewEvent,
  CustomEvent,
  IdentifyEvent,
  ReplayEvent,
  DropEvent,
])

export type Event = z.infer<typeof Event>
export type EventInput = z.input<typeof Event>
export type EventType = Event['type']
export const EVENT_TYPES = Event.options.map((o) => o.shape.type.value) as EventType[]
