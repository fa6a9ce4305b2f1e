import { randomUUID } from 'node:crypto'
import { Readable } from 'node:stream'
import { gzipSync } from 'node:zlib'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createSite, insertKey } from '../src/db/sites.js'
import { EVENT_TABLES } from '../src/db/tables.js'
import { generateKey } from '../src/keys.js'
import { ingestCounters } from '../src/metrics.js'
import { createHarness, everyKind, type Harness, json, makeBatch, ORIGIN, post } from './ingestHelpers.js'

let h: Harness
beforeAll(async () => {
  h = await createHarness()
})
afterAll(() => h.drop())

const TABLE_OF: Record<string, string> = EVENT_TABLES

describe('POST /v1/batch: storing', () => {
  it('should store each event kind in its table under the batch user_session_id', async () => {
    const batch = makeBatch()
    const res = await post(h, batch)
    expect(res.status).toBe(200)
    expect(await json(res)).toEqual({ ok: true, duplicate: false, accepted: 18, rejected: [] })
    for (const [kind, table] of Object.entries(TABLE_OF)) {
      // The sent signal only: the collector derives others from these events (signals.test.ts).
      const sent = table === 'frustration_signals' ? ` and rule_version = 'dead-1'` : ''
      const rows = await h.db.sql.unsafe(
        `select user_session_id, site_id, page_url from ${table} where user_session_id = $1${sent}`,
        [batch.sessionId],
      )
      expect({ kind, rows: rows.length, site: rows[0]?.siteId }).toEqual({
        kind,
        rows: 1,
        site: h.site.siteId,
      })
    }
    const [session] = await h.db
      .sql`select site_id, actor, identified_id, traits, platform_details, entry_url from user_sessions where id = ${batch.sessionId}`
    expect(session).toMatchObject({
      siteId: h.site.siteId,
      actor: 'human',
      identifiedId: 'user-42',
      traits: { plan: 'pro' },
      entryUrl: 'https://shop.example/',
    })
    expect(session!.platformDetails).toMatchObject({
      browser: 'Chrome',
      version: '156',
      os: 'Linux',
      device: 'desktop',
      viewport: { width: 1280, height: 720 },
    })
    const [click] = await h.db
      .sql`select x, y, selector, text, test_id, role, accessible_name from click_events where user_session_id = ${batch.sessionId}`
    expect(click).toEqual({
      x: 10,
      y: 20,
      selector: 'button#buy',
      text: 'Buy',
      testId: 'buy',
      role: 'button',
      accessibleName: 'Buy',
    })
    const [net] = await h.db
      .sql`select method, url, status, duration_ms from network_requests where user_session_id = ${batch.sessionId}`
    expect(net).toEqual({
      method: 'GET',
      url: 'https://shop.example/api/cart?page=2',
      status: 404,
      durationMs: 35.5,
    })
    const [seg] = await h.db
      .sql`select record_count, has_full_snapshot, encoding, raw_bytes, length(data) as stored from replay_segments where user_session_id = ${batch.sessionId}`
    expect(seg).toMatchObject({ recordCount: 2, hasFullSnapshot: true, encoding: 'gzip' })
  })

  it('should take entry_url from the earliest event, not from the page the batch was sent from', async () => {
    const t = Date.now() - 1000
    const batch = makeBatch({ page: { url: `${ORIGIN}/products` } }, [
      { type: 'custom', t: t + 10, url: `${ORIGIN}/products`, name: 'later' },
      { type: 'pageview', t, url: `${ORIGIN}/?token=abc`, href: `${ORIGIN}/?token=abc`, nav: 'load' },
    ])
    expect((await post(h, batch)).status).toBe(200)
    const [session] = await h.db.sql`select entry_url from user_sessions where id = ${batch.sessionId}`
    expect(session).toEqual({ entryUrl: `${ORIGIN}/?token=[redacted]` })
  })

  it('should store 99 of 100 events when one is invalid, and report the rejected one', async () => {
    const t = Date.now() - 1000
    const events: unknown[] = Array.from({ length: 100 }, (_, i) => ({ type: 'click', t: t + i, x: i, y: i }))
    events[37] = { type: 'click', t, x: 'not a number', y: 1 }
    const batch = makeBatch({}, events)
    const res = await post(h, batch)
    expect(res.status).toBe(200)
    const body = await json(res)
    expect(body).toMatchObject({
      ok: true,
      accepted: 99,
      rejected: [{ index: 37, reason: 'invalid_schema' }],
    })
    expect(body.rejected[0].message).toMatch(/^x: /)
    const [n] = await h.db
      .sql`select count(*)::int as n from click_events where user_session_id = ${batch.sessionId}`
    expect(n!.n).toBe(99)
  })

  it('should store a retried batch once and say duplicate', async () => {
    const batch = makeBatch()
    expect((await json(await post(h, batch))).duplicate).toBe(false)
    const retry = await post(h, { ...batch, sentAt: Date.now() })
    expect(retry.status).toBe(200)
    expect(await json(retry)).toEqual({ ok: true, duplicate: true, accepted: 0, rejected: [] })
    const [n] = await h.db
      .sql`select count(*)::int as n from click_events where user_session_id = ${batch.sessionId}`
    expect(n!.n).toBe(1)
    // The same tab and sequence with another batch id is the same batch too.
    const sameSeq = await post(h, { ...batch, batchId: randomUUID() })
    expect((await json(sameSeq)).duplicate).toBe(true)
  })

  it('should store concurrent copies of one batch exactly once', async () => {
    const batch = makeBatch()
    const answers = await Promise.all(Array.from({ length: 5 }, async () => json(await post(h, batch))))
    expect(answers.filter((a) => a.duplicate === false)).toHaveLength(1)
    const [n] = await h.db
      .sql`select count(*)::int as n from page_performance where user_session_id = ${batch.sessionId}`
    expect(n!.n).toBe(1)
  })

  it('should correct a client clock that is 2 hours ahead and keep the spacing of events', async () => {
    const skew = 2 * 3600_000
    const now = Date.now()
    const events = [
      { type: 'click', t: now + skew - 3000, x: 1, y: 1 },
      { type: 'click', t: now + skew - 1000, x: 2, y: 2 },
    ]
    const batch = makeBatch({ sentAt: now + skew, session: { startedAt: now + skew - 5000 } }, events)
    expect((await post(h, batch)).status).toBe(200)
    const rows = await h.db.sql<
      { occurredAt: Date }[]
    >`select occurred_at from click_events where user_session_id = ${batch.sessionId} order by x`
    expect(Math.abs(rows[0]!.occurredAt.getTime() - (now - 3000))).toBeLessThan(5000)
    expect(rows[1]!.occurredAt.getTime() - rows[0]!.occurredAt.getTime()).toBe(2000)
    const [b] = await h.db.sql`select clock_offset_ms from ingested_batches where batch_id = ${batch.batchId}`
    expect(Math.abs(b!.clockOffsetMs + skew)).toBeLessThan(5000)
  })

  it('should leave a small drift uncorrected', async () => {
    const now = Date.now()
    const batch = makeBatch({ sentAt: now + 20_000 }, [{ type: 'click', t: now + 19_000, x: 1, y: 1 }])
    await post(h, batch)
    const [row] = await h.db.sql<
      { occurredAt: Date }[]
    >`select occurred_at from click_events where user_session_id = ${batch.sessionId}`
    expect(row!.occurredAt.getTime()).toBe(now + 19_000)
  })

  it('should scrub cards, tokens and secrets before storage and count each replacement', async () => {
    const t = Date.now() - 1000
    const batch = makeBatch({ page: { url: 'https://shop.example/cb?access_token=SECRET123&page=1' } }, [
      { type: 'click', t, x: 1, y: 1, text: 'card 4111 1111 1111 1111' },
      {
        type: 'network',
        t,
        method: 'POST',
        target: 'https://api.example/x?api_key=K3Y',
        requestHeaders: { Authorization: 'Bearer abcdefghijkl' },
        requestBody: '{"password":"hunter2"}',
      },
      { type: 'custom', t, name: 'login', props: { password: 'hunter2', user: 'ok' } },
    ])
    expect((await post(h, batch)).status).toBe(200)
    const [click] = await h.db
      .sql`select text, page_url from click_events where user_session_id = ${batch.sessionId}`
    expect(click).toEqual({
      text: 'card [card]',
      pageUrl: 'https://shop.example/cb?access_token=[redacted]&page=1',
    })
    const [net] = await h.db
      .sql`select url, request_headers from network_requests where user_session_id = ${batch.sessionId}`
    expect(net).toEqual({
      url: 'https://api.example/x?api_key=[redacted]',
      requestHeaders: { Authorization: '[redacted]' },
    })
    const [custom] = await h.db
      .sql`select props from custom_events where user_session_id = ${batch.sessionId}`
    expect(custom!.props).toEqual({ password: '[redacted]', user: 'ok' })
    const [b] = await h.db.sql`select scrubbed_count from ingested_batches where batch_id = ${batch.batchId}`
    expect(b!.scrubbedCount).toBeGreaterThanOrEqual(5)
    const metrics = await (await h.app.request('/metrics')).text()
    expect(metrics).toMatch(/sightline_scrubbed_values_total\{rule="card"\} [1-9]/)
  })

  it('should create a missing daily partition and store the batch', async () => {
    const [today] = await h.db.sql<{ name: string }[]>`
      select c.relname as name from pg_inherits i join pg_class c on c.oid = i.inhrelid
      where i.inhparent = 'click_events'::regclass
        and c.relname = 'click_events_p' || to_char(now() at time zone 'utc', 'YYYYMMDD')`
    expect(today).toBeDefined()
    await h.db.sql.unsafe(`drop table ${today!.name}`)
    const batch = makeBatch({}, [{ type: 'click', t: Date.now() - 100, x: 1, y: 2 }])
    const res = await post(h, batch)
    expect(res.status).toBe(200)
    const [n] = await h.db
      .sql`select count(*)::int as n from click_events where user_session_id = ${batch.sessionId}`
    expect(n!.n).toBe(1)
  })

  it('should accept the encoding in the query string, so browsers need no preflight', async () => {
    const batch = makeBatch()
    const res = await post(h, gzipSync(JSON.stringify(batch)), { query: '?encoding=gzip' })
    expect(res.status).toBe(200)
    expect((await json(res)).accepted).toBe(18)
  })

  it('should accept gzip and deflate bodies and the key in the query string', async () => {
    const batch = makeBatch()
    const res = await post(h, gzipSync(JSON.stringify(batch)), {
      headers: { 'content-encoding': 'gzip' },
      key: null,
      query: `?key=${h.site.siteKey}`,
    })
    expect(res.status).toBe(200)
    expect((await json(res)).accepted).toBe(18)
  })
})

describe('POST /v1/batch: refusing', () => {
  const expectError = async (res: Response, status: number, code: string) => {
    expect({ status: res.status, code: (await json(res)).error?.code }).toEqual({ status, code })
  }

  it('should answer 405 for other methods and 415 for other content types and encodings', async () => {
    const get = await h.app.request('/v1/batch')
    await expectError(get, 405, 'method_not_allowed')
    await expectError(
      await post(h, makeBatch(), { headers: { 'content-type': 'application/xml' } }),
      415,
      'unsupported_media_type',
    )
    await expectError(
      await post(h, makeBatch(), { headers: { 'content-encoding': 'br' } }),
      415,
      'unsupported_encoding',
    )
    const stacked = await post(h, gzipSync(gzipSync(JSON.stringify(makeBatch()))), {
      headers: { 'content-encoding': 'gzip, gzip' },
    })
    await expectError(stacked, 415, 'unsupported_encoding')
  })

  it('should answer 401 for missing, unknown and revoked keys and 403 for read keys and foreign origins', async () => {
    await expectError(await post(h, makeBatch(), { key: null }), 401, 'missing_key')
    await expectError(await post(h, makeBatch(), { key: generateKey('site').secret }), 401, 'invalid_key')
    await expectError(await post(h, makeBatch(), { key: 'garbage' }), 401, 'invalid_key')
    await expectError(await post(h, makeBatch(), { key: h.site.readKey }), 403, 'wrong_key_kind')
    await expectError(
      await post(h, makeBatch(), { headers: { origin: 'https://evil.example' } }),
      403,
      'origin_not_allowed',
    )
    const noOrigin = await h.app.request('/v1/batch', {
      method: 'POST',
      headers: { 'content-type': 'text/plain', 'x-sightline-key': h.site.siteKey },
      body: JSON.stringify(makeBatch()),
    })
    await expectError(noOrigin, 403, 'origin_required')
    const revoked = generateKey('site')
    await insertKey(h.db.sql, {
      companyId: h.site.companyId,
      siteId: h.site.siteId,
      kind: 'site',
      key: revoked,
      label: 'old',
    })
    await h.db.sql`update api_keys set revoked_at = now() where key_hash = ${revoked.hash}`
    await expectError(await post(h, makeBatch(), { key: revoked.secret }), 401, 'revoked_key')
  })

  it('should answer 400 for malformed JSON, invalid UTF-8, an empty body, a bad envelope, and all-invalid events', async () => {
    await expectError(await post(h, '{"v":1,'), 400, 'malformed_json')
    await expectError(await post(h, new Uint8Array([0x7b, 0xff, 0xfe, 0x7d])), 400, 'invalid_utf8')
    await expectError(await post(h, ''), 400, 'empty_body')
    await expectError(await post(h, { ...makeBatch(), sessionId: 'nope' }), 400, 'invalid_batch')
    await expectError(await post(h, makeBatch({}, [{ type: 'nope', t: 1 }])), 400, 'invalid_events')
    await expectError(await post(h, '['.repeat(1_000_000)), 400, 'too_deep')
    const truncated = gzipSync(JSON.stringify(makeBatch())).subarray(0, 40)
    await expectError(
      await post(h, truncated, { headers: { 'content-encoding': 'gzip' } }),
      400,
      'bad_encoding',
    )
  })

  it('should accept a replay snapshot nested 1,100 levels and refuse one nested 5,000', async () => {
    const nest = (levels: number) => {
      let node: Record<string, unknown> = { type: 3, id: 1, textContent: 'x' }
      for (let i = 0; i < levels / 2; i++) node = { type: 2, id: i + 2, childNodes: [node] }
      return node
    }
    const t = Date.now() - 100
    const ok = await post(
      h,
      makeBatch({}, [
        { type: 'replay', t, segment: 0, records: [{ type: 2, timestamp: t, data: { node: nest(1100) } }] },
      ]),
    )
    expect(ok.status).toBe(200)
    // 5,000 levels: built as text, since JSON.stringify itself overflows the stack on it.
    const deepNode = `${'{"type":2,"id":2,"childNodes":['.repeat(2500)}{"type":3,"id":1,"textContent":"x"}${']}'.repeat(2500)}`
    const text = JSON.stringify(
      makeBatch({}, [
        { type: 'replay', t, segment: 0, records: [{ type: 2, timestamp: t, data: { node: 'DEEP' } }] },
      ]),
    ).replace('"DEEP"', deepNode)
    await expectError(await post(h, text), 400, 'too_deep')
  })

  it('should refuse bodies over 1 MiB by Content-Length, chunked, and lying framing, and accept 900 KiB', async () => {
    const big = JSON.stringify(
      makeBatch({}, [{ type: 'console', t: Date.now(), level: 'log', message: 'x'.repeat(10) }]),
    ).padEnd(1_100_000, ' ')
    await expectError(await post(h, big), 413, 'payload_too_large')
    const chunked = (text: string, contentLength?: string) =>
      h.app.request(
        new Request('http://collector/v1/batch', {
          method: 'POST',
          headers: {
            'content-type': 'text/plain',
            origin: ORIGIN,
            'x-sightline-key': h.site.siteKey,
            ...(contentLength ? { 'content-length': contentLength } : {}),
          },
          body: Readable.toWeb(
            Readable.from([Buffer.from(text.slice(0, 500_000)), Buffer.from(text.slice(500_000))]),
          ) as ReadableStream,
          duplex: 'half',
        } as RequestInit),
      )
    await expectError(await chunked(big), 413, 'payload_too_large')
    await expectError(await chunked(big, '1000'), 413, 'payload_too_large')
    const fine = JSON.stringify(
      makeBatch({}, [{ type: 'console', t: Date.now(), level: 'log', message: 'y' }]),
    ).padEnd(900 * 1024, ' ')
    expect((await chunked(fine)).status).toBe(200)
    expect((await post(h, fine)).status).toBe(200)
  })

  it('should refuse a gzip bomb of 1 GiB of zeros in well under a second without large memory growth', async () => {
    const { createGzip } = await import('node:zlib')
    const chunk = Buffer.alloc(1024 * 1024)
    const parts: Buffer[] = []
    const gz = createGzip({ level: 9 })
    gz.on('data', (d: Buffer) => parts.push(d))
    const finished = new Promise((r) => gz.on('end', r))
    for (let i = 0; i < 1024; i++) if (!gz.write(chunk)) await new Promise((r) => gz.once('drain', r))
    gz.end()
    await finished
    const bomb = Buffer.concat(parts)
    expect(bomb.length).toBeLessThan(1024 * 1024) // fits the wire cap, so the decompression cap is what refuses it
    const before = process.memoryUsage().rss
    const started = performance.now()
    const res = await post(h, bomb, { headers: { 'content-encoding': 'gzip' } })
    const ms = performance.now() - started
    expect(res.status).toBe(413)
    expect((await json(res)).error.message).toMatch(/after decompression/)
    expect(ms).toBeLessThan(1000)
    expect(process.memoryUsage().rss - before).toBeLessThan(64 * 1024 * 1024)
  })

  it('should never let site A write into a session of site B', async () => {
    const other = await createSite(h.db.sql, {
      name: 'other',
      companyName: `other ${randomUUID()}`,
      origins: [ORIGIN],
    })
    const batch = makeBatch()
    expect((await post(h, batch, { key: other.siteKey })).status).toBe(200)
    const before = await h.db
      .sql`select count(*)::int as n from click_events where user_session_id = ${batch.sessionId}`
    const attack = await post(h, { ...batch, batchId: randomUUID(), seq: 1 })
    expect(attack.status).toBe(409)
    expect((await json(attack)).error.code).toBe('session_conflict')
    expect(
      await h.db.sql`select count(*)::int as n from click_events where user_session_id = ${batch.sessionId}`,
    ).toEqual(before)
    const [owner] = await h.db.sql`select site_id from user_sessions where id = ${batch.sessionId}`
    expect(owner!.siteId).toBe(other.siteId)
  })

  it('should answer 429 with Retry-After past the per-key rate', async () => {
    const limited = await createHarness({ rateLimit: { ratePerSecond: 1, burst: 2 } })
    try {
      const statuses = []
      for (let i = 0; i < 3; i++) statuses.push((await post(limited, makeBatch())).status)
      expect(statuses).toEqual([200, 200, 429])
      const res = await post(limited, makeBatch())
      expect(res.headers.get('retry-after')).toBe('1')
      expect((await json(res)).error.code).toBe('rate_limited')
    } finally {
      await limited.drop()
    }
  })
})

describe('CORS and the endpoints around ingest', () => {
  it('should answer a preflight only for the site allowed origins', async () => {
    const ok = await h.app.request(`/v1/batch?key=${h.site.siteKey}`, {
      method: 'OPTIONS',
      headers: { origin: ORIGIN, 'access-control-request-method': 'POST' },
    })
    expect(ok.status).toBe(204)
    expect(ok.headers.get('access-control-allow-origin')).toBe(ORIGIN)
    expect(Number(ok.headers.get('access-control-max-age'))).toBeGreaterThanOrEqual(600)
    expect(ok.headers.get('access-control-allow-credentials')).toBeNull()
    const bad = await h.app.request(`/v1/batch?key=${h.site.siteKey}`, {
      method: 'OPTIONS',
      headers: { origin: 'https://evil.example' },
    })
    expect(bad.status).toBe(403)
    expect(bad.headers.get('access-control-allow-origin')).toBeNull()
    const res = await post(h, makeBatch())
    expect(res.headers.get('access-control-allow-origin')).toBe(ORIGIN)
  })

  it('should serve /healthz, /readyz, /metrics and /sdk.js with an ETag', async () => {
    const health = await h.app.request('/healthz')
    expect(health.status).toBe(200)
    expect(await json(health)).toMatchObject({ status: 'ok', database: { status: 'up' } })
    const metrics = await h.app.request('/metrics')
    expect(metrics.headers.get('content-type')).toMatch(/text\/plain/)
    // The write queue in rows and in bytes (nothing waits between tests).
    const text = await metrics.text()
    expect(text).toMatch(/^sightline_writer_pending_rows 0$/m)
    expect(text).toMatch(/^sightline_writer_pending_bytes 0$/m)
    const sdk = await h.app.request('/sdk.js')
    expect(sdk.status).toBe(200)
    const etag = sdk.headers.get('etag')!
    expect(etag).toMatch(/^"/)
    expect((await h.app.request('/sdk.js', { headers: { 'if-none-match': etag } })).status).toBe(304)
  })

  it('should account for every request: received = stored + duplicate + rejected + rate_limited + unavailable', async () => {
    // 401 and 415 are refused before the rate limiter, so 5 tokens cover the 5 requests that reach it.
    const a = await createHarness({ rateLimit: { ratePerSecond: 0.001, burst: 5 } })
    try {
      const batch = makeBatch()
      const sent = [
        await post(a, batch),
        await post(a, batch),
        await post(a, makeBatch({}, [{ type: 'nope', t: 1 }])),
        await post(a, '{'),
        await post(a, makeBatch(), { key: null }),
        await post(a, makeBatch(), { headers: { 'content-type': 'image/png' } }),
        await post(a, makeBatch()),
        await post(a, makeBatch()),
      ]
      expect(sent.map((r) => r.status)).toEqual([200, 200, 400, 400, 401, 415, 200, 429])
      const text = await (await a.app.request('/metrics')).text()
      const total = (outcome: string) =>
        [
          ...text.matchAll(
            new RegExp(`^sightline_ingest_batches_total\\{outcome="${outcome}"[^}]*\\} (\\d+)`, 'gm'),
          ),
        ].reduce((n, m) => n + Number(m[1]), 0)
      expect({
        received: Number(/^sightline_ingest_batches_received_total (\d+)/m.exec(text)?.[1]),
        stored: total('stored'),
        duplicate: total('duplicate'),
        rejected: total('rejected'),
        rateLimited: total('rate_limited'),
        unavailable: total('unavailable'),
        error: total('error'),
      }).toEqual({
        received: 8,
        stored: 2,
        duplicate: 1,
        rejected: 4,
        rateLimited: 1,
        unavailable: 0,
        error: 0,
      })
      // The same figures as the shutdown log line carries them.
      expect((await ingestCounters(a.app.deps.metrics)).batches).toEqual({
        received: 8,
        outcomes: {
          stored: 2,
          duplicate: 1,
          'rejected/invalid_events': 1,
          'rejected/malformed_json': 1,
          'rejected/missing_key': 1,
          'rejected/unsupported_media_type': 1,
          rate_limited: 1,
        },
      })
    } finally {
      await a.drop()
    }
  })
})

export { everyKind }
