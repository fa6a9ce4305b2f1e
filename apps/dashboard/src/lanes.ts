/**
 * The SDK starts a new tab id on every page load, so one browser tab that navigates leaves a run of tab ids
 * one after the other. A lane is such a run: tab ids whose time spans do not overlap, played as one replay
 * (rrweb rebuilds the page at each full snapshot). Tabs open at the same time go to separate lanes.
 */
export interface TabSpan {
  tabId: string
  start: number
  end: number
}

/** Overlap allowed between a page's last event and the next page's first (pagehide races the next load). */
export const LANE_OVERLAP_MS = 1_000

/** Tab spans merged per tab id, then assigned greedily, in start order, to the first lane free by then. */
export function computeLanes(spans: TabSpan[], overlapMs = LANE_OVERLAP_MS): string[][] {
  const byTab = new Map<string, TabSpan>()
  for (const s of spans) {
    const known = byTab.get(s.tabId)
    byTab.set(
      s.tabId,
      known
        ? { tabId: s.tabId, start: Math.min(known.start, s.start), end: Math.max(known.end, s.end) }
        : { ...s },
    )
  }
  const lanes: { tabs: string[]; end: number }[] = []
  for (const span of [...byTab.values()].sort((a, b) => a.start - b.start || a.end - b.end)) {
    const lane = lanes.find((l) => l.end - overlapMs <= span.start)
    if (lane) {
      lane.tabs.push(span.tabId)
      lane.end = Math.max(lane.end, span.end)
    } else lanes.push({ tabs: [span.tabId], end: span.end })
  }
  return lanes.map((l) => l.tabs)
}

/** Spans of the tabs seen in timeline events (tab-less events belong to no tab). */
export function spansOfEvents(events: readonly { tabId: string | null; t: number }[]): TabSpan[] {
  return events.flatMap((e) => (e.tabId === null ? [] : [{ tabId: e.tabId, start: e.t, end: e.t }]))
}
