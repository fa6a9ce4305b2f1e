import type { TimelineEvent } from './types.js'

/** Groups of timeline items, each with its own colour and filter toggle. */
export const ITEM_GROUPS = [
  'page',
  'click',
  'signal',
  'error',
  'console',
  'network',
  'step',
  'form',
  'custom',
] as const
export type ItemGroup = (typeof ITEM_GROUPS)[number]

export interface TimelineItem {
  group: ItemGroup
  /** Epoch ms. */
  t: number
  /** Milliseconds from the start of the replay, clamped to it. */
  offsetMs: number
  label: string
  /** Marked red: errors, failed requests, dead and error clicks, signals. */
  bad: boolean
  event: TimelineEvent
}

const s = (v: unknown) => (typeof v === 'string' ? v : v == null ? '' : String(v))
const pathOf = (url: string) => url.replace(/^https?:\/\/[^/]+/i, '') || '/'

/** One line for an event, or undefined for kinds not shown on the timeline (mouse, scroll, keys, …). */
export function describeEvent(e: TimelineEvent): Pick<TimelineItem, 'group' | 'label' | 'bad'> | undefined {
  const d = e.data
  switch (e.kind) {
    case 'pageview':
      return { group: 'page', label: `Page ${pathOf(s(d.url ?? e.pageUrl))}`, bad: false }
    case 'click': {
      const what = s(d.accessibleName) || s(d.text) || s(d.testId) || s(d.selector) || `${d.x}, ${d.y}`
      const flags = [d.isDead === true && 'dead', d.isError === true && 'error'].filter(Boolean)
      return {
        group: 'click',
        label: `Click ${what}${flags.length ? ` (${flags.join(', ')})` : ''}`,
        bad: flags.length > 0,
      }
    }
    case 'rage':
      return { group: 'signal', label: `Rage click ×${s(d.clickCount)} on ${s(d.selector)}`, bad: true }
    case 'signal':
      return {
        group: 'signal',
        label: `${s(d.kind).replace(/_/g, ' ')}${d.reason ? ` (${s(d.reason)})` : ''}${d.selector ? ` on ${s(d.selector)}` : ''}`,
        bad: true,
      }
    case 'error':
      return { group: 'error', label: `Error: ${s(d.message)}`, bad: true }
    case 'console':
      if (d.level === 'debug') return undefined
      return { group: 'console', label: `console.${s(d.level)}: ${s(d.message)}`, bad: d.level === 'error' }
    case 'network': {
      const status = d.status == null ? s(d.error) || 'failed' : s(d.status)
      const failed = d.status == null || Number(d.status) >= 400
      const ms = typeof d.durationMs === 'number' ? ` ${Math.round(d.durationMs)} ms` : ''
      return { group: 'network', label: `${s(d.method)} ${pathOf(s(d.url))} → ${status}${ms}`, bad: failed }
    }
    case 'form':
      if (!/^(submit|invalid|abandon)$/.test(s(d.action))) return undefined
      return {
        group: 'form',
        label: `Form ${s(d.action)} ${s(d.action === 'submit' ? d.formSelector : d.fieldSelector)}`.trim(),
        bad: d.action !== 'submit',
      }
    case 'custom': {
      if (d.name === 'test.step') {
        const props = (d.props ?? {}) as Record<string, unknown>
        if (props.phase === 'end') return undefined
        return { group: 'step', label: `Step: ${s(props.title)}`, bad: false }
      }
      return { group: 'custom', label: `Event ${s(d.name)}`, bad: false }
    }
    default:
      return undefined
  }
}

/**
 * Timeline items of the replayed tabs (a lane, see lanes.ts; null: all) and of tab-less events, in time
 * order, placed on the replay's time line.
 */
export function buildTimeline(
  events: TimelineEvent[],
  replay: {
    tabIds: ReadonlySet<string> | null
    startMs: number
    endMs: number
    /** Full snapshots of the replay (when each page became visible in it). */
    snapshots?: readonly { tabId: string; t: number }[]
  },
): TimelineItem[] {
  const items: TimelineItem[] = []
  for (const e of events) {
    if (replay.tabIds && e.tabId !== null && !replay.tabIds.has(e.tabId)) continue
    const d = describeEvent(e)
    if (!d) continue
    const at = e.kind === 'pageview' ? shownAt(e, replay.snapshots ?? []) : e.t
    const offsetMs = Math.min(Math.max(at - replay.startMs, 0), Math.max(replay.endMs - replay.startMs, 0))
    items.push({ ...d, t: e.t, offsetMs, event: e })
  }
  return items.sort((a, b) => a.t - b.t)
}

/** A full snapshot this soon after a page view is that page appearing in the replay. */
export const SNAPSHOT_AFTER_PAGEVIEW_MS = 10_000

/**
 * When a page view can be seen in the replay: its tab's first full snapshot after it (the recorder loads
 * lazily, so the page is rebuilt a little after the page view), + 1 ms because a paused replayer applies the
 * records strictly before the time it is sent to. Else the page view's own time.
 */
function shownAt(e: TimelineEvent, snapshots: readonly { tabId: string; t: number }[]): number {
  const next = snapshots.find(
    (s) => s.tabId === e.tabId && s.t >= e.t && s.t - e.t <= SNAPSHOT_AFTER_PAGEVIEW_MS,
  )
  return next ? next.t + 1 : e.t
}

/** Index of the item playing at `offsetMs`: the last one at or before it; -1 before the first. */
export function activeIndex(items: readonly { offsetMs: number }[], offsetMs: number): number {
  let lo = 0
  let hi = items.length - 1
  let found = -1
  while (lo <= hi) {
    const mid = (lo + hi) >> 1
    if (items[mid]!.offsetMs <= offsetMs) {
      found = mid
      lo = mid + 1
    } else hi = mid - 1
  }
  return found
}
