import type { EventInput } from '@sightline/schema'
import type { Options } from './boot/options.js'

/** One captured event, exactly as the wire format takes it (schema imported as types only). */
export type SightlineEvent = EventInput

/** Events of the `events` stream; replay segments go through `emitReplay`, already serialised. */
export type Emit = (event: Exclude<SightlineEvent, { type: 'replay' }>) => void

/** What a capture module stops. Every `track*` returns one. */
export interface Stoppable {
  stop(): void
}

/**
 * Page activity that proves a click had an effect (or not): DOM mutations, navigations, network
 * requests, scrolls. Capture modules publish into it and the click tracker subscribes.
 */
export type ActivityKind = 'mutation' | 'navigation' | 'network' | 'scroll' | 'error'
export interface Activity {
  notify(kind: ActivityKind): void
  subscribe(listener: (kind: ActivityKind, at: number) => void): () => void
}

/** What every capture module receives. Dependencies are passed in, never reached for globally. */
export interface CaptureContext {
  emit: Emit
  /** Replay segments arrive already serialised (a `replay` event as JSON): sent without a second stringify. */
  emitReplay?(json: string): void
  options: Options
  activity: Activity
  /** ms since the epoch (Date.now, wrapped so tests can fake it). */
  now(): number
  /** The current page URL with secret query values scrubbed. */
  pageUrl(): string
  /**
   * Whether a URL parameter's value must be masked (secret-looking names, fields of GET forms sent). The
   * replay chunk asks the core's: it learns form fields as the page runs.
   */
  secretParam?(name: string): boolean
}
