import { record } from '@rrweb/record'
import {
  CHECKOUT_EVERY_MS,
  MUTATION_EMIT_MAX_MS,
  SEGMENT_FLUSH_BYTES,
  SEGMENT_MAX_BYTES,
  SEGMENT_MAX_MS,
} from '../constants.js'
import { monitor } from '../tools/monitor.js'
import { isSecretParam } from '../tools/urlUtils.js'
import type { CaptureContext, Stoppable } from '../types.js'
import { recordOptions } from './recordOptions.js'

/** `record` of our patched @rrweb/record (patches/@rrweb__record@2.1.6.patch, ADR 0019). */
const rrweb = record as typeof record & { emitDeferredMutations?: () => void }

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
 * pending into segments of at most SEGMENT_FLUSH_BYTES (the exit path's size). Nothing heavy runs in the page's
 * own task: rrweb serialises a burst of DOM changes at the next idle moment (within MUTATION_EMIT_MAX_MS, or
 * first thing in the next user event: our patch's scheduleMutationEmit), and records become JSON in an idle
 * callback.
 */
export function startRecorder(ctx: CaptureContext): Stoppable & { flush(): void } {
  let pending: { timestamp: number }[] = []
  const parts: string[] = []
  const stamps: number[] = []
  let bytes = 0
  let segment = 0
  let scheduled = false
  const hasIdle = typeof requestIdleCallback === 'function'
  const idle = (cb: () => void, timeout: number) =>
    hasIdle ? requestIdleCallback(cb, { timeout }) : setTimeout(cb, Math.min(timeout, 50))

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
  const stopRecord = rrweb({
    emit: (r: { timestamp: number }) => {
      pending.push(r)
      if (!scheduled) {
        scheduled = true
        idle(drain, 1000)
      }
    },
    scheduleMutationEmit: (emitMutations: () => void) => idle(monitor(emitMutations), MUTATION_EMIT_MAX_MS),
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
      rrweb.emitDeferredMutations?.()
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
