import { randomUUID } from 'node:crypto'
import type { EventInput } from '@sightline/schema'
import { type AppConfig, createApp } from '../src/app.js'
import { createSite } from '../src/db/sites.js'
import { createMigratedDatabase, type TestDatabase } from './db.js'

export const ORIGIN = 'https://shop.example'

export interface Harness {
  db: TestDatabase
  app: ReturnType<typeof createApp>
  site: { siteId: string; siteKey: string; readKey: string; companyId: string }
  drop(): Promise<void>
}

export async function createHarness(config: AppConfig = {}): Promise<Harness> {
  const db = await createMigratedDatabase()
  const site = await createSite(db.sql, {
    name: 'shop',
    companyName: `company ${randomUUID()}`,
    origins: [ORIGIN],
  })
  const app = createApp({ sql: db.sql, config })
  return { db, app, site, drop: db.drop }
}

/** One valid event of every kind, at `t`. */
export function everyKind(t: number): EventInput[] {
  return [
    { type: 'perf', t, metric: 'LCP', value: 1234, rating: 'good', selector: 'img.hero' },
    { type: 'scroll', t: t + 1, y: 600, depth: 45.5, maxDepth: 50 },
    {
      type: 'click',
      t: t + 2,
      x: 10,
      y: 20,
      selector: 'button#buy',
      text: 'Buy',
      testId: 'buy',
      role: 'button',
      name: 'Buy',
    },
    {
      type: 'form',
      t: t + 3,
      action: 'input',
      selector: 'input#email',
      name: 'email',
      fieldType: 'email',
      length: 12,
    },
    {
      type: 'rage',
      t: t + 4,
      count: 4,
      x: 10,
      y: 20,
      selector: 'button#buy',
      firstAt: t,
      lastAt: t + 600,
      rule: 'rage-1',
    },
    {
      type: 'mouse',
      t: t + 5,
      path: [
        [1, 2, 0],
        [3, 4, 50],
      ],
    },
    { type: 'key', t: t + 6, key: 'Enter', inField: false },
    { type: 'visibility', t: t + 7, state: 'hidden', previousMs: 5000 },
    {
      type: 'network',
      t: t + 8,
      method: 'get',
      target: 'https://shop.example/api/cart?page=2',
      status: 404,
      durationMs: 35.5,
      responseBytes: 120,
    },
    { type: 'console', t: t + 9, level: 'warn', message: 'low stock' },
    {
      type: 'error',
      t: t + 10,
      message: 'TypeError: x is undefined',
      stack: 'at a (app.js:1:2)',
      source: 'https://shop.example/app.js',
      line: 1,
      column: 2,
    },
    { type: 'element', t: t + 11, selector: 'section#pricing', ratio: 0.75, visibleMs: 3000 },
    {
      type: 'signal',
      t: t + 12,
      kind: 'dead_click',
      reason: 'disabled',
      selector: 'button#buy',
      evidence: { windowMs: 1000 },
      rule: 'dead-1',
    },
    { type: 'pageview', t: t + 13, href: 'https://shop.example/cart', nav: 'spa' },
    { type: 'custom', t: t + 14, name: 'coupon_applied', props: { code: 'SPRING' } },
    { type: 'drop', t: t + 15, reason: 'queue_overflow', category: 'event', quantity: 3 },
    {
      type: 'replay',
      t: t + 16,
      segment: 0,
      records: [
        { type: 4, timestamp: t, data: { href: 'https://shop.example/', width: 800, height: 600 } },
        {
          type: 2,
          timestamp: t + 1,
          data: { node: { type: 0, id: 1, childNodes: [] }, initialOffset: { left: 0, top: 0 } },
        },
      ],
    },
    { type: 'identify', t: t + 17, id: 'user-42', traits: { plan: 'pro' } },
  ]
}

export function makeBatch(overrides: Record<string, unknown> = {}, events?: unknown[]) {
  const now = Date.now()
  return {
    v: 1,
    sessionId: randomUUID(),
    tabId: 'tab1',
    seq: 0,
    batchId: randomUUID(),
    sentAt: now,
    sdk: { version: '0.1.0' },
    page: {
      url: 'https://shop.example/',
      userAgent: 'Mozilla/5.0 (X11; Linux x86_64) Chrome/156.0 Safari/537.36',
      viewport: { width: 1280, height: 720 },
    },
    session: { startedAt: now - 1000, actor: 'human' },
    events: events ?? everyKind(now - 500),
    ...overrides,
  }
}

export function post(
  h: Harness,
  body: unknown,
  init: { headers?: Record<string, string>; key?: string | null; query?: string } = {},
) {
  const key = init.key === undefined ? h.site.siteKey : init.key
  const headers: Record<string, string> = {
    'content-type': 'text/plain',
    origin: ORIGIN,
    ...(key ? { 'x-sightline-key': key } : {}),
    ...init.headers,
  }
  return h.app.request(`/v1/batch${init.query ?? ''}`, {
    method: 'POST',
    headers,
    body: typeof body === 'string' || body instanceof Uint8Array ? body : JSON.stringify(body),
  })
}

/** A response body as loosely-typed JSON, for assertions. */
// biome-ignore lint/suspicious/noExplicitAny: test assertions read arbitrary JSON shapes
export const json = async (res: Response): Promise<any> => res.json()
