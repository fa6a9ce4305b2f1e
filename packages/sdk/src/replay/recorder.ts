import { record } from '@rrweb/record'
import { CHECKOUT_EVERY_MS, SEGMENT_FLUSH_BYTES, SEGMENT_MAX_BYTES, SEGMENT_MAX_MS } from '../constants.js'
import { monitor } from '../tools/monitor.js'
import { isSecretParam } from '../tools/urlUtils.js'
import type { CaptureContext, Stoppable } from '../types.js'

const ALL_INPUT_TYPES = [
  'color',
  'date',
  'datetime-local',
  'email',
  'month',
  'number',
  'range',
  'search',
  'tel',
  'text',
  'time',
  'url',
  'week',
  'textarea',
  'select',
  'password',
  'hidden',
]
const MEDIA = 'img, picture, video, audio, svg, canvas, object, embed, iframe'

/** rrweb options of the two privacy levels. Inputs (hidden ones too) are always masked; no option unmasks them. */
export function recordOptions(privacy: 'default' | 'strict') {
  return {
    maskAllInputs: true,
    maskInputOptions: Object.fromEntries(ALL_INPUT_TYPES.map((t) => [t, true])),
    maskInputFn: (text: string) => '*'.repeat(text.length),
    // rrweb checks a text node's ancestors against this selector (e2e: canaries two levels below), so the
    // `… *` descendant forms are not needed: they only made every check slower.
    maskTextSelector: privacy === 'strict' ? '*' : '[data-sightline-mask], [contenteditable]',
    maskTextFn: (text: string) => text.replace(/\S/g, '*'),
    // Hidden inputs are blocked outright: rrweb does not mask their value attribute in snapshots
    // (rrweb-io/rrweb#1609), and they show nothing in a replay anyway.
    blockSelector: `[data-sightline-block], input[type=hidden]${privacy === 'strict' ? `, ${MEDIA}` : ''}`,
    ignoreSelector: '[data-sightline-ignore]',
    slimDOMOptions: 'all' as const,
    recordCanvas: false,
    collectFonts: false,
    inlineImages: false,
    sampling: { mousemove: 50, scroll: 150, input: 'last' as const },
  }
}

const URL_PARAM = /([?&#;])([^=&#"\\\s]+)=([^&#"\\\s]*)/g

/**
 * A record's JSON with secret-looking query and fragment values redacted wherever a URL sits in it (the
 * meta record's page address, link and image attributes), as scrubUrl does for the SDK's own events.
 */
export const scrubRecordJson = (json: string, secret: (name: string) => boolean = isSecretParam): string =>
  json.includes('=')
    ? json.replace(URL_PARAM, (m, sep: string, name: string, value: string) =>
        value && value !== '[redacted]' && secret(name) ? `${sep}${name}=[redacted]` : m,
      )
    : json

export interface RecorderModule {
  startRecorder(ctx: CaptureContext): Stoppable & { flush(): void }
}

/**
 * Records with rrweb and cuts segments at SEGMENT_MAX_MS or SEGMENT_MAX_BYTES of JSON; a flush cuts what is
 * pending into segments of at most SEGMENT_FLUSH_BYTES (the exit path's size). Records are serialised
 * later, off rrweb's mutation callback (in an idle callback), to keep bursts of DOM changes cheap.
 */
export function startRecorder(ctx: CaptureContext): Stoppable & { flush(): void } {
  let pending: { timestamp: number }[] = []
  const parts: string[] = []
  const stamps: number[] = []
  let bytes = 0
  let segment = 0
  let scheduled = false
  const idle: (cb: () => void) => void =
    typeof requestIdleCallback === 'function'
      ? (cb) => requestIdleCallback(cb, { timeout: 1000 })
      : (cb) => setTimeout(cb, 50)

  const cut = (limit = Number.POSITIVE_INFINITY) => {
    while (parts.length) {
      let n = 1
      for (let size = parts[0]!.length; n < parts.length && size + parts[n]!.length <= limit; n++)
        size += parts[n]!.length
      // Emitted pre-serialised: the batcher inserts the JSON as is instead of stringifying the records again.
      const head = JSON.stringify({ type: 'replay', t: stamps[0], url: ctx.pageUrl(), segment: segment++ })
      ctx.emitReplay?.(`${head.slice(0, -1)},"records":[${parts.splice(0, n).join(',')}]}`)
      stamps.splice(0, n)
    }
    bytes = 0
  }
  const drain = monitor(() => {
    scheduled = false
    for (const r of pending) {
      const json = scrubRecordJson(JSON.stringify(r), ctx.secretParam)
      parts.push(json)
      stamps.push(r.timestamp)
      bytes += json.length
      if (bytes >= SEGMENT_MAX_BYTES || r.timestamp - stamps[0]! >= SEGMENT_MAX_MS) cut()
    }
    pending = []
  })
  const stopRecord = record({
    emit: (r: { timestamp: number }) => {
      pending.push(r)
      if (!scheduled) {
        scheduled = true
        idle(drain)
      }
    },
    checkoutEveryNms: CHECKOUT_EVERY_MS,
    ...recordOptions(ctx.options.privacy),
  } as Parameters<typeof record>[0])
  const timer = setInterval(
    monitor(() => {
      drain()
      if (parts.length && ctx.now() - stamps[0]! >= SEGMENT_MAX_MS) cut()
    }),
    SEGMENT_MAX_MS,
  )
  return {
    flush() {
      drain()
      cut(SEGMENT_FLUSH_BYTES)
    },
    stop() {
      clearInterval(timer)
      stopRecord?.()
      drain()
      cut(SEGMENT_FLUSH_BYTES)
    },
  }
}
