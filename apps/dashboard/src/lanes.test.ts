import { describe, expect, it } from 'vitest'
import { computeLanes, spansOfEvents } from './lanes.js'

describe('computeLanes', () => {
  it('should chain page loads of one browser tab into one lane, and put concurrent tabs in their own', () => {
    const lanes = computeLanes([
      { tabId: 'page1', start: 0, end: 5_000 },
      { tabId: 'page2', start: 5_400, end: 9_000 }, // next page load (its first event 400 ms later)
      { tabId: 'other', start: 6_000, end: 20_000 }, // a second browser tab, open meanwhile
      { tabId: 'page3', start: 9_000 - 500, end: 12_000 }, // pagehide of page2 raced page3's start
      { tabId: 'page1', start: 100, end: 4_000 }, // a second span of a known tab is merged into it
    ])
    expect(lanes).toEqual([['page1', 'page2', 'page3'], ['other']])
  })

  it('should not chain tabs that overlap by more than the allowance', () => {
    expect(
      computeLanes([
        { tabId: 'a', start: 0, end: 5_000 },
        { tabId: 'b', start: 3_000, end: 6_000 },
      ]),
    ).toEqual([['a'], ['b']])
    expect(computeLanes([])).toEqual([])
  })

  it('should take spans from events, skipping tab-less ones', () => {
    expect(
      spansOfEvents([
        { tabId: 'a', t: 5 },
        { tabId: null, t: 6 },
      ]),
    ).toEqual([{ tabId: 'a', start: 5, end: 5 }])
  })
})
