import type { Api } from '../api.js'
import { type PageContext, siteName } from '../context.js'
import { generatePlaywrightTest } from '../exportPlaywright.js'
import { formatDuration, formatNumber, formatOffset, formatTime, formatVital } from '../format.js'
import { h, mount } from '../h.js'
import { computeLanes, spansOfEvents } from '../lanes.js'
import { type Player, startPlayer } from '../player.js'
import { activeIndex, buildTimeline, ITEM_GROUPS, type TimelineItem } from '../timeline.js'
import type { ReplayRecord, ReplaySegment, SessionDetail, TimelineEvent } from '../types.js'
import { signalBadges } from './sessions.js'

/** Timeline pages read for one session, at most (a larger session shows its first events). */
const MAX_EVENT_PAGES = 50

async function loadEvents(api: Api, id: string, signal: AbortSignal): Promise<TimelineEvent[]> {
  const events: TimelineEvent[] = []
  let cursor: string | null = null
  for (let i = 0; i < MAX_EVENT_PAGES; i++) {
    const page: { events: TimelineEvent[]; nextCursor: string | null } = await api.get(
      `/v1/sessions/${encodeURIComponent(id)}/events`,
      { limit: 1000, cursor },
      signal,
    )
    events.push(...page.events)
    cursor = page.nextCursor
    if (!cursor) break
  }
  return events
}

/** The records of a lane's tabs, in time order: what rrweb-player plays. */
function recordsOf(segments: ReplaySegment[], tabIds: ReadonlySet<string>): ReplayRecord[] {
  return segments
    .filter((s) => tabIds.has(s.tabId))
    .sort((a, b) => a.segmentIndex - b.segmentIndex)
    .flatMap((s) => s.events)
    .sort((a, b) => a.timestamp - b.timestamp)
}

function summary(ctx: PageContext, s: SessionDetail) {
  const item = (term: string, value: string | Node) => [h('dt', null, term), h('dd', null, value)]
  return h(
    'dl',
    { class: 'summary' },
    item('Site', siteName(ctx, s.siteId)),
    item('Started', formatTime(s.startedAt)),
    item('Duration', formatDuration(s.durationMs)),
    item('Actor', s.actor),
    item('Entry', s.entryUrl ?? '–'),
    item('Pages', formatNumber(s.pageViews)),
    item('Events', formatNumber(s.eventCount)),
    item(
      'Errors',
      `${formatNumber(s.errorCount)} JS, ${formatNumber(s.consoleErrorCount)} console, ${formatNumber(s.failedRequestCount)} failed requests`,
    ),
    item(
      'Vitals',
      Object.entries(s.vitals ?? {})
        .map(([m, v]) => `${m} ${formatVital(m, v)}`)
        .join(' · '),
    ),
    item('Frustration', formatNumber(s.frustrationScore, 1)),
    s.testRunId
      ? item(
          'Test run',
          h('a', { href: `/test-runs/${s.testRunId}`, 'data-link': true }, s.testRunId.slice(0, 8)),
        )
      : null,
    s.userAgent ? item('Browser', s.userAgent) : null,
    item('Signals', signalBadges(s.signals ?? {})),
  )
}

/** The "Export as Playwright test" panel: the script, Copy and Download. */
function exportPanel(sessionId: string, events: TimelineEvent[], tabIds: string[], signal: AbortSignal) {
  const code = generatePlaywrightTest({ sessionId, events, tabIds })
  const file = `session-${sessionId.slice(0, 8)}.spec.ts`
  const url = URL.createObjectURL(new Blob([code], { type: 'text/plain' }))
  signal.addEventListener('abort', () => URL.revokeObjectURL(url), { once: true })
  const status = h('span', { class: 'muted', role: 'status' })
  return h(
    'section',
    { class: 'export', 'aria-label': 'Playwright test' },
    h(
      'div',
      { class: 'row' },
      h('strong', null, 'Playwright test'),
      h(
        'button',
        {
          type: 'button',
          onclick: async () => {
            await navigator.clipboard.writeText(code).then(
              () => (status.textContent = 'Copied'),
              () => (status.textContent = 'Copy failed: select the text instead'),
            )
          },
        },
        'Copy',
      ),
      h(
        'a',
        { href: url, download: file, class: 'button', 'data-export-download': true },
        `Download ${file}`,
      ),
      status,
    ),
    h(
      'textarea',
      { class: 'code', readonly: true, rows: 16, spellcheck: 'false', 'aria-label': 'Exported script' },
      code,
    ),
  )
}

/** The timeline beside the player: filter chips and one button per item; the item playing is highlighted. */
function timelineView(items: TimelineItem[], seek: (item: TimelineItem) => void) {
  const list = h('ol', { class: 'timeline-items' })
  const buttons = items.map((item) =>
    h(
      'li',
      { 'data-group': item.group, class: item.bad ? 'bad' : undefined },
      h(
        'button',
        {
          type: 'button',
          'data-offset-ms': Math.round(item.offsetMs),
          title: item.event.at,
          onclick: () => seek(item),
        },
        h('span', { class: 'time' }, formatOffset(item.offsetMs)),
        h('span', { class: `dot g-${item.group}` }),
        h('span', { class: 'label' }, item.label),
      ),
    ),
  )
  list.append(...buttons)
  const present = ITEM_GROUPS.filter((g) => items.some((i) => i.group === g))
  const chips = h(
    'div',
    { class: 'chips' },
    present.map((g) =>
      h(
        'label',
        null,
        h('input', {
          type: 'checkbox',
          checked: true,
          onchange: (e: Event) => {
            const on = (e.target as HTMLInputElement).checked
            for (const li of list.querySelectorAll<HTMLElement>(`li[data-group="${g}"]`)) li.hidden = !on
          },
        }),
        h('span', { class: `dot g-${g}` }),
        g,
      ),
    ),
  )
  let active: HTMLElement | undefined
  /** Highlights the last shown item at or before `offsetMs`, and keeps it in view inside the list. */
  const highlight = (offsetMs: number) => {
    const shown = buttons.filter((li) => !li.hidden)
    const i = activeIndex(
      shown.map((li) => ({ offsetMs: Number(li.firstElementChild!.getAttribute('data-offset-ms')) })),
      offsetMs,
    )
    const next = shown[i]
    if (next === active) return
    active?.removeAttribute('aria-current')
    active = next
    if (!next) return
    next.setAttribute('aria-current', 'true')
    const top = next.offsetTop - list.offsetTop
    if (top < list.scrollTop || top > list.scrollTop + list.clientHeight - next.offsetHeight)
      list.scrollTop = top - list.clientHeight / 3
  }
  return { el: h('aside', { class: 'timeline', 'aria-label': 'Timeline' }, chips, list), highlight }
}

/** One session: summary, replay (rrweb-player) with the timeline in sync, and the Playwright export. */
export async function sessionPage(ctx: PageContext) {
  const id = ctx.params[0]!
  mount(ctx.root, h('p', { class: 'muted' }, 'Loading the session…'))
  const [{ session }, events, { segments }] = await Promise.all([
    ctx.api.get<{ session: SessionDetail }>(`/v1/sessions/${encodeURIComponent(id)}`, {}, ctx.signal),
    loadEvents(ctx.api, id, ctx.signal),
    ctx.api.get<{ segments: ReplaySegment[] }>(
      `/v1/sessions/${encodeURIComponent(id)}/replay`,
      {},
      ctx.signal,
    ),
  ])
  // Browser tabs: runs of page loads (each a tab id) one after the other; concurrent tabs apart.
  const lanes = computeLanes([
    ...spansOfEvents(events),
    ...segments.map((s) => ({ tabId: s.tabId, start: Date.parse(s.at), end: Date.parse(s.endedAt) })),
  ])
  const laneIndex = Math.min(Math.max(0, Number(ctx.query.get('tab')) || 0), Math.max(0, lanes.length - 1))
  const lane = lanes[laneIndex] ?? []
  const tabIds = new Set(lane)
  const records = recordsOf(segments, tabIds)
  const playable = records.some((r) => r.type === 2) // a full snapshot
  const startMs = playable ? records[0]!.timestamp : Date.parse(session.startedAt)
  const endMs = playable ? records[records.length - 1]!.timestamp : Date.parse(session.lastSeenAt)
  const snapshots = segments.flatMap((s) =>
    tabIds.has(s.tabId)
      ? s.events.filter((r) => r.type === 2).map((r) => ({ tabId: s.tabId, t: r.timestamp }))
      : [],
  )
  snapshots.sort((a, b) => a.t - b.t)
  const items = buildTimeline(events, { tabIds: lanes.length ? tabIds : null, startMs, endMs, snapshots })

  const stage = h('div', { class: 'player', id: 'player', 'data-current-ms': '0' })
  let player: Player | undefined
  const timeline = timelineView(items, (item) => player?.goto(item.offsetMs))
  const exportSlot = h('div')
  const exportButton = h(
    'button',
    {
      type: 'button',
      'aria-expanded': 'false',
      onclick: () => {
        const open = exportSlot.childElementCount === 0
        mount(exportSlot, open ? exportPanel(session.id, events, lane, ctx.signal) : null)
        exportButton.setAttribute('aria-expanded', String(open))
      },
    },
    'Export as Playwright test',
  )
  mount(
    ctx.root,
    h('div', { class: 'page-head' }, h('h1', null, `Session ${session.id.slice(0, 8)}`), exportButton),
    summary(ctx, session),
    lanes.length > 1
      ? h(
          'nav',
          { class: 'tabs', 'aria-label': 'Browser tabs' },
          'Browser tab: ',
          lanes.map((l, i) =>
            h(
              'a',
              {
                href: `/sessions/${session.id}?tab=${i}`,
                'data-link': true,
                'aria-current': i === laneIndex ? 'page' : undefined,
              },
              `${i + 1} (${l.length} page load${l.length === 1 ? '' : 's'})`,
            ),
          ),
        )
      : null,
    exportSlot,
    h('div', { class: 'replay' }, stage, timeline.el),
  )
  if (!playable) {
    mount(
      stage,
      h(
        'p',
        { class: 'muted' },
        'No replay was recorded for this session (replay off, or no full snapshot).',
      ),
    )
    return
  }
  player = await startPlayer(stage, records, {
    signal: ctx.signal,
    onTime: (ms) => {
      stage.dataset.currentMs = String(Math.round(ms))
      timeline.highlight(ms)
    },
  })
  const at = Number(ctx.query.get('t'))
  if (at) player.goto(Math.max(0, at - startMs))
}
