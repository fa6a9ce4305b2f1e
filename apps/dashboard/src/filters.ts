import { SIGNAL_KINDS } from '@sightline/schema/kinds'
import type { Params } from './api.js'
import type { PageContext } from './context.js'
import { rangeFrom } from './format.js'
import { h } from './h.js'

const RANGE_LABELS: [string, string][] = [
  ['24h', 'Last 24 hours'],
  ['1h', 'Last hour'],
  ['7d', 'Last 7 days'],
  ['30d', 'Last 30 days'],
  ['all', 'All time'],
]

export type FilterName = 'site' | 'range' | 'signal' | 'kind' | 'actor' | 'testRun' | 'url'

/** The API parameters of the page's query string (`range` becomes `from`). */
export function filterParams(query: URLSearchParams, names: FilterName[]): Params {
  const params: Params = {}
  for (const name of names) {
    const value = query.get(name)
    if (name === 'range') params.from = rangeFrom(value ?? '24h')
    else if (value) params[name] = value
  }
  return params
}

function select(name: string, label: string, value: string, options: [string, string][]) {
  return h(
    'label',
    null,
    label,
    h(
      'select',
      { name },
      options.map(([v, text]) => h('option', { value: v, selected: v === value }, text)),
    ),
  )
}

/** The filter bar: selects apply at once, text fields on Enter. Writes the query string of `path`. */
export function filterBar(ctx: PageContext, path: string, names: FilterName[]): HTMLFormElement {
  const q = ctx.query
  const kinds: [string, string][] = [
    ['', 'Any'],
    ...SIGNAL_KINDS.map((k): [string, string] => [k, k.replace(/_/g, ' ')]),
  ]
  const controls = names.map((name) => {
    switch (name) {
      case 'site':
        return select('site', 'Site', q.get('site') ?? '', [
          ['', 'All sites'],
          ...ctx.sites.map((s): [string, string] => [s.id, s.name]),
        ])
      case 'range':
        return select('range', 'Time', q.get('range') ?? '24h', RANGE_LABELS)
      case 'signal':
      case 'kind':
        return select(name, 'Signal', q.get(name) ?? '', kinds)
      case 'actor':
        return select('actor', 'Actor', q.get('actor') ?? '', [
          ['', 'Anyone'],
          ['human', 'Human'],
          ['automation', 'Automation'],
        ])
      case 'testRun':
        return h(
          'label',
          null,
          'Test run',
          h('input', { name: 'testRun', value: q.get('testRun') ?? '', placeholder: 'id', size: 12 }),
        )
      case 'url':
        return h(
          'label',
          null,
          'URL contains',
          h('input', { name: 'url', value: q.get('url') ?? '', placeholder: '/checkout', size: 16 }),
        )
      default:
        return null
    }
  })
  const form = h(
    'form',
    { class: 'filters', role: 'search' },
    controls,
    h('button', { type: 'submit' }, 'Apply'),
  )
  const apply = (e: Event) => {
    e.preventDefault()
    const next = new URLSearchParams()
    for (const [k, v] of new FormData(form)) if (typeof v === 'string' && v.trim()) next.set(k, v.trim())
    const s = next.toString()
    ctx.navigate(`${path}${s ? `?${s}` : ''}`)
  }
  form.addEventListener('submit', apply)
  form.addEventListener('change', (e) => {
    if ((e.target as Element).tagName === 'SELECT') apply(e)
  })
  return form
}
