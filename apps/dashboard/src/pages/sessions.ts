import type { PageContext } from '../context.js'
import { errorView, siteName } from '../context.js'
import { filterBar, filterParams } from '../filters.js'
import { formatDuration, formatNumber, formatPath, formatTime } from '../format.js'
import { h, mount } from '../h.js'
import type { LiveEvent, SessionSummary } from '../types.js'

/** Badges of a session's signals per kind. */
export function signalBadges(signals: Record<string, number>): HTMLElement {
  return h(
    'span',
    { class: 'badges' },
    Object.entries(signals)
      .filter(([, n]) => n > 0)
      // Kinds are snake_case; a camelCase key (a JSON key transform on the way) names the same kind.
      .map(([kind, n]): [string, number] => [kind.replace(/[A-Z]/g, (c) => `_${c.toLowerCase()}`), n])
      .map(([kind, n]) =>
        h(
          'span',
          { class: `badge signal-${kind}`, title: kind, 'data-kind': kind },
          `${kind.replace(/_/g, ' ')} ${n}`,
        ),
      ),
  )
}

function row(
  ctx: PageContext,
  s: Pick<SessionSummary, 'id' | 'siteId' | 'actor' | 'startedAt' | 'entryUrl'> & Partial<SessionSummary>,
  live = false,
) {
  const href = `/sessions/${s.id}`
  return h(
    'tr',
    { 'data-session': s.id, class: live ? 'live' : undefined },
    h(
      'td',
      null,
      h('a', { href, 'data-link': true }, formatTime(s.startedAt)),
      live ? h('span', { class: 'badge live-badge' }, 'live') : null,
    ),
    h('td', { class: 'url', title: s.entryUrl ?? '' }, formatPath(s.entryUrl)),
    h('td', null, siteName(ctx, s.siteId)),
    h('td', null, s.actor),
    h('td', { class: 'num' }, formatDuration(s.durationMs)),
    h('td', { class: 'num' }, formatNumber(s.pageViews)),
    h('td', { class: 'num' }, formatNumber(s.errorCount)),
    h('td', { class: 'signals' }, signalBadges(s.signals ?? {})),
    h('td', { class: 'num' }, formatNumber(s.frustrationScore, 1)),
  )
}

/** Does a live session match the filters the list was asked with (those a new session can be judged on)? */
function matches(query: URLSearchParams, e: Extract<LiveEvent, { type: 'session' }>['data']): boolean {
  if (query.get('signal') || query.get('testRun')) return false // a new session has neither yet
  if (query.get('site') && query.get('site') !== e.siteId) return false
  if (query.get('actor') && query.get('actor') !== e.actor) return false
  const url = query.get('url')
  return !url || (e.entryUrl ?? '').includes(url)
}

/** Sessions, newest first, with filters, "load more", and sessions appearing live from GET /v1/live. */
export async function sessionsPage(ctx: PageContext) {
  const names = ['site', 'range', 'signal', 'actor', 'testRun', 'url'] as const
  const params = filterParams(ctx.query, [...names])
  const body = h('tbody')
  const more = h('button', { type: 'button', hidden: true }, 'Load more')
  const liveStatus = h('span', { class: 'live-status', 'data-state': 'connecting' }, 'Live: connecting…')
  const empty = h('p', { class: 'muted', hidden: true }, 'No sessions match these filters.')
  mount(
    ctx.root,
    h('div', { class: 'page-head' }, h('h1', null, 'Sessions'), liveStatus),
    filterBar(ctx, '/sessions', [...names]),
    h(
      'table',
      { class: 'grid sessions' },
      h(
        'thead',
        null,
        h(
          'tr',
          null,
          ['Started', 'Entry page', 'Site', 'Actor', 'Duration', 'Pages', 'Errors', 'Signals', 'Score'].map(
            (t) => h('th', null, t),
          ),
        ),
      ),
      body,
    ),
    empty,
    more,
  )

  let cursor: string | null = null
  const load = async () => {
    more.disabled = true
    try {
      const page = await ctx.api.get<{ sessions: SessionSummary[]; nextCursor: string | null }>(
        '/v1/sessions',
        { ...params, limit: 50, cursor },
        ctx.signal,
      )
      for (const s of page.sessions)
        if (!body.querySelector(`[data-session="${s.id}"]`)) body.append(row(ctx, s))
      cursor = page.nextCursor
      more.hidden = !cursor
      empty.hidden = body.children.length > 0
    } catch (error) {
      if (!ctx.signal.aborted) ctx.root.append(errorView(ctx, error))
    } finally {
      more.disabled = false
    }
  }
  more.addEventListener('click', () => void load())
  await load()
  void followLive(ctx, body, liveStatus, empty)
}

/** Keeps GET /v1/live open while the page is shown, reconnecting with a growing delay. */
async function followLive(ctx: PageContext, body: HTMLElement, status: HTMLElement, empty: HTMLElement) {
  const set = (state: string, text: string) => {
    status.dataset.state = state
    status.textContent = text
  }
  for (let delay = 1_000; !ctx.signal.aborted; delay = Math.min(delay * 2, 30_000)) {
    try {
      set('connecting', 'Live: connecting…')
      const opened = Date.now()
      await ctx.api.live(
        {
          onOpen: () => set('open', 'Live'),
          onEvent: (event) => {
            if (event.type === 'session') {
              if (!matches(ctx.query, event.data) || body.querySelector(`[data-session="${event.data.id}"]`))
                return
              body.prepend(row(ctx, event.data, true))
              empty.hidden = true
            } else {
              const badge = body.querySelector(`[data-session="${event.data.sessionId}"] .badges`)
              if (!badge) return
              const existing = badge.querySelector<HTMLElement>(`[data-kind="${event.data.kind}"]`)
              const n = Number(existing?.textContent?.split(' ').pop() ?? 0) + 1
              const next = signalBadges({ [event.data.kind]: n }).firstElementChild!
              if (existing) existing.replaceWith(next)
              else badge.append(next)
            }
          },
        },
        ctx.signal,
      )
      if (Date.now() - opened > 30_000) delay = 1_000
    } catch {
      // fall through to the retry below
    }
    if (ctx.signal.aborted) return
    set('closed', `Live: reconnecting in ${Math.round(delay / 1000)} s`)
    await new Promise((resolve) => setTimeout(resolve, delay))
  }
}
