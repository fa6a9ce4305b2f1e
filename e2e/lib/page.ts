import type { Page } from '@playwright/test'

/** The page's user_session_id, once the SDK (loaded async by the script tag) has started. */
export const sessionIdOf = (page: Page): Promise<string> =>
  page.waitForFunction(() => window.sightline?.getSessionId?.()).then((h) => h.jsonValue() as Promise<string>)

/** Resolves once the collector has acknowledged everything the page captured so far. */
export const flush = (page: Page): Promise<void> => page.evaluate(() => window.sightline!.flush())

/** `count` custom events `name` with props `{ i, ...extra }`, i from `from`, in one task of the page. */
export const track = (page: Page, name: string, from: number, count: number, extra: object = {}) =>
  page.evaluate(
    ({ name, from, count, extra }) => {
      for (let i = from; i < from + count; i++) window.sightline!.track(name, { i, ...extra })
    },
    { name, from, count, extra },
  )

declare global {
  interface Window {
    sightline?: {
      getSessionId(): string | null
      flush(): Promise<void>
      track(name: string, props?: Record<string, unknown>): void
      error?: string
    }
  }
}
