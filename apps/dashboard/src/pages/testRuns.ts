import { type PageContext, siteName } from '../context.js'
import { filterBar, filterParams } from '../filters.js'
import { formatDuration, formatNumber, formatPath, formatTime } from '../format.js'
import { h, mount } from '../h.js'
import type { TestRunDetail, TestRunListItem } from '../types.js'
import { signalBadges } from './sessions.js'

type Meta = Record<string, unknown> | null

/** The models of `ai_metadata.models` ({ role: { name, cost } }) as rows, by role (jsonb keeps no order). */
export function modelsOf(ai: Meta): { role: string; name: string; cost: number | null }[] {
  const models = ai?.models
  if (!models || typeof models !== 'object') return []
  const entries = Object.entries(models as Record<string, unknown>).sort(([a], [b]) => a.localeCompare(b))
  return entries.map(([role, m]) => {
    const model = (m ?? {}) as Record<string, unknown>
    return {
      role,
      name: typeof m === 'string' ? m : String(model.name ?? '?'),
      cost: typeof model.cost === 'number' ? model.cost : null,
    }
  })
}

const cost = (ai: Meta) => (typeof ai?.totalCost === 'number' ? `$${ai.totalCost.toFixed(4)}` : '–')
const personaName = (p: Meta) => (typeof p?.name === 'string' ? p.name : '–')

/** Test runs: persona, models and cost from ai_metadata, sessions. */
export async function testRunsPage(ctx: PageContext) {
  const names = ['site'] as const
  const body = h('tbody')
  const more = h('button', { type: 'button', hidden: true }, 'Load more')
  mount(
    ctx.root,
    h('h1', null, 'Test runs'),
    filterBar(ctx, '/test-runs', [...names]),
    h(
      'table',
      { class: 'grid' },
      h(
        'thead',
        null,
        h(
          'tr',
          null,
          ['Created', 'Name', 'Status', 'Persona', 'Models', 'Cost', 'Sessions'].map((t) => h('th', null, t)),
        ),
      ),
      body,
    ),
    more,
  )
  let cursor: string | null = null
  const load = async () => {
    const page = await ctx.api.get<{ testRuns: TestRunListItem[]; nextCursor: string | null }>(
      '/v1/test-runs',
      { ...filterParams(ctx.query, [...names]), limit: 50, cursor },
      ctx.signal,
    )
    for (const r of page.testRuns)
      body.append(
        h(
          'tr',
          { 'data-test-run': r.id },
          h('td', null, h('a', { href: `/test-runs/${r.id}`, 'data-link': true }, formatTime(r.createdAt))),
          h('td', null, r.name ?? '–'),
          h('td', null, h('span', { class: `status status-${r.status}` }, r.status)),
          h('td', null, personaName(r.persona)),
          h(
            'td',
            null,
            modelsOf(r.aiMetadata)
              .map((m) => m.name)
              .join(', ') || '–',
          ),
          h('td', { class: 'num' }, cost(r.aiMetadata)),
          h('td', { class: 'num' }, formatNumber(r.sessionCount)),
        ),
      )
    cursor = page.nextCursor
    more.hidden = !cursor
  }
  more.addEventListener('click', () => void load())
  await load()
}

const json = (v: unknown) => h('pre', { class: 'json' }, JSON.stringify(v ?? null, null, 2))

/** One test run: persona, models and cost, configuration, steps, and its sessions. */
export async function testRunPage(ctx: PageContext) {
  const id = ctx.params[0]!
  const {
    testRun: run,
    sessions,
    steps,
  } = await ctx.api.get<TestRunDetail>(`/v1/test-runs/${encodeURIComponent(id)}`, {}, ctx.signal)
  const persona = run.persona ?? {}
  const started = steps.filter((s) => s.phase === 'start')
  const ai = run.aiMetadata
  mount(
    ctx.root,
    h(
      'div',
      { class: 'page-head' },
      h('h1', null, `Test run ${run.name ?? run.id.slice(0, 8)}`),
      h('span', { class: `status status-${run.status}` }, run.status),
    ),
    h(
      'div',
      { class: 'columns' },
      h(
        'section',
        { 'aria-label': 'Persona' },
        h('h2', null, 'Persona'),
        h(
          'dl',
          { class: 'summary' },
          ['name', 'age', 'techLiteracy'].map((k) => [
            h('dt', null, k),
            h('dd', null, String(persona[k] ?? '–')),
          ]),
          h('dt', null, 'goals'),
          h(
            'dd',
            null,
            Array.isArray(persona.goals)
              ? h(
                  'ul',
                  null,
                  persona.goals.map((g) => h('li', null, String(g))),
                )
              : '–',
          ),
        ),
      ),
      h(
        'section',
        { 'aria-label': 'Models and cost' },
        h('h2', null, 'Models and cost'),
        h(
          'table',
          { class: 'grid' },
          h(
            'thead',
            null,
            h('tr', null, h('th', null, 'Role'), h('th', null, 'Model'), h('th', null, 'Cost')),
          ),
          h(
            'tbody',
            null,
            modelsOf(ai).map((m) =>
              h(
                'tr',
                null,
                h('td', null, m.role),
                h('td', null, m.name),
                h('td', { class: 'num' }, m.cost == null ? '–' : `$${m.cost}`),
              ),
            ),
          ),
        ),
        h(
          'p',
          null,
          `Total cost ${cost(ai)}`,
          typeof ai?.tokensUsed === 'number' ? ` · ${formatNumber(ai.tokensUsed)} tokens` : '',
        ),
      ),
    ),
    h(
      'details',
      null,
      h('summary', null, 'Platform and configuration'),
      json({ platformDetails: run.platformDetails, testConfig: run.testConfig, aiMetadata: ai }),
    ),
    h(
      'section',
      null,
      h('h2', null, `Steps (${started.length})`),
      started.length
        ? h(
            'ol',
            { class: 'steps' },
            started.map((s) =>
              h(
                'li',
                null,
                h(
                  'a',
                  { href: `/sessions/${s.sessionId}?t=${Date.parse(s.at)}`, 'data-link': true },
                  s.title,
                ),
                ' ',
                h('span', { class: 'muted' }, formatTime(s.at)),
              ),
            ),
          )
        : h('p', { class: 'muted' }, 'No test steps recorded.'),
    ),
    h(
      'section',
      null,
      h('h2', null, `Sessions (${sessions.length})`),
      h(
        'table',
        { class: 'grid' },
        h(
          'thead',
          null,
          h(
            'tr',
            null,
            ['Started', 'Entry page', 'Site', 'Duration', 'Signals'].map((t) => h('th', null, t)),
          ),
        ),
        h(
          'tbody',
          null,
          sessions.map((s) =>
            h(
              'tr',
              null,
              h(
                'td',
                null,
                h('a', { href: `/sessions/${s.id}`, 'data-link': true }, formatTime(s.startedAt)),
              ),
              h('td', { class: 'url' }, formatPath(s.entryUrl)),
              h('td', null, siteName(ctx, s.siteId)),
              h('td', { class: 'num' }, formatDuration(s.durationMs)),
              h('td', null, signalBadges(s.signals ?? {})),
            ),
          ),
        ),
      ),
    ),
  )
}
