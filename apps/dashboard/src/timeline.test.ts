import { describe, expect, it } from 'vitest'
import { activeIndex, buildTimeline, describeEvent } from './timeline.js'
import type { EventKind, TimelineEvent } from './types.js'

const T0 = 1_700_000_000_000
const ev = (
  kind: EventKind,
  ms: number,
  data: Record<string, unknown>,
  tabId: string | null = 'a',
): TimelineEvent => ({
  kind,
  t: T0 + ms,
  at: new Date(T0 + ms).toISOString(),
  tabId,
  pageUrl: 'http://shop.test/cart',
  data,
})

describe('buildTimeline', () => {
  it('should keep the shown kinds of the replayed tab, ordered, offset from the replay start and clamped', () => {
    const items = buildTimeline(
      [
        ev('click', 2_000, { accessibleName: 'Buy', isDead: true }),
        ev('pageview', 500, { url: 'http://shop.test/cart?x=1' }),
        ev('mouse', 600, {}),
        ev('network', 3_000, {
          method: 'GET',
          url: 'http://shop.test/api/missing',
          status: 404,
          durationMs: 12.4,
        }),
        ev('console', 3_100, { level: 'debug', message: 'hidden' }),
        ev('error', 3_200, { message: 'boom' }, null),
        ev('click', 3_300, { text: 'other tab' }, 'b'),
        ev('custom', 9_000, { name: 'test.step', props: { title: 'pay', phase: 'start' } }),
      ],
      { tabIds: new Set(['a']), startMs: T0 + 1_000, endMs: T0 + 5_000 },
    )
    expect(items.map((i) => [i.group, i.offsetMs, i.label, i.bad])).toEqual([
      ['page', 0, 'Page /cart?x=1', false],
      ['click', 1_000, 'Click Buy (dead)', true],
      ['network', 2_000, 'GET /api/missing → 404 12 ms', true],
      ['error', 2_200, 'Error: boom', true],
      ['step', 4_000, 'Step: pay', false],
    ])
  })

  it('should describe signals, rage clicks, failed requests and form trouble', () => {
    expect(
      describeEvent(ev('signal', 0, { kind: 'dead_click', reason: 'disabled', selector: 'button#x' }))?.label,
    ).toBe('dead click (disabled) on button#x')
    expect(describeEvent(ev('rage', 0, { clickCount: 4, selector: 'a' }))).toEqual({
      group: 'signal',
      label: 'Rage click ×4 on a',
      bad: true,
    })
    expect(
      describeEvent(ev('network', 0, { method: 'POST', url: '/x', status: null, error: 'network' }))?.label,
    ).toBe('POST /x → network')
    expect(describeEvent(ev('form', 0, { action: 'abandon', fieldSelector: 'input#email' }))?.bad).toBe(true)
    expect(describeEvent(ev('form', 0, { action: 'input' }))).toBeUndefined()
    expect(describeEvent(ev('custom', 0, { name: 'test.step', props: { phase: 'end' } }))).toBeUndefined()
  })
})

describe('page views on the replay', () => {
  it("should seek a page view to its tab's next full snapshot, when the page shows in the replay", () => {
    const items = buildTimeline(
      [
        ev('pageview', 1_000, { url: 'http://shop.test/a' }, 'p1'),
        ev('pageview', 5_000, { url: 'http://shop.test/b' }, 'p2'),
      ],
      {
        tabIds: null,
        startMs: T0 + 900,
        endMs: T0 + 30_000,
        snapshots: [
          { tabId: 'p1', t: T0 + 1_300 },
          { tabId: 'p2', t: T0 + 4_000 }, // before the page view: not it
          { tabId: 'p1', t: T0 + 5_100 }, // another tab
          { tabId: 'p2', t: T0 + 5_600 },
        ],
      },
    )
    expect(items.map((i) => i.offsetMs)).toEqual([401, 4_701])
    const far = buildTimeline([ev('pageview', 1_000, { url: 'http://shop.test/a' }, 'p1')], {
      tabIds: null,
      startMs: T0,
      endMs: T0 + 60_000,
      snapshots: [{ tabId: 'p1', t: T0 + 1_000 + 10_001 }],
    })
    expect(far[0]!.offsetMs).toBe(1_000)
  })
})

describe('activeIndex', () => {
  const items = [0, 100, 100, 250, 900].map((offsetMs) => ({ offsetMs }))
  it('should pick the last item at or before the time', () => {
    expect(activeIndex(items, -1)).toBe(-1)
    expect(activeIndex(items, 0)).toBe(0)
    expect(activeIndex(items, 99)).toBe(0)
    expect(activeIndex(items, 100)).toBe(2)
    expect(activeIndex(items, 899)).toBe(3)
    expect(activeIndex(items, 5_000)).toBe(4)
    expect(activeIndex([], 5)).toBe(-1)
  })
})
