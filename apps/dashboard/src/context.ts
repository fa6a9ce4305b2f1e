import { type Api, ApiError } from './api.js'
import { h } from './h.js'
import type { Site } from './types.js'

/** What a page gets: the API, its root element, the URL's route parameters and query, and an abort signal. */
export interface PageContext {
  api: Api
  root: HTMLElement
  params: string[]
  query: URLSearchParams
  sites: Site[]
  /** Aborted when the user leaves the page: fetches, the live stream and the player stop. */
  signal: AbortSignal
  navigate(to: string, options?: { replace?: boolean }): void
  /** Forgets the read key and asks for one. */
  signOut(): void
}

export type Page = (ctx: PageContext) => void | Promise<void>

/** A message for a failed call; a refused key offers to enter another one. */
export function errorView(ctx: PageContext, error: unknown): HTMLElement {
  if (error instanceof ApiError && (error.status === 401 || error.status === 403))
    return h(
      'div',
      { class: 'error', role: 'alert' },
      `The read key was refused (${error.code}): ${error.message}. `,
      h('button', { type: 'button', onclick: () => ctx.signOut() }, 'Enter another key'),
    )
  const message =
    error instanceof ApiError ? `${error.status} ${error.code}: ${error.message}` : (error as Error).message
  return h('div', { class: 'error', role: 'alert' }, `Could not load: ${message}`)
}

export const siteName = (ctx: PageContext, id: string) =>
  ctx.sites.find((s) => s.id === id)?.name ?? id.slice(0, 8)
