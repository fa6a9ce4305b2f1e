import './style.css'
import { type Api, ApiError, createApi } from './api.js'
import { errorView, type Page, type PageContext } from './context.js'
import { h, mount } from './h.js'
import { sessionPage } from './pages/session.js'
import { sessionsPage } from './pages/sessions.js'
import { signalsPage } from './pages/signals.js'
import { testRunPage, testRunsPage } from './pages/testRuns.js'
import { vitalsPage } from './pages/vitals.js'
import type { Site } from './types.js'

const KEY_STORAGE = 'sightline.readKey'

/** Path patterns → pages; `([^/]+)` parts become `ctx.params`. */
const ROUTES: [RegExp, Page][] = [
  [/^\/(?:sessions\/?)?$/, sessionsPage],
  [/^\/sessions\/([^/]+)$/, sessionPage],
  [/^\/signals$/, signalsPage],
  [/^\/vitals$/, vitalsPage],
  [/^\/test-runs$/, testRunsPage],
  [/^\/test-runs\/([^/]+)$/, testRunPage],
]

const NAV = [
  ['/sessions', 'Sessions'],
  ['/signals', 'Signals'],
  ['/vitals', 'Web vitals'],
  ['/test-runs', 'Test runs'],
] as const

const app = document.getElementById('app')!
let current: AbortController | undefined
let session: { api: Api; sites: Site[] } | undefined

function navigate(to: string, { replace = false } = {}) {
  if (replace) history.replaceState(null, '', to)
  else history.pushState(null, '', to)
  void render()
}

function signOut() {
  localStorage.removeItem(KEY_STORAGE)
  session = undefined
  void render()
}

/** Asks for a read key and checks it against GET /v1/sites before keeping it. */
function keyForm(message?: string) {
  const input = h('input', {
    id: 'read-key',
    name: 'key',
    type: 'password',
    autocomplete: 'off',
    placeholder: 'slr_…',
    required: true,
  })
  const status = h('p', { class: 'muted', role: 'status' }, message ?? '')
  const form = h(
    'form',
    {
      class: 'key-form',
      onsubmit: async (e: Event) => {
        e.preventDefault()
        const key = input.value.trim()
        status.textContent = 'Checking…'
        try {
          const api = createApi(key)
          const { sites } = await api.get<{ sites: Site[] }>('/v1/sites')
          localStorage.setItem(KEY_STORAGE, key)
          session = { api, sites }
          void render()
        } catch (error) {
          status.textContent =
            error instanceof ApiError ? `Refused: ${error.message} (${error.code})` : (error as Error).message
        }
      },
    },
    h('h1', null, 'Sightline'),
    h('label', { for: 'read-key' }, 'Read key'),
    input,
    h('button', { type: 'submit' }, 'Open the dashboard'),
    status,
    h('p', { class: 'muted' }, 'Create one with `sightline site create`. It is kept in this browser only.'),
  )
  mount(app, form)
  input.focus()
}

async function render() {
  current?.abort()
  const controller = new AbortController()
  current = controller
  if (!session) {
    const key = localStorage.getItem(KEY_STORAGE)
    if (!key) return keyForm()
    try {
      const api = createApi(key)
      session = { api, sites: (await api.get<{ sites: Site[] }>('/v1/sites')).sites }
    } catch (error) {
      if (error instanceof ApiError && (error.status === 401 || error.status === 403)) {
        localStorage.removeItem(KEY_STORAGE)
        return keyForm(`The stored key was refused (${error.code}); enter another.`)
      }
      mount(
        app,
        h('div', { class: 'error', role: 'alert' }, `Could not reach the API: ${(error as Error).message}`),
      )
      return
    }
  }
  const path = location.pathname
  const route = ROUTES.find(([re]) => re.test(path))
  const main = h('main', { id: 'page' })
  mount(
    app,
    h(
      'header',
      { class: 'top' },
      h('a', { href: '/sessions', class: 'brand', 'data-link': true }, 'Sightline'),
      h(
        'nav',
        null,
        NAV.map(([href, label]) =>
          h(
            'a',
            { href, 'data-link': true, 'aria-current': path.startsWith(href) ? 'page' : undefined },
            label,
          ),
        ),
      ),
      h('button', { type: 'button', class: 'link', onclick: signOut }, 'Change key'),
    ),
    main,
  )
  const ctx: PageContext = {
    api: session.api,
    root: main,
    params: route ? (route[0].exec(path)?.slice(1) ?? []).map(decodeURIComponent) : [],
    query: new URLSearchParams(location.search),
    sites: session.sites,
    signal: controller.signal,
    navigate,
    signOut,
  }
  if (!route) {
    mount(main, h('p', null, 'No such page. ', h('a', { href: '/sessions', 'data-link': true }, 'Sessions')))
    return
  }
  try {
    await route[1](ctx)
  } catch (error) {
    if (!controller.signal.aborted) mount(main, errorView(ctx, error))
  }
}

// In-app links: no reload.
document.addEventListener('click', (e) => {
  const a = (e.target as Element).closest?.('a[data-link]') as HTMLAnchorElement | null
  if (!a || e.defaultPrevented || e.button !== 0 || e.metaKey || e.ctrlKey || e.shiftKey) return
  e.preventDefault()
  navigate(a.pathname + a.search)
})
addEventListener('popstate', () => void render())
void render()
