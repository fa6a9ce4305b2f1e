import { createServer, type Server } from 'node:http'
import type { AddressInfo } from 'node:net'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { fetchDerivedSignals } from './derived.js'

const READ_KEY = `slr_${'k'.repeat(32)}`
const OK = '00000000-0000-4000-8000-000000000001'
const GONE = '00000000-0000-4000-8000-000000000002'
let server: Server
let endpoint: string
const seen: { url: string; auth: string | undefined }[] = []

beforeAll(async () => {
  server = createServer((req, res) => {
    seen.push({ url: req.url!, auth: req.headers.authorization })
    res.setHeader('content-type', 'application/json')
    if (req.url === `/v1/sessions/${OK}/signals`) {
      const row = (kind: string, at: string, extra = {}) => ({
        sessionId: OK,
        kind,
        reason: null,
        selector: null,
        pageUrl: 'https://shop.example/cart?step=2#top',
        at,
        evidence: {},
        ruleVersion: `${kind}-1`,
        ...extra,
      })
      res.end(
        JSON.stringify({
          signals: [
            row('dead_click', '2026-11-22T10:00:01.000Z', { selector: 'button#a', reason: 'no_reaction' }),
            row('quick_back', '2026-11-22T10:00:03.000Z'),
            row('failed_request_click', '2026-11-22T10:00:02.000Z', {
              selector: 'button#buy',
              reason: 'http_5xx',
              evidence: { status: 500 },
            }),
          ],
        }),
      )
    } else {
      res.statusCode = 404
      res.end(JSON.stringify({ error: { code: 'not_found', message: 'no such session', details: {} } }))
    }
  })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  endpoint = `http://127.0.0.1:${(server.address() as AddressInfo).port}`
})
afterAll(() => new Promise((resolve) => server.close(resolve)))

describe('fetchDerivedSignals', () => {
  it("should keep the collector's own kinds only, as signals in time order, and warn for what it cannot read", async () => {
    const { signals, warnings } = await fetchDerivedSignals(endpoint, READ_KEY, [OK, GONE])
    expect(seen.every((r) => r.auth === `Bearer ${READ_KEY}`)).toBe(true)
    expect(signals).toEqual([
      {
        kind: 'failed_request_click',
        page: 'https://shop.example/cart',
        time: Date.parse('2026-11-22T10:00:02.000Z'),
        selector: 'button#buy',
        message: 'http_5xx',
        sessionId: OK,
        event: { derived: true, ruleVersion: 'failed_request_click-1', evidence: { status: 500 } },
      },
      {
        kind: 'quick_back',
        page: 'https://shop.example/cart',
        time: Date.parse('2026-11-22T10:00:03.000Z'),
        sessionId: OK,
        event: { derived: true, ruleVersion: 'quick_back-1', evidence: {} },
      },
    ])
    expect(warnings).toEqual([`derived signals of session ${GONE} not read: 404 no such session`])
  })

  it('should warn, not throw, when the collector cannot be reached', async () => {
    const { signals, warnings } = await fetchDerivedSignals('http://127.0.0.1:9', READ_KEY, [OK])
    expect(signals).toEqual([])
    expect(warnings).toHaveLength(1)
    expect(warnings[0]).toMatch(/^derived signals of session .* not read: /)
  })
})
