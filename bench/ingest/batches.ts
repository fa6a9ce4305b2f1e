import { randomUUID } from 'node:crypto'
import { gzipSync } from 'node:zlib'

const PAGES = ['/', '/products', '/products/42', '/cart', '/checkout', '/account']

/** ~50 mixed events, as a busy minute of one tab produces them (no replay: segments travel on their own). */
export function realisticEvents(t0: number, n = 50): Record<string, unknown>[] {
  const events: Record<string, unknown>[] = []
  for (let i = 0; i < n; i++) {
    const t = t0 + i * 200
    const url = `https://shop.example${PAGES[i % PAGES.length]}`
    switch (i % 10) {
      case 0:
        events.push({
          type: 'click',
          t,
          url,
          x: 100 + i,
          y: 200,
          selector: 'main > div.card:nth-child(3) > button.add',
          text: 'Add to cart',
          testId: 'add',
          role: 'button',
          name: 'Add to cart',
        })
        break
      case 1:
        events.push({
          type: 'scroll',
          t,
          url,
          y: i * 40,
          depth: Math.min(100, i * 2),
          maxDepth: Math.min(100, i * 2),
          viewportHeight: 800,
          documentHeight: 4000,
        })
        break
      case 2:
        events.push({
          type: 'mouse',
          t,
          url,
          path: Array.from({ length: 20 }, (_, k) => [k * 7, k * 3, k * 50]),
        })
        break
      case 3:
        events.push({ type: 'key', t, url, key: 'Character', selector: 'input#search', inField: true })
        break
      case 4:
        events.push({
          type: 'form',
          t,
          url,
          action: 'input',
          selector: 'input#email',
          name: 'email',
          fieldType: 'email',
          form: 'form#checkout',
          length: 14,
        })
        break
      case 5:
        events.push({
          type: 'network',
          t,
          url,
          method: 'GET',
          target: 'https://shop.example/api/cart?items=3',
          status: 200,
          durationMs: 42.5,
          requestBytes: 0,
          responseBytes: 1830,
          initiator: 'fetch',
        })
        break
      case 6:
        events.push({
          type: 'console',
          t,
          url,
          level: 'info',
          message: 'cart updated: 3 items, total 42.00 EUR',
        })
        break
      case 7:
        events.push({
          type: 'perf',
          t,
          url,
          metric: 'INP',
          value: 120,
          rating: 'good',
          selector: 'button.add',
        })
        break
      case 8:
        events.push({ type: 'element', t, url, selector: 'section#pricing', ratio: 0.8, visibleMs: 2400 })
        break
      default:
        events.push(
          i % 20 === 9
            ? { type: 'pageview', t, url, href: url, nav: 'spa', title: 'Shop' }
            : { type: 'visibility', t, url, state: 'visible', previousMs: 1200 },
        )
    }
  }
  return events
}

/** Time the events of one batch span (50 events, 200 ms apart). */
const BATCH_SPAN_MS = 10_000

/**
 * `count` distinct gzipped batches from `sessions` sessions, sequence numbers in order per session. A
 * session's batches follow each other in time, as an SDK's do: batch `seq` holds the 10 s after batch
 * `seq - 1`, and the last batch of every session ends a minute before now (sentAt is now, so no clock-skew
 * correction applies).
 */
export function makeBodies(count: number, sessions: number, eventsPerBatch = 50): Buffer[] {
  const ids = Array.from({ length: sessions }, () => ({ id: randomUUID(), seq: 0 }))
  const now = Date.now()
  const start = now - 60_000 - Math.ceil(count / sessions) * BATCH_SPAN_MS
  const bodies: Buffer[] = []
  for (let i = 0; i < count; i++) {
    const s = ids[i % sessions]!
    const batch = {
      v: 1,
      sessionId: s.id,
      tabId: 'tab1',
      seq: s.seq++,
      batchId: randomUUID(),
      sentAt: now,
      sdk: { version: '0.1.0' },
      page: {
        url: 'https://shop.example/',
        userAgent: 'Mozilla/5.0 (X11; Linux x86_64) Chrome/156.0 Safari/537.36',
        viewport: { width: 1280, height: 720 },
      },
      session: { startedAt: start, actor: 'human' },
      events: realisticEvents(start + (s.seq - 1) * BATCH_SPAN_MS, eventsPerBatch),
    }
    bodies.push(gzipSync(JSON.stringify(batch)))
  }
  return bodies
}
