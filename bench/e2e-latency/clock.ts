import type { Page } from '@playwright/test'
import { nowMs } from './watch.js'

export interface ClockSync {
  /** page clock − Node clock, in ms (both `performance.timeOrigin + performance.now()`). */
  offsetMs: number
  /** Round trip of the sample the offset comes from: the offset is exact to ± half of it. */
  rttMs: number
}

/**
 * The page and Node both read the system's wall clock, but each fixes its time origin at its own start;
 * this measures the difference (NTP-style, the sample with the shortest round trip wins).
 */
export async function syncClock(page: Page, samples = 30): Promise<ClockSync> {
  let best: ClockSync = { offsetMs: 0, rttMs: Number.POSITIVE_INFINITY }
  for (let i = 0; i < samples; i++) {
    const before = nowMs()
    const inPage = await page.evaluate(() => performance.timeOrigin + performance.now())
    const after = nowMs()
    if (after - before < best.rttMs) best = { offsetMs: inPage - (before + after) / 2, rttMs: after - before }
  }
  return best
}
