/// <reference lib="dom" />
/**
 * The scripted interaction, identical for every variant and deterministic (seeded choices): a fixed
 * number of 2-second cycles, each with a 500-mutation burst, mouse moves, clicks on a card, its
 * "Add to cart" button (which fetches) and a header button, typing 20 characters into the search
 * input or the feedback textarea, scrolling down and up, fetches answering 200/404/500, console
 * calls, and every fourth cycle an uncaught error (reaches window.onerror; the page keeps running).
 */
import type { Page } from '@playwright/test'
import { CARDS } from './page.js'

export const CYCLE_MS = 2_000

interface BurstTiming {
  /** ms the 500 mutations themselves took (the page's own work). */
  sync: number
  /** ms until the last MutationObserver (created after the variant's) was called: the observers' synchronous work. */
  observed: number
  /** ms from the start of the burst to a setTimeout(0) queued right after it. */
  task: number
  /** ms from the start of the burst to a setTimeout(0) queued from the next animation frame. */
  frame: number
}

declare global {
  interface Window {
    __benchApi: string
    __bench: {
      burst(): Promise<BurstTiming>
      start(): void
      end(): {
        bursts: BurstTiming[]
        longTasks: number
        longTaskMs: number
        errors: number
        elements: number
      }
    }
  }
}

/** mulberry32: a small seeded PRNG, so every run makes the same choices. */
export function seeded(seed: number): () => number {
  let a = seed >>> 0
  return () => {
    a = (a + 0x6d2b79f5) >>> 0
    let t = a
    t = Math.imul(t ^ (t >>> 15), t | 1)
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61)
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296
  }
}

const WORDS = [
  'blue',
  'shoes',
  'size',
  'nine',
  'cheap',
  'wool',
  'jacket',
  'red',
  'gift',
  'lamp',
  'desk',
  'fast',
]

/** ~20 characters of words. */
function phrase(rnd: () => number): string {
  let s = ''
  while (s.length < 20) s += `${WORDS[Math.floor(rnd() * WORDS.length)]} `
  return s.slice(0, 20)
}

/** Centre of the index-th match of selector (scrolled into view first when asked), in viewport pixels. */
async function centre(
  page: Page,
  selector: string,
  index: number,
  scroll: boolean,
): Promise<{ x: number; y: number }> {
  return page.evaluate(
    ({ selector, index, scroll }) => {
      const all = document.querySelectorAll(selector)
      const el = all[index % all.length] as Element
      if (scroll) el.scrollIntoView({ block: 'center' })
      const r = el.getBoundingClientRect()
      return { x: r.left + r.width / 2, y: r.top + r.height / 2 }
    },
    { selector, index, scroll },
  )
}

async function moveAndClick(page: Page, at: { x: number; y: number }) {
  await page.mouse.move(at.x, at.y, { steps: 6 })
  await page.mouse.click(at.x, at.y)
}

async function clicks(page: Page, rnd: () => number) {
  const card = Math.floor(rnd() * CARDS)
  await moveAndClick(page, await centre(page, '.card .title', card, true))
  await moveAndClick(page, await centre(page, `.card[data-id="${card}"] button.add`, 0, false))
  await moveAndClick(page, await centre(page, 'header button', Math.floor(rnd() * 5), false))
}

async function typing(page: Page, cycle: number, rnd: () => number) {
  await moveAndClick(page, await centre(page, cycle % 2 ? '#message' : '#search', 0, false))
  if (cycle % 4 < 2) {
    await page.keyboard.press('Control+A')
    await page.keyboard.press('Backspace')
  }
  await page.keyboard.type(phrase(rnd), { delay: 12 })
}

async function scrolling(page: Page) {
  await page.mouse.move(400, 400, { steps: 4 })
  for (const dy of [400, 400, 400, -400, -400, -400]) {
    await page.mouse.wheel(0, dy)
    await page.waitForTimeout(40)
  }
}

async function network(page: Page, cycle: number) {
  await page.evaluate(
    (n) =>
      Promise.all(
        [`/api/items?page=${n}`, `/api/missing?n=${n}`, `/api/fail?n=${n}`].map((u) =>
          fetch(window.__benchApi + u).then((r) => r.text()),
        ),
      ),
    cycle,
  )
}

async function consoleAndErrors(page: Page, cycle: number) {
  await page.evaluate((n) => {
    console.log('bench: cycle', n, {
      cart: document.getElementById('cart')?.textContent,
      at: location.pathname,
    })
    console.warn('bench: slow response', n)
    console.error('bench: failed to load recommendations', n)
    if (n % 4 === 3)
      setTimeout(() => {
        throw new Error(`bench: uncaught failure #${n}`)
      })
  }, cycle)
}

/** One cycle (the burst's timing is kept in the page, read by `__bench.end()`). */
async function cycle(page: Page, n: number, rnd: () => number) {
  await page.evaluate(() => window.__bench.burst())
  await clicks(page, rnd)
  await typing(page, n, rnd)
  await scrolling(page)
  await network(page, n)
  await consoleAndErrors(page, n)
}

/** Runs round(seconds / 2) cycles, each padded to 2 s; returns the wall time it took (ms). */
export async function interact(page: Page, seconds: number, seed = 42): Promise<number> {
  const rnd = seeded(seed)
  const cycles = Math.max(1, Math.round((seconds * 1000) / CYCLE_MS))
  const t0 = Date.now()
  for (let n = 0; n < cycles; n++) {
    await cycle(page, n, rnd)
    const wait = t0 + (n + 1) * CYCLE_MS - Date.now()
    if (wait > 0) await page.waitForTimeout(wait)
  }
  return Date.now() - t0
}
