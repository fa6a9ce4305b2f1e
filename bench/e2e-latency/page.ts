import { readFileSync } from 'node:fs'
import type { Page } from '@playwright/test'
import { EVENT_NAME } from './watch.js'

/** One request of the SDK to `/v1/batch`, on the page's clock, with the benchmark ids it carried. */
export interface BatchRequest {
  start: number
  /** When fetch() resolved: the collector's response headers arrived (it answers after the commit). */
  acked: number
  status: number
  ids: string[]
}

declare global {
  interface Window {
    __latency: {
      /** Stamps the time, calls `sightline.track(EVENT_NAME, { id })` (and `flush()`), returns the stamp. */
      emit(id: string, flush: boolean): number
      requests(): Promise<BatchRequest[]>
    }
  }
}

const source = readFileSync(new URL('./instrument.js', import.meta.url), 'utf8')

/** instrument.js, run in every page of this context before the page's own scripts. */
export async function instrumentPage(page: Page) {
  await page.addInitScript({ content: `${source}\ninstrumentLatency(${JSON.stringify(EVENT_NAME)})` })
}
